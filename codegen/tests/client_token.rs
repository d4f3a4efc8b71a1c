//! Operations with a `ClientToken` are marked for the runtime (which fills
//! the token and retries them after sending) and say so in their docs;
//! others are not marked.

use alibabacloud_codegen::{generate, SpecInput};

const SPEC: &str = r#"{
  "info": {"style": "RPC", "product": "Tok", "version": "2024-01-01"},
  "apis": {
    "CreateThing": {
      "methods": ["post"], "schemes": ["https"], "security": [{"AK": []}],
      "operationType": "write",
      "parameters": [
        {"name": "Name", "in": "query", "schema": {"type": "string"}},
        {"name": "ClientToken", "in": "query", "schema": {"type": "string"}}
      ],
      "responses": {"200": {"schema": {"type": "object", "properties": {"RequestId": {"type": "string"}}}}}
    },
    "PutThing": {
      "methods": ["post"], "schemes": ["https"], "security": [{"AK": []}],
      "operationType": "write",
      "parameters": [{"name": "ClientToken", "in": "body", "schema": {"type": "string"}}],
      "responses": {"200": {"schema": {"type": "object", "properties": {"RequestId": {"type": "string"}}}}}
    },
    "DeleteThing": {
      "methods": ["post"], "schemes": ["https"], "security": [{"AK": []}],
      "operationType": "write",
      "parameters": [{"name": "Name", "in": "query", "schema": {"type": "string"}}],
      "responses": {"200": {"schema": {"type": "object", "properties": {"RequestId": {"type": "string"}}}}}
    }
  },
  "endpoints": []
}"#;

#[test]
fn client_token_operations_are_marked_and_documented() {
    let dir = std::env::temp_dir().join(format!("codegen-client-token-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("api-docs.json");
    std::fs::write(&file, SPEC).unwrap();
    let generation = generate(&[SpecInput {
        file,
        label: "inline/api-docs.json".into(),
        default_version: None,
        crate_version: None,
    }])
    .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let text = |name: &str| {
        generation
            .files
            .iter()
            .find(|f| f.path.ends_with(name))
            .unwrap_or_else(|| panic!("{name} not generated"))
            .contents
            .clone()
    };
    let create = text("create_thing.rs");
    let compact: String = create.split_whitespace().collect();
    assert!(
        compact.contains(r#"client_token:::std::option::Option::Some(("ClientToken",rt::params::Location::Query,)),"#),
        "{create}"
    );
    assert!(
        create.contains("| Idempotent | `ClientToken`: the SDK sends a new UUID in it when unset"),
        "{create}"
    );
    let delete = text("delete_thing.rs");
    assert!(
        delete.contains("client_token: ::std::option::Option::None,"),
        "{delete}"
    );
    assert!(!delete.contains("Idempotent"), "{delete}");
    // A token `in: body` is not marked: beside a JSON body it would be lost.
    let put = text("put_thing.rs");
    assert!(
        put.contains("client_token: ::std::option::Option::None,"),
        "{put}"
    );
    // Every builder has `customize()`, the one door to per-call options.
    for file in [&create, &delete] {
        assert!(file.contains("pub fn customize(self) -> crate::options::Customize<"));
    }
}
