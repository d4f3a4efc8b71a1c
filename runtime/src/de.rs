//! Lenient readers for response fields. Alibaba's metadata and its services
//! disagree now and then (an integer documented, a string sent; `null` for an
//! empty list; lists inside XML-style wrapper objects); a response should
//! still reach the user rather than fail on such a difference.

use serde::de::value::{BorrowedStrDeserializer, MapAccessDeserializer};
use serde::de::{
    DeserializeOwned, Deserializer, Error as _, IgnoredAny, IntoDeserializer, MapAccess, SeqAccess,
    Visitor,
};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

// Generated response structs hold their fields in these wrappers rather than
// naming a `deserialize_with` function per field: serde then emits no
// per-field adapter type, which keeps generated code cheaper to compile.

/// A generated response struct, read one key at a time by [`object`]. Every
/// field defaults, so a missing key leaves its field unset; an unknown key
/// is skipped, and a repeated one keeps the last value.
pub trait Object: Default {
    /// Reads the value of `key` from `map` into its field, or skips it.
    fn read_field<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<(), A::Error>;
}

/// Reads an [`Object`] from a JSON object: the one generic path that every
/// generated `Deserialize` calls.
pub fn object<'de, D: Deserializer<'de>, T: Object>(d: D) -> Result<T, D::Error> {
    struct ObjectVisitor<T>(PhantomData<T>);

    impl<'de, T: Object> Visitor<'de> for ObjectVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
            let mut out = T::default();
            while let Some(key) = map.next_key::<Key<'de>>()? {
                out.read_field(&key.0, &mut map)?;
            }
            Ok(out)
        }
    }

    d.deserialize_map(ObjectVisitor(PhantomData))
}

/// Skips the value of a key no field reads.
pub fn skip_value<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(|_| ())
}

/// Writes a generated response struct as a JSON-style object: the one
/// generic path every generated `Serialize` calls. Unset fields are left out.
pub struct ObjectWriter<S: Serializer>(S::SerializeMap);

impl<S: Serializer> ObjectWriter<S> {
    /// Starts the object.
    pub fn new(serializer: S) -> Result<Self, S::Error> {
        serializer.serialize_map(None).map(ObjectWriter)
    }

    /// Writes `value` under `key`, unless it is unset.
    pub fn field<T: Serialize + Unset>(&mut self, key: &str, value: &T) -> Result<(), S::Error> {
        if value.is_unset() {
            return Ok(());
        }
        self.0.serialize_entry(key, value)
    }

    /// Ends the object.
    pub fn end(self) -> Result<S::Ok, S::Error> {
        self.0.end()
    }
}

/// An object key, borrowed from the input when it can be.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }

            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }

            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }

        d.deserialize_str(KeyVisitor)
    }
}

/// A scalar response field, read leniently; `None` when absent or `null`.
#[derive(Clone, Default, PartialEq)]
pub struct Scalar<T>(pub Option<T>);

/// A list response field, read by [`list`]; empty when absent.
#[derive(Clone, PartialEq)]
pub struct List<T>(pub Vec<T>);

/// A map response field, read by [`map`]; empty when absent.
#[derive(Clone, PartialEq)]
pub struct Map<T>(pub BTreeMap<String, T>);

/// The key of an XML-style wrapper object (`KVStoreInstance` in
/// `{"Instances": {"KVStoreInstance": [...]}}`); generated code names one
/// marker type per key.
pub trait WrapperKey {
    /// The inner key.
    const KEY: &'static str;
}

/// A list the metadata documents inside a wrapper object, read by its key
/// and written back in the same shape.
pub struct Wrapped<T, K>(pub Vec<T>, PhantomData<K>);

impl<T, K> Wrapped<T, K> {
    /// Holds `items`.
    pub fn new(items: Vec<T>) -> Self {
        Wrapped(items, PhantomData)
    }
}

impl<T, K> Default for Wrapped<T, K> {
    fn default() -> Self {
        Wrapped::new(Vec::new())
    }
}

impl<T: Clone, K> Clone for Wrapped<T, K> {
    fn clone(&self) -> Self {
        Wrapped::new(self.0.clone())
    }
}

impl<T: PartialEq, K> PartialEq for Wrapped<T, K> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl<T: fmt::Debug, K> fmt::Debug for Wrapped<T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<'de, T: DeserializeOwned, K: WrapperKey> Deserialize<'de> for Wrapped<T, K> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Read straight from the input, without a `serde_json::Value` of the
        // whole list first: this is on the path of most list responses.
        d.deserialize_any(WrappedVisitor::<T, K>(PhantomData))
            .map(Wrapped::new)
    }
}

struct WrappedVisitor<T, K>(PhantomData<(T, K)>);

impl<'de, T: DeserializeOwned, K: WrapperKey> Visitor<'de> for WrappedVisitor<T, K> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {{\"{}\": [...]}} wrapper", K::KEY)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Vec<T>, E> {
        Ok(Vec::new())
    }

    // The list without its wrapper.
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Vec<T>, A::Error> {
        elements(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<T>, A::Error> {
        let mut items = None;
        let mut other_keys = Vec::new();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            if key.0 == K::KEY {
                items = Some(map.next_value::<OneOrMany<T>>()?.0);
            } else {
                other_keys.push(key.0.into_owned());
                map.next_value::<DepthLimited>()?;
            }
        }
        if items.is_none() && !other_keys.is_empty() {
            // Not worth failing a response over, but not silent: an empty
            // list here also ends paging.
            tracing::warn!(
                expected = K::KEY,
                found = ?other_keys,
                "response list wrapper without its documented key; read as empty"
            );
        }
        Ok(items.unwrap_or_default())
    }
}

fn elements<'de, T: DeserializeOwned, A: SeqAccess<'de>>(mut seq: A) -> Result<Vec<T>, A::Error> {
    // The hint is the input's claim; cap what it reserves up front.
    let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
    while let Some(item) = seq.next_element::<T>()? {
        out.push(item);
    }
    Ok(out)
}

/// The value under a wrapper's key: a list, `null`, or a list of one sent
/// as the item itself.
struct OneOrMany<T>(Vec<T>);

impl<'de, T: DeserializeOwned> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(OneOrManyVisitor(PhantomData))
            .map(OneOrMany)
    }
}

struct OneOrManyVisitor<T>(PhantomData<T>);

/// A list of one, from the item sent without its list.
fn single<'de, T: DeserializeOwned, D: Deserializer<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    T::deserialize(d).map(|item| vec![item])
}

impl<'de, T: DeserializeOwned> Visitor<'de> for OneOrManyVisitor<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list or a single item")
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Vec<T>, E> {
        Ok(Vec::new())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Vec<T>, A::Error> {
        elements(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Vec<T>, A::Error> {
        single(MapAccessDeserializer::new(map))
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Vec<T>, E> {
        single(BorrowedStrDeserializer::new(v))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Vec<T>, E> {
        single(v.into_deserializer())
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Vec<T>, E> {
        single(v.into_deserializer())
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Vec<T>, E> {
        single(v.into_deserializer())
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Vec<T>, E> {
        single(v.into_deserializer())
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Vec<T>, E> {
        single(v.into_deserializer())
    }
}

/// Skips a value through the deserializer's own nesting limit, unlike
/// [`IgnoredAny`], which serde_json skips without one: a 100,000-deep value
/// under a wrapper's unknown key is a response error, not an empty list.
struct DepthLimited;

impl<'de> Deserialize<'de> for DepthLimited {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DepthLimitedVisitor)
    }
}

struct DepthLimitedVisitor;

impl<'de> Visitor<'de> for DepthLimitedVisitor {
    type Value = DepthLimited;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<DepthLimited, E> {
        Ok(DepthLimited)
    }

    fn visit_i64<E>(self, _: i64) -> Result<DepthLimited, E> {
        Ok(DepthLimited)
    }

    fn visit_u64<E>(self, _: u64) -> Result<DepthLimited, E> {
        Ok(DepthLimited)
    }

    fn visit_f64<E>(self, _: f64) -> Result<DepthLimited, E> {
        Ok(DepthLimited)
    }

    fn visit_str<E>(self, _: &str) -> Result<DepthLimited, E> {
        Ok(DepthLimited)
    }

    fn visit_unit<E>(self) -> Result<DepthLimited, E> {
        Ok(DepthLimited)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<DepthLimited, A::Error> {
        while seq.next_element::<DepthLimited>()?.is_some() {}
        Ok(DepthLimited)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DepthLimited, A::Error> {
        while map.next_entry::<IgnoredAny, DepthLimited>()?.is_some() {}
        Ok(DepthLimited)
    }
}

impl<T: Serialize, K: WrapperKey> Serialize for Wrapped<T, K> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(1))?;
        map.serialize_entry(K::KEY, &self.0)?;
        map.end()
    }
}

impl<T: Serialize> Serialize for Scalar<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<T: Serialize> Serialize for List<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<T: Serialize> Serialize for Map<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

/// Fields that [`ObjectWriter`] leaves out when they hold nothing, so that a
/// response written back has the keys it was read from.
pub trait Unset {
    /// Nothing to write.
    fn is_unset(&self) -> bool;
}

impl<T> Unset for Scalar<T> {
    fn is_unset(&self) -> bool {
        self.0.is_none()
    }
}

impl<T> Unset for List<T> {
    fn is_unset(&self) -> bool {
        self.0.is_empty()
    }
}

impl<T> Unset for Map<T> {
    fn is_unset(&self) -> bool {
        self.0.is_empty()
    }
}

impl<T, K> Unset for Wrapped<T, K> {
    fn is_unset(&self) -> bool {
        self.0.is_empty()
    }
}

impl<T> Unset for Option<T> {
    fn is_unset(&self) -> bool {
        self.is_none()
    }
}

impl<T> Default for List<T> {
    fn default() -> Self {
        List(Vec::new())
    }
}

impl<T> Default for Map<T> {
    fn default() -> Self {
        Map(BTreeMap::new())
    }
}

impl<T: fmt::Debug> fmt::Debug for Scalar<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<T: fmt::Debug> fmt::Debug for List<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<T: fmt::Debug> fmt::Debug for Map<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Scalars with a lenient reader.
pub trait LenientScalar: Sized {
    /// Reads the value, `None` for `null`.
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error>;
}

impl LenientScalar for String {
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        string(d)
    }
}

impl LenientScalar for bool {
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        boolean(d)
    }
}

macro_rules! lenient_number {
    ($($t:ty),*) => {$(
        impl LenientScalar for $t {
            fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
                number(d)
            }
        }
    )*};
}
lenient_number!(i32, i64, f64);

impl<'de, T: LenientScalar> Deserialize<'de> for Scalar<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::read(d).map(Scalar)
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        list(d).map(List)
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Map<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        map(d).map(Map)
    }
}

/// A string; numbers and booleans are taken as their text.
pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        other => Some(other.to_string()),
    })
}

/// The text of an enum value; numbers and booleans are taken as their text.
pub fn enum_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => Ok(s),
        serde_json::Value::Number(n) => Ok(n.to_string()),
        serde_json::Value::Bool(b) => Ok(b.to_string()),
        other => Err(D::Error::custom(format!(
            "expected an enum value, found {other}"
        ))),
    }
}

/// A number; a numeric string is parsed, an empty string is "absent".
pub fn number<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr + DeserializeOwned,
{
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::String(s) if s.trim().is_empty() => Ok(None),
        serde_json::Value::String(s) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| D::Error::custom(format!("expected a number, found {s:?}"))),
        other => T::deserialize(other).map(Some).map_err(D::Error::custom),
    }
}

/// A boolean; `"true"`/`"false"` and `1`/`0` are accepted too.
pub fn boolean<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::Bool(b) => Ok(Some(b)),
        serde_json::Value::String(s) if s.is_empty() => Ok(None),
        serde_json::Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
        serde_json::Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
        serde_json::Value::Number(n) if n.as_i64() == Some(1) => Ok(Some(true)),
        serde_json::Value::Number(n) if n.as_i64() == Some(0) => Ok(Some(false)),
        other => Err(D::Error::custom(format!(
            "expected a boolean, found {other}"
        ))),
    }
}

/// A list: an array, `null` (empty), or an XML-style wrapper object holding
/// the array under its one key (`{"KVStoreInstance": [...]}`).
pub fn list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    let value = serde_json::Value::deserialize(d)?;
    let array = match value {
        serde_json::Value::Null => return Ok(Vec::new()),
        serde_json::Value::Array(items) => items,
        // A wrapper has exactly one key, holding the list (or, for a list of
        // one, the item itself as an object or a scalar list item). Any other
        // object is one item sent without its list.
        serde_json::Value::Object(map) if map.len() == 1 => {
            let (key, inner) = map.into_iter().next().unwrap_or_default();
            match inner {
                serde_json::Value::Array(items) => items,
                serde_json::Value::Null => return Ok(Vec::new()),
                serde_json::Value::Object(item) => vec![serde_json::Value::Object(item)],
                scalar => match T::deserialize(scalar.clone()) {
                    Ok(item) => return Ok(vec![item]),
                    // `{"InstanceId": "r-1"}`: an object of one field, not a wrapper.
                    Err(_) => vec![serde_json::Value::Object(
                        std::iter::once((key, scalar)).collect(),
                    )],
                },
            }
        }
        serde_json::Value::Object(map) if map.is_empty() => return Ok(Vec::new()),
        object @ serde_json::Value::Object(_) => vec![object],
        // A lone scalar where a list was documented.
        single => vec![single],
    };
    array
        .into_iter()
        .map(|item| T::deserialize(item).map_err(D::Error::custom))
        .collect()
}

/// A map; `null` is empty.
pub fn map<'de, D, T>(d: D) -> Result<BTreeMap<String, T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    Ok(Option::<BTreeMap<String, T>>::deserialize(d)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, Debug, Default)]
    struct Probe {
        #[serde(default, deserialize_with = "string")]
        s: Option<String>,
        #[serde(default, deserialize_with = "number")]
        n: Option<i64>,
        #[serde(default, deserialize_with = "number")]
        f: Option<f64>,
        #[serde(default, deserialize_with = "boolean")]
        b: Option<bool>,
        #[serde(default, deserialize_with = "list")]
        l: Vec<String>,
        #[serde(default, deserialize_with = "map")]
        m: BTreeMap<String, i64>,
    }

    fn probe(json: &str) -> Probe {
        serde_json::from_str(json).expect(json)
    }

    #[test]
    fn tolerates_what_services_send() {
        let p = probe(r#"{"s": 42, "n": "17", "f": "0.5", "b": "true", "l": null, "m": null}"#);
        assert_eq!(p.s.as_deref(), Some("42"));
        assert_eq!(p.n, Some(17));
        assert_eq!(p.f, Some(0.5));
        assert_eq!(p.b, Some(true));
        assert!(p.l.is_empty() && p.m.is_empty());

        let p = probe(r#"{"n": "", "l": {"ZoneId": ["a", "b"]}}"#);
        assert_eq!(p.n, None);
        assert_eq!(p.l, vec!["a", "b"]);

        let p = probe(r#"{"l": {"ZoneId": "only"}}"#);
        assert_eq!(p.l, vec!["only"]);

        #[derive(Deserialize, Debug, PartialEq)]
        struct Item {
            #[serde(rename = "InstanceId")]
            id: String,
            #[serde(rename = "Status", default)]
            status: Option<String>,
        }
        #[derive(Deserialize, Debug)]
        struct Items {
            #[serde(default, deserialize_with = "list")]
            items: Vec<Item>,
        }
        let parse = |json: &str| serde_json::from_str::<Items>(json).unwrap().items;
        let one = |id: &str, status: Option<&str>| Item {
            id: id.into(),
            status: status.map(Into::into),
        };
        // A wrapper of a list, a wrapper of one item, one bare item of one or
        // more fields: all the same list.
        assert_eq!(
            parse(r#"{"items": {"KVStoreInstance": [{"InstanceId": "r-1"}]}}"#),
            [one("r-1", None)]
        );
        assert_eq!(
            parse(r#"{"items": {"KVStoreInstance": {"InstanceId": "r-1"}}}"#),
            [one("r-1", None)]
        );
        assert_eq!(
            parse(r#"{"items": {"InstanceId": "r-1", "Status": "Normal"}}"#),
            [one("r-1", Some("Normal"))]
        );
        assert_eq!(
            parse(r#"{"items": {"InstanceId": "r-1"}}"#),
            [one("r-1", None)]
        );
        assert!(parse(r#"{"items": {}}"#).is_empty());
        let p = probe(r#"{}"#);
        assert!(p.s.is_none() && p.l.is_empty());
    }

    #[test]
    fn wrapped_lists_are_read_by_their_key_and_written_back() {
        struct Zone;
        impl WrapperKey for Zone {
            const KEY: &'static str = "Zone";
        }
        let read = |json: &str| {
            serde_json::from_str::<Wrapped<String, Zone>>(json)
                .unwrap()
                .0
        };
        assert_eq!(read(r#"{"Zone": ["a", "b"]}"#), ["a", "b"]);
        assert_eq!(read(r#"{"Zone": "a"}"#), ["a"], "a list of one");
        assert_eq!(read(r#"["a"]"#), ["a"], "unwrapped");
        assert!(read("null").is_empty() && read("{}").is_empty());
        // Another key is not this wrapper: nothing is guessed from shape.
        assert!(read(r#"{"Region": ["x"]}"#).is_empty());
        let written =
            serde_json::to_string(&Wrapped::<String, Zone>::new(vec!["a".into()])).unwrap();
        assert_eq!(written, r#"{"Zone":["a"]}"#);
        assert!(serde_json::from_str::<Wrapped<String, Zone>>("7").is_err());
        assert!(read(r#"{"Zone": null}"#).is_empty());
        assert_eq!(read(r#"{"Other": 1, "Zone": ["a"]}"#), ["a"]);
        assert_eq!(
            read(r#"{"Zone": ["a"], "Zone": ["b"]}"#),
            ["b"],
            "the last wins"
        );
        let numbers = serde_json::from_str::<Wrapped<i64, Zone>>(r#"{"Zone": 7}"#).unwrap();
        assert_eq!(numbers.0, [7]);
        // Items of the wrong type are an error, not dropped.
        assert!(serde_json::from_str::<Wrapped<String, Zone>>(r#"{"Zone": [1]}"#).is_err());
        // Depth is bounded under the key and beside it, where the value is
        // skipped: 1,000 levels are past serde_json's limit of 128.
        let deep = format!("{}1{}", "[".repeat(1000), "]".repeat(1000));
        let under_key = format!(r#"{{"Zone": {deep}}}"#);
        let e = serde_json::from_str::<Wrapped<serde_json::Value, Zone>>(&under_key).unwrap_err();
        assert!(e.to_string().contains("recursion limit"), "{e}");
        let beside = format!(r#"{{"Other": {deep}}}"#);
        let e = serde_json::from_str::<Wrapped<String, Zone>>(&beside).unwrap_err();
        assert!(e.to_string().contains("recursion limit"), "{e}");
    }

    /// What a generated response struct looks like to the runtime.
    #[derive(Debug, Default, PartialEq)]
    struct Instance {
        id: Scalar<String>,
        zones: List<String>,
    }

    impl Object for Instance {
        fn read_field<'de, A: MapAccess<'de>>(
            &mut self,
            key: &str,
            map: &mut A,
        ) -> Result<(), A::Error> {
            match key {
                "InstanceId" => self.id = map.next_value()?,
                "Zones" => self.zones = map.next_value()?,
                _ => skip_value(map)?,
            }
            Ok(())
        }
    }

    impl<'de> Deserialize<'de> for Instance {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            object(d)
        }
    }

    impl Serialize for Instance {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut out = ObjectWriter::new(s)?;
            out.field("InstanceId", &self.id)?;
            out.field("Zones", &self.zones)?;
            out.end()
        }
    }

    #[test]
    fn objects_are_read_by_key_and_written_back_without_unset_fields() {
        let read = |json: &str| serde_json::from_str::<Instance>(json).unwrap();
        let i =
            read(r#"{"Extra": {"deep": [1, {"x": null}]}, "InstanceId": "r-1", "Zones": ["a"]}"#);
        assert_eq!(
            i.id.0.as_deref(),
            Some("r-1"),
            "an unknown key is skipped, whatever it holds"
        );
        assert_eq!(i.zones.0, ["a"]);
        assert_eq!(
            read("{}"),
            Instance::default(),
            "absent keys leave fields unset"
        );
        // A key with an escape cannot be borrowed from the input.
        assert_eq!(
            read(r#"{"Instance\u0049d": "r-2"}"#).id.0.as_deref(),
            Some("r-2")
        );
        assert_eq!(
            read(r#"{"InstanceId": "r-1", "InstanceId": "r-3"}"#)
                .id
                .0
                .as_deref(),
            Some("r-3")
        );
        // Read from a `serde_json::Value` too, as list items are.
        let value = serde_json::json!({"InstanceId": 7});
        assert_eq!(
            Instance::deserialize(value).unwrap().id.0.as_deref(),
            Some("7")
        );
        // Bad values still fail with the reason, not silently.
        assert_eq!(
            read(r#"{"Zones": "a"}"#).zones.0,
            ["a"],
            "a lone item is a list of one"
        );
        let e = serde_json::from_str::<Instance>(r#"{"Zones": [7]}"#).unwrap_err();
        assert!(e.to_string().contains("expected a string"), "{e}");
        let e = serde_json::from_str::<Instance>("[1, 2]").unwrap_err();
        assert!(e.to_string().contains("a JSON object"), "{e}");

        assert_eq!(
            serde_json::to_string(&read(r#"{"InstanceId": "r-1"}"#)).unwrap(),
            r#"{"InstanceId":"r-1"}"#
        );
        assert_eq!(serde_json::to_string(&Instance::default()).unwrap(), "{}");
    }

    #[test]
    fn rejects_nonsense_with_a_reason() {
        let e = serde_json::from_str::<Probe>(r#"{"n": "ten"}"#).unwrap_err();
        assert!(e.to_string().contains("expected a number"), "{e}");
        let e = serde_json::from_str::<Probe>(r#"{"b": "maybe"}"#).unwrap_err();
        assert!(e.to_string().contains("expected a boolean"), "{e}");
    }
}
