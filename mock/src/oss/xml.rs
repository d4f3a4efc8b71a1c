//! OSS's XML: answers written element by element (the element order is
//! the real service's, which some clients depend on), request documents
//! (`CompleteMultipartUpload`, `Delete`) read with quick-xml's serde
//! support, and the two date formats OSS uses.

use serde::Deserialize;
use std::time::{SystemTime, UNIX_EPOCH};

/// A document being written.
pub(crate) struct Xml(String);

impl Xml {
    pub(crate) fn new(root: &str) -> Xml {
        let mut x = Xml(String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
        x.open(root);
        x
    }

    pub(crate) fn open(&mut self, tag: &str) -> &mut Xml {
        self.0.push('<');
        self.0.push_str(tag);
        self.0.push('>');
        self
    }

    pub(crate) fn close(&mut self, tag: &str) -> &mut Xml {
        self.0.push_str("</");
        self.0.push_str(tag);
        self.0.push('>');
        self
    }

    pub(crate) fn leaf(&mut self, tag: &str, value: impl AsRef<str>) -> &mut Xml {
        self.open(tag);
        escape_into(&mut self.0, value.as_ref());
        self.close(tag)
    }

    pub(crate) fn finish(mut self, root: &str) -> String {
        self.close(root);
        self.0
    }
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0 even escaped;
            // OSS asks for encoding-type=url for such keys. A numeric
            // reference keeps the document readable by lenient parsers.
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' && c != '\r' => {
                out.push_str(&format!("&#{};", c as u32));
            }
            c => out.push(c),
        }
    }
}

/// `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>..`.
#[derive(Debug, Deserialize)]
pub(crate) struct CompleteMultipartUpload {
    #[serde(rename = "Part", default)]
    pub(crate) parts: Vec<CompletePart>,
}

/// One part of a completion list.
#[derive(Debug, Deserialize)]
pub(crate) struct CompletePart {
    #[serde(rename = "PartNumber")]
    pub(crate) number: String,
    #[serde(rename = "ETag")]
    pub(crate) etag: String,
}

/// `<Delete><Quiet>true</Quiet><Object><Key>..</Key></Object>..</Delete>`.
#[derive(Debug, Deserialize)]
pub(crate) struct Delete {
    #[serde(rename = "Quiet", default)]
    pub(crate) quiet: Option<String>,
    #[serde(rename = "Object", default)]
    pub(crate) objects: Vec<DeleteObject>,
}

/// One key to delete.
#[derive(Debug, Deserialize)]
pub(crate) struct DeleteObject {
    #[serde(rename = "Key")]
    pub(crate) key: String,
}

/// Reads a request document; `None` when it is not well formed.
pub(crate) fn parse<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Option<T> {
    let text = std::str::from_utf8(body).ok()?;
    quick_xml::de::from_str(text).ok()
}

/// `2026-12-05T13:06:59.000Z`, as OSS writes `LastModified` in XML.
pub(crate) fn iso8601(t: SystemTime) -> String {
    let dt = offset(t);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        dt.year(),
        dt.month() as u8,
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second(),
        dt.millisecond()
    )
}

/// `Sat, 05 Dec 2026 13:06:59 GMT`, the HTTP date of `Last-Modified`.
pub(crate) fn http_date(t: SystemTime) -> String {
    let dt = offset(t);
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        DAYS[dt.weekday().number_days_from_monday() as usize],
        dt.day(),
        MONTHS[dt.month() as usize - 1],
        dt.year(),
        dt.hour(),
        dt.minute(),
        dt.second()
    )
}

/// Parses an HTTP date (`Sat, 05 Dec 2026 13:06:59 GMT`) to Unix seconds.
pub(crate) fn parse_http_date(text: &str) -> Option<i64> {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    let t = time::PrimitiveDateTime::parse(text.trim(), format).ok()?;
    Some(t.assume_utc().unix_timestamp())
}

/// Parses `20261205T130659Z` (V4's `x-oss-date`) to Unix seconds.
pub(crate) fn parse_iso_basic(text: &str) -> Option<i64> {
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    let t = time::PrimitiveDateTime::parse(text, format).ok()?;
    Some(t.assume_utc().unix_timestamp())
}

pub(crate) fn unix(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

fn offset(t: SystemTime) -> time::OffsetDateTime {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    time::OffsetDateTime::from_unix_timestamp(i64::try_from(d.as_secs()).unwrap_or(0))
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        + time::Duration::milliseconds(i64::from(d.subsec_millis()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn dates_round_trip() {
        let t = UNIX_EPOCH + Duration::from_millis(1_796_475_419_123);
        assert_eq!(http_date(t), "Sat, 05 Dec 2026 12:56:59 GMT");
        assert_eq!(iso8601(t), "2026-12-05T12:56:59.123Z");
        assert_eq!(parse_http_date(&http_date(t)), Some(1_796_475_419));
        assert_eq!(parse_iso_basic("20261205T125659Z"), Some(1_796_475_419));
        assert_eq!(parse_http_date("yesterday"), None);
    }

    #[test]
    fn request_documents() {
        let c: CompleteMultipartUpload = parse(
            b"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>\"A\"</ETag></Part>\
              <Part><PartNumber>2</PartNumber><ETag>\"B\"</ETag></Part></CompleteMultipartUpload>",
        )
        .unwrap();
        assert_eq!(c.parts.len(), 2);
        assert_eq!(c.parts[1].etag, "\"B\"");
        let d: Delete = parse(
            b"<?xml version=\"1.0\"?><Delete><Quiet>true</Quiet><Object><Key>a&amp;b</Key></Object></Delete>",
        )
        .unwrap();
        assert_eq!(d.objects[0].key, "a&b");
        assert!(parse::<Delete>(b"<Delete><Object>").is_none());
        let mut x = Xml::new("R");
        x.leaf("K", "<&>");
        assert!(x.finish("R").ends_with("<R><K>&lt;&amp;&gt;</K></R>"));
    }
}
