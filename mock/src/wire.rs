//! An HTTP request as the checks see it: method, raw path, decoded query and
//! form parameters, headers, body. Decoding never fails: bytes that are not
//! UTF-8 are replaced (and then simply fail the signature check), so a
//! malformed request gets an Alibaba-style error, never a crash.

use percent_encoding::percent_decode_str;
use std::collections::BTreeMap;

/// One received request.
#[derive(Debug, Clone, Default)]
pub struct Incoming {
    /// HTTP method, uppercase as sent.
    pub method: String,
    /// Path exactly as sent (still percent-encoded), `/` for RPC calls.
    pub path: String,
    /// Query parameters, decoded, in wire order.
    pub query: Vec<(String, String)>,
    /// Form-body parameters (`application/x-www-form-urlencoded` only), decoded.
    pub form: Vec<(String, String)>,
    /// Headers, names lowercased, values as text, in wire order.
    pub headers: Vec<(String, String)>,
    /// The body as received.
    pub body: Vec<u8>,
}

impl Incoming {
    /// Builds a request from its parts; parses the query and, when the
    /// content type says so, the form body.
    pub fn new(
        method: &str,
        path: &str,
        raw_query: Option<&str>,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    ) -> Incoming {
        let mut incoming = Incoming {
            method: method.to_owned(),
            path: path.to_owned(),
            query: raw_query.map(parse_urlencoded).unwrap_or_default(),
            form: Vec::new(),
            headers,
            body,
        };
        let is_form = incoming.header("content-type").is_some_and(|ct| {
            ct.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
        if is_form {
            incoming.form = parse_urlencoded(&String::from_utf8_lossy(&incoming.body));
        }
        incoming
    }

    /// The first value of header `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of header `name` (lowercase), in wire order.
    pub fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every API parameter, query and form together; a form value replaces a
    /// query value of the same name, as in the official SDKs' request map.
    /// For a name repeated within the query, the last value wins.
    pub fn params(&self) -> BTreeMap<String, String> {
        self.query
            .iter()
            .chain(self.form.iter())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    /// The value of parameter `name` (form first, then query).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.form
            .iter()
            .rev()
            .chain(self.query.iter().rev())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The `Host` header, which real responses echo as `HostId`.
    pub fn host(&self) -> &str {
        self.header("host").unwrap_or("127.0.0.1")
    }
}

/// Parses `k=v&k2=v2` with form semantics: `+` is a space, `%XX` a byte;
/// a key without `=` has an empty value; empty segments are skipped.
pub fn parse_urlencoded(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|s| !s.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect()
}

/// Form decoding of one component. Java's `URLDecoder` (what the real
/// gateway runs on) also reads `+` as a space; the official SDKs never send
/// a bare `+` (they encode it as `%2B`), so both readings agree for them.
fn decode(s: &str) -> String {
    let spaced = s.replace('+', " ");
    percent_decode_str(&spaced).decode_utf8_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_query_like_a_form() {
        let q = parse_urlencoded("a=1&b=x%2Ay+z%20w&c&&d=%E4%B8%AD&e=%ZZ&=v");
        assert_eq!(
            q,
            [
                ("a", "1"),
                ("b", "x*y z w"),
                ("c", ""),
                ("d", "中"),
                ("e", "%ZZ"),
                ("", "v")
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
    }

    #[test]
    fn invalid_utf8_is_replaced_not_fatal() {
        let q = parse_urlencoded("a=%FF%FE");
        assert_eq!(q[0].1, "\u{fffd}\u{fffd}");
    }

    #[test]
    fn form_body_overrides_query() {
        let r = Incoming::new(
            "POST",
            "/",
            Some("A=1&B=2"),
            vec![(
                "content-type".into(),
                "application/x-www-form-urlencoded; charset=utf-8".into(),
            )],
            b"B=3&C=4".to_vec(),
        );
        assert_eq!(r.param("B"), Some("3"));
        let p = r.params();
        assert_eq!(p.get("A").map(String::as_str), Some("1"));
        assert_eq!(p.get("B").map(String::as_str), Some("3"));
        assert_eq!(p.get("C").map(String::as_str), Some("4"));
    }

    #[test]
    fn json_body_is_not_read_as_a_form() {
        let r = Incoming::new(
            "POST",
            "/",
            None,
            vec![("content-type".into(), "application/json".into())],
            b"{\"a\":1}".to_vec(),
        );
        assert!(r.form.is_empty());
    }
}
