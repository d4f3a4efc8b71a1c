//! `docs.toml`: descriptions this project writes, laid over an imported spec.
//!
//! Imported specs hold facts only (see [`crate::facts`]); our own words for a
//! product live beside its `api-docs.json`:
//!
//! ```toml
//! [operations.DescribeSecurityIps]
//! summary = "Lists the IP address whitelists of an instance."
//! description = "Longer text, Markdown."
//!
//! [operations.DescribeSecurityIps.parameters]
//! InstanceId = "Instance ID."
//! "Tag[].Key" = "A member of a list parameter's items."
//!
//! [operations.DescribeSecurityIps.response]
//! RequestId = "Unique identifier of this request."
//! "SecurityIpGroups.SecurityIpGroup[]" = "One whitelist."
//! ```
//!
//! Paths name members by wire name; `[]` steps into a list's items. A path
//! that names nothing is an error that names the file and the key, so an
//! overlay never silently goes stale when the spec changes.

use crate::spec::{ApiDocs, Schema, SpecError};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The overlay's file name, beside `api-docs.json`.
pub const FILE_NAME: &str = "docs.toml";

/// One `docs.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overlay {
    /// Operation docs by operation name.
    #[serde(default)]
    pub operations: BTreeMap<String, OperationDocs>,
}

/// What we wrote about one operation.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationDocs {
    /// One line.
    pub summary: Option<String>,
    /// Markdown.
    pub description: Option<String>,
    /// Parameter (and member) docs by path.
    #[serde(default)]
    pub parameters: BTreeMap<String, String>,
    /// Success-response field docs by path.
    #[serde(default)]
    pub response: BTreeMap<String, String>,
}

/// The overlay file of a spec file, if there is one.
pub fn file_for(spec_file: &Path) -> Option<PathBuf> {
    let file = spec_file.with_file_name(FILE_NAME);
    file.is_file().then_some(file)
}

/// Reads and parses `file`.
pub fn load(file: &Path) -> Result<Overlay, SpecError> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| SpecError::new(file, "", format!("cannot read file: {e}")))?;
    toml::from_str(&text).map_err(|e| SpecError::new(file, "", e.to_string()))
}

/// Writes the overlay's text into `docs`, where it comes first.
pub fn apply(docs: &mut ApiDocs, overlay: &Overlay, file: &Path) -> Result<(), SpecError> {
    for (name, ops) in &overlay.operations {
        let at = format!("operations.{name}");
        let api = docs.apis.get_mut(name).ok_or_else(|| {
            SpecError::new(file, &at, format!("the spec has no operation `{name}`"))
        })?;
        if let Some(s) = &ops.summary {
            api.summary = Some(s.clone());
        }
        if let Some(d) = &ops.description {
            api.description = Some(d.clone());
        }
        for (path, text) in &ops.parameters {
            let key = format!("{at}.parameters.{path:?}");
            let (head, rest) = split_head(path);
            let param = api
                .parameters
                .iter_mut()
                .find(|p| p.name == head)
                .ok_or_else(|| {
                    SpecError::new(file, &key, format!("`{name}` has no parameter `{head}`"))
                })?;
            let schema = walk(&mut param.schema, rest)
                .ok_or_else(|| SpecError::new(file, &key, format!("`{path}` names no member")))?;
            schema.description = Some(text.clone());
        }
        if !ops.response.is_empty() {
            let body = api
                .responses
                .iter_mut()
                .filter(|(status, _)| status.starts_with('2'))
                .find_map(|(_, r)| r.schema.as_mut());
            let Some(body) = body else {
                return Err(SpecError::new(
                    file,
                    format!("{at}.response"),
                    format!("`{name}` has no success-response schema"),
                ));
            };
            for (path, text) in &ops.response {
                let key = format!("{at}.response.{path:?}");
                let schema = walk(body, &format!(".{path}")).ok_or_else(|| {
                    SpecError::new(file, &key, format!("`{path}` names no field"))
                })?;
                schema.description = Some(text.clone());
            }
        }
    }
    Ok(())
}

/// `Tag[].Key` -> (`Tag`, `[].Key`).
fn split_head(path: &str) -> (&str, &str) {
    let end = path.find(['.', '[']).unwrap_or(path.len());
    (&path[..end], &path[end..])
}

/// Follows `.Member` and `[]` steps from `schema`.
fn walk<'a>(schema: &'a mut Schema, steps: &str) -> Option<&'a mut Schema> {
    if steps.is_empty() {
        return Some(schema);
    }
    if let Some(rest) = steps.strip_prefix("[]") {
        return walk(schema.items.as_deref_mut()?, rest);
    }
    let rest = steps.strip_prefix('.')?;
    let (member, rest) = split_head(rest);
    let child = schema.properties.as_mut()?.get_mut(member)?;
    walk(child, rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs() -> ApiDocs {
        crate::spec::parse(
            Path::new("api-docs.json"),
            r#"{"info":{"product":"P","version":"1"},"apis":{"Op":{
              "parameters":[{"name":"Tag","in":"query","schema":{"type":"array","items":{"type":"object","properties":{"Key":{"type":"string"}}}}}],
              "responses":{"200":{"schema":{"type":"object","properties":{"Items":{"type":"object","properties":{"Item":{"type":"array","items":{"type":"object","properties":{"Id":{"type":"string"}}}}}}}}}}}}}"#,
        )
        .unwrap()
    }

    fn overlay(text: &str) -> Overlay {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn text_lands_where_the_paths_point() {
        let mut d = docs();
        let o = overlay(
            "[operations.Op]\nsummary = \"S\"\n[operations.Op.parameters]\n\"Tag[].Key\" = \"K\"\n\
             [operations.Op.response]\n\"Items.Item[].Id\" = \"I\"\n\"Items.Item\" = \"L\"\n",
        );
        apply(&mut d, &o, Path::new("docs.toml")).unwrap();
        let api = &d.apis["Op"];
        assert_eq!(api.summary.as_deref(), Some("S"));
        let key = &api.parameters[0]
            .schema
            .items
            .as_ref()
            .unwrap()
            .properties
            .as_ref()
            .unwrap()["Key"];
        assert_eq!(key.description.as_deref(), Some("K"));
        let items = &api.responses["200"]
            .schema
            .as_ref()
            .unwrap()
            .properties
            .as_ref()
            .unwrap()["Items"];
        let item = &items.properties.as_ref().unwrap()["Item"];
        assert_eq!(item.description.as_deref(), Some("L"));
        let id = &item.items.as_ref().unwrap().properties.as_ref().unwrap()["Id"];
        assert_eq!(id.description.as_deref(), Some("I"));
    }

    #[test]
    fn a_stale_path_is_named() {
        for (text, want) in [
            (
                "[operations.Gone]\nsummary = \"x\"\n",
                "operations.Gone: the spec has no operation `Gone`",
            ),
            (
                "[operations.Op.parameters]\nNope = \"x\"\n",
                "operations.Op.parameters.\"Nope\": `Op` has no parameter `Nope`",
            ),
            (
                "[operations.Op.parameters]\n\"Tag[].Value\" = \"x\"\n",
                "`Tag[].Value` names no member",
            ),
            (
                "[operations.Op.response]\n\"Items.Thing\" = \"x\"\n",
                "operations.Op.response.\"Items.Thing\": `Items.Thing` names no field",
            ),
        ] {
            let err = apply(&mut docs(), &overlay(text), Path::new("docs.toml")).unwrap_err();
            assert!(err.to_string().contains(want), "{err}");
            assert!(
                err.to_string().starts_with("docs.toml: at operations."),
                "{err}"
            );
        }
        assert!(toml::from_str::<Overlay>("[operations.Op]\nsumary = \"x\"\n").is_err());
    }
}
