//! The operations the endpoint knows: every RPC-style `api-docs.json` under
//! the specs directory, read with the generator's own spec model
//! (`alibabacloud_spec`), indexed by API version and action.

use crate::error::MockError;
use alibabacloud_spec::{self as spec, ApiDocs, Schema};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One row of an operation's error table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorRow {
    /// HTTP status the table files the code under.
    pub status: u16,
    /// The code.
    pub code: String,
    /// The message that goes with it (trimmed).
    pub message: String,
}

/// What the endpoint needs to know about one operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// Product as Alibaba spells it (`R-kvstore`).
    pub product: String,
    /// API version (`2015-01-01`).
    pub version: String,
    /// Operation name (`ModifySecurityGroupConfiguration`).
    pub action: String,
    /// Accepted HTTP methods, uppercase; empty means any of GET and POST.
    pub methods: Vec<String>,
    /// Whether the operation accepts unsigned calls.
    pub anonymous: bool,
    /// Request parameters, `$ref`s resolved.
    pub parameters: Vec<spec::Parameter>,
    /// The error table.
    pub errors: Vec<ErrorRow>,
    /// The `json` example of `responseDemo`, when it parses.
    pub demo: Option<serde_json::Value>,
    /// Schema of the success body (`responses."200".schema`), `$ref`s resolved.
    pub response: Option<Schema>,
}

impl Operation {
    /// Whether `method` (uppercase) may be used for this operation.
    pub fn allows_method(&self, method: &str) -> bool {
        if self.methods.is_empty() {
            matches!(method, "GET" | "POST")
        } else {
            self.methods.iter().any(|m| m == method)
        }
    }

    /// The error-table rows with `code`.
    pub fn rows(&self, code: &str) -> impl Iterator<Item = &ErrorRow> + '_ {
        let code = code.to_owned();
        self.errors.iter().filter(move |r| r.code == code)
    }
}

/// Every operation of every loaded spec.
#[derive(Debug, Default)]
pub struct Catalog {
    /// version -> action -> operation.
    by_version: HashMap<String, HashMap<String, Arc<Operation>>>,
    /// `product version` of each spec loaded, sorted.
    loaded: Vec<String>,
    /// Specs not served, with the reason (ROA and other styles).
    skipped: Vec<String>,
}

impl Catalog {
    /// Loads every `api-docs.json` below `dir` (any depth).
    ///
    /// RPC-style specs are served; other styles (ROA path templates) are
    /// listed in [`Catalog::skipped`]. A file that does not parse is an error:
    /// a mock that silently serves less than asked for hides mistakes.
    pub fn load_dir(dir: &Path) -> Result<Catalog, MockError> {
        let mut files = Vec::new();
        collect_spec_files(dir, 0, &mut files).map_err(|e| MockError::Specs {
            dir: dir.to_path_buf(),
            message: e.to_string(),
        })?;
        files.sort();
        let mut catalog = Catalog::default();
        for file in &files {
            let docs = spec::load(file).map_err(MockError::Spec)?;
            catalog.add(docs);
        }
        if catalog.loaded.is_empty() {
            return Err(MockError::Specs {
                dir: dir.to_path_buf(),
                message: if files.is_empty() {
                    "no api-docs.json file found".into()
                } else {
                    format!("no RPC-style spec among {} file(s)", files.len())
                },
            });
        }
        catalog.loaded.sort();
        Ok(catalog)
    }

    /// Adds one parsed spec (RPC style only; others are recorded as skipped).
    pub fn add(&mut self, docs: ApiDocs) {
        let style = docs.info.style.clone().unwrap_or_default();
        let label = format!("{} {}", docs.info.product, docs.info.version);
        if !style.eq_ignore_ascii_case("RPC") {
            self.skipped
                .push(format!("{label}: style {style:?} is not served (RPC only)"));
            return;
        }
        let ops = self
            .by_version
            .entry(docs.info.version.clone())
            .or_default();
        for (name, api) in &docs.apis {
            let op = Operation {
                product: docs.info.product.clone(),
                version: docs.info.version.clone(),
                action: name.clone(),
                methods: api.methods.iter().map(|m| m.to_ascii_uppercase()).collect(),
                anonymous: api.security.iter().any(|s| s.contains_key("Anonymous")),
                parameters: api
                    .parameters
                    .iter()
                    .map(|p| spec::Parameter {
                        schema: resolve(&p.schema, &docs, 0),
                        ..p.clone()
                    })
                    .collect(),
                errors: api
                    .error_rows(name)
                    .0
                    .into_iter()
                    .map(|r| ErrorRow {
                        status: r.status,
                        code: r.code,
                        message: r.message,
                    })
                    .collect(),
                // A broken example is the generator's to report; the mock
                // answers such operations as it answers those without one.
                demo: api.json_example(name).ok().flatten(),
                response: api
                    .responses
                    .get("200")
                    .and_then(|r| r.schema.as_ref())
                    .map(|s| resolve(s, &docs, 0)),
            };
            // Two specs with the same version and action: the first file (in
            // path order) wins, so the choice is stable.
            ops.entry(name.clone()).or_insert_with(|| Arc::new(op));
        }
        self.loaded.push(label);
    }

    /// Whether any spec has this API version.
    pub fn has_version(&self, version: &str) -> bool {
        self.by_version.contains_key(version)
    }

    /// Whether any spec (of any version) has this action.
    pub fn has_action(&self, action: &str) -> bool {
        self.by_version.values().any(|ops| ops.contains_key(action))
    }

    /// The operation for `version` and `action`.
    pub fn get(&self, version: &str, action: &str) -> Option<Arc<Operation>> {
        self.by_version.get(version)?.get(action).cloned()
    }

    /// `product version` of every spec served.
    pub fn loaded(&self) -> &[String] {
        &self.loaded
    }

    /// Specs found but not served, with the reason.
    pub fn skipped(&self) -> &[String] {
        &self.skipped
    }

    /// Number of operations served.
    pub fn operation_count(&self) -> usize {
        self.by_version.values().map(HashMap::len).sum()
    }
}

/// Finds `api-docs.json` files; depth-limited so a symlink loop cannot hang.
fn collect_spec_files(dir: &Path, depth: u32, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if depth > 8 {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_spec_files(&path, depth + 1, out)?;
        } else if path.file_name().is_some_and(|n| n == "api-docs.json") {
            out.push(path);
        }
    }
    Ok(())
}

/// Follows `$ref` into `components.schemas`, in the schema and below it.
/// Depth-limited: a self-referencing schema stops resolving instead of
/// recursing forever.
fn resolve(schema: &Schema, docs: &ApiDocs, depth: u32) -> Schema {
    if depth > 16 {
        return schema.clone();
    }
    let mut out = match schema
        .reference
        .as_deref()
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .and_then(|name| docs.components.schemas.get(name))
    {
        Some(target) => {
            // The referencing schema's own `required` and description win.
            let mut t = target.clone();
            t.required = schema.required.or(t.required);
            t
        }
        None => schema.clone(),
    };
    if let Some(items) = &out.items {
        out.items = Some(Box::new(resolve(items, docs, depth + 1)));
    }
    if let Some(props) = &out.properties {
        out.properties = Some(
            props
                .iter()
                .map(|(k, v)| (k.clone(), resolve(v, docs, depth + 1)))
                .collect(),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_rpc_specs_are_skipped_with_a_reason() {
        let docs: ApiDocs = serde_json::from_str(
            r#"{"info":{"style":"ROA","product":"CS","version":"2015-12-15"},"apis":{"DescribeClusters":{}}}"#,
        )
        .unwrap();
        let mut c = Catalog::default();
        c.add(docs);
        assert_eq!(c.operation_count(), 0);
        assert!(c.skipped()[0].contains("ROA"));
    }

    #[test]
    fn the_workspace_spec_loads() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-specs");
        let c = Catalog::load_dir(&dir).unwrap();
        assert_eq!(c.loaded(), ["R-kvstore 2015-01-01"]);
        let op = c
            .get("2015-01-01", "ModifySecurityGroupConfiguration")
            .unwrap();
        assert!(op.allows_method("POST") && op.allows_method("GET") && !op.allows_method("PUT"));
        let missing: Vec<u16> = op.rows("MissingParameter").map(|r| r.status).collect();
        assert_eq!(missing, [404, 404]);
        assert!(op.demo.is_some());
    }
}
