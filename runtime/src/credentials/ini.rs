//! A small INI parser for the credentials file: `[section]` headers,
//! `key = value` (or `key: value`) pairs, `#` and `;` comments.
//!
//! Keys are compared case-insensitively (Python's configparser lowercases
//! them); section names are case-sensitive. A later duplicate section or key
//! extends or overrides the earlier one. Errors carry a line number and never
//! the line's text, which may hold a secret.

use std::collections::BTreeMap;

/// One section: lowercased key -> value.
pub(crate) type Section = BTreeMap<String, String>;

/// A parse error: the 1-based line and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IniError {
    pub(crate) line: usize,
    pub(crate) message: &'static str,
}

/// Parses the whole file into sections.
pub(crate) fn parse(text: &str) -> Result<BTreeMap<String, Section>, IniError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut sections: BTreeMap<String, Section> = BTreeMap::new();
    let mut current: Option<String> = None;
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let error = |message| IniError { line, message };
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix('[') {
            let Some(end) = rest.find(']') else {
                return Err(error("section header is missing its closing `]`"));
            };
            let after = rest[end + 1..].trim();
            if !(after.is_empty() || after.starts_with('#') || after.starts_with(';')) {
                return Err(error("unexpected text after the section header"));
            }
            let name = rest[..end].trim();
            if name.is_empty() {
                return Err(error("empty section name"));
            }
            sections.entry(name.to_owned()).or_default();
            current = Some(name.to_owned());
            continue;
        }
        let Some(split) = trimmed.find(['=', ':']) else {
            return Err(error(
                "expected `key = value`, a `[section]` header or a comment",
            ));
        };
        let key = trimmed[..split].trim();
        if key.is_empty() {
            return Err(error("empty key before `=`"));
        }
        let Some(section) = current.as_ref().and_then(|name| sections.get_mut(name)) else {
            return Err(error("key outside any `[section]`"));
        };
        let value = clean_value(&trimmed[split + 1..]);
        section.insert(key.to_ascii_lowercase(), value.to_owned());
    }
    Ok(sections)
}

/// Drops an inline comment (`#` or `;` after whitespace, so that values may
/// contain those characters) and one pair of matching surrounding quotes.
fn clean_value(raw: &str) -> &str {
    let mut value = raw;
    let bytes = raw.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if (b == b'#' || b == b';') && i > 0 && bytes[i - 1].is_ascii_whitespace() {
            value = &raw[..i];
            break;
        }
    }
    let value = value.trim();
    for quote in ['"', '\''] {
        if let Some(inner) = value
            .strip_prefix(quote)
            .and_then(|v| v.strip_suffix(quote))
        {
            return inner;
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sections_comments_and_quotes() {
        let text = "\u{feff}# top\n[default]\nType = access_key ; kind\naccess_key_id: \"id\"\n\n[other]\nk=v#not-a-comment\n";
        let parsed = parse(text).expect("valid");
        let default = &parsed["default"];
        assert_eq!(default["type"], "access_key");
        assert_eq!(default["access_key_id"], "id");
        assert_eq!(parsed["other"]["k"], "v#not-a-comment");
    }

    #[test]
    fn errors_name_the_line() {
        assert_eq!(parse("[a]\nk = v\njunk\n").unwrap_err().line, 3);
        assert_eq!(parse("k = v\n").unwrap_err().line, 1);
        assert_eq!(parse("\n[a\n").unwrap_err().line, 2);
        assert_eq!(parse("[a]\n= v\n").unwrap_err().line, 2);
        assert_eq!(parse("[]\n").unwrap_err().line, 1);
    }
}
