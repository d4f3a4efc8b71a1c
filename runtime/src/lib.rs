//! The runtime of [`alibabacloud-sdk`](https://docs.rs/alibabacloud-sdk):
//! the client, signing pipeline, retries, endpoints and credentials that
//! every generated operation calls.
//!
//! Depend on `alibabacloud-sdk`, not on this crate. The sdk re-exports the
//! modules users name (`config`, `credentials`, `error`, ...) and pins this
//! crate to one exact version, so the items here have the sdk's
//! compatibility promise only through those re-exports. The hidden
//! `__private` module is what generated code calls and has none.
//!
//! The runtime is its own crate so that building a product's operations
//! does not rebuild it: a crate's compile time is spent once per change of
//! that crate, and the generated code changes far more often than this.

#![warn(missing_docs)]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod call;
pub mod config;
pub mod credentials;
pub mod error;
pub mod operation;
pub mod options;
pub mod paginate;
pub mod retry;
pub mod telemetry;
#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod test_util;
pub mod transport;
pub mod waiter;

// What generated code calls. Not public API; see `private.rs`.
#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub(crate) use __private::{client, endpoint, paging, params, response, signer};

pub use config::{Config, ConfigBuilder, SignatureVersion};
pub use error::Error;
