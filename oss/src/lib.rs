//! Alibaba Cloud Object Storage Service (OSS): a client that signs with
//! V4 (`OSS4-HMAC-SHA256`) by default, streams bodies both ways, moves
//! large objects in concurrent, resumable, CRC-64-checked parts, and
//! presigns URLs and browser upload forms.
//!
//! ```no_run
//! use alibabacloud_oss::{Client, Credentials, Error};
//!
//! # async fn demo() -> Result<(), Error> {
//! // Region and the credential chain from the environment, as for every
//! // Alibaba Cloud product (ALIBABA_CLOUD_REGION_ID, ALIBABA_CLOUD_ACCESS_KEY_ID...).
//! let client = Client::from_env()?;
//! client.put_object("my-bucket", "notes/hello.txt").body("hello").send().await?;
//!
//! let mut out = client.get_object("my-bucket", "notes/hello.txt").range(0..5).send().await?;
//! while let Some(chunk) = out.body_mut().next_chunk().await {
//!     print!("{}", String::from_utf8_lossy(&chunk?));
//! }
//!
//! match client.head_object("my-bucket", "missing").send().await {
//!     Err(e) if e.code() == Some("NoSuchKey") => println!("not there"),
//!     other => println!("{other:?}"),
//! }
//! # Ok(()) }
//! ```
//!
//! - Addressing: virtual-hosted by default, path style, CNAME; public,
//!   internal and acceleration endpoints ([`ClientBuilder::network`]).
//! - Errors: OSS's `Code`, `Message`, `RequestId`, `HostId` and `EC` in
//!   [`OssServiceError`]; corrupt or short data is an [`IntegrityError`].
//! - Credentials: the runtime's providers and chain; each request asks the
//!   provider, so transfers outlive STS tokens.
//! - Operations: the object, listing, multipart and transfer calls above
//!   are written by hand; the other operations of OSS's metadata (bucket
//!   configuration, access points, WORM, live channels...) are generated
//!   from it, typed down to their XML elements ([`models`]).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod addressing;
mod body;
mod bucket;
mod client;
mod crc;
pub mod error;
// Generated from api-specs/oss by `cargo xtask regenerate`; rustfmt leaves it alone.
#[rustfmt::skip]
mod generated;
mod multipart;
mod object;
mod presign;
mod time_fmt;
pub mod transfer;
mod xml;

pub use addressing::{validate_bucket_name, validate_object_key, AddressingStyle, OssNetwork};
pub use alibabacloud_runtime::credentials::Credentials;
pub use body::{Body, ByteStream};
pub use bucket::{
    BucketInfo, CreateBucket, ListBucketsPage, ListObjectsV2, ListObjectsV2Page, ObjectSummary,
};
pub use client::{Client, ClientBuilder, OssSignatureVersion};
pub use crc::{crc64, crc64_combine};
pub use error::{Error, IntegrityError, OssErrorKind, OssServiceError};
pub use multipart::{
    CompletedUpload, InitiateMultipartUpload, MultipartUpload, UploadedPart, MAX_PARTS,
    MAX_PART_SIZE, MIN_PART_SIZE,
};
pub use object::{
    AppendObject, CopyObject, DeleteObject, DeleteObjects, GetObject, GetObjectOutput, HeadObject,
    ObjectMeta, PutObject, PutObjectOutput,
};
pub use presign::{PostForm, Presign, PresignedRequest};

/// Every other operation of OSS's metadata, generated: one builder per
/// operation (`client.get_bucket_cors(bucket)`), its output, and the XML
/// elements they carry in [`models`].
pub use generated::*;
