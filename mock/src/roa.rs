//! ROA routing: an operation is found by method and path template
//! (`/clusters/{ClusterId}/nodepools`), not by an `Action` parameter. A
//! template may carry a fixed query (SLS: `/logstores/{logstore}?type=...`),
//! which the request's query must then contain.

use percent_encoding::percent_decode_str;
use std::collections::BTreeMap;

/// One segment of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    /// Must equal the request's segment.
    Literal(String),
    /// Takes any non-empty segment; the value (decoded) is the parameter.
    Param(String),
}

/// A parsed `path` of an ROA operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathTemplate {
    /// The template as the spec writes it.
    pub raw: String,
    segments: Vec<Segment>,
    /// `key` or `key=value` pairs fixed by the template's query part.
    fixed_query: Vec<(String, Option<String>)>,
}

impl PathTemplate {
    /// Parses a template. `{Name}` and `[Name]` segments are parameters
    /// (the corpus uses braces only; brackets appear in older ROA metadata).
    /// `None` for a template that is not a path (no leading `/`) or names a
    /// parameter inside a segment (`/a{b}`), which no corpus file does and
    /// which would make matching ambiguous.
    pub fn parse(raw: &str) -> Option<PathTemplate> {
        let (path, query) = raw.split_once('?').unwrap_or((raw, ""));
        if !path.starts_with('/') {
            return None;
        }
        let mut segments = Vec::new();
        for seg in path[1..].split('/') {
            let param = seg
                .strip_prefix('{')
                .and_then(|s| s.strip_suffix('}'))
                .or_else(|| seg.strip_prefix('[').and_then(|s| s.strip_suffix(']')));
            match param {
                Some(name) if !name.is_empty() && !name.contains(['{', '}', '[', ']']) => {
                    segments.push(Segment::Param(name.to_owned()))
                }
                Some(_) => return None,
                None if seg.contains(['{', '}']) => return None,
                None => segments.push(Segment::Literal(seg.to_owned())),
            }
        }
        let fixed_query = query
            .split('&')
            .filter(|s| !s.is_empty())
            .map(|pair| match pair.split_once('=') {
                Some((k, v)) => (k.to_owned(), Some(v.to_owned())),
                None => (pair.to_owned(), None),
            })
            .collect();
        Some(PathTemplate {
            raw: raw.to_owned(),
            segments,
            fixed_query,
        })
    }

    /// Matches a request path (still percent-encoded, as sent) and its
    /// decoded query; on a match, the path parameters, decoded.
    pub fn matches(
        &self,
        path: &str,
        query: &[(String, String)],
    ) -> Option<BTreeMap<String, String>> {
        let rest = path.strip_prefix('/')?;
        let parts: Vec<&str> = rest.split('/').collect();
        if parts.len() != self.segments.len() {
            return None;
        }
        let mut params = BTreeMap::new();
        for (seg, part) in self.segments.iter().zip(&parts) {
            let decoded = percent_decode_str(part).decode_utf8_lossy();
            match seg {
                Segment::Literal(l) if *l == decoded => {}
                Segment::Literal(_) => return None,
                Segment::Param(_) if decoded.is_empty() => return None,
                Segment::Param(name) => {
                    params.insert(name.clone(), decoded.into_owned());
                }
            }
        }
        for (k, v) in &self.fixed_query {
            let present = query
                .iter()
                .any(|(qk, qv)| qk == k && v.as_ref().map_or(true, |v| v == qv));
            if !present {
                return None;
            }
        }
        Some(params)
    }

    /// How specific the template is: literal segments, then fixed query
    /// pairs. Of two templates matching one request, the more specific wins
    /// (`/clusters/default` over `/clusters/{ClusterId}`).
    pub fn specificity(&self) -> (usize, usize) {
        let literals = self
            .segments
            .iter()
            .filter(|s| matches!(s, Segment::Literal(_)))
            .count();
        (literals, self.fixed_query.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn braces_and_brackets_extract_decoded_params() {
        let t = PathTemplate::parse("/clusters/{ClusterId}/nodepools/[NodepoolId]").unwrap();
        let p = t.matches("/clusters/c%2A%2A/nodepools/np-1", &[]).unwrap();
        assert_eq!(p["ClusterId"], "c**");
        assert_eq!(p["NodepoolId"], "np-1");
        assert!(t.matches("/clusters/c1/nodepools", &[]).is_none());
        assert!(t.matches("/clusters//nodepools/np", &[]).is_none());
        assert!(t.matches("/clusters/c1/pools/np", &[]).is_none());
        assert!(t.matches("clusters/c1/nodepools/np", &[]).is_none());
        assert_eq!(t.specificity(), (2, 0));
    }

    #[test]
    fn a_fixed_query_must_be_present() {
        let t = PathTemplate::parse("/logstores/{logstore}/shards/{shard}?type=cursor").unwrap();
        assert!(t.matches("/logstores/l/shards/1", &[]).is_none());
        assert!(t
            .matches("/logstores/l/shards/1", &q(&[("type", "other")]))
            .is_none());
        let p = t
            .matches(
                "/logstores/l/shards/1",
                &q(&[("from", "x"), ("type", "cursor")]),
            )
            .unwrap();
        assert_eq!(p["shard"], "1");
        assert_eq!(t.specificity(), (2, 1));
        let bare = PathTemplate::parse("/x?flag").unwrap();
        assert!(bare.matches("/x", &q(&[("flag", "")])).is_some());
    }

    #[test]
    fn templates_that_cannot_be_matched_unambiguously_are_refused() {
        for bad in ["", "clusters", "/a{b}", "/{}", "/[x{y}]"] {
            assert!(PathTemplate::parse(bad).is_none(), "{bad:?}");
        }
        assert!(PathTemplate::parse("/")
            .unwrap()
            .matches("/", &[])
            .is_some());
    }
}
