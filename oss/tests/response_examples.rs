//! Every generated operation's XML answer, as the metadata's own examples
//! show it, parses into the operation's typed output: the facts file in
//! `api-specs/oss/` is read here, not copied.

use serde_json::Value;

#[test]
fn metadata_examples_parse_into_the_generated_types() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../api-specs/oss/2019-05-17/api-docs.json"
    );
    let text = std::fs::read_to_string(path).expect("the OSS facts file");
    let spec: Value = serde_json::from_str(&text).unwrap();
    let apis = spec["apis"].as_object().unwrap();
    let (mut parsed, mut failed) = (Vec::new(), Vec::new());
    for (name, api) in apis {
        let Some(demo) = api.get("responseDemo").and_then(Value::as_str) else {
            continue;
        };
        let Ok(Value::Array(demos)) = serde_json::from_str::<Value>(demo) else {
            continue;
        };
        for d in demos {
            if d["type"] != "xml" {
                continue;
            }
            let Some(xml) = d["example"]
                .as_str()
                .filter(|x| x.trim_start().starts_with('<'))
            else {
                continue;
            };
            match alibabacloud_oss::__parse_response_example(name, xml.as_bytes()) {
                None => {}
                Some(Ok(())) => parsed.push(name.clone()),
                Some(Err(e)) => failed.push(format!("{name}: {e}")),
            }
        }
    }
    assert!(
        failed.is_empty(),
        "{} examples failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
    // The metadata has XML examples for most generated operations with a body.
    assert!(parsed.len() >= 50, "only {} examples parsed", parsed.len());
    println!("{} XML examples parsed", parsed.len());
}

#[test]
fn generated_and_hand_written_cover_the_metadata() {
    let generated = alibabacloud_oss::GENERATED_OPERATIONS.len();
    let skipped = alibabacloud_oss::SKIPPED_OPERATIONS;
    assert!(generated >= 140, "{generated} operations generated");
    // Every skip names its reason.
    assert!(skipped.iter().all(|s| s.contains(": ")), "{skipped:?}");
}

/// One example read field by field, and a request body written and read
/// back: the models carry values, not just shapes.
#[test]
fn cors_rules_read_and_write_as_oss_spells_them() {
    use alibabacloud_oss::get_bucket_cors::CorsConfiguration as Answer;
    use alibabacloud_oss::models::{CorsConfiguration, CorsRule};
    let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin><AllowedOrigin>https://a.example</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <MaxAgeSeconds>300</MaxAgeSeconds>
  </CORSRule>
  <ResponseVary>true</ResponseVary>
</CORSConfiguration>"#;
    let answer: Answer = quick_xml::de::from_str(xml).unwrap();
    let rule = &answer.cors_rule()[0];
    assert_eq!(rule.allowed_origin(), ["*", "https://a.example"]);
    assert_eq!(rule.allowed_method(), ["GET"]);
    assert_eq!(rule.max_age_seconds(), Some(300));
    assert_eq!(answer.response_vary(), Some(true));

    let config = CorsConfiguration::default().with_cors_rule(vec![CorsRule::default()
        .with_allowed_origin(vec!["*".into()])
        .with_allowed_method(vec!["PUT".into(), "GET".into()])]);
    let written = quick_xml::se::to_string_with_root("CORSConfiguration", &config).unwrap();
    assert_eq!(
        written,
        // Members in name order (OSS reads them in any order); lists repeat
        // their element, unset members are left out.
        "<CORSConfiguration><CORSRule><AllowedMethod>PUT</AllowedMethod><AllowedMethod>GET</AllowedMethod>\
         <AllowedOrigin>*</AllowedOrigin></CORSRule></CORSConfiguration>"
    );
}
