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
//! [`waiter`] are the public API. Everything generated code
//! needs from the runtime is behind a hidden module that carries no
//! compatibility promise; nothing in it is meant to be named by users.

#![warn(missing_docs)]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod call;
pub mod config;
pub mod credentials;
pub mod error;
pub mod options;
pub mod paginate;
pub mod retry;
pub mod telemetry;
#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod test_util;
pub mod transport;
pub mod waiter;

// Generated and printed by prettyplease, deterministic; rustfmt leaves it alone.
#[rustfmt::skip]
mod generated;

// What generated code calls. Not public API; see `private.rs`.
#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub(crate) use __private::{client, endpoint, operation, paging, params, response, signer};

pub use config::{Config, ConfigBuilder, SignatureVersion};
pub use error::Error;
#[allow(unused_imports)] // empty when no product feature is enabled
pub use generated::*;
