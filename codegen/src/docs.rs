//! Turns the Markdown of Alibaba's descriptions into rustdoc that renders and
//! never compiles as a doctest.

/// Where Alibaba's `~~12345~~` doc ids point.
pub const DOC_URL_PREFIX: &str = "https://www.alibabacloud.com/help/en/doc-detail/";

/// Rewrites a description for rustdoc:
/// - `[text](~~12345~~)` and bare `~~12345~~` become real doc URLs;
/// - code fences are marked `text` and indented blocks are un-indented, so
///   rustdoc never tries to compile Alibaba's examples as Rust;
/// - trailing spaces and runs of blank lines are collapsed.
pub fn rustdoc(markdown: &str) -> String {
    let linked = link_doc_ids(markdown);
    let mut out: Vec<String> = Vec::new();
    let mut in_fence = false;
    for raw in linked.replace("\r\n", "\n").replace('\r', "\n").split('\n') {
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix("```") {
            if in_fence {
                out.push("```".to_string());
            } else {
                let lang = rest.trim();
                let lang = if lang.is_empty() { "text" } else { lang };
                // Anything but an explicit text-like language is still shown as text.
                let lang = if lang == "text" { lang } else { "text" };
                out.push(format!("```{lang}"));
            }
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(line.to_string());
        } else if line.is_empty() {
            if out.last().is_some_and(|l| !l.is_empty()) {
                out.push(String::new());
            }
        } else {
            // Four leading spaces would start an indented (Rust) code block.
            out.push(trimmed.to_string());
        }
    }
    if in_fence {
        out.push("```".to_string());
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    while out.first().is_some_and(|l| l.is_empty()) {
        out.remove(0);
    }
    out.join("\n")
}

/// Replaces `~~digits~~` with a URL; inside `(...)` the URL stands alone,
/// elsewhere it becomes an autolink `<url>`.
fn link_doc_ids(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text;
    while let Some(start) = rest.find("~~") {
        let after = &rest[start + 2..];
        let digits_len = after.chars().take_while(|c| c.is_ascii_digit()).count();
        if digits_len > 0 && after[digits_len..].starts_with("~~") {
            let id = &after[..digits_len];
            let url = format!("{DOC_URL_PREFIX}{id}.html");
            out.push_str(&rest[..start]);
            if out.ends_with('(') {
                out.push_str(&url);
            } else {
                out.push('<');
                out.push_str(&url);
                out.push('>');
            }
            rest = &after[digits_len + 2..];
        } else {
            out.push_str(&rest[..start + 2]);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_links_become_urls() {
        assert_eq!(
            rustdoc("see [Add security groups](~~148267~~)."),
            "see [Add security groups](https://www.alibabacloud.com/help/en/doc-detail/148267.html)."
        );
        assert_eq!(
            rustdoc("see ~~61000~~ now"),
            "see <https://www.alibabacloud.com/help/en/doc-detail/61000.html> now"
        );
        assert_eq!(rustdoc("a ~~ b ~~x~~"), "a ~~ b ~~x~~");
    }

    #[test]
    fn code_is_never_rust() {
        assert_eq!(
            rustdoc("x\n```json\n  {}\n```\n    indented"),
            "x\n```text\n  {}\n```\nindented"
        );
        assert_eq!(rustdoc("```\nopen"), "```text\nopen\n```");
    }

    #[test]
    fn blank_runs_collapse() {
        assert_eq!(rustdoc("\n\na  \n\n\n\nb\n\n"), "a\n\nb");
    }
}
