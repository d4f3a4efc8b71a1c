//! Compile probes of the public API shape, and client-side validation:
//! what a user writes must compile, and bad parameters never leave the host.

mod support;

use alibabacloud_sdk::credentials::Credentials;
use alibabacloud_sdk::error::{Error, ValidationProblem};
use alibabacloud_sdk::r_kvstore::{
    self, Client, DescribeInstancesRequest, ModifySecurityGroupConfigurationError,
    ModifySecurityGroupConfigurationRequest, ModifySecurityGroupConfigurationResponse,
};
use alibabacloud_sdk::Config;
use support::CaptureTransport;

fn client(transport: CaptureTransport) -> Client {
    Client::new(
        Config::builder()
            .region("cn-hangzhou")
            .credentials(Credentials::new("testid", "testsecret"))
            .transport(transport)
            .build()
            .unwrap(),
    )
}

/// The call from the README and the design notes, with its exact types.
#[allow(dead_code)]
async fn readme_call(
    client: &Client,
) -> Result<ModifySecurityGroupConfigurationResponse, Error<ModifySecurityGroupConfigurationError>>
{
    client
        .modify_security_group_configuration()
        .db_instance_id("r-bp1zxszhcgatnx****")
        .security_group_id("sg-1,sg-2")
        .send()
        .await
}

/// Users match on typed variants; `#[non_exhaustive]` makes them keep a
/// catch-all so new codes in future specs do not break them.
#[allow(dead_code)]
fn handle(error: Error<ModifySecurityGroupConfigurationError>) -> String {
    match error {
        Error::Service(ModifySecurityGroupConfigurationError::InvalidInstanceIdNotFound(meta)) => {
            format!("no such instance (request {:?})", meta.request_id())
        }
        Error::Service(ModifySecurityGroupConfigurationError::InvalidIzNoNotSupported(_)) => {
            "zone".into()
        }
        Error::Service(other) => other.service_error().code().to_string(),
        Error::Validation(v) => v.parameter().to_string(),
        other => other.to_string(),
    }
}

#[tokio::test]
async fn fluent_call_sends_and_returns_typed_response() {
    let transport =
        CaptureTransport::new(r#"{"RequestId":"147CAC09-E8C6-43F8-9599-982A43D6ABCD"}"#);
    let out = readme_call(&client(transport.clone())).await.unwrap();
    assert_eq!(
        out.request_id(),
        Some("147CAC09-E8C6-43F8-9599-982A43D6ABCD")
    );
    let sent = transport.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].method, "POST");
    assert!(
        sent[0].url.starts_with("https://r-kvstore.aliyuncs.com/?"),
        "{}",
        sent[0].url
    );
    assert!(
        sent[0].url.contains("SecurityGroupId=sg-1%2Csg-2"),
        "{}",
        sent[0].url
    );
}

#[tokio::test]
async fn requests_built_by_hand_encode_like_the_builder() {
    let transport = CaptureTransport::new(
        r#"{"RequestId":"x","TotalCount":0,"Instances":{"KVStoreInstance":[]}}"#,
    );
    let c = client(transport.clone());
    // What the typed replay rules of `test_util` see: the request struct.
    let runtime = alibabacloud_sdk::__private::client::Client::new(c.config().clone());
    // Every model type reads through accessors and nested ones are built
    // with `with_` setters; a request is built by its builder.
    let request: DescribeInstancesRequest = c
        .describe_instances()
        .region_id("cn-hangzhou")
        .page_size(50)
        .tags([r_kvstore::describe_instances::Tag::default()
            .with_key("env")
            .with_value("prod")])
        .request()
        .clone();
    assert_eq!(request.region_id(), Some("cn-hangzhou"));
    assert_eq!(request.page_size(), Some(50));
    assert_eq!(request.tags()[0].key(), Some("env"));
    assert_eq!(request.tags()[0].value(), Some("prod"));
    assert_eq!(request.instance_ids(), None);
    let out = runtime.execute(request).await.unwrap();
    assert_eq!(out.total_count(), Some(0));
    assert!(out.instances().is_empty());
    let url = &transport.requests()[0].url;
    for part in [
        "Tag.1.Key=env",
        "Tag.1.Value=prod",
        "PageSize=50",
        "RegionId=cn-hangzhou",
    ] {
        assert!(url.contains(part), "{url} lacks {part}");
    }
    let builder = c
        .modify_security_group_configuration()
        .db_instance_id("r-1");
    assert_eq!(builder.request().db_instance_id(), Some("r-1"));
    assert_eq!(builder.request().security_group_id(), None);
    assert_ne!(
        builder.request(),
        &ModifySecurityGroupConfigurationRequest::default()
    );
}

#[tokio::test]
async fn invalid_parameters_fail_before_sending() {
    let transport = CaptureTransport::new("{}");
    let c = client(transport.clone());

    let too_many: Vec<String> = (1..=52).map(|i| format!("r-{i}")).collect();
    let err = c
        .list_tag_resources()
        .region_id("cn-hangzhou")
        .resource_type("INSTANCE")
        .resource_ids(too_many)
        .send()
        .await
        .unwrap_err();
    let Error::Validation(v) = &err else {
        panic!("expected a validation error, got {err}")
    };
    assert_eq!(v.parameter(), "ResourceId");
    assert_eq!(
        v.problem(),
        &ValidationProblem::TooManyItems {
            max: 51,
            actual: 52
        }
    );
    let text = err.to_string();
    assert!(
        text.contains("ListTagResources") && text.contains("at most 51"),
        "{text}"
    );

    let err = c
        .modify_security_group_configuration()
        .security_group_id("sg-1")
        .send()
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("required parameter DBInstanceId is not set"),
        "{err}"
    );

    let err = c
        .tag_resources()
        .region_id("cn-hangzhou")
        .resource_type("DISK")
        .resource_ids(["r-1"])
        .tags([r_kvstore::tag_resources::Tag::default()
            .with_key("k")
            .with_value("v")])
        .send()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("ResourceType"), "{err}");
    assert!(err.to_string().contains("INSTANCE"), "{err}");

    // `minimum`/`maximum` (PageSize 30 to 200) and `pattern` (`^\d+$`).
    for (size, limit) in [(10, "at least 30"), (1000, "at most 200")] {
        let err = c
            .describe_instance_auto_renewal_attribute()
            .region_id("cn-hangzhou")
            .page_size(size)
            .send()
            .await
            .unwrap_err();
        let Error::Validation(v) = &err else {
            panic!("expected a validation error, got {err}")
        };
        assert_eq!(v.parameter(), "PageSize");
        assert_eq!(
            v.problem(),
            &ValidationProblem::OutOfRange {
                value: size.to_string(),
                limit: limit.to_string()
            }
        );
    }
    c.describe_instance_auto_renewal_attribute()
        .region_id("cn-hangzhou")
        .page_size(200)
        .send()
        .await
        .expect("the bound itself is allowed");
    let err = c
        .modify_db_instance_connection_string()
        .db_instance_id("r-1")
        .current_connection_string("r-1.redis.rds.aliyuncs.com")
        .ip_type("Public")
        .port("63a9")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid request: ModifyDBInstanceConnectionString: parameter Port is \"63a9\"; it must match the pattern ^\\d+$"
    );

    assert_eq!(
        transport.requests().len(),
        1,
        "only the valid call was sent"
    );
    transport.captured.lock().unwrap().clear();

    // The escape hatch for metadata that lags the service.
    let lenient = Client::new(
        Config::builder()
            .region("cn-hangzhou")
            .credentials(Credentials::new("testid", "testsecret"))
            .transport(transport.clone())
            .validate_requests(false)
            .build()
            .unwrap(),
    );
    lenient
        .tag_resources()
        .region_id("cn-hangzhou")
        .resource_type("DISK")
        .resource_ids(["r-1"])
        .send()
        .await
        .unwrap();
    assert!(transport.requests()[0].url.contains("ResourceType=DISK"));
}

#[test]
fn descriptor_carries_the_spec_facts() {
    use alibabacloud_sdk::__private::operation::OperationSpec;
    use alibabacloud_sdk::operation::OperationType;
    let d = <ModifySecurityGroupConfigurationRequest as OperationSpec>::DESCRIPTOR;
    assert_eq!(d.action, "ModifySecurityGroupConfiguration");
    assert_eq!(d.product.version, "2015-01-01");
    assert_eq!(d.methods, ["POST", "GET"]);
    assert_eq!(d.auth, ["AK"]);
    assert_eq!(d.operation_type, OperationType::Write);
    assert!(d.client_token.is_none() && !d.is_idempotent());
    // R-kvstore's metadata has no RAM block, and facts come only from it.
    assert_eq!(d.ram_action, None);
    assert_eq!(d.ram_access_level, None);
    assert!(!d.is_idempotent());
    assert_eq!(
        d.product.endpoint_for("cn-hangzhou"),
        Some("r-kvstore.aliyuncs.com")
    );
}

#[test]
fn missing_configuration_is_an_error_not_a_panic() {
    let err = Config::builder().build().unwrap_err();
    assert!(err.to_string().contains("credentials"), "{err}");
    let err = Config::builder()
        .credentials(Credentials::new("a", "b"))
        .endpoint("http://127.0.0.1:1")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("allow_http"), "{err}");
}

/// Closed enums: a value the metadata lists is its variant, from `&str`
/// and `String` alike, and reads back as sent; any other value is kept.
#[test]
fn enums_keep_known_and_unknown_values() {
    use alibabacloud_sdk::r_kvstore::describe_instances::ChargeType;
    assert_eq!(ChargeType::from("PrePaid"), ChargeType::PrePaid);
    assert_eq!(
        ChargeType::from("PostPaid".to_string()),
        ChargeType::PostPaid
    );
    for value in ChargeType::values() {
        assert_eq!(ChargeType::from(*value).as_str(), *value);
        assert!(!format!("{:?}", ChargeType::from(*value)).contains("Unknown"));
    }
    let other = ChargeType::from("Spot".to_string());
    assert_eq!(other.as_str(), "Spot");
    assert!(format!("{other:?}").contains("Unknown"), "{other:?}");
    assert_ne!(other, ChargeType::from("spot"));
}

/// The error docs say which codes the client retries as throttling; the
/// generator's rule and the runtime's must be the same.
#[test]
fn generated_docs_and_runtime_agree_on_throttling() {
    use alibabacloud_codegen::emit::is_throttling_code;
    use alibabacloud_sdk::error::ServiceError;
    for code in [
        "Throttling",
        "Throttling.User",
        "Throttling.Api",
        "RequestLimitExceeded",
        "Ecs.Throttling",
        "ThrottlingX",
        "InvalidParam",
        "ServiceUnavailable",
        "",
    ] {
        assert_eq!(
            is_throttling_code(code),
            ServiceError::new(code, "m", 400).is_throttling(),
            "{code}"
        );
    }
}
