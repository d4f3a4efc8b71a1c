//! How generated requests page: the traits they implement and the
//! arithmetic of the next page. The public streams are in `paginate`.

use crate::client::Client;
use crate::operation::Operation;
use crate::paginate::PaginationStream;

/// A request that pages (`PageNumber`/`TotalCount` or `NextToken`).
/// Generated code implements it; not meant to be implemented by users.
pub trait Paginated: Operation + Clone {
    /// The request for the page after `response`, or `None` after the last.
    fn next_request(&self, response: &Self::Response) -> Option<Self>;
}

/// A paging request whose response names the list being paged.
pub trait PaginatedItems: Paginated {
    /// One item of the paged list.
    type Item: Send + Unpin + 'static;
    /// The page's items, taken out of the response.
    fn page_items(response: Self::Response) -> Vec<Self::Item>;
}

/// The stream of pages starting at `first` (what `into_paginator()` returns).
pub fn stream<O: Paginated>(client: Client, first: O) -> PaginationStream<O> {
    PaginationStream::new(client, first)
}

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
