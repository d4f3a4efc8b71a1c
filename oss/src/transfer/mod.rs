//! The transfer manager: uploads and downloads of any size, in concurrent
//! parts, resumable from a checkpoint, checked end to end by CRC-64, with
//! progress callbacks and an optional bandwidth limit.
//!
//! Memory stays bounded by `concurrency` times the chunk size for files
//! (parts are read from and written to the file as they travel) and by
//! `concurrency` times the part size for streams of unknown length.

mod checkpoint;
mod download;
mod observer;
mod upload;

use std::path::PathBuf;
use std::sync::Arc;

pub use download::{Download, DownloadOutput};
pub(crate) use observer::Observer;
pub use observer::{Progress, ProgressFn};
pub use upload::{Upload, UploadOutput};

use crate::error::Error;
use crate::multipart::{MAX_PARTS, MAX_PART_SIZE, MIN_PART_SIZE};

/// Default part size: 8 MiB.
pub const DEFAULT_PART_SIZE: u64 = 8 * 1024 * 1024;
/// Default number of parts in flight.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// Settings shared by uploads and downloads.
#[derive(Clone)]
pub(crate) struct TransferOptions {
    pub(crate) part_size: u64,
    pub(crate) concurrency: usize,
    pub(crate) checkpoint_dir: Option<PathBuf>,
    pub(crate) progress: Option<ProgressFn>,
    pub(crate) bytes_per_second: Option<u64>,
}

impl Default for TransferOptions {
    fn default() -> Self {
        TransferOptions {
            part_size: DEFAULT_PART_SIZE,
            concurrency: DEFAULT_CONCURRENCY,
            checkpoint_dir: None,
            progress: None,
            bytes_per_second: None,
        }
    }
}

impl std::fmt::Debug for TransferOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TransferOptions")
            .field("part_size", &self.part_size)
            .field("concurrency", &self.concurrency)
            .field("checkpoint_dir", &self.checkpoint_dir)
            .field("bytes_per_second", &self.bytes_per_second)
            .finish_non_exhaustive()
    }
}

impl TransferOptions {
    fn check(&self) -> Result<(), Error> {
        if !(MIN_PART_SIZE..=MAX_PART_SIZE).contains(&self.part_size) {
            return Err(Error::invalid(
                "part_size",
                format!(
                    "{} bytes is outside OSS's part sizes of {MIN_PART_SIZE} to {MAX_PART_SIZE}",
                    self.part_size
                ),
            ));
        }
        if self.concurrency == 0 {
            return Err(Error::invalid(
                "concurrency",
                "at least one part must be in flight",
            ));
        }
        Ok(())
    }

    /// The part size for an object of `size` bytes: the one asked for,
    /// raised (to a whole MiB) when the object would need more than
    /// 10,000 parts.
    fn part_size_for(&self, size: Option<u64>) -> u64 {
        match size {
            Some(s) if s.div_ceil(self.part_size) > u64::from(MAX_PARTS) => {
                let min = s.div_ceil(u64::from(MAX_PARTS));
                min.div_ceil(1024 * 1024) * 1024 * 1024
            }
            _ => self.part_size,
        }
    }

    fn observer(&self, already: u64, total: Option<u64>) -> Option<Arc<Observer>> {
        if self.progress.is_none() && self.bytes_per_second.is_none() {
            return None;
        }
        Some(Arc::new(Observer::new(
            already,
            total,
            self.progress.clone(),
            self.bytes_per_second,
        )))
    }
}

/// Setters for the shared transfer settings.
macro_rules! transfer_option_setters {
    ($builder:ident) => {
        impl $builder {
            /// Part (or range) size in bytes, 100 KiB to 5 GiB (default
            /// 8 MiB); raised automatically when an object would need more
            /// than 10,000 parts.
            pub fn part_size(mut self, bytes: u64) -> Self {
                self.options.part_size = bytes;
                self
            }

            /// Parts in flight at once (default 4).
            pub fn concurrency(mut self, parts: usize) -> Self {
                self.options.concurrency = parts;
                self
            }

            /// Makes the transfer resumable: its progress is recorded in
            /// this directory after every part, and a later call with the
            /// same source and destination continues from there. A failed
            /// upload's parts are then kept rather than aborted.
            pub fn checkpoint_dir(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
                self.options.checkpoint_dir = Some(dir.into());
                self
            }

            /// Called as bytes move, from whichever task moved them.
            pub fn progress(
                mut self,
                f: impl Fn($crate::transfer::Progress) + Send + Sync + 'static,
            ) -> Self {
                self.options.progress = Some(std::sync::Arc::new(f));
                self
            }

            /// Caps the transfer's bandwidth, all parts together, in bytes
            /// per second.
            pub fn bandwidth_limit(mut self, bytes_per_second: u64) -> Self {
                self.options.bytes_per_second = Some(bytes_per_second);
                self
            }
        }
    };
}
pub(crate) use transfer_option_setters;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_size_grows_past_ten_thousand_parts() {
        let o = TransferOptions::default();
        assert_eq!(o.part_size_for(Some(1 << 30)), DEFAULT_PART_SIZE);
        let huge = 200 * (1u64 << 30); // 200 GiB at 8 MiB would be 25,600 parts
        let p = o.part_size_for(Some(huge));
        assert!(huge.div_ceil(p) <= u64::from(MAX_PARTS));
        assert_eq!(p % (1024 * 1024), 0);
    }

    #[test]
    fn settings_are_checked() {
        let o = TransferOptions {
            part_size: 10,
            ..TransferOptions::default()
        };
        assert!(o.check().unwrap_err().to_string().contains("part_size"));
        let o = TransferOptions {
            concurrency: 0,
            ..TransferOptions::default()
        };
        assert!(o.check().unwrap_err().to_string().contains("concurrency"));
    }
}
