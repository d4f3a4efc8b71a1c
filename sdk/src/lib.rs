//! Typed Rust SDK for Alibaba Cloud OpenAPI, generated from Alibaba's own API
//! metadata.
//!
//! Each product is a module behind a cargo feature of the same name (for
//! example the feature `r-kvstore` gives the module `r_kvstore`), with a
//! `Client` whose methods return fluent builders:
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
//! # Stable API
//!
//! The product modules, [`call`], [`config`], [`credentials`], [`error`],
//! [`options`], [`paginate`], [`retry`], [`telemetry`], [`transport`] and
//! [`waiter`] are the public API. The runtime behind them is the crate
//! `alibabacloud-runtime`, pinned to one exact version and reached only
//! through these re-exports. Everything generated code needs from it is
//! behind a hidden module that carries no compatibility promise; nothing in
//! it is meant to be named by users.

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
