//! Parameters in their wire encoding, as generated `write_params` emits them:
//! scalars as text, `repeatList`/`flat` as numbered keys (`Tag.1.Key`),
//! `json` as one JSON string, `simple` comma-joined.

use std::collections::BTreeMap;

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// URL query string.
    Query,
    /// Form-encoded body.
    Form,
    /// A path segment of a ROA template.
    Path,
    /// The request body.
    Body,
    /// An HTTP header.
    Header,
    /// Part of the host name.
    Host,
}

/// The encoded parameters of one request, in the order they were written.
/// Start from `Params::default()` and add with the methods below.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Params {
    /// Query parameters.
    pub query: Vec<(String, String)>,
    /// Form-body parameters.
    pub form: Vec<(String, String)>,
    /// Path template values.
    pub path: Vec<(String, String)>,
    /// Headers.
    pub headers: Vec<(String, String)>,
    /// Host-name parameters.
    pub host: Vec<(String, String)>,
    /// A whole body (ROA), already encoded.
    pub body: Option<String>,
}

impl Params {
    fn target(&mut self, location: Location) -> &mut Vec<(String, String)> {
        match location {
            Location::Query => &mut self.query,
            // A scalar or flat parameter "in body" travels as a form field.
            Location::Form | Location::Body => &mut self.form,
            Location::Path => &mut self.path,
            Location::Header => &mut self.headers,
            Location::Host => &mut self.host,
        }
    }

    /// A scalar, when set.
    pub fn plain<T: ParamValue>(&mut self, location: Location, name: &str, value: &Option<T>) {
        if let Some(v) = value {
            let text = v.to_param();
            if location == Location::Body {
                self.body = Some(text);
            } else {
                self.target(location).push((name.to_string(), text));
            }
        }
    }

    /// Numbered keys (`repeatList`/`flat`): `Name.1`, `Name.1.Key`, ...
    pub fn flat<T: FlatParam>(&mut self, location: Location, name: &str, value: &T) {
        value.write_flat(name, self.target(location));
    }

    /// One JSON string (`json` style); in the body it is the body itself.
    pub fn json<T: JsonParam>(&mut self, location: Location, name: &str, value: &T) {
        if let Some(text) = value.to_json() {
            if location == Location::Body {
                self.body = Some(text);
            } else {
                self.target(location).push((name.to_string(), text));
            }
        }
    }

    /// Comma-joined list (`simple` style), when not empty.
    pub fn simple<T: ParamValue>(&mut self, location: Location, name: &str, values: &[T]) {
        if !values.is_empty() {
            let joined = values
                .iter()
                .map(ParamValue::to_param)
                .collect::<Vec<_>>()
                .join(",");
            self.target(location).push((name.to_string(), joined));
        }
    }
}

/// A scalar's text on the wire, the way Alibaba's SDKs write it.
pub trait ParamValue {
    /// The text.
    fn to_param(&self) -> String;
}

impl ParamValue for String {
    fn to_param(&self) -> String {
        self.clone()
    }
}

impl ParamValue for bool {
    fn to_param(&self) -> String {
        // Alibaba's SDKs send lowercase `true` / `false`.
        if *self { "true" } else { "false" }.to_string()
    }
}

macro_rules! display_param {
    ($($t:ty),*) => {$(
        impl ParamValue for $t {
            fn to_param(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
display_param!(i32, i64, f64);

impl ParamValue for serde_json::Value {
    fn to_param(&self) -> String {
        match self {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
}

/// A value written as numbered keys under a prefix.
pub trait FlatParam {
    /// Appends `prefix` (and `prefix.N`, `prefix.Key` below it) to `out`.
    fn write_flat(&self, prefix: &str, out: &mut Vec<(String, String)>);
}

macro_rules! flat_scalar {
    ($($t:ty),*) => {$(
        impl FlatParam for $t {
            fn write_flat(&self, prefix: &str, out: &mut Vec<(String, String)>) {
                out.push((prefix.to_string(), self.to_param()));
            }
        }
    )*};
}
flat_scalar!(String, bool, i32, i64, f64, serde_json::Value);

impl<T: FlatParam> FlatParam for Option<T> {
    fn write_flat(&self, prefix: &str, out: &mut Vec<(String, String)>) {
        if let Some(v) = self {
            v.write_flat(prefix, out);
        }
    }
}

impl<T: FlatParam> FlatParam for Vec<T> {
    fn write_flat(&self, prefix: &str, out: &mut Vec<(String, String)>) {
        // Alibaba numbers list items from 1.
        for (i, item) in self.iter().enumerate() {
            item.write_flat(&format!("{prefix}.{}", i + 1), out);
        }
    }
}

impl<T: FlatParam> FlatParam for BTreeMap<String, T> {
    fn write_flat(&self, prefix: &str, out: &mut Vec<(String, String)>) {
        for (k, v) in self {
            v.write_flat(&format!("{prefix}.{k}"), out);
        }
    }
}

// Shared `$ref` objects hold their fields in the lenient readers' wrappers
// and are sent as request parameters too.
impl<T: FlatParam> FlatParam for crate::__private::de::Scalar<T> {
    fn write_flat(&self, prefix: &str, out: &mut Vec<(String, String)>) {
        self.0.write_flat(prefix, out);
    }
}

impl<T: FlatParam> FlatParam for crate::__private::de::List<T> {
    fn write_flat(&self, prefix: &str, out: &mut Vec<(String, String)>) {
        self.0.write_flat(prefix, out);
    }
}

// The wrapper key stays on the wire, as it would for the same object
// written inline (`Tags.Tag.1.Key`).
impl<T: FlatParam, K: crate::__private::de::WrapperKey> FlatParam
    for crate::__private::de::Wrapped<T, K>
{
    fn write_flat(&self, prefix: &str, out: &mut Vec<(String, String)>) {
        self.0.write_flat(&format!("{prefix}.{}", K::KEY), out);
    }
}

impl<T: FlatParam> FlatParam for crate::__private::de::Map<T> {
    fn write_flat(&self, prefix: &str, out: &mut Vec<(String, String)>) {
        self.0.write_flat(prefix, out);
    }
}

/// Writes member `name` of an object at `prefix` (`Tag.1` + `Key`).
pub fn flat_member<T: FlatParam>(
    prefix: &str,
    name: &str,
    value: &T,
    out: &mut Vec<(String, String)>,
) {
    value.write_flat(&format!("{prefix}.{name}"), out);
}

/// A value sent as one JSON string (`json` style).
pub trait JsonParam {
    /// The JSON text, or `None` when unset.
    fn to_json(&self) -> Option<String>;
}

impl<T: serde::Serialize> JsonParam for Option<T> {
    fn to_json(&self) -> Option<String> {
        self.as_ref().and_then(|v| serde_json::to_string(v).ok())
    }
}

impl<T: serde::Serialize> JsonParam for Vec<T> {
    fn to_json(&self) -> Option<String> {
        (!self.is_empty())
            .then(|| serde_json::to_string(self).ok())
            .flatten()
    }
}

impl<T: serde::Serialize> JsonParam for BTreeMap<String, T> {
    fn to_json(&self) -> Option<String> {
        (!self.is_empty())
            .then(|| serde_json::to_string(self).ok())
            .flatten()
    }
}

/// `skip_serializing_if` for lists and maps: empty means unset.
pub fn is_empty<T: Collection>(value: &T) -> bool {
    value.is_empty_collection()
}

/// Lists and maps, for [`is_empty`].
pub trait Collection {
    /// No items.
    fn is_empty_collection(&self) -> bool;
}

impl<T> Collection for Vec<T> {
    fn is_empty_collection(&self) -> bool {
        self.is_empty()
    }
}

impl<K, V> Collection for BTreeMap<K, V> {
    fn is_empty_collection(&self) -> bool {
        self.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_objects_keep_their_wrapper_key_in_flat_encoding() {
        use crate::__private::de::{Scalar, Wrapped, WrapperKey};
        struct Tag;
        impl WrapperKey for Tag {
            const KEY: &'static str = "Tag";
        }
        let tags: Wrapped<String, Tag> = Wrapped::new(vec!["a".into(), "b".into()]);
        let mut out = Vec::new();
        tags.write_flat("Tags", &mut out);
        assert_eq!(
            out,
            [
                ("Tags.Tag.1".to_string(), "a".to_string()),
                ("Tags.Tag.2".to_string(), "b".to_string())
            ]
        );
        let mut out = Vec::new();
        Scalar(Some(7i32)).write_flat("Port", &mut out);
        Scalar::<i32>(None).write_flat("Unset", &mut out);
        assert_eq!(out, [("Port".to_string(), "7".to_string())]);
    }

    #[derive(serde::Serialize)]
    struct Tag {
        #[serde(rename = "Key")]
        key: Option<String>,
        #[serde(rename = "Value")]
        value: Option<String>,
    }

    impl FlatParam for Tag {
        fn write_flat(&self, prefix: &str, out: &mut Vec<(String, String)>) {
            flat_member(prefix, "Key", &self.key, out);
            flat_member(prefix, "Value", &self.value, out);
        }
    }

    fn tag(k: &str, v: Option<&str>) -> Tag {
        Tag {
            key: Some(k.into()),
            value: v.map(Into::into),
        }
    }

    #[test]
    fn repeat_list_of_objects_numbers_from_one() {
        let mut p = Params::default();
        p.flat(
            Location::Query,
            "Tag",
            &vec![tag("env", Some("prod")), tag("team", None)],
        );
        assert_eq!(
            p.query,
            vec![
                ("Tag.1.Key".to_string(), "env".to_string()),
                ("Tag.1.Value".to_string(), "prod".to_string()),
                ("Tag.2.Key".to_string(), "team".to_string()),
            ]
        );
    }

    #[test]
    fn repeat_list_of_scalars_and_nested_lists() {
        let mut p = Params::default();
        p.flat(
            Location::Query,
            "ResourceId",
            &vec!["r-1".to_string(), "r-2".to_string()],
        );
        p.flat(Location::Form, "Matrix", &vec![vec![1i64, 2], vec![3]]);
        assert_eq!(
            p.query,
            vec![
                ("ResourceId.1".to_string(), "r-1".to_string()),
                ("ResourceId.2".to_string(), "r-2".to_string()),
            ]
        );
        assert_eq!(
            p.form,
            vec![
                ("Matrix.1.1".to_string(), "1".to_string()),
                ("Matrix.1.2".to_string(), "2".to_string()),
                ("Matrix.2.1".to_string(), "3".to_string()),
            ]
        );
    }

    #[test]
    fn json_style_is_one_string() {
        let mut p = Params::default();
        p.json(Location::Query, "Tags", &vec![tag("a", Some("b"))]);
        p.json(Location::Query, "Empty", &Vec::<Tag>::new());
        p.json(Location::Query, "Unset", &None::<Tag>);
        assert_eq!(
            p.query,
            vec![(
                "Tags".to_string(),
                r#"[{"Key":"a","Value":"b"}]"#.to_string()
            )]
        );
    }

    #[test]
    fn simple_style_joins_with_commas() {
        let mut p = Params::default();
        p.simple(
            Location::Query,
            "SecurityGroupId",
            &["sg-1".to_string(), "sg-2".to_string()],
        );
        p.simple::<String>(Location::Query, "None", &[]);
        assert_eq!(
            p.query,
            vec![("SecurityGroupId".to_string(), "sg-1,sg-2".to_string())]
        );
    }

    #[test]
    fn scalars_as_alibaba_sends_them() {
        let mut p = Params::default();
        p.plain(Location::Query, "B", &Some(true));
        p.plain(Location::Query, "I", &Some(-3i32));
        p.plain(Location::Query, "L", &Some(9_007_199_254_740_993i64));
        p.plain(Location::Query, "F", &Some(0.5f64));
        p.plain(Location::Query, "Unset", &None::<String>);
        assert_eq!(
            p.query,
            vec![
                ("B".to_string(), "true".to_string()),
                ("I".to_string(), "-3".to_string()),
                ("L".to_string(), "9007199254740993".to_string()),
                ("F".to_string(), "0.5".to_string()),
            ]
        );
    }
}
