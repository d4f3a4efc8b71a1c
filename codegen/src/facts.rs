//! The facts of an `api-docs.json` file, without Alibaba's prose.
//!
//! `cargo xtask import` keeps what a program needs (names, types, limits,
//! enums, examples, endpoints, error codes and their statuses, RAM actions)
//! and drops the sentences people wrote (descriptions, summaries, titles,
//! error messages): those are Alibaba's text, and the repository holds only
//! what this project wrote. The output keeps the file's key order and is
//! byte-for-byte the same for the same input.

use indexmap::IndexMap;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Keys whose values are prose, dropped wherever they are metadata (never
/// where they are the name of a property, schema or operation).
pub const PROSE_KEYS: &[&str] = &[
    "description",
    "summary",
    "title",
    "errorMessage",
    "message",
    "requestParamsDescription",
    "responseParamsDescription",
    "extraInfo",
    "enumValueTitles",
    "regionName",
    "areaName",
    "notSupportAutoTestReason",
];

/// Top-level blocks that hold nothing but navigation for the portal (a tree
/// of titles); nothing reads them.
const DROPPED_BLOCKS: &[&str] = &["directories"];

/// Keys whose object value maps names to nodes: its keys are names (a
/// property may well be called `Description`), its values are metadata.
const NAME_MAPS: &[&str] = &[
    "properties",
    "schemas",
    "apis",
    "headers",
    "patternProperties",
    "definitions",
];

/// A JSON value that keeps object keys in file order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number, as serde_json reads it.
    Number(serde_json::Number),
    /// A string.
    String(String),
    /// A list.
    Array(Vec<Json>),
    /// An object, in file order.
    Object(IndexMap<String, Json>),
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct JsonVisitor;
        impl<'de> Visitor<'de> for JsonVisitor {
            type Value = Json;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_unit<E>(self) -> Result<Json, E> {
                Ok(Json::Null)
            }
            fn visit_none<E>(self) -> Result<Json, E> {
                Ok(Json::Null)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
                Ok(Json::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
                Ok(Json::Number(v.into()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
                Ok(Json::Number(v.into()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Json, E> {
                serde_json::Number::from_f64(v)
                    .map(Json::Number)
                    .ok_or_else(|| E::custom("a number that is not finite"))
            }
            fn visit_str<E>(self, v: &str) -> Result<Json, E> {
                Ok(Json::String(v.to_string()))
            }
            fn visit_string<E>(self, v: String) -> Result<Json, E> {
                Ok(Json::String(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(v) = seq.next_element()? {
                    out.push(v);
                }
                Ok(Json::Array(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
                let mut out = IndexMap::with_capacity(map.size_hint().unwrap_or(0));
                while let Some((k, v)) = map.next_entry::<String, Json>()? {
                    out.insert(k, v);
                }
                Ok(Json::Object(out))
            }
        }
        d.deserialize_any(JsonVisitor)
    }
}

/// What [`facts_only`] removed, for the importer's report.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Dropped {
    /// Prose values removed.
    pub prose: usize,
    /// Navigation blocks removed.
    pub blocks: usize,
    /// Example strings that quoted the file's prose, masked.
    pub masked: usize,
}

/// What an example holds instead of a sentence of Alibaba's prose
/// (Alibaba's own examples mask values the same way).
pub const MASK: &str = "****";

/// Keys whose string values are examples: kept, unless they quote prose.
const EXAMPLE_KEYS: &[&str] = &["example", "default"];

/// A sentence, not a name: four words or more. Two-word texts such as
/// "Instance ID." are how a field is named, and the facts say the same.
pub fn is_sentence(line: &str) -> bool {
    let line = line.trim();
    line.split_whitespace().count() >= 4 && line.len() >= 24
}

/// The facts of one parsed file, in place: every prose key dropped (see
/// [`PROSE_KEYS`]), names left alone, and example values (field examples
/// and the example responses) that quote one of the file's sentences
/// masked with [`MASK`]: examples are facts, an error message copied
/// into one is not.
pub fn facts_only(doc: &mut Json) -> Dropped {
    let sentences = sentences(doc);
    facts_only_masking(doc, &ProseMatcher::new(&sentences))
}

/// The sentences of a file's prose (see [`is_sentence`]), one per line,
/// sorted and without repeats.
pub fn sentences(doc: &Json) -> Vec<String> {
    let mut out: Vec<String> = prose_strings(doc)
        .into_iter()
        .flat_map(|(_, text)| {
            text.lines()
                .map(str::trim)
                .filter(|l| is_sentence(l))
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Finds sentences of prose in example text. Built once for a whole
/// import: over a catalogue's prose (hundreds of thousands of sentences)
/// building the automaton costs far more than running it.
pub struct ProseMatcher(Option<aho_corasick::AhoCorasick>);

impl ProseMatcher {
    /// A matcher for `sentences`; none matches nothing.
    pub fn new(sentences: &[String]) -> Self {
        if sentences.is_empty() {
            return Self(None);
        }
        Self(aho_corasick::AhoCorasick::new(sentences).ok())
    }
}

/// [`facts_only`], masking examples that quote any sentence `prose`
/// matches: the importer passes the prose of every file it reads, since
/// one product's example often quotes another product's error message.
pub fn facts_only_masking(doc: &mut Json, prose: &ProseMatcher) -> Dropped {
    let mut dropped = Dropped::default();
    if let Json::Object(top) = doc {
        for block in DROPPED_BLOCKS {
            if top.shift_remove(*block).is_some() {
                dropped.blocks += 1;
            }
        }
    }
    strip(doc, false, &mut dropped);
    if let Some(matcher) = &prose.0 {
        mask(doc, false, matcher, &mut dropped.masked);
    }
    dropped
}

/// Masks example strings that quote prose; `responseDemo` is JSON text
/// holding examples that are JSON text, each read and written back.
fn mask(node: &mut Json, is_name_map: bool, prose: &aho_corasick::AhoCorasick, masked: &mut usize) {
    match node {
        Json::Object(map) => {
            for (key, value) in map.iter_mut() {
                if !is_name_map && key == "responseDemo" {
                    if let Json::String(text) = value {
                        if prose.is_match(text.as_str()) {
                            *text = mask_demo(text, prose, masked);
                        }
                    }
                } else if !is_name_map && EXAMPLE_KEYS.contains(&key.as_str()) {
                    mask_strings(value, prose, masked);
                } else {
                    let child_is_name_map = !is_name_map && NAME_MAPS.contains(&key.as_str());
                    mask(value, child_is_name_map, prose, masked);
                }
            }
        }
        Json::Array(items) => items.iter_mut().for_each(|i| mask(i, false, prose, masked)),
        _ => {}
    }
}

fn mask_demo(text: &str, prose: &aho_corasick::AhoCorasick, masked: &mut usize) -> String {
    let Ok(mut list) = parse(text) else {
        *masked += 1;
        return prose.replace_all(text, &vec![MASK; prose.patterns_len()]);
    };
    if let Json::Array(entries) = &mut list {
        for entry in entries {
            let Json::Object(fields) = entry else {
                continue;
            };
            // `example` and `errorExample` alike: each is JSON (or XML) text.
            for value in fields.values_mut() {
                let Json::String(example) = value else {
                    continue;
                };
                if !prose.is_match(example.as_str()) {
                    continue;
                }
                *example = match parse(example) {
                    Ok(mut inner) => {
                        mask_strings(&mut inner, prose, masked);
                        serde_json::to_string(&inner).unwrap_or_default()
                    }
                    Err(_) => {
                        *masked += 1;
                        prose.replace_all(example, &vec![MASK; prose.patterns_len()])
                    }
                };
            }
        }
    }
    serde_json::to_string(&list).unwrap_or_default()
}

fn mask_strings(node: &mut Json, prose: &aho_corasick::AhoCorasick, masked: &mut usize) {
    match node {
        Json::String(s) if prose.is_match(s.as_str()) => {
            *s = MASK.to_string();
            *masked += 1;
        }
        Json::Array(items) => items
            .iter_mut()
            .for_each(|i| mask_strings(i, prose, masked)),
        Json::Object(map) => map
            .values_mut()
            .for_each(|v| mask_strings(v, prose, masked)),
        _ => {}
    }
}

/// `is_name_map`: the keys of this object are names, not metadata.
fn strip(node: &mut Json, is_name_map: bool, dropped: &mut Dropped) {
    match node {
        Json::Object(map) => {
            if !is_name_map {
                let before = map.len();
                map.retain(|k, _| !PROSE_KEYS.contains(&k.as_str()));
                dropped.prose += before - map.len();
            }
            for (key, value) in map.iter_mut() {
                let child_is_name_map = !is_name_map && NAME_MAPS.contains(&key.as_str());
                strip(value, child_is_name_map, dropped);
            }
        }
        Json::Array(items) => {
            for item in items {
                strip(item, false, dropped);
            }
        }
        _ => {}
    }
}

/// Every prose string of a parsed file, with its JSON path: what
/// [`facts_only`] drops. The no-prose test looks for these in the repository.
pub fn prose_strings(doc: &Json) -> Vec<(String, String)> {
    let mut out = Vec::new();
    collect(doc, "", false, &mut out);
    out
}

fn collect(node: &Json, path: &str, is_name_map: bool, out: &mut Vec<(String, String)>) {
    match node {
        Json::Object(map) => {
            for (key, value) in map {
                let here = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                let prose = !is_name_map
                    && (PROSE_KEYS.contains(&key.as_str())
                        || (path.is_empty() && DROPPED_BLOCKS.contains(&key.as_str())));
                if prose {
                    strings_in(value, &here, out);
                } else {
                    let child_is_name_map = !is_name_map && NAME_MAPS.contains(&key.as_str());
                    collect(value, &here, child_is_name_map, out);
                }
            }
        }
        Json::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect(item, &format!("{path}[{i}]"), false, out);
            }
        }
        _ => {}
    }
}

fn strings_in(node: &Json, path: &str, out: &mut Vec<(String, String)>) {
    match node {
        Json::String(s) => out.push((path.to_string(), s.clone())),
        Json::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                strings_in(item, &format!("{path}[{i}]"), out);
            }
        }
        Json::Object(map) => {
            for (k, v) in map {
                strings_in(v, &format!("{path}.{k}"), out);
            }
        }
        _ => {}
    }
}

/// Parses JSON text, keeping key order; the error names line and column.
pub fn parse(text: &str) -> Result<Json, serde_json::Error> {
    serde_json::from_str(text)
}

/// The text [`crate`]'s importer writes: two-space indented JSON and a
/// final newline, so the same facts always give the same bytes.
pub fn to_text(doc: &Json) -> String {
    let mut text = serde_json::to_string_pretty(doc).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_goes_and_names_stay() {
        let mut doc = parse(
            r#"{"directories":[{"title":"T"}],"info":{"product":"P","title":"words"},
            "apis":{"description":{"summary":"S","parameters":[{"name":"Message","description":"D",
            "schema":{"type":"string","title":"x","enum":["a"],"enumValueTitles":{"a":"A"}}}],
            "responses":{"200":{"schema":{"properties":{"Description":{"type":"string","description":"d"},
            "message":{"type":"integer"}}}}},"errorCodes":{"400":[{"errorCode":"E","errorMessage":"M"}]}}}}"#,
        )
        .unwrap();
        let all = prose_strings(&doc);
        let paths: Vec<&str> = all.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            [
                "directories[0].title",
                "info.title",
                "apis.description.summary",
                "apis.description.parameters[0].description",
                "apis.description.parameters[0].schema.title",
                "apis.description.parameters[0].schema.enumValueTitles.a",
                "apis.description.responses.200.schema.properties.Description.description",
                "apis.description.errorCodes.400[0].errorMessage",
            ]
        );
        let dropped = facts_only(&mut doc);
        assert_eq!(
            dropped,
            Dropped {
                prose: 7,
                blocks: 1,
                masked: 0,
            }
        );
        assert_eq!(
            serde_json::to_string(&doc).unwrap(),
            r#"{"info":{"product":"P"},"apis":{"description":{"parameters":[{"name":"Message","schema":{"type":"string","enum":["a"]}}],"responses":{"200":{"schema":{"properties":{"Description":{"type":"string"},"message":{"type":"integer"}}}}},"errorCodes":{"400":[{"errorCode":"E"}]}}}}"#
        );
        assert!(prose_strings(&doc).is_empty());
    }

    #[test]
    fn examples_that_quote_prose_are_masked() {
        let demo = serde_json::json!([
            {"type": "json", "example": r#"{"Code":"E","Message":"The thing you asked for does not exist.","Id":"i-1"}"#}
        ])
        .to_string();
        let mut doc = parse(
            &serde_json::json!({
                "apis": {"Op": {
                    "errorCodes": {"404": [{"errorCode": "E", "errorMessage": "The thing you asked for does not exist."}]},
                    "responses": {"200": {"schema": {"properties": {"Message": {"type": "string",
                        "example": "The thing you asked for does not exist.", "description": "A short one."}}}}},
                    "responseDemo": demo
                }}
            })
            .to_string(),
        )
        .unwrap();
        let dropped = facts_only(&mut doc);
        assert_eq!(dropped.masked, 2, "{doc:?}");
        let text = serde_json::to_string(&doc).unwrap();
        assert!(!text.contains("does not exist"), "{text}");
        assert!(text.contains(r#""example":"****""#), "{text}");
        assert!(
            text.contains("i-1"),
            "the rest of the example stays: {text}"
        );
        assert_eq!(text.matches("****").count(), 2, "{text}");
    }

    #[test]
    fn same_input_same_bytes_and_order_kept() {
        let text = r#"{"b":1,"a":[1.5,true,null,"x"],"c":{"z":1,"y":2}}"#;
        let once = to_text(&parse(text).unwrap());
        let twice = to_text(&parse(&once).unwrap());
        assert_eq!(once, twice);
        assert!(once.find("\"b\"").unwrap() < once.find("\"a\"").unwrap());
        assert!(once.find("\"z\"").unwrap() < once.find("\"y\"").unwrap());
    }
}
