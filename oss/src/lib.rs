//! Alibaba Cloud Object Storage Service (OSS).
#![forbid(unsafe_code)]
#![warn(missing_docs)]
