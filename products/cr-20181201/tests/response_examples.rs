//! Every operation's documented example response, parsed into its typed
//! response: one test per operation, generated into `response_examples/`
//! by `cargo xtask regenerate`
//! (`cargo test -p <crate> --features serialize --test response_examples`).

// Generated, printed by prettyplease; rustfmt leaves it alone.
#[rustfmt::skip]
#[path = "response_examples/cases.rs"]
mod generated;
/// Parses `example` as `T` and fails unless every top-level key with a
/// value maps to a field of `T`, except the keys the response schema does
/// not declare (`undeclared`, listed by the generator from the metadata):
/// those must not map to a field, so a schema that starts declaring one
/// makes the list stale and the test fail until regenerated.
pub(crate) fn check<T>(label: &str, example: &str, undeclared: &[&str])
where
    T: serde::de::DeserializeOwned + serde::Serialize,
{
    let value: serde_json::Value = serde_json::from_str(example)
        .unwrap_or_else(|e| panic!("{label}: the example is not JSON: {e}"));
    let parsed: T =
        serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{label}: {e}"));
    let back = serde_json::to_value(&parsed).unwrap_or_else(|e| panic!("{label}: {e}"));
    if let Some(keys) = value.as_object() {
        for (key, v) in keys {
            let maps = back.get(key).is_some_and(|b| !is_empty(b));
            if undeclared.contains(&key.as_str()) {
                assert!(
                    !maps,
                    "{label}: example key `{key}` is listed as undeclared but maps to a field"
                );
            } else if !is_empty(v) {
                assert!(
                    maps,
                    "{label}: example key `{key}` maps to no field (parsed back: {back})"
                );
            }
        }
    }
}

/// What a response does not serialize back: null, `[]`, `{}`, and objects
/// holding only such values (an empty wrapper such as `{"Tag": []}`).
fn is_empty(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Null => true,
        serde_json::Value::Array(a) => a.is_empty(),
        serde_json::Value::Object(o) => o.values().all(is_empty),
        _ => false,
    }
}
