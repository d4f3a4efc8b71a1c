//! Client-side checks from the spec, run before anything is signed or sent.
//! Each failure names the parameter and the limit.

use crate::error::{ValidationError, ValidationProblem};
use std::collections::BTreeMap;

/// Set-ness and size of a parameter value.
pub trait Checkable {
    /// Whether a value was given (lists and maps: not empty).
    fn is_set(&self) -> bool;
    /// Number of items, for `maxItems`.
    fn item_count(&self) -> usize {
        usize::from(self.is_set())
    }
    /// Length in characters, for `maxLength` (strings only).
    fn char_len(&self) -> Option<usize> {
        None
    }
    /// The text, for enum checks (strings only).
    fn as_text(&self) -> Option<&str> {
        None
    }
    /// The value, for integer enum checks (integers only).
    fn as_number(&self) -> Option<i64> {
        None
    }
    /// The value, for `minimum`/`maximum` (numbers only).
    fn as_f64(&self) -> Option<f64> {
        self.as_number().map(|n| n as f64)
    }
}

impl<T: Checkable> Checkable for Option<T> {
    fn is_set(&self) -> bool {
        self.is_some()
    }
    fn item_count(&self) -> usize {
        self.as_ref().map_or(0, Checkable::item_count)
    }
    fn char_len(&self) -> Option<usize> {
        self.as_ref().and_then(Checkable::char_len)
    }
    fn as_text(&self) -> Option<&str> {
        self.as_ref().and_then(Checkable::as_text)
    }
    fn as_number(&self) -> Option<i64> {
        self.as_ref().and_then(Checkable::as_number)
    }
    fn as_f64(&self) -> Option<f64> {
        self.as_ref().and_then(Checkable::as_f64)
    }
}

impl Checkable for String {
    fn is_set(&self) -> bool {
        true
    }
    fn char_len(&self) -> Option<usize> {
        Some(self.chars().count())
    }
    fn as_text(&self) -> Option<&str> {
        Some(self)
    }
}

impl<T> Checkable for Vec<T> {
    fn is_set(&self) -> bool {
        !self.is_empty()
    }
    fn item_count(&self) -> usize {
        self.len()
    }
}

impl<V> Checkable for BTreeMap<String, V> {
    fn is_set(&self) -> bool {
        !self.is_empty()
    }
    fn item_count(&self) -> usize {
        self.len()
    }
}

macro_rules! always_set {
    ($($t:ty),*) => {$(
        impl Checkable for $t {
            fn is_set(&self) -> bool {
                true
            }
        }
    )*};
}
always_set!(bool, serde_json::Value);

impl Checkable for f64 {
    fn is_set(&self) -> bool {
        true
    }
    fn as_f64(&self) -> Option<f64> {
        Some(*self)
    }
}

macro_rules! integer {
    ($($t:ty),*) => {$(
        impl Checkable for $t {
            fn is_set(&self) -> bool {
                true
            }
            fn as_number(&self) -> Option<i64> {
                Some(i64::from(*self))
            }
        }
    )*};
}
integer!(i32, i64);

/// `required: true`.
pub fn required<T: Checkable>(name: &'static str, value: &T) -> Result<(), ValidationError> {
    if value.is_set() {
        Ok(())
    } else {
        Err(ValidationError::new(name, ValidationProblem::Missing))
    }
}

/// `maxItems`.
pub fn max_items<T: Checkable>(
    name: &'static str,
    value: &T,
    max: usize,
) -> Result<(), ValidationError> {
    let count = value.item_count();
    if count > max {
        Err(ValidationError::new(
            name,
            ValidationProblem::TooManyItems { max, actual: count },
        ))
    } else {
        Ok(())
    }
}

/// `maxLength`, in characters (Alibaba counts characters, not bytes).
pub fn max_length<T: Checkable>(
    name: &'static str,
    value: &T,
    max: usize,
) -> Result<(), ValidationError> {
    match value.char_len() {
        Some(len) if len > max => Err(ValidationError::new(
            name,
            ValidationProblem::TooLong { max, actual: len },
        )),
        _ => Ok(()),
    }
}

/// A closed `enum`: the value must be one of `allowed`.
pub fn one_of<T: Checkable>(
    name: &'static str,
    value: &T,
    allowed: &'static [&'static str],
) -> Result<(), ValidationError> {
    match value.as_text() {
        Some(text) if !allowed.contains(&text) => Err(ValidationError::new(
            name,
            ValidationProblem::NotAllowed {
                value: text.to_string(),
                allowed,
            },
        )),
        _ => Ok(()),
    }
}

/// A closed integer `enum`: the value must be one of `allowed`.
pub fn one_of_number<T: Checkable>(
    name: &'static str,
    value: &T,
    allowed: &'static [i64],
) -> Result<(), ValidationError> {
    match value.as_number() {
        Some(n) if !allowed.contains(&n) => Err(ValidationError::new(
            name,
            ValidationProblem::NumberNotAllowed { value: n, allowed },
        )),
        _ => Ok(()),
    }
}

/// `minimum` (with `exclusiveMinimum` when `exclusive`).
pub fn minimum<T: Checkable>(
    name: &'static str,
    value: &T,
    limit: f64,
    exclusive: bool,
) -> Result<(), ValidationError> {
    let words = if exclusive { "above" } else { "at least" };
    bound(
        name,
        value,
        words,
        |v| v > limit || (!exclusive && v == limit),
        limit,
    )
}

/// `maximum` (with `exclusiveMaximum` when `exclusive`).
pub fn maximum<T: Checkable>(
    name: &'static str,
    value: &T,
    limit: f64,
    exclusive: bool,
) -> Result<(), ValidationError> {
    let words = if exclusive { "below" } else { "at most" };
    bound(
        name,
        value,
        words,
        |v| v < limit || (!exclusive && v == limit),
        limit,
    )
}

/// A numeric value set and outside its bound (NaN compares as inside, as the
/// service decides) is refused, saying the bound
/// in `words` (`at least 1`).
fn bound<T: Checkable>(
    name: &'static str,
    value: &T,
    words: &str,
    within: impl Fn(f64) -> bool,
    limit: f64,
) -> Result<(), ValidationError> {
    match value.as_f64() {
        Some(v) if !v.is_nan() && !within(v) => Err(ValidationError::new(
            name,
            // `f64`'s Display prints integers without a fraction (`100`).
            ValidationProblem::OutOfRange {
                value: v.to_string(),
                limit: format!("{words} {limit}"),
            },
        )),
        _ => Ok(()),
    }
}

/// `pattern`: the value must match the regular expression. A pattern the
/// engine cannot compile checks nothing (the service still does), so a
/// metadata quirk never blocks a call.
pub fn pattern<T: Checkable>(
    name: &'static str,
    value: &T,
    pattern: &'static str,
) -> Result<(), ValidationError> {
    let Some(text) = value.as_text() else {
        return Ok(());
    };
    if compiled(pattern).map_or(true, |re| re.is_match(text)) {
        Ok(())
    } else {
        Err(ValidationError::new(
            name,
            ValidationProblem::PatternMismatch {
                value: text.to_string(),
                pattern,
            },
        ))
    }
}

/// Each pattern compiled once per process: the specs hold a handful of
/// distinct ones, each used by many operations.
fn compiled(pattern: &'static str) -> Option<regex_lite::Regex> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static CACHE: OnceLock<Mutex<HashMap<&'static str, Option<regex_lite::Regex>>>> =
        OnceLock::new();
    let mut cache = CACHE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    cache
        .entry(pattern)
        .or_insert_with(|| regex_lite::Regex::new(pattern).ok())
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_check_names_parameter_and_limit() {
        let e = required("DBInstanceId", &None::<String>).unwrap_err();
        assert_eq!(e.parameter(), "DBInstanceId");
        assert!(e.to_string().contains("DBInstanceId"), "{e}");
        assert!(required("SecurityGroupId", &Vec::<String>::new()).is_err());
        assert!(required("X", &Some(String::new())).is_ok());

        let ids: Vec<String> = (0..11).map(|i| format!("sg-{i}")).collect();
        let e = max_items("SecurityGroupId", &ids, 10).unwrap_err();
        assert!(e.to_string().contains("SecurityGroupId"), "{e}");
        assert!(e.to_string().contains("10"), "{e}");
        assert!(e.to_string().contains("11"), "{e}");
        assert!(max_items("SecurityGroupId", &ids[..10].to_vec(), 10).is_ok());

        // Characters, not bytes: four Chinese characters are 12 bytes.
        assert!(max_length("Name", &Some("中文名字".to_string()), 4).is_ok());
        let e = max_length("Name", &Some("中文名字!".to_string()), 4).unwrap_err();
        assert!(e.to_string().contains("at most 4"), "{e}");

        assert!(one_of("ResourceType", &Some("INSTANCE".to_string()), &["INSTANCE"]).is_ok());
        assert!(one_of("ResourceType", &None::<String>, &["INSTANCE"]).is_ok());
        let e = one_of("ResourceType", &Some("DISK".to_string()), &["INSTANCE"]).unwrap_err();
        assert!(
            e.to_string().contains("DISK") && e.to_string().contains("INSTANCE"),
            "{e}"
        );

        assert!(minimum("PageSize", &Some(1i32), 1.0, false).is_ok());
        assert!(minimum("PageSize", &None::<i32>, 1.0, false).is_ok());
        let e = minimum("PageSize", &Some(0i32), 1.0, false).unwrap_err();
        assert_eq!(
            e.to_string(),
            "parameter PageSize is 0; it must be at least 1",
            "{e}"
        );
        assert!(maximum("PageSize", &Some(100i64), 100.0, false).is_ok());
        let e = maximum("PageSize", &Some(1000i64), 100.0, false).unwrap_err();
        assert!(e.to_string().contains("at most 100"), "{e}");
        let e = maximum("Ratio", &Some(1.0f64), 1.0, true).unwrap_err();
        assert!(e.to_string().contains("below 1"), "{e}");
        assert!(minimum("Ratio", &Some(0.5f64), 0.5, true).is_err());
        assert!(minimum("Ratio", &Some(0.51f64), 0.5, true).is_ok());

        assert!(pattern("Port", &Some("6379".to_string()), "^\\d+$").is_ok());
        let e = pattern("Port", &Some("63a".to_string()), "^\\d+$").unwrap_err();
        assert!(
            e.to_string().contains("\"63a\"") && e.to_string().contains("^\\d+$"),
            "{e}"
        );
        // A pattern the engine refuses checks nothing.
        assert!(pattern("X", &Some("a".to_string()), "(").is_ok());

        assert!(one_of_number("NodeType", &Some(2i32), &[1, 2]).is_ok());
        let e = one_of_number("NodeType", &Some(3i64), &[1, 2]).unwrap_err();
        assert!(
            e.to_string().contains("NodeType") && e.to_string().contains("1, 2"),
            "{e}"
        );
    }
}
