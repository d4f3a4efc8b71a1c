//! An injectable view of the process environment, so that providers can be
//! tested without touching the real environment or the real home directory.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// Where providers read environment variables (and the home directory) from.
///
/// [`Env::real()`] (the default) reads the process environment;
/// [`Env::from_map`] reads a fixed map, for tests and for applications that
/// keep their configuration elsewhere.
///
/// Empty values count as unset, as in the official SDKs. `Debug` lists the
/// variable names of a map but never their values (they may be secrets).
#[derive(Clone, Default)]
pub struct Env {
    map: Option<Arc<BTreeMap<String, String>>>,
}

impl Env {
    /// The process environment.
    pub fn real() -> Self {
        Self { map: None }
    }

    /// A fixed set of variables; nothing else is visible (not even `HOME`).
    pub fn from_map<I, K, V>(vars: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let map = vars
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        Self {
            map: Some(Arc::new(map)),
        }
    }

    /// The value of `name`, or `None` when unset, empty, or not valid Unicode.
    pub fn get(&self, name: &str) -> Option<String> {
        let value = match &self.map {
            Some(map) => map.get(name).cloned(),
            None => std::env::var(name).ok(),
        };
        value.filter(|v| !v.is_empty())
    }

    /// Whether `name` is set to `true` (any case), the official SDKs' rule for
    /// switches such as `ALIBABA_CLOUD_ECS_METADATA_DISABLED`.
    pub fn is_true(&self, name: &str) -> bool {
        self.get(name)
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
    }

    /// The home directory: `HOME`, else (as on Windows) `USERPROFILE`.
    pub fn home_dir(&self) -> Option<PathBuf> {
        self.get("HOME")
            .or_else(|| self.get("USERPROFILE"))
            .map(PathBuf::from)
    }
}

impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.map {
            None => f.write_str("Env::real"),
            Some(map) => f
                .debug_struct("Env::from_map")
                .field("names", &map.keys().collect::<Vec<_>>())
                .finish(),
        }
    }
}
