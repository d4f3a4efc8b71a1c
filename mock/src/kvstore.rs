//! The stateful part: R-kvstore instances with their ECS security groups and
//! IP whitelists, and the operations that read and change them.
//!
//! Every handler runs under one lock on the whole state, so each request is
//! atomic: two concurrent `ModifySecurityIps` calls on the same instance
//! never lose each other's entries. Handlers are synchronous (nothing awaits
//! while the lock is held) and short.
//!
//! Response bodies are projected through the operation's response schema
//! from the spec: only the fields the real service returns, each with the
//! JSON type the schema gives it (the same attribute can be a boolean in
//! `DescribeInstances` and a string in `DescribeInstanceAttribute`).

use crate::auth::parse_timestamp;
use crate::catalog::Operation;
use crate::error::ApiError;
use crate::params::Violation;
use alibabacloud_spec::Schema;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::net::IpAddr;

/// The fixture the crate ships: three instances (a Redis, a Tair cluster and
/// a Memcache instance, whose engine does not support security groups).
pub const DEFAULT_STATE: &str = include_str!("../fixtures/state.json");

/// Product and version whose whitelist operations are stateful.
pub const PRODUCT: &str = "R-kvstore";
/// See [`PRODUCT`].
pub const VERSION: &str = "2015-01-01";

/// Most security groups one instance can be bound to.
pub const MAX_SECURITY_GROUPS: usize = 10;
/// Most entries in one IP whitelist.
pub const MAX_WHITELIST_ENTRIES: usize = 1000;

/// All instances, in the order of the state file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct State {
    instances: Vec<Instance>,
}

/// One instance.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    /// `InstanceId`.
    pub id: String,
    /// Every other attribute, by Alibaba's field name.
    pub attributes: Map<String, Value>,
    /// Bound ECS security groups.
    pub security_groups: Vec<String>,
    /// IP whitelists.
    pub ip_groups: Vec<IpGroup>,
}

/// One IP whitelist of an instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpGroup {
    /// `SecurityIpGroupName`.
    pub name: String,
    /// `SecurityIpGroupAttribute` (empty, or `hidden`).
    pub attribute: String,
    /// Entries: addresses and CIDR blocks.
    pub ips: Vec<String>,
}

impl State {
    /// Parses a state file: `{"instances": [{"InstanceId": .., ..attributes..,
    /// "SecurityGroups": [..], "SecurityIpGroups": [{"SecurityIpGroupName",
    /// "SecurityIpGroupAttribute", "SecurityIpList": "a,b"}]}]}`. A file with
    /// only generic `"resources"` (read by `generic::Seed::from_state`) has
    /// no instances.
    pub fn from_json(text: &str) -> Result<State, String> {
        let root: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        // A file of generic resources only has no instances.
        let empty = Vec::new();
        let list = match root.get("instances") {
            None if root.get("resources").is_some() => &empty,
            other => other
                .and_then(Value::as_array)
                .ok_or("expected an object with an \"instances\" array")?,
        };
        let mut state = State::default();
        for (i, item) in list.iter().enumerate() {
            let mut attributes = item
                .as_object()
                .cloned()
                .ok_or_else(|| format!("instances[{i}] is not an object"))?;
            let id = match attributes.get("InstanceId") {
                Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
                _ => return Err(format!("instances[{i}] has no InstanceId string")),
            };
            if state.find(&id).is_some() {
                return Err(format!("instances[{i}]: InstanceId {id} appears twice"));
            }
            let security_groups = match attributes.remove("SecurityGroups") {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Array(a)) => a
                    .iter()
                    .map(|v| v.as_str().map(str::to_owned))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| format!("{id}: SecurityGroups must hold strings"))?,
                Some(_) => return Err(format!("{id}: SecurityGroups must be an array")),
            };
            let ip_groups = match attributes.remove("SecurityIpGroups") {
                None | Some(Value::Null) => vec![IpGroup {
                    name: "default".into(),
                    attribute: String::new(),
                    ips: vec!["127.0.0.1".into()],
                }],
                Some(Value::Array(a)) => a
                    .iter()
                    .map(|g| parse_group(&id, g))
                    .collect::<Result<Vec<_>, _>>()?,
                Some(_) => return Err(format!("{id}: SecurityIpGroups must be an array")),
            };
            state.instances.push(Instance {
                id,
                attributes,
                security_groups,
                ip_groups,
            });
        }
        Ok(state)
    }

    /// The instance with `id`.
    pub fn find(&self, id: &str) -> Option<&Instance> {
        self.instances.iter().find(|i| i.id == id)
    }

    fn find_mut(&mut self, id: &str) -> Option<&mut Instance> {
        self.instances.iter_mut().find(|i| i.id == id)
    }

    /// Every instance, in state-file order.
    pub fn instances(&self) -> &[Instance] {
        &self.instances
    }
}

fn parse_group(id: &str, g: &Value) -> Result<IpGroup, String> {
    let text = |k: &str| {
        g.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let name = text("SecurityIpGroupName");
    if name.is_empty() {
        return Err(format!(
            "{id}: a SecurityIpGroups entry has no SecurityIpGroupName"
        ));
    }
    Ok(IpGroup {
        name,
        attribute: text("SecurityIpGroupAttribute"),
        ips: split_list(&text("SecurityIpList")),
    })
}

/// Comma-separated list, items trimmed, empty items dropped.
fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Whether `op` is one of the stateful operations.
pub fn is_stateful(op: &Operation) -> bool {
    op.product.eq_ignore_ascii_case(PRODUCT)
        && op.version == VERSION
        && matches!(
            op.action.as_str(),
            "DescribeInstances"
                | "DescribeInstanceAttribute"
                | "DescribeSecurityGroupConfiguration"
                | "ModifySecurityGroupConfiguration"
                | "DescribeSecurityIps"
                | "ModifySecurityIps"
        )
}

/// The error for a parameter violation when the operation's error table
/// has a more specific row than the generic `InvalidParameter`.
///
/// `ModifySecurityGroupConfiguration` with more than ten groups: the table
/// has the condition twice, `AssociatedEcsSecurityGroupIdQuotaExceed` (400)
/// and `AssociatedEcsSecurityGroupId.QuotaExceed` (403); the 403 row's
/// message ("exceeding the allowed amount of SecurityGroupId") states the
/// condition in English, and a quota is a permission-style refusal, so that
/// row is the one produced.
pub fn violation_error(op: &Operation, violation: &Violation) -> Option<ApiError> {
    match violation {
        Violation::TooMany { name, .. }
            if is_stateful(op)
                && op.action == "ModifySecurityGroupConfiguration"
                && name == "SecurityGroupId" =>
        {
            Some(table_error(
                op,
                "AssociatedEcsSecurityGroupId.QuotaExceed",
                403,
                "SecurityGroupIdQuotaExceeded exceeding the allowed amount of SecurityGroupId.",
            ))
        }
        _ => None,
    }
}

/// The error `code` with the status of the operation's error table and its
/// message, or the given ones where the table lacks them (imported specs
/// keep codes and statuses, not Alibaba's messages).
pub fn table_error(op: &Operation, code: &str, status: u16, message: &str) -> ApiError {
    match op.rows(code).next() {
        Some(row) if !row.message.is_empty() => {
            ApiError::new(row.status, code, row.message.clone())
        }
        Some(row) => ApiError::new(row.status, code, message),
        None => ApiError::new(status, code, message),
    }
}

/// Runs a stateful operation. `params` passed the spec checks already;
/// `request_id` goes into the body; `now` is Unix seconds (for `Expired`).
pub fn handle(
    op: &Operation,
    params: &BTreeMap<String, String>,
    state: &mut State,
    request_id: &str,
    now: u64,
) -> Result<Value, ApiError> {
    let get = |name: &str| arg(params, name);
    match op.action.as_str() {
        "DescribeInstances" => describe_instances(op, params, state, request_id, now),
        "DescribeInstanceAttribute" => {
            advance_pending_status(state, get("InstanceId").unwrap_or_default());
            let inst = instance(op, state, get("InstanceId").unwrap_or_default())?;
            let mut attrs = full_attributes(inst);
            let whitelist = inst
                .ip_groups
                .iter()
                .find(|g| g.name == "default")
                .map(|g| g.ips.join(","))
                .unwrap_or_default();
            attrs.insert("SecurityIPList".into(), Value::String(whitelist));
            let item = project_items(op, &["Instances", "DBInstanceAttribute"], &attrs);
            Ok(json!({"RequestId": request_id, "Instances": {"DBInstanceAttribute": [item]}}))
        }
        "DescribeSecurityGroupConfiguration" => {
            let inst = instance(op, state, get("InstanceId").unwrap_or_default())?;
            let region = text_attr(inst, "RegionId").unwrap_or_else(|| "cn-hangzhou".into());
            let net = match text_attr(inst, "NetworkType") {
                Some(n) if n.eq_ignore_ascii_case("classic") => "classic",
                _ => "vpc",
            };
            let items: Vec<Value> = inst
                .security_groups
                .iter()
                .map(|sg| json!({"SecurityGroupId": sg, "RegionId": region, "NetType": net}))
                .collect();
            Ok(json!({"RequestId": request_id, "Items": {"EcsSecurityGroupRelation": items}}))
        }
        "ModifySecurityGroupConfiguration" => {
            modify_security_groups(op, params, state)?;
            Ok(json!({"RequestId": request_id}))
        }
        "DescribeSecurityIps" => {
            let inst = instance(op, state, get("InstanceId").unwrap_or_default())?;
            let groups: Vec<Value> = inst
                .ip_groups
                .iter()
                .map(|g| {
                    json!({
                        "SecurityIpGroupName": g.name,
                        "SecurityIpGroupAttribute": g.attribute,
                        "SecurityIpList": g.ips.join(","),
                    })
                })
                .collect();
            Ok(json!({"RequestId": request_id, "SecurityIpGroups": {"SecurityIpGroup": groups}}))
        }
        "ModifySecurityIps" => {
            modify_security_ips(op, params, state)?;
            Ok(json!({"RequestId": request_id}))
        }
        other => Err(ApiError::new(
            404,
            "InvalidAction.NotFound",
            format!("{other} has no stateful handler."),
        )),
    }
}

/// For waiter tests: an instance whose state file attributes hold
/// `"PendingStatus": {"InstanceStatus": "Normal", "AfterPolls": N}` keeps
/// its `InstanceStatus` for the next N `DescribeInstanceAttribute` calls,
/// then takes the pending one, as a new instance goes from `Creating` to
/// `Normal`. `PendingStatus` itself is never sent (responses follow the
/// spec's schema).
fn advance_pending_status(state: &mut State, id: &str) {
    let Some(inst) = state.find_mut(id) else {
        return;
    };
    let Some(Value::Object(pending)) = inst.attributes.get_mut("PendingStatus") else {
        return;
    };
    let left = pending
        .get("AfterPolls")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    if left > 0 {
        pending.insert("AfterPolls".into(), Value::from(left - 1));
        return;
    }
    let next = pending.get("InstanceStatus").cloned();
    inst.attributes.remove("PendingStatus");
    if let Some(status) = next {
        inst.attributes.insert("InstanceStatus".into(), status);
    }
}

/// The value of parameter `name`.
fn arg<'a>(params: &'a BTreeMap<String, String>, name: &str) -> Option<&'a str> {
    params.get(name).map(String::as_str)
}

/// `InvalidInstanceId.NotFound` (404), with the operation's own message.
fn instance<'a>(op: &Operation, state: &'a State, id: &str) -> Result<&'a Instance, ApiError> {
    state.find(id).ok_or_else(|| not_found(op))
}

fn not_found(op: &Operation) -> ApiError {
    table_error(
        op,
        "InvalidInstanceId.NotFound",
        404,
        "Specified instance does not exist.",
    )
}

fn text_attr(inst: &Instance, key: &str) -> Option<String> {
    match inst.attributes.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// The attributes with `InstanceId` made consistent with the record.
fn full_attributes(inst: &Instance) -> Map<String, Value> {
    let mut attrs = inst.attributes.clone();
    attrs.insert("InstanceId".into(), Value::String(inst.id.clone()));
    attrs
}

fn describe_instances(
    op: &Operation,
    params: &BTreeMap<String, String>,
    state: &State,
    request_id: &str,
    now: u64,
) -> Result<Value, ApiError> {
    let ids = match arg(params, "InstanceIds") {
        Some(text) => {
            let ids: Vec<&str> = text.split(',').map(str::trim).collect();
            let malformed = ids.len() > 30
                || ids.iter().any(|id| {
                    id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                });
            if malformed {
                return Err(table_error(
                    op,
                    "InvalidInstanceIds.Malformed",
                    400,
                    "The Specified parameter InstanceIds is not valid.",
                ));
            }
            Some(ids)
        }
        None => None,
    };
    let page_number = page_param(params, "PageNumber", 1, u64::MAX)?;
    let page_size = page_param(params, "PageSize", 30, 50)?;

    // Filters that compare one attribute with the parameter's value.
    const EXACT: [&str; 15] = [
        "RegionId",
        "InstanceStatus",
        "ChargeType",
        "NetworkType",
        "EngineVersion",
        "InstanceClass",
        "VpcId",
        "VSwitchId",
        "InstanceType",
        "ArchitectureType",
        "ZoneId",
        "ResourceGroupId",
        "EditionType",
        "PrivateIp",
        "NodeType",
    ];
    let tags = wanted_tags(params);
    let matching: Vec<&Instance> = state
        .instances
        .iter()
        .filter(|inst| match &ids {
            None => true,
            Some(ids) => ids.contains(&inst.id.as_str()),
        })
        .filter(|inst| {
            EXACT.iter().all(|key| match arg(params, key) {
                None | Some("") => true,
                Some(want) => {
                    text_attr(inst, key).is_some_and(|have| have.eq_ignore_ascii_case(want))
                }
            })
        })
        .filter(|inst| match arg(params, "SearchKey") {
            None | Some("") => true,
            Some(key) => {
                inst.id.contains(key)
                    || text_attr(inst, "InstanceName").is_some_and(|n| n.contains(key))
            }
        })
        .filter(|inst| match arg(params, "Expired") {
            Some(flag)
                if flag.eq_ignore_ascii_case("true") || flag.eq_ignore_ascii_case("false") =>
            {
                let expired = text_attr(inst, "EndTime")
                    .and_then(|t| parse_timestamp(&t))
                    .is_some_and(|end| end < now);
                expired == flag.eq_ignore_ascii_case("true")
            }
            _ => true,
        })
        .filter(|inst| tags.iter().all(|(k, v)| has_tag(inst, k, v.as_deref())))
        .collect();

    let total = matching.len() as u64;
    let skip = usize::try_from(page_number.saturating_sub(1).saturating_mul(page_size))
        .unwrap_or(usize::MAX);
    let page: Vec<Value> = matching
        .into_iter()
        .skip(skip)
        .take(usize::try_from(page_size).unwrap_or(usize::MAX))
        .map(|inst| {
            project_items(
                op,
                &["Instances", "KVStoreInstance"],
                &full_attributes(inst),
            )
        })
        .collect();
    Ok(json!({
        "RequestId": request_id,
        "PageNumber": page_number,
        "PageSize": page_size,
        "TotalCount": total,
        "Instances": {"KVStoreInstance": page},
    }))
}

/// A paging parameter: default when absent, `InvalidParameter` when outside
/// 1..=max (the spec already checked it is an integer).
fn page_param(
    params: &BTreeMap<String, String>,
    name: &str,
    default: u64,
    max: u64,
) -> Result<u64, ApiError> {
    let Some(text) = arg(params, name) else {
        return Ok(default);
    };
    match text.parse::<u64>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ if max == u64::MAX => Err(ApiError::invalid_parameter(name, "must be at least 1")),
        _ => Err(ApiError::invalid_parameter(
            name,
            &format!("must be between 1 and {max}"),
        )),
    }
}

/// `Tag.N.Key` / `Tag.N.Value` filters.
fn wanted_tags(params: &BTreeMap<String, String>) -> Vec<(String, Option<String>)> {
    (1..=20)
        .filter_map(|n| {
            let key = arg(params, &format!("Tag.{n}.Key"))?;
            Some((
                key.to_owned(),
                arg(params, &format!("Tag.{n}.Value")).map(str::to_owned),
            ))
        })
        .collect()
}

fn has_tag(inst: &Instance, key: &str, value: Option<&str>) -> bool {
    let Some(tags) = inst
        .attributes
        .get("Tags")
        .and_then(|t| t.get("Tag"))
        .and_then(Value::as_array)
    else {
        return false;
    };
    tags.iter().any(|t| {
        t.get("Key").and_then(Value::as_str) == Some(key)
            && match value {
                None => true,
                Some(want) => t.get("Value").and_then(Value::as_str) == Some(want),
            }
    })
}

fn modify_security_groups(
    op: &Operation,
    params: &BTreeMap<String, String>,
    state: &mut State,
) -> Result<(), ApiError> {
    // Present but empty: the gateway's presence check passed, the service's
    // own check ("InstanceId is mandatory for this action.") does not.
    let id = arg(params, "DBInstanceId").unwrap_or_default().trim();
    if id.is_empty() {
        return Err(table_error(
            op,
            "MissingInstanceId",
            400,
            "InstanceId is mandatory for this action.",
        ));
    }
    let inst = state.find_mut(id).ok_or_else(|| not_found(op))?;
    let engine = text_attr(inst, "InstanceType").unwrap_or_default();
    if engine.eq_ignore_ascii_case("Memcache") {
        return Err(table_error(
            op,
            "EngineNotSupported",
            400,
            "Engine specified cannot be supported the operation.",
        ));
    }
    let raw = arg(params, "SecurityGroupId").unwrap_or_default();
    let mut groups: Vec<String> = Vec::new();
    for item in raw.split(',').map(str::trim) {
        if !is_security_group_id(item) {
            return Err(table_error(
                op,
                "InvalidParam",
                400,
                "Specified ecs security group id is not valid.",
            ));
        }
        if !groups.iter().any(|g| g == item) {
            groups.push(item.to_owned());
        }
    }
    if groups.len() > MAX_SECURITY_GROUPS {
        return Err(table_error(
            op,
            "AssociatedEcsSecurityGroupId.QuotaExceed",
            403,
            "SecurityGroupIdQuotaExceeded exceeding the allowed amount of SecurityGroupId.",
        ));
    }
    inst.security_groups = groups;
    Ok(())
}

/// `sg-` and 1 to 64 letters or digits, the form of ECS security group ids.
fn is_security_group_id(s: &str) -> bool {
    s.strip_prefix("sg-").is_some_and(|rest| {
        (1..=64).contains(&rest.len()) && rest.bytes().all(|b| b.is_ascii_alphanumeric())
    })
}

/// Whitelist names: 2 to 32 characters, lowercase letters, digits and
/// underscores, starting with a letter and ending with a letter or digit
/// (Alibaba's documented rule).
fn is_group_name(s: &str) -> bool {
    let b = s.as_bytes();
    (2..=32).contains(&b.len())
        && b[0].is_ascii_lowercase()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_')
        && b.last().is_some_and(|c| *c != b'_')
}

/// An IPv4/IPv6 address or CIDR block (`10.0.0.1`, `10.0.0.0/8`, `0.0.0.0/0`).
fn is_whitelist_entry(s: &str) -> bool {
    let (addr, prefix) = match s.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (s, None),
    };
    let Ok(ip) = addr.parse::<IpAddr>() else {
        return false;
    };
    match prefix {
        None => true,
        Some(p) => {
            let max = if ip.is_ipv4() { 32 } else { 128 };
            p.parse::<u8>().is_ok_and(|n| n <= max) && !p.starts_with('+')
        }
    }
}

fn modify_security_ips(
    op: &Operation,
    params: &BTreeMap<String, String>,
    state: &mut State,
) -> Result<(), ApiError> {
    let not_listed = || {
        table_error(
            op,
            "InvalidSecurityIPList.NotFound",
            404,
            "Specified same security IP does not exist or at least one security IP need.",
        )
    };
    let id = arg(params, "InstanceId").unwrap_or_default();
    let group_name = match arg(params, "SecurityIpGroupName") {
        None | Some("") => "default",
        Some(name) => name,
    };
    if !is_group_name(group_name) {
        return Err(table_error(
            op,
            "InvalidGroupName.Format",
            400,
            "Sepecified group name is not valid.",
        ));
    }
    let mode = arg(params, "ModifyMode")
        .filter(|m| !m.is_empty())
        .unwrap_or("Cover");
    if !matches!(mode, "Cover" | "Append" | "Delete") {
        return Err(ApiError::invalid_parameter(
            "ModifyMode",
            &format!("{mode:?} is not one of Cover, Append, Delete"),
        ));
    }
    let entries = split_list(arg(params, "SecurityIps").unwrap_or_default());
    if entries.is_empty() {
        return Err(not_listed());
    }
    if let Some(bad) = entries.iter().find(|e| !is_whitelist_entry(e)) {
        return Err(ApiError::invalid_parameter(
            "SecurityIps",
            &format!("{bad:?} is not an IP address or CIDR block"),
        ));
    }
    let attribute = arg(params, "SecurityIpGroupAttribute").map(str::to_owned);

    let inst = state.find_mut(id).ok_or_else(|| not_found(op))?;
    let existing = inst.ip_groups.iter().position(|g| g.name == group_name);
    // Work on a copy and store it only when every check passed: a rejected
    // request changes nothing.
    let mut group = match existing {
        Some(i) => inst.ip_groups[i].clone(),
        None if mode == "Delete" => return Err(not_listed()),
        None => IpGroup {
            name: group_name.to_owned(),
            attribute: String::new(),
            ips: Vec::new(),
        },
    };
    match mode {
        "Append" => {
            for e in &entries {
                if group.ips.contains(e) {
                    return Err(table_error(
                        op,
                        "SecurityIPList.Duplicate",
                        409,
                        "Specified same security IP already exists.",
                    ));
                }
                group.ips.push(e.clone());
            }
        }
        "Delete" => {
            for e in &entries {
                let Some(pos) = group.ips.iter().position(|have| have == e) else {
                    return Err(not_listed());
                };
                group.ips.remove(pos);
            }
            if group.ips.is_empty() {
                return Err(not_listed());
            }
        }
        _ => {
            group.ips.clear();
            for e in entries {
                if !group.ips.contains(&e) {
                    group.ips.push(e);
                }
            }
        }
    }
    if group.ips.len() > MAX_WHITELIST_ENTRIES {
        return Err(ApiError::invalid_parameter(
            "SecurityIps",
            &format!("a whitelist holds at most {MAX_WHITELIST_ENTRIES} entries"),
        ));
    }
    if let Some(a) = attribute {
        group.attribute = a;
    }
    match existing {
        Some(i) => inst.ip_groups[i] = group,
        None => inst.ip_groups.push(group),
    }
    Ok(())
}

/// Projects `attrs` through the item schema found at `path` (wrapper object,
/// then list) in the operation's response schema. Without a schema (the
/// spec lacks one), the attributes go out as they are.
fn project_items(op: &Operation, path: &[&str], attrs: &Map<String, Value>) -> Value {
    let mut schema = op.response.as_ref();
    for key in path {
        schema = schema
            .and_then(|s| s.properties.as_ref())
            .and_then(|p| p.get(*key));
    }
    match schema.and_then(|s| s.items.as_deref()) {
        Some(item) => project(&Value::Object(attrs.clone()), item),
        None => Value::Object(attrs.clone()),
    }
}

/// `value` shaped by `schema`: objects keep only the schema's properties,
/// lists map their items, scalars take the schema's JSON type where the
/// value converts (`"6379"` to `6379`, `false` to `"false"`).
pub fn project(value: &Value, schema: &Schema) -> Value {
    match (schema.ty.as_deref(), value) {
        (Some("object") | None, Value::Object(obj)) => match &schema.properties {
            Some(props) => Value::Object(
                props
                    .iter()
                    .filter_map(|(k, s)| Some((k.clone(), project(obj.get(k)?, s))))
                    .collect(),
            ),
            None => value.clone(),
        },
        (Some("array"), Value::Array(items)) => match &schema.items {
            Some(s) => Value::Array(items.iter().map(|v| project(v, s)).collect()),
            None => value.clone(),
        },
        (Some("string"), Value::Number(n)) => Value::String(n.to_string()),
        (Some("string"), Value::Bool(b)) => Value::String(b.to_string()),
        (Some("integer"), Value::String(s)) => s
            .trim()
            .parse::<i64>()
            .map_or_else(|_| value.clone(), |n| Value::Number(n.into())),
        (Some("number"), Value::String(s)) => s
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or_else(|| value.clone(), Value::Number),
        (Some("boolean"), Value::String(s)) if s.eq_ignore_ascii_case("true") => Value::Bool(true),
        (Some("boolean"), Value::String(s)) if s.eq_ignore_ascii_case("false") => {
            Value::Bool(false)
        }
        _ => value.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pending_status_arrives_after_n_reads() {
        let mut state = State::from_json(
            r#"{"instances": [{"InstanceId": "r-1", "InstanceStatus": "Creating",
                "PendingStatus": {"InstanceStatus": "Normal", "AfterPolls": 2}}]}"#,
        )
        .unwrap();
        let status = |s: &State| text_attr(s.find("r-1").unwrap(), "InstanceStatus");
        advance_pending_status(&mut state, "r-1");
        advance_pending_status(&mut state, "r-1");
        assert_eq!(status(&state).as_deref(), Some("Creating"));
        advance_pending_status(&mut state, "r-1");
        assert_eq!(status(&state).as_deref(), Some("Normal"));
        assert!(!state
            .find("r-1")
            .unwrap()
            .attributes
            .contains_key("PendingStatus"));
        advance_pending_status(&mut state, "nope");
    }

    #[test]
    fn the_shipped_fixture_parses() {
        let s = State::from_json(DEFAULT_STATE).unwrap();
        assert_eq!(s.instances().len(), 3);
        let r = s.find("r-mock000000000001").unwrap();
        assert_eq!(r.security_groups, ["sg-mock0000000000001"]);
        assert_eq!(r.ip_groups[0].ips, ["127.0.0.1"]);
        assert!(!r.attributes.contains_key("SecurityGroups"));
        assert!(s
            .instances()
            .iter()
            .any(|i| text_attr(i, "InstanceType").as_deref() == Some("Memcache")));
    }

    #[test]
    fn bad_state_files_are_errors_not_panics() {
        for bad in [
            "",
            "[]",
            "{}",
            r#"{"instances": [1]}"#,
            r#"{"instances": [{}]}"#,
            r#"{"instances": [{"InstanceId": "a"}, {"InstanceId": "a"}]}"#,
            r#"{"instances": [{"InstanceId": "a", "SecurityGroups": "sg-1"}]}"#,
            r#"{"instances": [{"InstanceId": "a", "SecurityIpGroups": [{}]}]}"#,
        ] {
            assert!(State::from_json(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn id_and_entry_formats() {
        assert!(is_security_group_id("sg-bp14p9y07ns3gwq1"));
        for bad in ["", "sg-", "sg-a*b", "sgx-1", "bp1", "sg-a b"] {
            assert!(!is_security_group_id(bad), "{bad:?}");
        }
        for good in ["default", "ab", "white_list1", "a2"] {
            assert!(is_group_name(good), "{good:?}");
        }
        for bad in ["", "a", "Default", "1ab", "ab_", "a-b", &"a".repeat(33)] {
            assert!(!is_group_name(bad), "{bad:?}");
        }
        for good in [
            "10.0.0.1",
            "10.0.0.0/8",
            "0.0.0.0/0",
            "2001:db8::/32",
            "::1",
        ] {
            assert!(is_whitelist_entry(good), "{good:?}");
        }
        for bad in [
            "",
            "10.0.0",
            "10.0.0.0/33",
            "x",
            "10.0.0.1/",
            "10.0.0.1/+8",
            "1.2.3.4/-1",
        ] {
            assert!(!is_whitelist_entry(bad), "{bad:?}");
        }
    }

    #[test]
    fn projection_follows_the_schema_types() {
        let schema: Schema = serde_json::from_value(json!({
            "type": "object",
            "properties": {
                "Port": {"type": "integer"},
                "HasRenewChangeOrder": {"type": "string"},
                "IsRds": {"type": "boolean"},
                "Tags": {"type": "object", "properties": {"Tag": {"type": "array",
                    "items": {"type": "object", "properties": {"Key": {"type": "string"}}}}}}
            }
        }))
        .unwrap();
        let v = project(
            &json!({"Port": "6379", "HasRenewChangeOrder": false, "IsRds": "TRUE", "Extra": 1,
                    "Tags": {"Tag": [{"Key": "k", "Other": 2}]}}),
            &schema,
        );
        assert_eq!(
            v,
            json!({"Port": 6379, "HasRenewChangeOrder": "false", "IsRds": true, "Tags": {"Tag": [{"Key": "k"}]}})
        );
    }
}
