//! A product crate used on its own, one dependency line, as a user of one
//! product depends on it: `alibabacloud-r-kvstore20150101` against the mock,
//! its typed response and typed error, and the same types through the
//! `alibabacloud-sdk` facade.

use alibabacloud_mock::{MockConfig, MockServer};
use alibabacloud_r_kvstore20150101::credentials::Credentials;
use alibabacloud_r_kvstore20150101::error::Error;
use alibabacloud_r_kvstore20150101::retry::RetryPolicy;
use alibabacloud_r_kvstore20150101::{Client, Config, ModifySecurityGroupConfigurationError};

#[tokio::test]
async fn the_reference_operation_through_the_product_crate_alone() {
    let server = MockServer::start(MockConfig::new()).await.unwrap();
    let config = Config::builder()
        .endpoint(server.url())
        .allow_http(true)
        .credentials(Credentials::new("testid", "testsecret"))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let client = Client::new(config);

    let out = client
        .modify_security_group_configuration()
        .db_instance_id("r-mock000000000001")
        .security_group_id("sg-crate0a")
        .send()
        .await
        .unwrap();
    assert!(!out.request_id().unwrap_or_default().is_empty());

    let err = client
        .modify_security_group_configuration()
        .db_instance_id("r-doesnotexist")
        .security_group_id("sg-1")
        .send()
        .await
        .unwrap_err();
    match err {
        Error::Service(e) => assert!(
            matches!(
                e,
                ModifySecurityGroupConfigurationError::InvalidInstanceIdNotFound(_)
            ),
            "{e:?}"
        ),
        other => panic!("expected the typed not-found error, got {other:?}"),
    }
}

/// The facade's module is the crate itself, not a copy: a client built
/// through one is the other's type.
#[test]
fn the_facade_re_exports_the_same_crate() {
    fn same<T>(_: Option<T>, _: Option<T>) {}
    same::<alibabacloud_r_kvstore20150101::Client>(
        None,
        None::<alibabacloud_sdk::r_kvstore::Client>,
    );
    same::<alibabacloud_r_kvstore20150101::Config>(None, None::<alibabacloud_sdk::Config>);
}
