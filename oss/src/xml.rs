//! XML bodies: typed reading through serde (quick-xml's deserializer) and
//! the few request bodies OSS takes, written with its writer so every value
//! is escaped.

use quick_xml::events::Event;
use quick_xml::Reader;
use serde::de::DeserializeOwned;

use crate::error::{Error, ResponseError};

/// Deserializes a response body into `T`, naming the operation on failure.
pub(crate) fn from_body<T: DeserializeOwned>(
    operation: &'static str,
    status: u16,
    body: &[u8],
) -> Result<T, Error> {
    quick_xml::de::from_reader(body).map_err(|e| {
        Error::Response(ResponseError {
            operation,
            status,
            problem: format!("{e} in {}", excerpt(body)),
        })
    })
}

/// The text of the root element (`<LocationConstraint>oss-cn-hangzhou</LocationConstraint>`),
/// for answers whose body is one value.
pub(crate) fn root_text(
    operation: &'static str,
    status: u16,
    body: &[u8],
) -> Result<String, Error> {
    let mut reader = Reader::from_reader(body);
    let mut buf = Vec::new();
    let mut depth = 0usize;
    let mut text = String::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(_)) => depth += 1,
            Ok(Event::Text(t)) if depth == 1 => {
                text.push_str(&t.decode().map_err(|e| bad(operation, status, body, e))?);
            }
            Ok(Event::GeneralRef(r)) if depth == 1 => {
                let name = r.decode().map_err(|e| bad(operation, status, body, e))?;
                match quick_xml::escape::resolve_predefined_entity(&name) {
                    Some(c) => text.push_str(c),
                    None => {
                        return Err(bad(
                            operation,
                            status,
                            body,
                            format!("unknown entity &{name};"),
                        ))
                    }
                }
            }
            Ok(Event::End(_)) if depth == 1 => return Ok(text.trim().to_string()),
            Ok(Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(Event::Empty(_)) if depth == 0 => return Ok(String::new()),
            Ok(Event::Eof) => return Err(bad(operation, status, body, "no root element")),
            Err(e) => return Err(bad(operation, status, body, e)),
            _ => {}
        }
        buf.clear();
    }
}

fn bad(operation: &'static str, status: u16, body: &[u8], e: impl std::fmt::Display) -> Error {
    Error::Response(ResponseError {
        operation,
        status,
        problem: format!("{e} in {}", excerpt(body)),
    })
}

fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(160)]);
    format!("{text:?}")
}

/// The direct children of `root` with text content, in order. Used for
/// error bodies, whose set of elements is open-ended. Malformed XML yields
/// what was read before the fault: an error body must never fail to parse.
pub(crate) fn flat_elements(body: &[u8], root: &str) -> Vec<(String, String)> {
    let mut reader = Reader::from_reader(body);
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut inside_root = false;
    let mut current: Option<String> = None;
    let mut text = String::new();
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => {
                depth += 1;
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if depth == 1 {
                    inside_root = name == root;
                } else if depth == 2 && inside_root {
                    current = Some(name);
                    text.clear();
                }
            }
            Ok(Event::Text(t)) if current.is_some() => {
                if let Ok(s) = t.decode() {
                    text.push_str(&s);
                }
            }
            Ok(Event::GeneralRef(r)) if current.is_some() => {
                // quick-xml reports `&amp;` and friends separately.
                match r.decode().ok().as_deref() {
                    Some("amp") => text.push('&'),
                    Some("lt") => text.push('<'),
                    Some("gt") => text.push('>'),
                    Some("quot") => text.push('"'),
                    Some("apos") => text.push('\''),
                    _ => {}
                }
            }
            Ok(Event::CData(t)) if current.is_some() => {
                text.push_str(&String::from_utf8_lossy(&t));
            }
            Ok(Event::End(_)) => {
                if depth == 2 {
                    if let Some(name) = current.take() {
                        out.push((name, text.trim().to_string()));
                        text.clear();
                    }
                }
                depth = depth.saturating_sub(1);
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
    out
}

/// Escapes text for an XML element.
pub(crate) fn escape(s: &str) -> std::borrow::Cow<'_, str> {
    quick_xml::escape::escape(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_elements_in_order_with_entities() {
        let body = br#"<?xml version="1.0" encoding="UTF-8"?>
<Error>
  <Code>NoSuchKey</Code>
  <Message>The specified key does not exist &amp; never did.</Message>
  <RequestId>5C3D9175B6FC201293AD****</RequestId>
  <HostId>b.oss-cn-hangzhou.aliyuncs.com</HostId>
  <Key>a&lt;b</Key>
  <EC>0026-00000001</EC>
</Error>"#;
        let got = flat_elements(body, "Error");
        assert_eq!(got[0], ("Code".into(), "NoSuchKey".into()));
        assert_eq!(
            got[1].1,
            "The specified key does not exist & never did.".to_string()
        );
        assert_eq!(got[4], ("Key".into(), "a<b".into()));
        assert_eq!(got[5], ("EC".into(), "0026-00000001".into()));
    }

    #[test]
    fn garbage_and_other_roots_give_nothing() {
        assert!(flat_elements(b"<html><body>502</body></html>", "Error").is_empty());
        assert!(flat_elements(b"\xff\xfe<<<", "Error").is_empty());
        assert!(flat_elements(b"", "Error").is_empty());
    }
}
