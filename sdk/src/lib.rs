//! Typed Rust SDK for Alibaba Cloud OpenAPI, generated from Alibaba's API
//! metadata.
//!
//! Enable a product by its cargo feature (`r-kvstore`, `ecs`, ...; the
//! product modules below list them), create its `Client`, and call an
//! operation through its builder:
//!
//! ```no_run
//! # #[cfg(feature = "r-kvstore")]
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let client = alibabacloud_sdk::r_kvstore::Client::from_env()?;
//! let out = client
//!     .modify_security_group_configuration()
//!     .db_instance_id("r-bp1zxszhcgatnx****")
//!     .security_group_id("sg-1,sg-2")
//!     .send()
//!     .await?;
//! println!("{:?}", out.request_id());
//! # Ok(())
//! # }
//! ```
//!
//! Each operation's module page says what kind of call it is, which
//! parameters it requires and within which limits, which error codes it
//! returns, and shows a call and an example response.
//!
//! | to | see |
//! |---|---|
//! | configure region, endpoint, credentials, timeouts | [`config`], [`credentials`] |
//! | handle errors | [`error`] (every call returns [`Error`]) |
//! | set options for one call | [`options`] (a builder's `customize()`) |
//! | walk pages, wait for a state | [`paginate`], [`waiter`] |
//! | tune retries | [`retry`] |
//! | call an operation no module has | [`call`] |
//! | name operations in generic code | [`operation`] |
//! | observe calls, replace HTTP | [`telemetry`], [`transport`] |
//! | test code that uses the SDK, without a network | `test_util` (feature `test-util`) |
//! | store objects (OSS) | `oss` (feature `oss`) |
//!
//! These modules and the product modules are the public API. The crate
//! `alibabacloud-runtime` behind them is pinned to one exact version;
//! what generated code calls in it is hidden and carries no compatibility
//! promise.

#![warn(missing_docs)]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
#[doc(inline)]
pub use alibabacloud_runtime::test_util;
#[doc(inline)]
pub use alibabacloud_runtime::{
    call, config, credentials, error, operation, options, paginate, retry, telemetry, transport,
    waiter,
};

// Generated and printed by prettyplease, deterministic; rustfmt leaves it alone.
#[rustfmt::skip]
mod generated;

// What generated code calls. Not public API.
#[doc(hidden)]
pub use alibabacloud_runtime::__private;

pub use config::{Config, ConfigBuilder, SignatureVersion};
pub use error::Error;
#[allow(unused_imports)] // empty when no product feature is enabled
pub use generated::*;

/// Object Storage Service (feature `oss`): the [`alibabacloud-oss`](https://docs.rs/alibabacloud-oss)
/// client, V4-signed, with streaming bodies, multipart transfers and
/// presigned URLs. It shares [`credentials`] with the products above:
/// `oss::ClientBuilder::from_config(&config)` takes a [`Config`]'s region
/// and credential chain.
#[cfg(feature = "oss")]
#[cfg_attr(docsrs, doc(cfg(feature = "oss")))]
pub use alibabacloud_oss as oss;
