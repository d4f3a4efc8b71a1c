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
use crate::paging::{Paginated, PaginatedItems};
use futures_core::Stream;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

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
    pub(crate) fn new(client: Client, first: O) -> Self {
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
