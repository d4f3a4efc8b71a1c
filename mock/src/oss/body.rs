//! The body of an OSS answer: a whole document, a stream of object bytes,
//! or a document cut short by a fault.

use crate::faults::{Reset, Truncated};
use hyper::body::{Body, Bytes, Frame, SizeHint};
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::sync::mpsc;

/// An OSS response body.
#[derive(Debug)]
pub(crate) struct OssBody {
    inner: Inner,
}

#[derive(Debug)]
enum Inner {
    Full(Option<Bytes>),
    Stream(mpsc::Receiver<Result<Bytes, Reset>>),
    Truncated(Truncated),
}

impl OssBody {
    pub(crate) fn full(bytes: impl Into<Bytes>) -> OssBody {
        let b: Bytes = bytes.into();
        OssBody {
            inner: Inner::Full(Some(b).filter(|b| !b.is_empty())),
        }
    }

    pub(crate) fn empty() -> OssBody {
        OssBody {
            inner: Inner::Full(None),
        }
    }

    pub(crate) fn stream(rx: mpsc::Receiver<Result<Bytes, Reset>>) -> OssBody {
        OssBody {
            inner: Inner::Stream(rx),
        }
    }

    pub(crate) fn truncated(full: Bytes, keep: usize) -> OssBody {
        OssBody {
            inner: Inner::Truncated(Truncated::new(full, keep)),
        }
    }
}

impl Body for OssBody {
    type Data = Bytes;
    type Error = Reset;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Reset>>> {
        match &mut self.get_mut().inner {
            Inner::Full(b) => Poll::Ready(b.take().map(|b| Ok(Frame::data(b)))),
            Inner::Stream(rx) => rx
                .poll_recv(cx)
                .map(|item| item.map(|r| r.map(Frame::data))),
            Inner::Truncated(t) => Pin::new(t).poll_frame(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self.inner, Inner::Full(None))
    }

    fn size_hint(&self) -> SizeHint {
        match &self.inner {
            Inner::Full(b) => SizeHint::with_exact(b.as_ref().map_or(0, |b| b.len() as u64)),
            _ => SizeHint::default(),
        }
    }
}
