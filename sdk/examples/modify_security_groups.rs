//! Resets the ECS security groups in a Tair/Redis instance's whitelist.
//!
//! ```text
//! export ALIBABA_CLOUD_ACCESS_KEY_ID=... ALIBABA_CLOUD_ACCESS_KEY_SECRET=...
//! export ALIBABA_CLOUD_REGION_ID=cn-hangzhou
//! cargo run -p alibabacloud-sdk --features r-kvstore --example modify_security_groups -- \
//!     r-bp1zxszhcgatnx**** sg-bp1aaaa sg-bp1bbbb
//! ```
//!
//! Set `ALIBABA_CLOUD_ENDPOINT` (for example `http://127.0.0.1:8080`) to talk
//! to a local endpoint instead of Alibaba Cloud: `Client::from_env` reads it.

use alibabacloud_sdk::error::Error;
use alibabacloud_sdk::r_kvstore::{Client, ModifySecurityGroupConfigurationError};
use std::process::ExitCode;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(instance), groups) = (args.next(), args.collect::<Vec<_>>()) else {
        eprintln!("usage: modify_security_groups INSTANCE_ID SECURITY_GROUP_ID...");
        return ExitCode::from(2);
    };

    let client = match Client::from_env() {
        Ok(client) => client,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };

    let result = client
        .modify_security_group_configuration()
        .db_instance_id(&instance)
        .security_group_id(groups.join(","))
        .send()
        .await;
    match result {
        Ok(out) => {
            println!(
                "security groups of {instance} reset to {groups:?} (request {})",
                out.request_id().unwrap_or("none")
            );
            ExitCode::SUCCESS
        }
        Err(Error::Service(ModifySecurityGroupConfigurationError::InvalidInstanceIdNotFound(
            e,
        ))) => {
            eprintln!("no instance {instance} in this region: {e}");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
