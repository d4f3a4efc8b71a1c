//! Paging through list operations. A paging operation's builder has
//! `into_paginator()`, which returns a [`PaginationStream`] of pages; its
//! [`items`](PaginationStream::items) flattens the pages into their items
//! where the operation's response names the paged list.
//!
//! Both are [`Stream`]s of `Result`s, so the `futures` crate's `TryStreamExt`
//! (`try_next`, `try_collect`) works on them. A stream ends after the first
//! error: a `while let` loop over it never spins on a failing page.

use crate::client::Client;
use crate::error::Error;
use crate::operation::Operation;
use futures_core::Stream;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A request that pages (`PageNumber`/`TotalCount` or `NextToken`).
/// Generated code implements it; not meant to be implemented by users.
#[doc(hidden)]
pub trait Paginated: Operation + Clone {
    /// The request for the page after `response`, or `None` after the last.
    fn next_request(&self, response: &Self::Response) -> Option<Self>;
}

/// A paging request whose response names the list being paged.
#[doc(hidden)]
pub trait PaginatedItems: Paginated {
    /// One item of the paged list.
    type Item: Send + Unpin + 'static;
    /// The page's items, taken out of the response.
    fn page_items(response: Self::Response) -> Vec<Self::Item>;
}

type Page<O> = Result<<O as Operation>::Response, Error<<O as Operation>::Error>>;
type PageFuture<O> = Pin<Box<dyn Future<Output = (Box<O>, Page<O>)> + Send>>;

enum State<O: Operation> {
    Ready(Box<O>),
    Running(PageFuture<O>),
    Done,
}

/// The pages of a list operation, one request each, sent as the stream is
/// polled.
///
/// ```no_run
/// # #[cfg(feature = "r-kvstore")]
/// # async fn demo(client: alibabacloud_sdk::r_kvstore::Client) -> Result<(), Box<dyn std::error::Error>> {
/// let mut pages = client
///     .describe_instances()
///     .region_id("cn-hangzhou")
///     .page_size(50)
///     .into_paginator();
/// while let Some(page) = pages.next_page().await {
///     for instance in page?.instances() {
///         println!("{:?}", instance.instance_id());
///     }
/// }
/// # Ok(())
/// # }
/// ```
pub struct PaginationStream<O: Operation> {
    client: Client,
    state: State<O>,
}

impl<O: Operation> std::fmt::Debug for PaginationStream<O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = match self.state {
            State::Ready(_) => "ready",
            State::Running(_) => "running",
            State::Done => "done",
        };
        f.debug_struct("PaginationStream")
            .field("operation", &O::DESCRIPTOR.action)
            .field("state", &state)
            .finish()
    }
}

impl<O: Paginated> PaginationStream<O> {
    #[doc(hidden)]
    pub fn new(client: Client, first: O) -> Self {
        PaginationStream {
            client,
            state: State::Ready(Box::new(first)),
        }
    }

    /// The next page, or `None` when there are no more or an earlier page
    /// failed.
    pub async fn next_page(&mut self) -> Option<Page<O>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// The items of every page, in order.
    pub fn items(self) -> ItemStream<O>
    where
        O: PaginatedItems,
    {
        ItemStream {
            pages: self,
            buffered: Vec::new().into_iter(),
        }
    }
}

impl<O: Paginated> Stream for PaginationStream<O> {
    type Item = Page<O>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            match std::mem::replace(&mut this.state, State::Done) {
                State::Ready(request) => {
                    let client = this.client.clone();
                    this.state = State::Running(Box::pin(async move {
                        let page = client.execute((*request).clone()).await;
                        (request, page)
                    }));
                }
                State::Running(mut running) => match running.as_mut().poll(cx) {
                    Poll::Pending => {
                        this.state = State::Running(running);
                        return Poll::Pending;
                    }
                    Poll::Ready((request, Ok(response))) => {
                        if let Some(next) = request.next_request(&response) {
                            this.state = State::Ready(Box::new(next));
                        }
                        return Poll::Ready(Some(Ok(response)));
                    }
                    // The state stays `Done`: the stream ends after an error.
                    Poll::Ready((_, Err(error))) => return Poll::Ready(Some(Err(error))),
                },
                State::Done => return Poll::Ready(None),
            }
        }
    }
}

/// The items of every page of a list operation, flattened.
pub struct ItemStream<O: PaginatedItems> {
    pages: PaginationStream<O>,
    buffered: std::vec::IntoIter<O::Item>,
}

impl<O: PaginatedItems> std::fmt::Debug for ItemStream<O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ItemStream")
            .field("pages", &self.pages)
            .field("buffered", &self.buffered.len())
            .finish()
    }
}

impl<O: PaginatedItems> ItemStream<O> {
    /// The next item, or `None` after the last or after an error.
    pub async fn next_item(&mut self) -> Option<Result<O::Item, Error<O::Error>>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }
}

impl<O: PaginatedItems> Stream for ItemStream<O> {
    type Item = Result<O::Item, Error<O::Error>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.buffered.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match Pin::new(&mut this.pages).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error))),
                Poll::Ready(Some(Ok(page))) => {
                    this.buffered = O::page_items(page).into_iter();
                }
            }
        }
    }
}

#[doc(hidden)]
/// The next page number and page size, or `None` when `page` was the last:
/// no items, no total to compare with, or everything up to `total` seen.
///
/// A first page shorter than the size asked for, with more to come, means
/// the service caps the page size: the following requests ask for what it
/// delivers, so that `page * size` keeps counting what was really seen.
pub fn next_page_number(
    page: Option<i64>,
    size: Option<i64>,
    total: Option<i64>,
    items: Option<usize>,
) -> Option<(i64, i64)> {
    if items == Some(0) {
        return None;
    }
    let page = page.unwrap_or(1).max(1);
    let items = items.and_then(|n| i64::try_from(n).ok());
    let size = size.or(items)?;
    let total = total?;
    if size <= 0 {
        return None;
    }
    match items {
        Some(n) if n < size => {
            let seen = (page - 1).saturating_mul(size).saturating_add(n);
            if seen >= total {
                None
            } else if page == 1 {
                Some((2, n))
            } else {
                Some((page + 1, size))
            }
        }
        _ if page.saturating_mul(size) >= total => None,
        _ => Some((page + 1, size)),
    }
}

#[doc(hidden)]
/// The next token, or `None` when the response has none (or repeats the
/// one just used, which would loop forever).
pub fn next_token(sent: Option<&str>, received: Option<&str>) -> Option<String> {
    let token = received.filter(|t| !t.is_empty())?;
    (Some(token) != sent).then(|| token.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_stop_at_the_total() {
        let next = next_page_number;
        assert_eq!(next(None, Some(10), Some(25), Some(10)), Some((2, 10)));
        assert_eq!(next(Some(2), Some(10), Some(25), Some(10)), Some((3, 10)));
        assert_eq!(next(Some(3), Some(10), Some(25), Some(5)), None);
        assert_eq!(
            next(Some(1), None, Some(25), Some(10)),
            Some((2, 10)),
            "size from items"
        );
        assert_eq!(
            next(Some(1), Some(10), Some(25), Some(0)),
            None,
            "empty page"
        );
        assert_eq!(next(Some(1), Some(10), None, Some(10)), None, "no total");
        assert_eq!(next(Some(1), Some(0), Some(25), None), None);
        // Asked for 100, the service caps pages at 50: ask for 50 from then
        // on, and keep going to 120.
        assert_eq!(next(Some(1), Some(100), Some(120), Some(50)), Some((2, 50)));
        assert_eq!(next(Some(2), Some(50), Some(120), Some(50)), Some((3, 50)));
        assert_eq!(next(Some(3), Some(50), Some(120), Some(20)), None);
        // One short page that holds everything.
        assert_eq!(next(Some(1), Some(100), Some(7), Some(7)), None);
    }

    #[test]
    fn tokens_stop_when_absent_or_repeated() {
        assert_eq!(next_token(None, Some("t1")).as_deref(), Some("t1"));
        assert_eq!(next_token(Some("t1"), Some("t2")).as_deref(), Some("t2"));
        assert_eq!(next_token(Some("t1"), Some("")), None);
        assert_eq!(next_token(Some("t1"), None), None);
        assert_eq!(next_token(Some("t1"), Some("t1")), None);
    }
}
