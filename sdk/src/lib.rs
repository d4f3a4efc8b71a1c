//! Typed Rust SDK for Alibaba Cloud OpenAPI, generated from Alibaba's own API
//! metadata.
//!
//! Each product is a module behind a cargo feature of the same name (for
//! example `r-kvstore` → [`r_kvstore`](crate::generated)), with a `Client`
//! whose methods return fluent builders:
//!
//! ```no_run
//! # #[cfg(feature = "r-kvstore")]
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let client = alibabacloud_sdk::r_kvstore::Client::from_env()?;
//! let out = client
//!     .modify_security_group_configuration()
//!     .db_instance_id("r-bp1zxszhcgatnx****")
//!     .security_group_ids(["sg-1", "sg-2"])
//!     .send()
//!     .await?;
//! println!("{}", out.request_id());
//! # Ok(())
//! # }
//! ```
//!
//! The runtime modules are hand-written; everything under `generated` comes
//! from `api-specs/` through `cargo xtask regenerate`.

pub mod client;
pub mod config;
pub mod credentials;
#[doc(hidden)]
pub mod de;
pub mod endpoint;
pub mod error;
pub mod generated;
pub mod operation;
pub mod paginate;
pub mod params;
pub mod response;
pub mod retry;
pub mod signer;
pub mod transport;
#[doc(hidden)]
pub mod validate;

pub use client::Client;
pub use config::{Config, SignatureVersion};
pub use error::Error;
#[allow(unused_imports)] // empty when no product feature is enabled
pub use generated::*;
