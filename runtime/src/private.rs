//! What generated code calls. Not public API: it changes whenever the
//! runtime needs it to, in any release. The files live beside `lib.rs`;
//! this module only gathers them under one hidden name.

#[path = "client.rs"]
pub mod client;
#[path = "de.rs"]
pub mod de;
#[path = "endpoint.rs"]
pub mod endpoint;
#[path = "paging.rs"]
pub mod paging;
#[path = "params.rs"]
pub mod params;
#[path = "response.rs"]
pub mod response;
#[path = "signer.rs"]
pub mod signer;
#[path = "validate.rs"]
pub mod validate;

pub use crate::config;
pub use crate::error;
pub use crate::operation;
pub use crate::options;
pub use crate::paginate;
pub use crate::retry;
pub use crate::transport;
