//! The operations the endpoint knows: every `api-docs.json` under the specs
//! directory, read with the generator's own spec model (`alibabacloud_spec`).
//! RPC operations are indexed by API version and action; ROA operations
//! (styles `ROA` and `FC`) are routed by method and path template.

use crate::error::{ErrorShape, MockError};
use crate::generic;
use crate::roa::PathTemplate;
use alibabacloud_spec::{self as spec, ApiDocs, Schema};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How an operation is called.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Style {
    /// `Action`/`Version` at path `/`, parameters in the query or a form.
    Rpc,
    /// A path template; parameters in the path, query, headers and a JSON
    /// body.
    Roa(PathTemplate),
}

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
    /// RPC, or ROA with its path template.
    pub style: Style,
    /// Status of a successful answer: the lowest 2xx the spec lists
    /// (ROA operations answer 202 or 204 too), else 200.
    pub success_status: u16,
    /// Key spelling of the product's error body.
    pub error_shape: ErrorShape,
    /// The top-level key of the success body that holds the request id
    /// (`RequestId`, `requestId` or `request_id`), when the schema has one.
    pub request_id_key: Option<String>,
    /// What the generic resource state does for it (RPC only; empty for
    /// ROA operations and for most RPC ones).
    pub generic: generic::Plan,
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
    /// version -> action -> operation (RPC).
    by_version: HashMap<String, HashMap<String, Arc<Operation>>>,
    /// ROA operations in load order (files in path order, then spec order).
    roa: Vec<Arc<Operation>>,
    /// `version action` of each ROA operation, for first-file-wins.
    roa_names: HashSet<(String, String)>,
    /// Versions of the ROA specs.
    roa_versions: HashSet<String>,
    /// `product version` of each spec loaded, sorted.
    loaded: Vec<String>,
    /// Specs and operations not served, with the reason.
    skipped: Vec<String>,
    /// Spec files that could not be read or parsed: file, JSON path, why.
    failed: Vec<String>,
    /// Parts of loaded specs served without a check they state (a
    /// `pattern` the regex engine cannot compile), with the JSON path.
    notes: Vec<String>,
    /// Time spent finding, reading and indexing the files.
    load_time: Duration,
}

/// Spec styles with their own signing and host-name routing, which this
/// endpoint does not emulate; each is listed at start with this reason.
fn unserved_style_reason(style: &str) -> Option<&'static str> {
    match style.to_ascii_uppercase().as_str() {
        "RPC" | "ROA" | "FC" => None,
        "OSS" => Some(
            "style \"OSS\" is not served: OSS signs with its own scheme (OSS4-HMAC-SHA256), routes by bucket host name and answers XML; the mock checks ACS signatures and has no host routing",
        ),
        _ => Some("style is neither RPC nor ROA"),
    }
}

impl Catalog {
    /// Loads every `api-docs.json` below `dir` (any depth).
    ///
    /// RPC and ROA specs (and FC's, which are ROA-shaped) are served; other
    /// styles are listed in [`Catalog::skipped`] with the reason. A file
    /// that cannot be read or parsed is listed in [`Catalog::failed`] with
    /// its JSON path and the others still load; only a directory with
    /// nothing servable is an error.
    pub fn load_dir(dir: &Path) -> Result<Catalog, MockError> {
        Catalog::load_products(dir, &[])
    }

    /// As [`Catalog::load_dir`], limited to `products` (empty: all).
    ///
    /// A product is named by its directory (`api-specs/<product>/<version>/`,
    /// the layout of `api-specs/` and of Alibaba's corpus) or by its
    /// `info.product`, case-insensitively. Files of other products are not
    /// even read, so starting with one product costs one product. A name
    /// that matches nothing is an error listing what is there.
    pub fn load_products(dir: &Path, products: &[String]) -> Result<Catalog, MockError> {
        let started = Instant::now();
        let mut files = Vec::new();
        collect_spec_files(dir, 0, &mut files).map_err(|e| MockError::Specs {
            dir: dir.to_path_buf(),
            message: e.to_string(),
        })?;
        files.sort();
        let wanted: Vec<String> = products
            .iter()
            .map(|p| p.trim().to_ascii_lowercase())
            .filter(|p| !p.is_empty())
            .collect();
        let mut matched: HashSet<String> = HashSet::new();
        // With the usual layout the directory names the product, so files
        // of other products are never read; otherwise each file is read to
        // learn its `info.product`.
        let by_dir = files_have_product_dirs(&files);
        let mut catalog = Catalog::default();
        for file in &files {
            let dir_product = product_dir_name(file);
            if !wanted.is_empty() && by_dir {
                match &dir_product {
                    Some(p) if wanted.contains(p) => {
                        matched.insert(p.clone());
                    }
                    _ => continue,
                }
            }
            match spec::load(file) {
                Ok(docs) => {
                    if !wanted.is_empty() && !by_dir {
                        let product = docs.info.product.to_ascii_lowercase();
                        let name = [Some(product), dir_product]
                            .into_iter()
                            .flatten()
                            .find(|n| wanted.contains(n));
                        match name {
                            Some(n) => {
                                matched.insert(n);
                            }
                            None => continue,
                        }
                    }
                    catalog.add(docs);
                }
                Err(e) => catalog.failed.push(e.to_string()),
            }
        }
        let unknown: Vec<String> = wanted
            .iter()
            .filter(|w| !matched.contains(*w))
            .cloned()
            .collect();
        if !unknown.is_empty() && (by_dir || catalog.failed.is_empty()) {
            let mut available: Vec<String> =
                files.iter().filter_map(|f| product_dir_name(f)).collect();
            available.sort();
            available.dedup();
            return Err(MockError::UnknownProducts {
                names: unknown,
                available,
            });
        }
        if catalog.loaded.is_empty() {
            let mut message = if files.is_empty() {
                "no api-docs.json file found".to_owned()
            } else {
                format!("no servable spec among {} file(s)", files.len())
            };
            for f in catalog.failed.iter().chain(&catalog.skipped) {
                message.push_str("\n  ");
                message.push_str(f);
            }
            return Err(MockError::Specs {
                dir: dir.to_path_buf(),
                message,
            });
        }
        catalog.loaded.sort();
        catalog.load_time = started.elapsed();
        Ok(catalog)
    }

    /// Adds one parsed spec: RPC operations by version and action, ROA
    /// operations by path template. Styles the endpoint cannot emulate, and
    /// ROA operations without a usable path, are recorded as skipped.
    pub fn add(&mut self, docs: ApiDocs) {
        let style = docs.info.style.clone().unwrap_or_default();
        let label = format!("{} {}", docs.info.product, docs.info.version);
        if let Some(reason) = unserved_style_reason(&style) {
            self.skipped.push(format!("{label}: {reason} ({style:?})"));
            return;
        }
        let rpc = style.eq_ignore_ascii_case("RPC");
        let error_shape = if rpc {
            ErrorShape::Pop
        } else {
            roa_error_shape(&docs)
        };
        let mut served = 0usize;
        let rows_of = |name: &str, api: &spec::Api| -> Vec<ErrorRow> {
            api.error_rows(name)
                .0
                .into_iter()
                .map(|r| ErrorRow {
                    status: r.status,
                    code: r.code,
                    message: r.message,
                })
                .collect()
        };
        // The ids the product's reads look up: what a creation that is not
        // named after its resource may be making.
        let product_kinds: BTreeSet<String> = if rpc {
            docs.apis
                .iter()
                .flat_map(|(name, api)| {
                    generic::lookups(name, &api.parameters, &rows_of(name, api))
                })
                .map(|l| l.param)
                .collect()
        } else {
            BTreeSet::new()
        };
        for (name, api) in &docs.apis {
            for (i, p) in api.parameters.iter().enumerate() {
                let place = format!("{label}: apis.{name}.parameters[{i}] ({})", p.name);
                note_patterns(&place, &resolve(&p.schema, &docs, 0), 0, &mut self.notes);
            }
            let op_style = if rpc {
                Style::Rpc
            } else {
                match api.path.as_deref().and_then(PathTemplate::parse) {
                    Some(t) => Style::Roa(t),
                    None => {
                        self.skipped.push(format!(
                            "{label}: apis.{name}.path {:?} is not a path template the mock can match",
                            api.path.as_deref().unwrap_or("")
                        ));
                        continue;
                    }
                }
            };
            let response = api
                .responses
                .get("200")
                .or_else(|| {
                    api.responses
                        .iter()
                        .find(|(k, _)| k.starts_with('2'))
                        .map(|(_, v)| v)
                })
                .and_then(|r| r.schema.as_ref())
                .map(|s| resolve(s, &docs, 0));
            let request_id_key = response.as_ref().and_then(|r| {
                let props = r.properties.as_ref()?;
                ["RequestId", "requestId", "request_id"]
                    .into_iter()
                    .find(|k| props.contains_key(*k))
                    .map(str::to_owned)
            });
            let success_status = api
                .responses
                .keys()
                .filter_map(|k| k.parse::<u16>().ok())
                .filter(|s| (200..300).contains(s))
                .min()
                .unwrap_or(200);
            let parameters: Vec<spec::Parameter> = api
                .parameters
                .iter()
                .map(|p| spec::Parameter {
                    schema: resolve(&p.schema, &docs, 0),
                    ..p.clone()
                })
                .collect();
            let errors = rows_of(name, api);
            // A broken example is the generator's to report; the mock
            // answers such operations as it answers those without one.
            let demo = api.json_example(name).ok().flatten();
            let generic = if rpc {
                generic::plan(
                    name,
                    &parameters,
                    &errors,
                    response.as_ref(),
                    demo.as_ref(),
                    &product_kinds,
                )
            } else {
                generic::Plan::default()
            };
            let op = Operation {
                product: docs.info.product.clone(),
                version: docs.info.version.clone(),
                action: name.clone(),
                methods: api.methods.iter().map(|m| m.to_ascii_uppercase()).collect(),
                anonymous: api.security.iter().any(|s| s.contains_key("Anonymous")),
                parameters,
                errors,
                demo,
                response,
                style: op_style,
                success_status,
                error_shape,
                request_id_key,
                generic,
            };
            served += 1;
            // Two specs with the same version and action: the first file (in
            // path order) wins, so the choice is stable.
            if rpc {
                self.by_version
                    .entry(docs.info.version.clone())
                    .or_default()
                    .entry(name.clone())
                    .or_insert_with(|| Arc::new(op));
            } else if self
                .roa_names
                .insert((docs.info.version.clone(), name.clone()))
            {
                self.roa.push(Arc::new(op));
            }
        }
        if !rpc && served > 0 {
            self.roa_versions.insert(docs.info.version.clone());
        }
        if rpc && docs.apis.is_empty() {
            // A spec without operations still names its version, so that
            // calls to it get "no such action" rather than "no such version".
            self.by_version
                .entry(docs.info.version.clone())
                .or_default();
        }
        self.loaded.push(label);
    }

    /// The ROA operation for a request: method and path template (with any
    /// fixed query the template has) must match; `version` and `action`
    /// (the `x-acs-version` / `x-acs-action` headers), when given, narrow the
    /// choice, and of the rest the most specific template wins (then the
    /// first loaded). Also returns the path parameters, decoded.
    ///
    /// `Err(true)` when some template matches the path but not the method
    /// (the gateway answers both the same way; callers may log the
    /// difference).
    pub fn route_roa(
        &self,
        method: &str,
        path: &str,
        query: &[(String, String)],
        version: Option<&str>,
        action: Option<&str>,
    ) -> Result<(Arc<Operation>, BTreeMap<String, String>), bool> {
        // (operation, path parameters, rank: named action, literals, fixed query)
        type Candidate<'a> = (
            &'a Arc<Operation>,
            BTreeMap<String, String>,
            (u8, usize, usize),
        );
        let mut best: Option<Candidate<'_>> = None;
        let mut path_matched = false;
        for op in &self.roa {
            let Style::Roa(template) = &op.style else {
                continue;
            };
            if version.is_some_and(|v| v != op.version) {
                continue;
            }
            let Some(params) = template.matches(path, query) else {
                continue;
            };
            path_matched = true;
            if !op.allows_method(method) {
                continue;
            }
            let (literals, fixed) = template.specificity();
            let rank = (
                u8::from(action == Some(op.action.as_str())),
                literals,
                fixed,
            );
            if best.as_ref().map_or(true, |(_, _, r)| rank > *r) {
                best = Some((op, params, rank));
            }
        }
        match best {
            Some((op, params, _)) => Ok((op.clone(), params)),
            None => Err(path_matched),
        }
    }

    /// Whether any ROA spec has this API version.
    pub fn has_roa_version(&self, version: &str) -> bool {
        self.roa_versions.contains(version)
    }

    /// Whether a loaded spec is of `product` (`info.product`, any case).
    pub fn has_product(&self, product: &str) -> bool {
        self.loaded.iter().any(|label| {
            label
                .rsplit_once(' ')
                .is_some_and(|(p, _)| p.eq_ignore_ascii_case(product.trim()))
        })
    }

    /// Whether any RPC spec has this API version.
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

    /// Specs (and single operations) found but not served, with the reason.
    pub fn skipped(&self) -> &[String] {
        &self.skipped
    }

    /// Spec files that could not be read or parsed, each naming the file and
    /// the JSON path; the other files were loaded.
    pub fn failed(&self) -> &[String] {
        &self.failed
    }

    /// Parts of the loaded specs served without a check they state (a
    /// `pattern` the regex engine cannot compile), each with its JSON path;
    /// reported here once rather than at each request.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// Number of operations served (RPC and ROA).
    pub fn operation_count(&self) -> usize {
        self.by_version.values().map(HashMap::len).sum::<usize>() + self.roa.len()
    }

    /// Number of ROA operations served.
    pub fn roa_operation_count(&self) -> usize {
        self.roa.len()
    }

    /// How long [`Catalog::load_products`] took: finding, reading, parsing
    /// and indexing the files.
    pub fn load_time(&self) -> Duration {
        self.load_time
    }
}

/// The `<product>` of `.../<product>/<version>/api-docs.json`, lowercased,
/// when the version directory looks like a date (the layout of `api-specs/`
/// and Alibaba's corpus).
fn product_dir_name(file: &Path) -> Option<String> {
    let version_dir = file.parent()?;
    let version = version_dir.file_name()?.to_str()?;
    let looks_like_version =
        version.len() == 10 && version.bytes().filter(|b| *b == b'-').count() == 2;
    if !looks_like_version {
        return None;
    }
    Some(
        version_dir
            .parent()?
            .file_name()?
            .to_str()?
            .to_ascii_lowercase(),
    )
}

/// Whether every file sits in the `<product>/<version>/` layout, so that a
/// product filter can go by directory names alone.
fn files_have_product_dirs(files: &[PathBuf]) -> bool {
    files.iter().all(|f| product_dir_name(f).is_some())
}

/// The error-body spelling of an ROA product (see [`ErrorShape`]): SLS has
/// its own; otherwise the spelling of the request-id key the product's
/// success bodies use most.
fn roa_error_shape(docs: &ApiDocs) -> ErrorShape {
    if docs.info.product.eq_ignore_ascii_case("Sls") {
        return ErrorShape::ErrorCode;
    }
    let (mut upper, mut lower) = (0usize, 0usize);
    for api in docs.apis.values() {
        let props = api
            .responses
            .get("200")
            .and_then(|r| r.schema.as_ref())
            .and_then(|s| s.properties.as_ref());
        if let Some(props) = props {
            upper += usize::from(props.contains_key("RequestId"));
            lower +=
                usize::from(props.contains_key("requestId") || props.contains_key("request_id"));
        }
    }
    if lower > upper {
        ErrorShape::Lower
    } else {
        ErrorShape::Pop
    }
}

/// Notes each `pattern` in `schema` (and its members and items) that the
/// regex engine cannot compile, and so is not checked.
fn note_patterns(place: &str, schema: &Schema, depth: u32, notes: &mut Vec<String>) {
    if depth > 16 {
        return;
    }
    if let Some(pattern) = schema.pattern.as_deref() {
        if let Some(why) = crate::params::pattern_error(pattern) {
            notes.push(format!(
                "{place}: pattern {pattern:?} is not checked: {why}"
            ));
        }
    }
    if let Some(items) = &schema.items {
        note_patterns(&format!("{place}.items"), items, depth + 1, notes);
    }
    for (key, member) in schema.properties.iter().flatten() {
        note_patterns(&format!("{place}.{key}"), member, depth + 1, notes);
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

    fn docs(json: &str) -> ApiDocs {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn oss_and_pathless_roa_operations_are_skipped_with_a_reason() {
        let mut c = Catalog::default();
        c.add(docs(
            r#"{"info":{"style":"OSS","product":"Oss","version":"2019-05-17"},"apis":{"GetObject":{"path":"/{key}"}}}"#,
        ));
        c.add(docs(
            r#"{"info":{"style":"ROA","product":"CS","version":"2015-12-15"},"apis":{"DescribeClusters":{"path":"/clusters","methods":["get"]},"NoPath":{},"Odd":{"path":"/a{b}"}}}"#,
        ));
        assert_eq!(c.operation_count(), 1);
        assert_eq!(c.loaded(), ["CS 2015-12-15"]);
        assert!(
            c.skipped()[0].starts_with("Oss 2019-05-17: style \"OSS\""),
            "{:?}",
            c.skipped()
        );
        assert!(c.skipped()[1].contains("apis.NoPath.path"));
        assert!(c.skipped()[2].contains("apis.Odd.path \"/a{b}\""));
    }

    #[test]
    fn the_more_specific_template_and_the_named_action_win() {
        let mut c = Catalog::default();
        c.add(docs(
            r#"{"info":{"style":"ROA","product":"CS","version":"2015-12-15"},"apis":{
                "Describe":{"path":"/clusters/{ClusterId}","methods":["get"]},
                "Default":{"path":"/clusters/default","methods":["get"]},
                "ListA":{"path":"/","methods":["get"]},
                "ListB":{"path":"/","methods":["get"]}}}"#,
        ));
        let route = |path: &str, action: Option<&str>| {
            c.route_roa("GET", path, &[], Some("2015-12-15"), action)
                .map(|(op, params)| (op.action.clone(), params.into_iter().collect::<Vec<_>>()))
        };
        assert_eq!(route("/clusters/default", None).unwrap().0, "Default");
        let (action, params) = route("/clusters/c-1", None).unwrap();
        assert_eq!(action, "Describe");
        assert_eq!(params, [("ClusterId".to_owned(), "c-1".to_owned())]);
        // Two operations on one path: the x-acs-action header decides, and
        // without it the first one loaded.
        assert_eq!(route("/", Some("ListB")).unwrap().0, "ListB");
        assert_eq!(route("/", None).unwrap().0, "ListA");
        // Path known, method not: reported as such.
        assert!(c
            .route_roa("PUT", "/clusters/c-1", &[], None, None)
            .unwrap_err());
        assert!(!c.route_roa("GET", "/nodes", &[], None, None).unwrap_err());
        assert!(c
            .route_roa("GET", "/clusters/c-1", &[], Some("2099-01-01"), None)
            .is_err());
    }

    #[test]
    fn a_pattern_the_engine_cannot_compile_is_noted_once_and_not_checked() {
        let mut c = Catalog::default();
        c.add(docs(
            r#"{"info":{"style":"RPC","product":"P","version":"2020-01-01"},"apis":{"Op":{"parameters":[
                {"name":"A","in":"query","schema":{"type":"string","pattern":"^(?<=x)a$"}},
                {"name":"B","in":"query","schema":{"type":"string","pattern":"^\\d+$"}}]}}}"#,
        ));
        assert_eq!(c.notes().len(), 1, "{:?}", c.notes());
        assert!(
            c.notes()[0].starts_with(
                "P 2020-01-01: apis.Op.parameters[0] (A): pattern \"^(?<=x)a$\" is not checked"
            ),
            "{:?}",
            c.notes()
        );
        let op = c.get("2020-01-01", "Op").unwrap();
        let params: BTreeMap<String, String> = [("A".to_owned(), "anything".to_owned())]
            .into_iter()
            .collect();
        assert!(crate::params::check(&op.parameters, &params).is_ok());
        let params: BTreeMap<String, String> =
            [("B".to_owned(), "1x".to_owned())].into_iter().collect();
        assert!(crate::params::check(&op.parameters, &params).is_err());
    }

    #[test]
    fn the_workspace_spec_loads() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-specs");
        let c = Catalog::load_dir(&dir).unwrap();
        assert_eq!(c.loaded().len(), 25, "{:?}", c.loaded());
        assert!(c.loaded().iter().any(|p| p == "R-kvstore 2015-01-01"));
        let op = c
            .get("2015-01-01", "ModifySecurityGroupConfiguration")
            .unwrap();
        assert!(op.allows_method("POST") && op.allows_method("GET") && !op.allows_method("PUT"));
        let missing: Vec<u16> = op.rows("MissingParameter").map(|r| r.status).collect();
        assert_eq!(missing, [404]);
        assert!(op.demo.is_some());
    }
}
