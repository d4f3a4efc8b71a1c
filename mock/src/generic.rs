//! Generic state for every RPC product: the resources a product has, read
//! back by id, listed page by page, created and deleted, decided from the
//! metadata alone (no product is handled by hand here).
//!
//! When a spec loads, each operation gets a [`Plan`]:
//!
//! - **Lookups** (`Describe*`, `Get*`, `List*`): each required parameter
//!   that names a resource (`InstanceId`, `DBClusterId`; not `RegionId` and
//!   the other scope parameters) and that a not-found row of the
//!   operation's error table names (`InvalidInstanceId.NotFound`,
//!   `InvalidDBCluster.NotFound`, `ResourceNotFound.Listener`). An id the
//!   product does not know gets that row's code and status.
//! - **Paging**: `PageNumber`/`PageSize`, or `NextToken` (with `MaxResults`
//!   or `PageSize`) when the response has a `NextToken`, over the paged list
//!   of the response (chosen as the SDK's generator chooses it: the only
//!   list, else the only list of objects, else the one the operation is
//!   named after).
//! - **Creation** (`Create*`, `Allocate*`, `Run*`): the id keys of the
//!   example response that name what the operation creates
//!   (`InstanceId`, `InstanceIdSets.InstanceIdSet`), answered with fresh ids.
//! - **Deletion** (`Delete*`, `Release*`): the required id parameters.
//!
//! The [`Resources`] store holds, per product, resources by kind (the id
//! key: `InstanceId`), each with attributes that answers about it carry.
//! The README's "Generic state" section states the rules users rely on.

use crate::catalog::ErrorRow;
use crate::error::ApiError;
use alibabacloud_spec::{Parameter, Schema};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Parameters that scope a call (where, whose) rather than name a resource.
const SCOPE_PARAMS: &[&str] = &[
    "RegionId",
    "ZoneId",
    "ResourceGroupId",
    "OwnerId",
    "ResourceOwnerId",
    "ResourceOwnerAccount",
    "OwnerAccount",
    "CallerParentId",
    "ClientToken",
];

/// Parameters that steer a call: never stored as attributes of a created
/// resource, never a list filter.
const CONTROL_PARAMS: &[&str] = &[
    "PageNumber",
    "PageSize",
    "NextToken",
    "MaxResults",
    "ClientToken",
    "DryRun",
    "Amount",
    "MinAmount",
];

/// Page size when the request gives none (Alibaba's usual default), or the
/// size parameter's `maximum` when that is smaller.
pub const DEFAULT_PAGE_SIZE: u64 = 10;

/// Most resources one `Create*` call makes (its `Amount`).
pub const MAX_CREATED: u64 = 1000;

/// `NextToken`s this endpoint issues: this prefix and the offset of the
/// next item.
const TOKEN_PREFIX: &str = "mock-next-";

/// What the generic state does for one operation (empty for most).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    /// Required id parameters whose unknown values are not found.
    pub lookups: Vec<Lookup>,
    /// How the response pages, when it does.
    pub paging: Option<Paging>,
    /// Id keys of the response that a creation fills with fresh ids.
    pub creates: Vec<Created>,
    /// Id parameters whose resources a deletion removes.
    pub deletes: Vec<String>,
    /// Scalar parameters stored with what a creation makes, and filters of
    /// a list (both without [`CONTROL_PARAMS`]).
    pub attributes: Vec<String>,
}

impl Plan {
    /// Whether the operation has nothing generic to do (answers its example).
    pub fn is_empty(&self) -> bool {
        self.lookups.is_empty()
            && self.paging.is_none()
            && self.creates.is_empty()
            && self.deletes.is_empty()
    }
}

/// A required id parameter and the error-table row for an id not found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup {
    /// Wire name (`InstanceId`).
    pub param: String,
    /// The row: status, code, message.
    pub row: ErrorRow,
}

/// How a list operation pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paging {
    /// Top-level key of the paged list (`Instances`).
    pub list: String,
    /// The list's key inside an XML-style wrapper (`Instance`), if wrapped.
    pub wrapper: Option<String>,
    /// The items' id key (`InstanceId`): the kind of resource listed.
    pub id_key: Option<String>,
    /// `PageNumber` and `PageSize` are parameters.
    pub page_number: bool,
    /// `NextToken` is a parameter and a response field.
    pub token: bool,
    /// The size parameter of token paging (`MaxResults`, else `PageSize`).
    pub token_size: Option<String>,
    /// Page size when the request has none.
    pub default_size: u64,
    /// Top-level counters the response has, with whether each is a string:
    /// `TotalCount`, `PageNumber`, `PageSize`, `MaxResults`, `NextToken`.
    pub fields: Vec<(String, bool)>,
    /// The table's row for a bad `NextToken`, when it has one.
    pub token_error: Option<ErrorRow>,
}

/// An id key of a creation's response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    /// Keys from the top of the body (`["InstanceIdSets", "InstanceIdSet"]`).
    pub path: Vec<String>,
    /// The kind of resource (`InstanceId`).
    pub kind: String,
    /// The example id's prefix (`i-`), kept in fresh ids.
    pub prefix: String,
    /// A list of ids (one per `Amount`) rather than one.
    pub many: bool,
}

fn has_verb(action: &str, verbs: &[&str]) -> bool {
    verbs.iter().any(|v| {
        action
            .strip_prefix(v)
            .and_then(|rest| rest.chars().next())
            .is_some_and(|c| c.is_ascii_uppercase())
    })
}

fn is_scalar(schema: &Schema) -> bool {
    matches!(
        schema.ty.as_deref(),
        None | Some("string") | Some("integer") | Some("number") | Some("boolean")
    ) && schema.properties.is_none()
}

/// A parameter that names one resource: `...Id`, not a scope.
fn is_id_param(p: &Parameter) -> bool {
    p.name.len() > 2
        && p.name.ends_with("Id")
        && !SCOPE_PARAMS.contains(&p.name.as_str())
        && matches!(
            p.schema.ty.as_deref(),
            None | Some("string") | Some("integer")
        )
}

/// The words of one segment of an error code that say what was not found:
/// `InvalidInstanceId` in `InvalidInstanceId.NotFound` gives `instanceid`,
/// `KeyNotFound` gives `key`.
fn code_subject(segment: &str) -> String {
    let mut s: String = segment
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    for word in ["notfound", "notexists", "notexist", "nonexists", "nonexist"] {
        s = s.replace(word, "");
    }
    s.strip_prefix("invalid").map(str::to_owned).unwrap_or(s)
}

/// The row of `rows` that says "`param` not found", best first: the code
/// naming the parameter exactly (`InvalidDBClusterId.NotFound`), then its
/// noun (`InvalidDBCluster.NotFound`), then a shorter name it ends with
/// (`InvalidInstanceId.NotFound` for `DBInstanceId`); 404 before others.
pub fn not_found_row<'a>(param: &str, rows: &'a [ErrorRow]) -> Option<&'a ErrorRow> {
    let p = param.to_ascii_lowercase();
    rows.iter()
        .filter_map(|row| {
            let lower = row.code.to_ascii_lowercase();
            if !["notfound", "notexist", "nonexist"]
                .iter()
                .any(|w| lower.contains(w))
            {
                return None;
            }
            let rank = row
                .code
                .split('.')
                .filter_map(|segment| {
                    let s = code_subject(segment);
                    if s.len() < 3 {
                        return None;
                    }
                    let with_id = format!("{s}id");
                    if s == p {
                        Some(0)
                    } else if with_id == p {
                        Some(1)
                    } else if p.ends_with(&s) || p.ends_with(&with_id) {
                        Some(2)
                    } else {
                        None
                    }
                })
                .min()?;
            Some(((rank, row.status != 404), row))
        })
        .min_by_key(|(key, _)| *key)
        .map(|(_, row)| row)
}

/// The lookups of an operation (see the module docs).
pub fn lookups(action: &str, params: &[Parameter], rows: &[ErrorRow]) -> Vec<Lookup> {
    if !has_verb(action, &["Describe", "Get", "List"]) {
        return Vec::new();
    }
    params
        .iter()
        .filter(|p| p.schema.required == Some(true) && is_id_param(p))
        .filter_map(|p| {
            Some(Lookup {
                param: p.name.clone(),
                row: not_found_row(&p.name, rows)?.clone(),
            })
        })
        .collect()
}

/// Singular forms a plural noun may have (`VSwitches` gives `VSwitch` and
/// `VSwitche`; `Policies` gives `Policy`), the noun itself first.
fn singulars(noun: &str) -> Vec<String> {
    let mut out = vec![noun.to_owned()];
    if let Some(stem) = noun.strip_suffix("ies") {
        out.push(format!("{stem}y"));
    }
    if let Some(stem) = noun.strip_suffix("es") {
        out.push(stem.to_owned());
    }
    if let Some(stem) = noun.strip_suffix('s') {
        out.push(stem.to_owned());
    }
    out
}

/// The kind a response key holds ids of: `InstanceId` itself, and
/// `InstanceIds`, `InstanceIdSet(s)`, `InstanceIdList` for lists of them.
fn id_kind(key: &str, list: bool) -> Option<String> {
    if !list {
        return (key.len() > 2 && key.ends_with("Id")).then(|| key.to_owned());
    }
    ["Ids", "IdSets", "IdSet", "IdList"]
        .iter()
        .find_map(|suffix| {
            let stem = key.strip_suffix(suffix)?;
            (!stem.is_empty()).then(|| format!("{stem}Id"))
        })
}

/// The members of an object schema, or of the example object.
fn member_names(schema: Option<&Schema>, example: Option<&Value>) -> BTreeSet<String> {
    let mut names: BTreeSet<String> = schema
        .and_then(|s| s.properties.as_ref())
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    if let Some(Value::Object(o)) = example {
        names.extend(o.keys().cloned());
    }
    names
}

/// The paged list among the response's top-level members, as the SDK's
/// generator picks it: `(key, wrapper's inner key, item schema)`.
fn paged_list<'a>(
    action: &str,
    response: Option<&'a Schema>,
    demo: Option<&Value>,
) -> Option<(String, Option<String>, Option<&'a Schema>)> {
    // (key, inner key, item schema, items are objects)
    let mut lists: Vec<(String, Option<String>, Option<&Schema>, bool)> = Vec::new();
    if let Some(props) = response.and_then(|r| r.properties.as_ref()) {
        for (key, s) in props {
            if s.ty.as_deref() == Some("array") || s.items.is_some() {
                let item = s.items.as_deref();
                lists.push((key.clone(), None, item, item.is_some_and(is_object)));
            } else if let Some(inner) = s.properties.as_ref().filter(|p| p.len() == 1) {
                let (k, v) = inner.iter().next()?;
                if v.ty.as_deref() == Some("array") || v.items.is_some() {
                    let item = v.items.as_deref();
                    lists.push((
                        key.clone(),
                        Some(k.clone()),
                        item,
                        item.is_some_and(is_object),
                    ));
                }
            }
        }
    } else if let Some(Value::Object(top)) = demo {
        // No schema: the example's shape.
        for (key, v) in top {
            match v {
                Value::Array(a) => lists.push((
                    key.clone(),
                    None,
                    None,
                    a.first().is_some_and(Value::is_object),
                )),
                Value::Object(o) if o.len() == 1 => {
                    if let Some((k, Value::Array(a))) = o.iter().next() {
                        lists.push((
                            key.clone(),
                            Some(k.clone()),
                            None,
                            a.first().is_some_and(Value::is_object),
                        ));
                    }
                }
                _ => {}
            }
        }
    }
    let pick = |l: &(String, Option<String>, Option<&'a Schema>, bool)| {
        Some((l.0.clone(), l.1.clone(), l.2))
    };
    if let [only] = lists.as_slice() {
        return pick(only);
    }
    let objects: Vec<_> = lists.iter().filter(|l| l.3).collect();
    if let [only] = objects.as_slice() {
        return pick(only);
    }
    let named: Vec<_> = lists.iter().filter(|l| action.ends_with(&l.0)).collect();
    if let [only] = named.as_slice() {
        return pick(only);
    }
    None
}

fn is_object(s: &Schema) -> bool {
    s.ty.as_deref() == Some("object") || s.properties.is_some()
}

/// The example's items of the paged list.
fn example_items(demo: Option<&Value>, list: &str, wrapper: Option<&str>) -> Vec<Value> {
    let mut v = demo.and_then(|d| d.get(list));
    if let Some(inner) = wrapper {
        v = v.and_then(|w| w.get(inner));
    }
    v.and_then(Value::as_array).cloned().unwrap_or_default()
}

fn paging(
    action: &str,
    params: &[Parameter],
    rows: &[ErrorRow],
    response: Option<&Schema>,
    demo: Option<&Value>,
) -> Option<Paging> {
    let param = |name: &str| params.iter().find(|p| p.name == name);
    let top = member_names(response, demo);
    let page_number = param("PageNumber").is_some() && param("PageSize").is_some();
    let token = param("NextToken").is_some() && top.contains("NextToken");
    if !page_number && !token {
        return None;
    }
    let (list, wrapper, item_schema) = paged_list(action, response, demo)?;
    // The items' id key: the wrapper's item name (`Instance`) or the list's
    // singular (`Vpcs`: `Vpc`), with `Id`, when the items have that key.
    let example = example_items(demo, &list, wrapper.as_deref());
    let item_keys = member_names(item_schema, example.first());
    let mut nouns = Vec::new();
    if let Some(inner) = &wrapper {
        nouns.push(inner.clone());
    }
    nouns.extend(singulars(&list));
    let id_key = nouns
        .iter()
        .map(|n| format!("{n}Id"))
        .find(|k| item_keys.contains(k));
    let token_size = ["MaxResults", "PageSize"]
        .into_iter()
        .find(|n| param(n).is_some())
        .map(str::to_owned);
    let size_param = if page_number {
        Some("PageSize")
    } else {
        token_size.as_deref()
    };
    let default_size = size_param
        .and_then(param)
        .and_then(|p| p.schema.maximum.as_deref())
        .and_then(|m| m.parse::<u64>().ok())
        .filter(|m| *m >= 1)
        .map_or(DEFAULT_PAGE_SIZE, |m| m.min(DEFAULT_PAGE_SIZE));
    let response_props = response.and_then(|r| r.properties.as_ref());
    let fields = [
        "TotalCount",
        "PageNumber",
        "PageSize",
        "MaxResults",
        "NextToken",
    ]
    .into_iter()
    .filter(|k| top.contains(*k))
    .map(|k| {
        let string = match demo.and_then(|d| d.get(k)) {
            Some(v) => v.is_string(),
            None => response_props
                .and_then(|p| p.get(k))
                .is_some_and(|s| s.ty.as_deref() == Some("string")),
        };
        (k.to_owned(), string || k == "NextToken")
    })
    .collect();
    let token_error = rows
        .iter()
        .find(|r| r.code.to_ascii_lowercase().contains("nexttoken"))
        .cloned();
    Some(Paging {
        list,
        wrapper,
        id_key,
        page_number,
        token,
        token_size,
        default_size,
        fields,
        token_error,
    })
}

/// The prefix of an example id that fresh ids keep: `i-` of
/// `i-bp67acfmxazb4p****`, `sg-`, `vpc-`; empty when there is none.
fn id_prefix(example: &str) -> String {
    match example.split_once('-') {
        Some((head, _))
            if (1..=8).contains(&head.len())
                && head
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) =>
        {
            format!("{head}-")
        }
        _ => String::new(),
    }
}

fn creates(action: &str, demo: Option<&Value>, product_kinds: &BTreeSet<String>) -> Vec<Created> {
    let Some(verb) = ["Create", "Allocate", "Run"]
        .into_iter()
        .find(|v| has_verb(action, &[v]))
    else {
        return Vec::new();
    };
    let Some(Value::Object(top)) = demo else {
        return Vec::new();
    };
    let nouns: Vec<String> = singulars(&action[verb.len()..])
        .into_iter()
        .map(|n| format!("{n}Id"))
        .collect();
    let mut found = Vec::new();
    for (key, value) in top {
        if key == "RequestId" {
            continue;
        }
        let (path, kind, example, many) = match value {
            Value::String(s) => match id_kind(key, false) {
                Some(kind) => (vec![key.clone()], kind, s.as_str(), false),
                None => continue,
            },
            Value::Array(a) => match (id_kind(key, true), a.first()) {
                (Some(kind), Some(Value::String(s))) => (vec![key.clone()], kind, s.as_str(), true),
                _ => continue,
            },
            Value::Object(o) if o.len() == 1 => match o.iter().next() {
                Some((inner, Value::Array(a))) => {
                    let kind = id_kind(inner, true).or_else(|| id_kind(key, true));
                    match (kind, a.first()) {
                        (Some(kind), Some(Value::String(s))) => {
                            (vec![key.clone(), inner.clone()], kind, s.as_str(), true)
                        }
                        _ => continue,
                    }
                }
                _ => continue,
            },
            _ => continue,
        };
        found.push(Created {
            path,
            prefix: id_prefix(example),
            kind,
            many,
        });
    }
    // What the operation is named after (`CreateTairInstance` makes a
    // `...InstanceId`); else ids the product's reads look up.
    let named = |c: &Created| {
        nouns
            .iter()
            .any(|n| compatible(&c.kind, n) && n.len() >= c.kind.len())
    };
    let by_name: Vec<Created> = found.iter().filter(|c| named(c)).cloned().collect();
    if !by_name.is_empty() {
        return by_name;
    }
    // One level down (`KeyMetadata.KeyId`), only what the name says.
    let nested: Vec<Created> = top
        .iter()
        .filter_map(|(key, value)| Some((key, value.as_object()?)))
        .flat_map(|(key, inner)| {
            inner.iter().filter_map(move |(k, v)| {
                let kind = id_kind(k, false)?;
                Some(Created {
                    path: vec![key.clone(), k.clone()],
                    prefix: id_prefix(v.as_str()?),
                    kind,
                    many: false,
                })
            })
        })
        .filter(|c| named(c))
        .collect();
    if !nested.is_empty() {
        return nested;
    }
    found
        .into_iter()
        .filter(|c| product_kinds.contains(&c.kind))
        .collect()
}

/// The plan of one operation. `product_kinds` are the parameters the
/// product's lookups take (what a creation may be making, when its name
/// does not say).
pub fn plan(
    action: &str,
    params: &[Parameter],
    rows: &[ErrorRow],
    response: Option<&Schema>,
    demo: Option<&Value>,
    product_kinds: &BTreeSet<String>,
) -> Plan {
    let deletes = if has_verb(action, &["Delete", "Release"]) {
        params
            .iter()
            .filter(|p| {
                p.schema.required == Some(true)
                    && p.name.len() > 2
                    && p.name.ends_with("Id")
                    && !SCOPE_PARAMS.contains(&p.name.as_str())
            })
            .map(|p| p.name.clone())
            .collect()
    } else {
        Vec::new()
    };
    let mut plan = Plan {
        lookups: lookups(action, params, rows),
        paging: paging(action, params, rows, response, demo),
        creates: creates(action, demo, product_kinds),
        deletes,
        attributes: Vec::new(),
    };
    if !plan.creates.is_empty() || plan.paging.is_some() {
        plan.attributes = params
            .iter()
            .filter(|p| is_scalar(&p.schema) && !CONTROL_PARAMS.contains(&p.name.as_str()))
            .map(|p| p.name.clone())
            .collect();
    }
    plan
}

/// One resource: its id and the attributes answers about it carry.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    /// The id (`i-mock000000000001`).
    pub id: String,
    /// Attributes by response field name (`Status`, `InstanceName`).
    pub attributes: Map<String, Value>,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct ProductResources {
    /// Kinds in the order first seen, each with its resources in order.
    kinds: Vec<(String, Vec<Resource>)>,
    /// Fresh ids made so far.
    counter: u64,
}

/// Whether resources of kind `kind` answer for parameter or key `name`:
/// the same name, or one ends with the other at a word (`DBInstanceId`
/// and `InstanceId`), in any case (Nlb's `LoadbalancerId` answers for
/// `LoadBalancerId`).
fn compatible(kind: &str, name: &str) -> bool {
    let suffix = |long: &str, short: &str| {
        short.len() > 2
            && short.starts_with(|c: char| c.is_ascii_uppercase())
            && long.len() >= short.len()
            && long.is_char_boundary(long.len() - short.len())
            && long[long.len() - short.len()..].eq_ignore_ascii_case(short)
    };
    kind.eq_ignore_ascii_case(name) || suffix(kind, name) || suffix(name, kind)
}

/// One resource to start with (`MockConfig::resource`, the state file's
/// `resources`).
#[derive(Debug, Clone, PartialEq)]
pub struct Seed {
    /// Product (`Ecs`, `ecs`, `R-kvstore`; any case).
    pub product: String,
    /// The kind: the id key (`InstanceId`).
    pub kind: String,
    /// The resource.
    pub resource: Resource,
}

impl Seed {
    /// A seed of `kind` in `product` with this id and no attributes.
    pub fn new(product: impl Into<String>, kind: impl Into<String>, id: impl Into<String>) -> Self {
        Seed {
            product: product.into(),
            kind: kind.into(),
            resource: Resource {
                id: id.into(),
                attributes: Map::new(),
            },
        }
    }

    /// The seeds of a state file's `"resources"` member:
    /// `{"Ecs": {"InstanceId": ["i-1", {"InstanceId": "i-2", "Status": "Stopped"}]}}`.
    pub fn from_state(root: &Value) -> Result<Vec<Seed>, String> {
        let Some(resources) = root.get("resources") else {
            return Ok(Vec::new());
        };
        let products = resources
            .as_object()
            .ok_or("\"resources\" must be an object of products")?;
        let mut out = Vec::new();
        for (product, kinds) in products {
            let kinds = kinds
                .as_object()
                .ok_or_else(|| format!("resources.{product} must be an object of kinds"))?;
            for (kind, list) in kinds {
                let list = list
                    .as_array()
                    .ok_or_else(|| format!("resources.{product}.{kind} must be an array"))?;
                for (i, item) in list.iter().enumerate() {
                    let place = format!("resources.{product}.{kind}[{i}]");
                    let mut seed = Seed::new(product.clone(), kind.clone(), String::new());
                    match item {
                        Value::String(id) => seed.resource.id = id.clone(),
                        Value::Object(attrs) => {
                            let mut attrs = attrs.clone();
                            seed.resource.id = match attrs.remove(kind) {
                                Some(Value::String(s)) => s,
                                Some(Value::Number(n)) => n.to_string(),
                                _ => return Err(format!("{place} has no {kind} string")),
                            };
                            seed.resource.attributes = attrs;
                        }
                        _ => return Err(format!("{place} must be an id or an object")),
                    }
                    out.push(seed);
                }
            }
        }
        Ok(out)
    }
}

/// Every product's resources.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resources {
    /// By product, lowercased.
    products: BTreeMap<String, ProductResources>,
}

impl Resources {
    /// Adds a seed (an id seen before is replaced: the last seed wins).
    pub fn seed(&mut self, seed: Seed) -> Result<(), String> {
        if seed.resource.id.trim().is_empty() {
            return Err(format!(
                "{} {}: an empty id is no resource",
                seed.product, seed.kind
            ));
        }
        if seed.kind.len() < 3 {
            return Err(format!(
                "{}: {:?} is no id key (like InstanceId)",
                seed.product, seed.kind
            ));
        }
        self.insert(&seed.product, &seed.kind, seed.resource);
        Ok(())
    }

    fn product(&self, product: &str) -> Option<&ProductResources> {
        self.products.get(&product.to_ascii_lowercase())
    }

    fn insert(&mut self, product: &str, kind: &str, resource: Resource) {
        let p = self
            .products
            .entry(product.to_ascii_lowercase())
            .or_default();
        let at = match p.kinds.iter().position(|(k, _)| k == kind) {
            Some(i) => i,
            None => {
                p.kinds.push((kind.to_owned(), Vec::new()));
                p.kinds.len() - 1
            }
        };
        let list = &mut p.kinds[at].1;
        match list.iter_mut().find(|r| r.id == resource.id) {
            Some(old) => *old = resource,
            None => list.push(resource),
        }
    }

    /// The ids of `kind` in `product`, oldest first.
    pub fn ids(&self, product: &str, kind: &str) -> Vec<String> {
        self.product(product)
            .and_then(|p| p.kinds.iter().find(|(k, _)| k == kind))
            .map(|(_, list)| list.iter().map(|r| r.id.clone()).collect())
            .unwrap_or_default()
    }

    /// The resource `id` of a kind that answers for `name`.
    pub fn find(&self, product: &str, name: &str, id: &str) -> Option<&Resource> {
        self.product(product)?
            .kinds
            .iter()
            .filter(|(k, _)| compatible(k, name))
            .find_map(|(_, list)| list.iter().find(|r| r.id == id))
    }

    /// Whether the product has had resources of a kind that answers for
    /// `name` (seeded or created, even if all are deleted since).
    fn has_kind(&self, product: &str, name: &str) -> bool {
        self.product(product)
            .is_some_and(|p| p.kinds.iter().any(|(k, _)| compatible(k, name)))
    }

    /// Every resource of the kinds that answer for `name`, oldest first.
    fn list(&self, product: &str, name: &str) -> Vec<&Resource> {
        self.product(product)
            .map(|p| {
                p.kinds
                    .iter()
                    .filter(|(k, _)| compatible(k, name))
                    .flat_map(|(_, list)| list.iter())
                    .collect()
            })
            .unwrap_or_default()
    }

    fn remove(&mut self, product: &str, name: &str, id: &str) {
        if let Some(p) = self.products.get_mut(&product.to_ascii_lowercase()) {
            for (kind, list) in &mut p.kinds {
                if compatible(kind, name) {
                    list.retain(|r| r.id != id);
                }
            }
        }
    }

    fn known_anywhere(&self, product: &str, id: &str) -> bool {
        self.product(product).is_some_and(|p| {
            p.kinds
                .iter()
                .any(|(_, list)| list.iter().any(|r| r.id == id))
        })
    }

    /// A fresh id: `prefix` + `mock` + a 12-digit counter, skipping ids the
    /// product (or `taken`) already has. Deterministic: the n-th creation of
    /// a fresh server gets the same id every run.
    fn fresh_id(&mut self, product: &str, prefix: &str, taken: &dyn Fn(&str) -> bool) -> String {
        loop {
            let p = self
                .products
                .entry(product.to_ascii_lowercase())
                .or_default();
            p.counter += 1;
            let id = format!("{prefix}mock{:012}", p.counter);
            if !self.known_anywhere(product, &id) && !taken(&id) {
                return id;
            }
        }
    }
}

/// `value` in the JSON type of `like` where it converts (`"6379"` for a
/// number, `true` for a string), else as it is.
fn coerce_like(value: &Value, like: Option<&Value>) -> Value {
    match (like, value) {
        (Some(Value::String(_)), Value::Number(n)) => Value::String(n.to_string()),
        (Some(Value::String(_)), Value::Bool(b)) => Value::String(b.to_string()),
        (Some(Value::Number(_)), Value::String(s)) => {
            let s = s.trim();
            if let Ok(n) = s.parse::<i64>() {
                Value::from(n)
            } else if let Some(n) = s.parse::<f64>().ok().and_then(serde_json::Number::from_f64) {
                Value::Number(n)
            } else {
                value.clone()
            }
        }
        (Some(Value::Bool(_)), Value::String(s)) if s.eq_ignore_ascii_case("true") => {
            Value::Bool(true)
        }
        (Some(Value::Bool(_)), Value::String(s)) if s.eq_ignore_ascii_case("false") => {
            Value::Bool(false)
        }
        _ => value.clone(),
    }
}

/// Puts the resource into an object that describes it: `key` takes the id,
/// and each attribute the object already has takes the attribute's value
/// (in the example's JSON type); the object keeps its shape.
fn fill(obj: &mut Map<String, Value>, key: &str, resource: &Resource) {
    for (k, v) in &resource.attributes {
        if k != key {
            if let Some(old) = obj.get_mut(k) {
                *old = coerce_like(v, Some(old));
            }
        }
    }
    let id = coerce_like(&Value::String(resource.id.clone()), obj.get(key));
    obj.insert(key.to_owned(), id);
}

/// [`fill`] for every object of `value`, at any depth, that has `key`.
fn fill_all(value: &mut Value, key: &str, resource: &Resource) {
    match value {
        Value::Object(obj) => {
            if obj.contains_key(key) {
                fill(obj, key, resource);
            }
            for v in obj.values_mut() {
                fill_all(v, key, resource);
            }
        }
        Value::Array(items) => {
            for v in items {
                fill_all(v, key, resource);
            }
        }
        _ => {}
    }
}

/// One item of a list made from the example's first item (`template`) and
/// a resource; with no template, the resource's attributes and id.
fn list_item(template: Option<&Value>, key: &str, resource: &Resource) -> Value {
    match template {
        Some(Value::Object(t)) => {
            let mut obj = t.clone();
            fill(&mut obj, key, resource);
            Value::Object(obj)
        }
        _ => {
            let mut obj = resource.attributes.clone();
            obj.insert(key.to_owned(), Value::String(resource.id.clone()));
            Value::Object(obj)
        }
    }
}

/// The values a request gives for `name`: `name` itself (one id, a JSON
/// list or a comma list) and `name.N` (numbered).
fn values_of(params: &BTreeMap<String, String>, name: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(v) = params.get(name) {
        match serde_json::from_str::<Value>(v) {
            Ok(Value::Array(items)) => out.extend(items.iter().map(|i| match i {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })),
            _ => out.extend(
                v.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned),
            ),
        }
    }
    let prefix = format!("{name}.");
    out.extend(
        params
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .filter(|(k, _)| !k[prefix.len()..].contains('.'))
            .map(|(_, v)| v.clone()),
    );
    out
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// What the generic state answers for one call of an operation of
/// `product` with this plan. `body` is the example answer (request id set);
/// `also_known` finds ids the product knows elsewhere (R-kvstore's
/// stateful instances), with their attributes.
pub fn answer(
    product: &str,
    plan: &Plan,
    params: &BTreeMap<String, String>,
    store: &mut Resources,
    also_known: &dyn Fn(&str) -> Option<Map<String, Value>>,
    mut body: Value,
) -> Result<Value, ApiError> {
    // Every check first: a refused call changes nothing.
    let mut found = Vec::new();
    for lookup in &plan.lookups {
        let id = params.get(&lookup.param).map_or("", |v| v.trim());
        let resource = if id.is_empty() {
            None
        } else {
            store.find(product, &lookup.param, id).cloned().or_else(|| {
                also_known(id).map(|attributes| Resource {
                    id: id.to_owned(),
                    attributes,
                })
            })
        };
        match resource {
            Some(r) => found.push((lookup.param.as_str(), r)),
            None => {
                let row = &lookup.row;
                let message = if row.message.is_empty() {
                    format!("The specified {} does not exist.", lookup.param)
                } else {
                    row.message.clone()
                };
                return Err(ApiError::new(row.status, row.code.clone(), message));
            }
        }
    }
    if let Some(paging) = &plan.paging {
        page(product, plan, paging, params, store, &mut body)?;
    }

    let taken = |id: &str| also_known(id).is_some();
    for created in &plan.creates {
        let count = if created.many {
            params
                .get("Amount")
                .and_then(|a| a.trim().parse::<u64>().ok())
                .unwrap_or(1)
                .clamp(1, MAX_CREATED)
        } else {
            1
        };
        let mut attributes = Map::new();
        for name in &plan.attributes {
            if let Some(v) = params.get(name) {
                attributes.insert(name.clone(), Value::String(v.clone()));
            }
        }
        let ids: Vec<String> = (0..count)
            .map(|_| store.fresh_id(product, &created.prefix, &taken))
            .collect();
        for id in &ids {
            store.insert(
                product,
                &created.kind,
                Resource {
                    id: id.clone(),
                    attributes: attributes.clone(),
                },
            );
        }
        let value = if created.many {
            Value::Array(ids.into_iter().map(Value::String).collect())
        } else {
            Value::String(ids.into_iter().next().unwrap_or_default())
        };
        set_path(&mut body, &created.path, value);
    }
    for name in &plan.deletes {
        for id in values_of(params, name) {
            store.remove(product, name, &id);
        }
    }
    for (key, resource) in &found {
        fill_all(&mut body, key, resource);
    }
    Ok(body)
}

fn set_path(body: &mut Value, path: &[String], value: Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut at = body;
    for key in parents {
        let Some(obj) = at.as_object_mut() else {
            return;
        };
        at = obj
            .entry(key.clone())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    if let Some(obj) = at.as_object_mut() {
        obj.insert(last.clone(), value);
    }
}

/// A positive page size or number, or `InvalidParameter` naming it.
fn positive(params: &BTreeMap<String, String>, name: &str) -> Result<Option<u64>, ApiError> {
    match params.get(name).map(|v| v.trim()) {
        None | Some("") => Ok(None),
        Some(v) => match v.parse::<u64>() {
            Ok(n) if n >= 1 => Ok(Some(n)),
            _ => Err(ApiError::invalid_parameter(
                name,
                &format!("{v:?} is not a whole number of at least 1"),
            )),
        },
    }
}

/// Slices the collection into the requested page and sets the counters.
fn page(
    product: &str,
    plan: &Plan,
    paging: &Paging,
    params: &BTreeMap<String, String>,
    store: &Resources,
    body: &mut Value,
) -> Result<(), ApiError> {
    let Some(obj) = body.as_object_mut() else {
        return Ok(());
    };
    let mut examples = {
        let mut v = obj.get(&paging.list);
        if let Some(inner) = &paging.wrapper {
            v = v.and_then(|w| w.get(inner));
        }
        v.and_then(Value::as_array).cloned().unwrap_or_default()
    };
    // The resources the product knows of the listed kind, once it has any
    // (seeded or created); else the example's own items.
    let collection: Vec<Value> = match paging
        .id_key
        .as_deref()
        .filter(|k| store.has_kind(product, k))
    {
        Some(key) => {
            let wanted: BTreeSet<String> = [key.to_owned(), format!("{key}s")]
                .iter()
                .flat_map(|n| values_of(params, n))
                .collect();
            let filters: Vec<(&str, &str)> = plan
                .attributes
                .iter()
                .filter(|n| *n != key && **n != format!("{key}s"))
                .filter_map(|n| Some((n.as_str(), params.get(n)?.as_str())))
                .filter(|(_, v)| !v.is_empty())
                .collect();
            let template = examples.first();
            store
                .list(product, key)
                .into_iter()
                .filter(|r| wanted.is_empty() || wanted.contains(&r.id))
                .filter(|r| {
                    filters.iter().all(|(name, want)| {
                        r.attributes
                            .get(*name)
                            .map_or(true, |have| text(have).eq_ignore_ascii_case(want))
                    })
                })
                .map(|r| list_item(template, key, r))
                .collect()
        }
        None => std::mem::take(&mut examples),
    };

    let has = |name: &str| params.get(name).is_some_and(|v| !v.trim().is_empty());
    let token_mode = paging.token
        && (has("NextToken")
            || !paging.page_number
            || (has("MaxResults") && !has("PageNumber") && !has("PageSize")));
    let size_param = if token_mode {
        paging.token_size.as_deref()
    } else {
        Some("PageSize")
    };
    let size = match size_param {
        Some(name) => positive(params, name)?.unwrap_or(paging.default_size),
        None => paging.default_size,
    };
    let size_usize = usize::try_from(size).unwrap_or(usize::MAX);
    let offset = if token_mode {
        match params
            .get("NextToken")
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
        {
            None => 0,
            Some(t) => t
                .strip_prefix(TOKEN_PREFIX)
                .and_then(|n| n.parse::<usize>().ok())
                .ok_or_else(|| match &paging.token_error {
                    Some(row) if !row.message.is_empty() => {
                        ApiError::new(row.status, row.code.clone(), row.message.clone())
                    }
                    Some(row) => ApiError::new(
                        row.status,
                        row.code.clone(),
                        "The specified NextToken is not valid.",
                    ),
                    None => {
                        ApiError::invalid_parameter("NextToken", "not a token this endpoint issued")
                    }
                })?,
        }
    } else {
        let number = positive(params, "PageNumber")?.unwrap_or(1);
        usize::try_from(number - 1)
            .unwrap_or(usize::MAX)
            .saturating_mul(size_usize)
    };
    let total = collection.len();
    let items: Vec<Value> = collection
        .into_iter()
        .skip(offset)
        .take(size_usize)
        .collect();
    let next = offset.saturating_add(size_usize);
    let list = Value::Array(items);
    match &paging.wrapper {
        Some(inner) => {
            let mut wrapper = Map::new();
            wrapper.insert(inner.clone(), list);
            obj.insert(paging.list.clone(), Value::Object(wrapper));
        }
        None => {
            obj.insert(paging.list.clone(), list);
        }
    }
    let page_number = offset / size_usize.max(1) + 1;
    for (field, string) in &paging.fields {
        let value = match field.as_str() {
            "TotalCount" => total.to_string(),
            "PageNumber" => page_number.to_string(),
            "PageSize" | "MaxResults" => size.to_string(),
            "NextToken" if next < total => format!("{TOKEN_PREFIX}{next}"),
            "NextToken" => String::new(),
            _ => continue,
        };
        let value = if *string {
            Value::String(value)
        } else {
            value.parse::<u64>().map_or(Value::Null, Value::from)
        };
        obj.insert(field.clone(), value);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row(status: u16, code: &str) -> ErrorRow {
        ErrorRow {
            status,
            code: code.to_owned(),
            message: String::new(),
        }
    }

    #[test]
    fn not_found_rows_are_matched_to_the_parameter_they_name() {
        let rows = [
            row(400, "InvalidAccessKeyId.NotFound"),
            row(400, "InvalidDBInstanceClass.NotFound"),
            row(403, "InvalidDBCluster.NotFound"),
            row(404, "InvalidDBClusterId.NotFound"),
            row(404, "InvalidInstanceId.NotFound"),
            row(404, "ResourceNotFound.Listener"),
            row(404, "Forbidden.KeyNotFound"),
            row(404, "InvalidId.NotFound"),
        ];
        let code = |p: &str| not_found_row(p, &rows).map(|r| r.code.as_str());
        assert_eq!(code("DBClusterId"), Some("InvalidDBClusterId.NotFound"));
        assert_eq!(code("InstanceId"), Some("InvalidInstanceId.NotFound"));
        assert_eq!(code("DBInstanceId"), Some("InvalidInstanceId.NotFound"));
        assert_eq!(code("ListenerId"), Some("ResourceNotFound.Listener"));
        assert_eq!(code("KeyId"), Some("Forbidden.KeyNotFound"));
        // `...Id` alone names nothing; a code about something else neither.
        assert_eq!(code("VpcId"), None);
        assert_eq!(code("GroupId"), None);
    }

    #[test]
    fn ids_of_created_resources_and_list_keys() {
        assert_eq!(
            id_kind("InstanceIdSet", true).as_deref(),
            Some("InstanceId")
        );
        assert_eq!(id_kind("InstanceIds", true).as_deref(), Some("InstanceId"));
        assert_eq!(id_kind("Instances", true), None);
        assert_eq!(id_prefix("i-bp67acfmxazb4p****"), "i-");
        assert_eq!(id_prefix("vpc-1"), "vpc-");
        assert_eq!(id_prefix("1022,2480"), "");
        assert_eq!(singulars("VSwitches"), ["VSwitches", "VSwitch", "VSwitche"]);
        assert!(compatible("InstanceId", "DBInstanceId"));
        assert!(!compatible("InstanceId", "ImageId"));
        let kinds = BTreeSet::from(["InstanceId".to_owned()]);
        let c = creates(
            "RunInstances",
            Some(
                &json!({"RequestId": "r", "OrderId": "1", "InstanceIdSets": {"InstanceIdSet": ["i-1"]}}),
            ),
            &kinds,
        );
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].path, ["InstanceIdSets", "InstanceIdSet"]);
        assert!(c[0].many && c[0].kind == "InstanceId" && c[0].prefix == "i-");
        // Not named after the operation: only kinds the product looks up.
        let c = creates(
            "CreateTairInstance",
            Some(&json!({"InstanceId": "r-1", "OrderId": "2"})),
            &BTreeSet::new(),
        );
        assert_eq!(c[0].kind, "InstanceId");
        assert!(creates("CreateThing", Some(&json!({"OrderId": "2"})), &kinds).is_empty());
        // Another case, and one level down.
        let c = creates(
            "CreateLoadBalancer",
            Some(&json!({"LoadbalancerId": "nlb-1", "OrderId": "2"})),
            &kinds,
        );
        assert_eq!(c[0].kind, "LoadbalancerId");
        let c = creates(
            "CreateKey",
            Some(&json!({"KeyMetadata": {"KeyId": "key-1", "VpcId": "vpc-1"}})),
            &kinds,
        );
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].path, ["KeyMetadata", "KeyId"]);
        assert!(compatible("LoadbalancerId", "LoadBalancerId"));
    }

    #[test]
    fn the_state_files_resources_parse_and_bad_ones_are_errors() {
        let seeds = Seed::from_state(&json!({"resources": {"Ecs": {"InstanceId": [
            "i-1", {"InstanceId": "i-2", "Status": "Stopped"}]}}}))
        .unwrap();
        assert_eq!(seeds.len(), 2);
        assert_eq!(seeds[1].resource.id, "i-2");
        assert_eq!(seeds[1].resource.attributes["Status"], "Stopped");
        for bad in [
            json!({"resources": []}),
            json!({"resources": {"Ecs": []}}),
            json!({"resources": {"Ecs": {"InstanceId": "i-1"}}}),
            json!({"resources": {"Ecs": {"InstanceId": [{"Status": "x"}]}}}),
            json!({"resources": {"Ecs": {"InstanceId": [1]}}}),
        ] {
            assert!(Seed::from_state(&bad).is_err(), "{bad}");
        }
        assert!(Resources::default()
            .seed(Seed::new("Ecs", "InstanceId", " "))
            .is_err());
    }

    #[test]
    fn filling_keeps_the_examples_json_types() {
        let mut obj = json!({"InstanceId": "x", "Port": 1, "On": false, "Name": "n"})
            .as_object()
            .cloned()
            .unwrap();
        let r = Resource {
            id: "i-1".into(),
            attributes: json!({"Port": "6379", "On": "true", "Other": 1, "Name": 7})
                .as_object()
                .cloned()
                .unwrap(),
        };
        fill(&mut obj, "InstanceId", &r);
        assert_eq!(
            Value::Object(obj),
            json!({"InstanceId": "i-1", "Port": 6379, "On": true, "Name": "7"})
        );
    }
}
