//! The one error type of the credentials providers.

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};

/// What went wrong, broadly; the message says exactly what.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CredentialsErrorKind {
    /// The source holds no credentials: variables unset, file absent, profile
    /// absent, or the source disabled.
    NotConfigured,
    /// The source exists but is wrong: bad syntax, a missing or empty field,
    /// a value of the wrong type.
    Invalid,
    /// The source asks for something this SDK does not implement (a CLI
    /// profile mode, a credentials file type).
    Unsupported,
    /// Reading the source failed: an I/O error, a network error or timeout,
    /// a non-success reply from the metadata service.
    Unavailable,
    /// No source of a chain produced credentials; see
    /// [`CredentialsError::tried`].
    NoSourceSucceeded,
}

/// Why credentials could not be loaded: which source, what is wrong, and
/// where (file and line, JSON field, or environment variable).
///
/// By construction it never holds a secret: messages name fields and
/// variables, never their values.
#[derive(Debug, Clone)]
pub struct CredentialsError {
    // Boxed: keeps `Result<Credentials, CredentialsError>` small.
    inner: Box<Inner>,
}

#[derive(Debug, Clone)]
struct Inner {
    provider: Cow<'static, str>,
    kind: CredentialsErrorKind,
    message: String,
    path: Option<PathBuf>,
    line: Option<usize>,
    field: Option<String>,
    variable: Option<String>,
    tried: Vec<CredentialsError>,
}

impl CredentialsError {
    /// A new error from the provider named `provider`.
    ///
    /// `message` must not contain a secret; custom providers should follow the
    /// same rule as the built-in ones.
    pub fn new(
        provider: impl Into<Cow<'static, str>>,
        kind: CredentialsErrorKind,
        message: impl Into<String>,
    ) -> Self {
        Self {
            inner: Box::new(Inner {
                provider: provider.into(),
                kind,
                message: message.into(),
                path: None,
                line: None,
                field: None,
                variable: None,
                tried: Vec::new(),
            }),
        }
    }

    /// Names the file the error is about.
    pub fn with_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.inner.path = Some(path.into());
        self
    }

    /// Names the line (1-based) of the file the error is about.
    pub fn with_line(mut self, line: usize) -> Self {
        self.inner.line = Some(line);
        self
    }

    /// Names the field (a JSON path such as `profiles[1].mode`, or an INI key).
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.inner.field = Some(field.into());
        self
    }

    /// Names the environment variable the error is about.
    pub fn with_variable(mut self, variable: impl Into<String>) -> Self {
        self.inner.variable = Some(variable.into());
        self
    }

    /// Attaches the errors of every source a chain tried, in order.
    pub fn with_tried(mut self, tried: Vec<CredentialsError>) -> Self {
        self.inner.tried = tried;
        self
    }

    /// The provider that failed (`"environment"`, `"cli profile"`, ...).
    pub fn provider(&self) -> &str {
        &self.inner.provider
    }

    /// The broad kind of failure.
    pub fn kind(&self) -> CredentialsErrorKind {
        self.inner.kind
    }

    /// What is wrong, without the location.
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// The file involved, if any.
    pub fn path(&self) -> Option<&Path> {
        self.inner.path.as_deref()
    }

    /// The 1-based line of the file, if known.
    pub fn line(&self) -> Option<usize> {
        self.inner.line
    }

    /// The field involved, if any.
    pub fn field(&self) -> Option<&str> {
        self.inner.field.as_deref()
    }

    /// The environment variable involved, if any.
    pub fn variable(&self) -> Option<&str> {
        self.inner.variable.as_deref()
    }

    /// For a chain: the error of each source tried, in order.
    pub fn tried(&self) -> &[CredentialsError] {
        &self.inner.tried
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let this = &self.inner;
        write!(f, "{}: {}", this.provider, this.message)?;
        let mut location = Vec::new();
        if let Some(path) = &this.path {
            location.push(format!("file {}", path.display()));
        }
        if let Some(line) = this.line {
            location.push(format!("line {line}"));
        }
        if let Some(field) = &this.field {
            location.push(format!("field `{field}`"));
        }
        if let Some(variable) = &this.variable {
            location.push(format!("variable {variable}"));
        }
        if !location.is_empty() {
            write!(f, " ({})", location.join(", "))?;
        }
        if !this.tried.is_empty() {
            f.write_str(" [")?;
            for (i, error) in this.tried.iter().enumerate() {
                if i > 0 {
                    f.write_str("; ")?;
                }
                write!(f, "{}. {error}", i + 1)?;
            }
            f.write_str("]")?;
        }
        Ok(())
    }
}

impl std::error::Error for CredentialsError {}

/// Renders an error and its `source()` chain on one line: reqwest and hyper
/// put the useful part ("connection refused") in the chain, not the top.
pub(crate) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        // Some layers repeat their source's text; skip the duplicate.
        if !text.ends_with(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}
