//! The two timestamp shapes OSS signatures use.

use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::OffsetDateTime;

const BASIC: &[BorrowedFormatItem<'static>] =
    format_description!("[year][month][day]T[hour][minute][second]Z");
const HTTP: &[BorrowedFormatItem<'static>] = format_description!(
    "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
);

/// `20231203T121212Z` (V4's `x-oss-date`), in UTC.
pub(crate) fn iso8601_basic(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(BASIC)
        .unwrap_or_default()
}

/// `Sun, 03 Dec 2023 12:12:12 GMT` (V1's `Date`), in UTC.
pub(crate) fn http_date(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(HTTP)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn both_shapes() {
        let t = time::macros::datetime!(2023-12-03 12:12:12 UTC);
        assert_eq!(super::iso8601_basic(t), "20231203T121212Z");
        assert_eq!(super::http_date(t), "Sun, 03 Dec 2023 12:12:12 GMT");
    }
}
