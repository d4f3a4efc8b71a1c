//! Generated items written as text, byte for byte as prettyplease prints
//! them.
//!
//! Emitters build `quote!` tokens, which `render` parses back with `syn` so
//! that prettyplease can print them; that re-parse was most of
//! regeneration's time. The items that make up most of the output
//! (accessors, setters, struct definitions, the reader and writer impls, the
//! `Operation` impl, error enums, the builder's fixed methods) have a few
//! fixed shapes, so their text is written here directly. An item is written
//! as text only when its layout under prettyplease's rules is certain:
//! each line within the margin, or broken the one way prettyplease breaks
//! that construct. Anything else returns `None` and stays tokens. `render`
//! splices the text in place of a placeholder item.
//!
//! `codegen/tests/text_path.rs` renders real products both ways and
//! requires the same bytes.

use proc_macro2::TokenStream;

/// prettyplease's margin: a line of this many columns or fewer is printed
/// as one line, a longer one is broken. The catalogue exercises both sides
/// (233 one-line signatures of exactly 89 columns, and 361 broken ones that
/// would have been 90), and the text-path test fails at 88.
const MARGIN: usize = 89;
/// Indentation of a method in a top-level `impl` block, where every
/// spliced method goes (`render` checks it).
pub(crate) const INDENT: usize = 4;

/// A method with no generics: docs, attributes (`#[inline]`), head
/// (`pub fn`, `pub async fn`), name, parameters, return type and body lines
/// (unindented).
pub(crate) struct Method<'a> {
    pub docs: &'a [String],
    pub attrs: &'a [&'a str],
    pub head: &'a str,
    pub name: &'a str,
    pub params: &'a [&'a str],
    pub ret: &'a str,
    pub body: &'a [String],
}

impl Method<'_> {
    /// The placeholder tokens for this method's text, or `None` when its
    /// layout is not certain and the caller should emit tokens instead.
    pub(crate) fn verbatim(&self) -> Option<TokenStream> {
        self.text()
            .and_then(|text| crate::render::verbatim(text, INDENT))
    }

    /// The method printed at indentation 0, in prettyplease's layout.
    fn text(&self) -> Option<String> {
        let mut out = String::with_capacity(256);
        push_docs(&mut out, self.docs, "")?;
        for attr in self.attrs {
            if INDENT + attr.len() > MARGIN {
                return None;
            }
            out.push_str(attr);
            out.push('\n');
        }
        let one_line = format!(
            "{} {}({}) -> {} {{",
            self.head,
            self.name,
            self.params.join(", "),
            self.ret
        );
        if INDENT + one_line.len() <= MARGIN {
            out.push_str(&one_line);
            out.push('\n');
        } else {
            // One parameter per line, as prettyplease breaks a signature.
            out.push_str(self.head);
            out.push(' ');
            out.push_str(self.name);
            out.push_str("(\n");
            one_per_line(&mut out, INDENT, "", self.params)?;
            let close = format!(") -> {} {{", self.ret);
            if INDENT + close.len() <= MARGIN {
                out.push_str(&close);
                out.push('\n');
            } else {
                // The return type's generic arguments one per line.
                let (path, args) = split_generic(self.ret)?;
                out.push_str(") -> ");
                out.push_str(path);
                out.push_str("<\n");
                one_per_line(&mut out, INDENT, "", &args)?;
                out.push_str("> {\n");
            }
        }
        for line in self.body {
            if INDENT + 4 + line.len() <= MARGIN {
                out.push_str("    ");
                out.push_str(line);
                out.push('\n');
                continue;
            }
            // A statement ending in a call, arguments one per line; other
            // long expressions are not reproduced.
            let (callee, args, tail) = split_call(line)?;
            let args: Vec<String> = args.into_iter().map(str::to_string).collect();
            call_statement(&mut out, INDENT, 4, callee, &args, tail)?;
        }
        out.push_str("}\n");
        Some(out)
    }
}

/// `items` one per line, one level in from `pad`, each with a trailing
/// comma: how prettyplease breaks a parameter, argument or generic list.
/// `base` is how far right the text will be spliced. `None` when a line
/// would not fit.
fn one_per_line(out: &mut String, base: usize, pad: &str, items: &[impl AsRef<str>]) -> Option<()> {
    for item in items {
        let item = item.as_ref();
        if base + pad.len() + 4 + item.len() + 1 > MARGIN {
            return None;
        }
        out.push_str(pad);
        out.push_str("    ");
        out.push_str(item);
        out.push_str(",\n");
    }
    Some(())
}

/// `Path<A, B>` as `("Path", ["A", "B"])`, splitting at top-level commas;
/// `None` for anything else.
fn split_generic(ty: &str) -> Option<(&str, Vec<&str>)> {
    let open = ty.find('<')?;
    let inner = ty[open + 1..].strip_suffix('>')?;
    Some((&ty[..open], split_top_level(inner)?))
}

/// `lhs = path(args);` (or without `;`) as `("lhs = path", [args], ";")`
/// when the call is the line's last expression and its callee has no
/// generics (prettyplease breaks a turbofish first).
fn split_call(line: &str) -> Option<(&str, Vec<&str>, &'static str)> {
    let (body, tail) = match line.strip_suffix(';') {
        Some(body) => (body, ";"),
        None => (line, ""),
    };
    let inner_end = body.strip_suffix(')')?.len();
    let mut depth = 0usize;
    let mut open = None;
    for (i, c) in body[..inner_end].char_indices().rev() {
        match c {
            ')' | ']' => depth += 1,
            '(' | '[' if depth == 0 => {
                open = Some(i);
                break;
            }
            '(' | '[' => depth -= 1,
            '"' => return None,
            _ => {}
        }
    }
    let open = open?;
    let callee = &body[..open];
    if callee.contains('<') || callee.is_empty() || body[open..].starts_with('[') {
        return None;
    }
    Some((callee, split_top_level(&body[open + 1..inner_end])?, tail))
}

/// Splits at commas outside brackets; `None` on a string literal.
fn split_top_level(s: &str) -> Option<Vec<&str>> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (i, c) in s.char_indices() {
        match c {
            '(' | '[' | '<' => depth += 1,
            ')' | ']' | '>' => depth = depth.checked_sub(1)?,
            ',' if depth == 0 => {
                parts.push(s[start..i].trim());
                start = i + 1;
            }
            '"' => return None,
            _ => {}
        }
    }
    parts.push(s[start..].trim());
    Some(parts)
}

/// A wire name can be written into a string literal unchanged: nothing in
/// it needs escaping. Other names take the token path.
fn plain_literal(s: &str) -> bool {
    s.chars()
        .all(|c| c == ' ' || (c.is_ascii_graphic() && !matches!(c, '"' | '\\' | '\'')))
}

/// `impl Deserialize` over `rt::de::object` and the `Object` impl with one
/// match arm per `(wire name, field)`, as two top-level items. `None`
/// when a line would not fit or a name needs escaping.
pub(crate) fn object_reader(name: &str, fields: &[(&str, &str)]) -> Option<TokenStream> {
    let deserialize_header = format!("impl<'de> ::serde::Deserialize<'de> for {name} {{");
    let object_header = format!("impl rt::de::Object for {name} {{");
    if fields.is_empty() || deserialize_header.len() > MARGIN || object_header.len() > MARGIN {
        return None;
    }
    let mut object = String::with_capacity(400 + fields.len() * 64);
    object.push_str(&object_header);
    object.push_str(
        "\n    fn read_field<'de, A: ::serde::de::MapAccess<'de>>(\n        &mut self,\n        key: &str,\n        map: &mut A,\n    ) -> ::std::result::Result<(), A::Error> {\n        match key {\n",
    );
    for (wire, field) in fields {
        let arm = format!("            \"{wire}\" => self.{field} = map.next_value()?,\n");
        if !plain_literal(wire) || arm.len() - 1 > MARGIN {
            return None;
        }
        object.push_str(&arm);
    }
    object.push_str(
        "            _ => rt::de::skip_value(map)?,\n        }\n        ::std::result::Result::Ok(())\n    }\n}\n",
    );
    let deserialize = format!(
        "{deserialize_header}\n    fn deserialize<D: ::serde::Deserializer<'de>>(\n        deserializer: D,\n    ) -> ::std::result::Result<Self, D::Error> {{\n        rt::de::object(deserializer)\n    }}\n}}\n"
    );
    let mut tokens = crate::render::verbatim(deserialize, 0)?;
    tokens.extend(crate::render::verbatim(object, 0)?);
    Some(tokens)
}

/// `impl Serialize` through `rt::de::ObjectWriter`, one `field` call per
/// `(wire name, field)`, behind `cfg` when given. `None` as for
/// [`object_reader`].
pub(crate) fn object_writer(
    name: &str,
    fields: &[(&str, &str)],
    cfg: Option<&str>,
) -> Option<TokenStream> {
    let header = format!("impl ::serde::Serialize for {name} {{");
    if fields.is_empty() || header.len() > MARGIN {
        return None;
    }
    let mut text = String::with_capacity(400 + fields.len() * 56);
    if let Some(cfg) = cfg {
        text.push_str(cfg);
        text.push('\n');
    }
    text.push_str(&header);
    text.push_str(
        "\n    fn serialize<S: ::serde::Serializer>(\n        &self,\n        serializer: S,\n    ) -> ::std::result::Result<S::Ok, S::Error> {\n        let mut out = rt::de::ObjectWriter::new(serializer)?;\n",
    );
    for (wire, field) in fields {
        let line = format!("        out.field(\"{wire}\", &self.{field})?;\n");
        if !plain_literal(wire) || line.len() - 1 > MARGIN {
            return None;
        }
        text.push_str(&line);
    }
    text.push_str("        out.end()\n    }\n}\n");
    crate::render::verbatim(text, 0)
}

/// Doc lines as prettyplease prints `#[doc = "..."]` attributes, or `None`
/// for a line it would print another way.
pub(crate) fn push_docs(out: &mut String, docs: &[String], indent: &str) -> Option<()> {
    for doc in docs {
        if doc.chars().any(char::is_control) || doc.starts_with('/') {
            return None;
        }
        out.push_str(indent);
        out.push_str("///");
        out.push_str(doc.trim_end_matches(' '));
        out.push('\n');
    }
    Some(())
}

/// One named field of a struct written as text: its doc lines, its name
/// with visibility (`pub x` or `x`) and its type.
pub(crate) struct FieldText<'a> {
    pub docs: Vec<String>,
    pub name: &'a str,
    pub ty: String,
}

/// A top-level struct with named fields, each on one line after its docs.
/// `None` when a line would not fit, or for a struct without fields
/// (printed `{}`).
pub(crate) fn struct_definition(
    docs: &[String],
    attrs: &[&str],
    name: &str,
    fields: &[FieldText<'_>],
) -> Option<TokenStream> {
    let header = format!("pub struct {name} {{");
    if fields.is_empty() || header.len() > MARGIN {
        return None;
    }
    let mut text = String::with_capacity(128 + fields.len() * 64);
    push_docs(&mut text, docs, "")?;
    for attr in attrs {
        text.push_str(attr);
        text.push('\n');
    }
    text.push_str(&header);
    text.push('\n');
    for field in fields {
        push_docs(&mut text, &field.docs, "    ")?;
        let start = text.len();
        text.push_str("    ");
        text.push_str(field.name);
        text.push_str(": ");
        text.push_str(&field.ty);
        text.push(',');
        if text.len() - start > MARGIN {
            return None;
        }
        text.push('\n');
    }
    text.push_str("}\n");
    crate::render::verbatim(text, 0)
}

/// A match arm `a | b | c => expr,` at `indent`, laid out as prettyplease
/// lays it out: on one line; else the pattern on one line and the
/// expression in a block; else one alternative per line led by `| `.
pub(crate) fn alternatives_arm(out: &mut String, indent: usize, alts: &[String], expr: &str) {
    let pad = " ".repeat(indent);
    let pattern = alts.join(" | ");
    // The arm's trailing comma and the block's brace are printed only on
    // one side of a break, so they do not count against the margin.
    let one_line = format!("{pad}{pattern} => {expr}");
    if one_line.len() <= MARGIN {
        out.push_str(&one_line);
        out.push_str(",\n");
        return;
    }
    if pad.len() + pattern.len() + " => ".len() <= MARGIN {
        out.push_str(&format!("{pad}{pattern} => {{\n{pad}    {expr}\n{pad}}}\n"));
        return;
    }
    for (i, alt) in alts.iter().enumerate() {
        out.push_str(&pad);
        if i > 0 {
            out.push_str("| ");
        }
        out.push_str(alt);
        if i + 1 == alts.len() {
            out.push_str(" => ");
            out.push_str(expr);
            out.push(',');
        }
        out.push('\n');
    }
}

/// A call statement `callee(args)tail` at `indent`, on one line or, when
/// that does not fit, one argument per line as prettyplease breaks a call.
/// The text will be spliced `base` columns further right, which counts
/// against the margin. `None` when an argument line would not fit either.
pub(crate) fn call_statement(
    out: &mut String,
    base: usize,
    indent: usize,
    callee: &str,
    args: &[String],
    tail: &str,
) -> Option<()> {
    let pad = " ".repeat(indent);
    let one_line = format!("{pad}{callee}({}){tail}", args.join(", "));
    if base + one_line.len() <= MARGIN {
        out.push_str(&one_line);
        out.push('\n');
        return Some(());
    }
    if base + indent + callee.len() + 1 > MARGIN {
        return None;
    }
    out.push_str(&pad);
    out.push_str(callee);
    out.push_str("(\n");
    one_per_line(out, base, &pad, args)?;
    out.push_str(&pad);
    out.push(')');
    out.push_str(tail);
    out.push('\n');
    Some(())
}

/// A string literal as quote writes it, or `None` if it needs escaping.
pub(crate) fn string_literal(s: &str) -> Option<String> {
    plain_literal(s).then(|| format!("\"{s}\""))
}

/// Every line but doc comments and the `exempt` lines (long literals
/// prettyplease cannot break) within the margin: the last check on text
/// whose fixed parts hold names of any length.
pub(crate) fn fits(text: &str, exempt: &[&str]) -> bool {
    text.lines()
        .all(|l| l.len() <= MARGIN || l.trim_start().starts_with("///") || exempt.contains(&l))
}

/// A finished top-level item's text, if it fits.
pub(crate) fn item(text: String, exempt: &[&str]) -> Option<TokenStream> {
    if !fits(&text, exempt) {
        return None;
    }
    crate::render::verbatim(text, 0)
}
