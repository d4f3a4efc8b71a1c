//! Checkpoints: what a resumable transfer has done, in a small JSON file
//! written atomically (temporary file, then rename) after every part, so a
//! crash at any instant leaves either the old record or the new one.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::Error;

/// The checkpoint file for a transfer: its name is a digest of what
/// identifies the transfer, so two transfers never share one.
pub(crate) fn path_for(dir: &Path, kind: &str, parts: &[&str]) -> PathBuf {
    use md5::Digest as _;
    let mut h = md5::Md5::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0u8]);
    }
    let digest: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    dir.join(format!("{kind}-{digest}.json"))
}

/// Reads a checkpoint; a missing or unreadable one is no checkpoint (the
/// transfer starts over rather than failing on a stale file).
pub(crate) async fn load<T: DeserializeOwned>(path: &Path) -> Option<T> {
    let text = tokio::fs::read(path).await.ok()?;
    match serde_json::from_slice(&text) {
        Ok(v) => Some(v),
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "ignoring unreadable checkpoint");
            None
        }
    }
}

/// Writes a checkpoint atomically.
pub(crate) async fn save<T: Serialize>(path: &Path, value: &T) -> Result<(), Error> {
    let text = serde_json::to_vec_pretty(value).map_err(|e| {
        Error::io(
            Some(path.to_path_buf()),
            "encoding checkpoint",
            std::io::Error::other(e),
        )
    })?;
    if let Some(dir) = path.parent() {
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(|e| Error::io(Some(dir.to_path_buf()), "creating checkpoint directory", e))?;
    }
    let tmp = path.with_extension("json.tmp");
    tokio::fs::write(&tmp, &text)
        .await
        .map_err(|e| Error::io(Some(tmp.clone()), "writing checkpoint", e))?;
    tokio::fs::rename(&tmp, path)
        .await
        .map_err(|e| Error::io(Some(path.to_path_buf()), "replacing checkpoint", e))
}

/// Removes a finished transfer's checkpoint.
pub(crate) async fn remove(path: &Path) {
    let _ = tokio::fs::remove_file(path).await;
}

/// Seconds since the epoch of a file's modification time, to notice a
/// source that changed between a transfer and its resumption.
pub(crate) fn mtime_secs(meta: &std::fs::Metadata) -> u64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
