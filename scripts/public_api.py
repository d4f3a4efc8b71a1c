#!/usr/bin/env python3
"""Lists the public API of a crate from rustdoc's JSON output, one item a
line, sorted: modules, types, fields, variants, functions, methods and trait
impls, by path. Hidden items are not in rustdoc's JSON, so the list is what
users can name. Checked into the repository, it turns an unintended API
change into a diff in review.

The sdk's runtime lives in an internal crate whose modules the sdk
re-exports; given that crate's JSON too, the re-exported items are listed
under the sdk's paths, as users name them.

Usage: public_api.py RUSTDOC_JSON [INTERNAL_CRATE_JSON...]
"""
import json
import sys


def render_type(t):
    """A type from rustdoc's JSON, as Rust source (best effort, stable)."""
    if t is None:
        return "()"
    if not isinstance(t, dict):
        return "?"
    kind, v = next(iter(t.items()))
    if kind == "primitive":
        return v
    if kind == "generic":
        return v
    if kind == "resolved_path":
        name = v.get("path") or v.get("name") or "?"
        name = name.removeprefix("::std::").removeprefix("std::")
        return name + render_args(v.get("args"))
    if kind == "borrowed_ref":
        mut = "mut " if v.get("is_mutable") else ""
        return f"&{mut}{render_type(v.get('type'))}"
    if kind == "slice":
        return f"[{render_type(v)}]"
    if kind == "array":
        return f"[{render_type(v.get('type'))}; {v.get('len')}]"
    if kind == "tuple":
        return "(" + ", ".join(render_type(x) for x in v) + ")"
    if kind == "impl_trait":
        return "impl " + " + ".join(render_bound(b) for b in v)
    if kind == "dyn_trait":
        return "dyn " + " + ".join(render_path(tr.get("trait")) for tr in v.get("traits", []))
    if kind == "qualified_path":
        return f"<{render_type(v.get('self_type'))}>::{v.get('name')}"
    return "?"


def render_path(p):
    if not p:
        return "?"
    name = (p.get("path") or p.get("name") or "?").removeprefix("::std::").removeprefix("std::")
    return name + render_args(p.get("args"))


def render_bound(b):
    if "trait_bound" in b:
        return render_path(b["trait_bound"].get("trait"))
    if "outlives" in b:
        return b["outlives"]
    return "?"


def render_args(args):
    if not args or "angle_bracketed" not in args:
        return ""
    ab = args["angle_bracketed"]
    parts = []
    for a in ab.get("args", []):
        if "type" in a:
            parts.append(render_type(a["type"]))
        elif "lifetime" in a:
            parts.append(a["lifetime"])
        elif "const" in a:
            parts.append(str(a["const"].get("expr", "?")))
    for c in ab.get("constraints", []):
        binding = c.get("binding", {})
        if "equality" in binding:
            eq = binding["equality"]
            parts.append(f"{c['name']} = {render_type(eq.get('type')) if isinstance(eq, dict) and 'type' in eq else '?'}")
    return "<" + ", ".join(parts) + ">" if parts else ""


def render_sig(fn):
    sig = fn.get("sig") or fn.get("decl") or {}
    inputs = []
    for name, ty in sig.get("inputs", []):
        if name == "self":
            rendered = render_type(ty)
            inputs.append({"Self": "self", "&Self": "&self", "&mut Self": "&mut self"}.get(rendered, f"self: {rendered}"))
        else:
            inputs.append(f"{name}: {render_type(ty)}")
    out = sig.get("output")
    tail = f" -> {render_type(out)}" if out is not None else ""
    return "(" + ", ".join(inputs) + ")" + tail


def main(path, *internal_paths):
    doc = json.load(open(path))
    lines = set()

    # Items of the internal crates, keyed "crate:id" so ids cannot clash
    # with the sdk's own; an external re-export resolves through its path.
    index = dict(doc["index"])
    by_path = {}
    internal_docs_paths = []
    for n, internal in enumerate(internal_paths):
        other = json.load(open(internal))
        internal_docs_paths.append(other["paths"])
        for k, v in other["index"].items():
            index[f"{n}:{k}"] = relabel(v, n)
        for k, v in other["paths"].items():
            if v.get("crate_id") == 0:
                by_path[tuple(v["path"])] = f"{n}:{k}"

    def item(i):
        return index.get(str(i))

    def path_of(i):
        """The path entry of an id, in the JSON the id came from."""
        i = str(i)
        if ":" in i:
            n, k = i.split(":", 1)
            return internal_docs_paths[int(n)].get(k)
        return doc["paths"].get(i)

    def external(i):
        """The internal crate's id of an item the sdk (or an internal crate)
        re-exports, if any."""
        p = path_of(i)
        return by_path.get(tuple(p["path"])) if p else None

    def hidden_trait(trait):
        # Traits generated code implements live in the runtime's hidden
        # module; rustdoc hides them only within their own crate.
        p = path_of(trait.get("id"))
        return p is not None and "__private" in p["path"]

    def kind_of(it):
        return next(iter(it["inner"]))

    def impl_lines(impl_ids, owner):
        for impl_id in impl_ids:
            imp = item(impl_id)
            if imp is None:
                continue
            body = imp["inner"]["impl"]
            if body.get("is_synthetic") or body.get("blanket_impl") is not None:
                continue
            trait = body.get("trait")
            if trait is not None and hidden_trait(trait):
                continue
            if trait is not None:
                lines.add(f"impl {render_path(trait)} for {owner}")
                continue
            for member in body["items"]:
                m = item(member)
                if m is None or m.get("visibility") != "public":
                    continue
                kind = kind_of(m)
                if kind == "function":
                    fn = m["inner"]["function"]
                    header = fn.get("header", {})
                    prefix = "async fn" if header.get("is_async") else "fn"
                    lines.add(f"{prefix} {owner}::{m['name']}{render_sig(fn)}")
                else:
                    lines.add(f"{kind} {owner}::{m['name']}")

    seen = set()

    def visit(i, path, name=None):
        it = item(i)
        if it is None:
            return
        kind = kind_of(it)
        if kind == "use":
            use = it["inner"]["use"]
            target = use.get("id")
            if target is not None and item(target) is None and external(target):
                target = external(target)
            if target is None:
                lines.add(f"use {'::'.join(path)}::{use['name']} (external {use['source']})")
                return
            if use.get("is_glob"):
                target_item = item(target)
                if target_item is not None and kind_of(target_item) == "module":
                    for child in target_item["inner"]["module"]["items"]:
                        visit(child, path)
                return
            if item(target) is None:
                # A re-export of an item rustdoc hid: users can still name it.
                lines.add(f"use {'::'.join(path)}::{use['name']} (hidden target)")
                return
            visit(target, path, use["name"])
            return
        name = name or it.get("name")
        full = "::".join(path + [name]) if name else "::".join(path)
        key = (i, full)
        if key in seen:
            return
        seen.add(key)
        deprecated = " (deprecated)" if it.get("deprecation") else ""
        inner = it["inner"][kind]
        if kind == "module":
            lines.add(f"mod {full}")
            for child in inner["items"]:
                visit(child, path + [name] if path or name else [name])
        elif kind == "struct":
            lines.add(f"struct {full}{deprecated}")
            fields = inner["kind"].get("plain", {}).get("fields", []) if isinstance(inner["kind"], dict) else []
            for f in fields:
                fi = item(f)
                if fi is not None and fi.get("visibility") == "public":
                    lines.add(f"field {full}::{fi['name']}: {render_type(fi['inner'].get('struct_field'))}")
            if isinstance(inner["kind"], dict) and "tuple" in inner["kind"]:
                public = [f for f in inner["kind"]["tuple"] if f is not None]
                lines.add(f"tuple-struct {full} ({len(public)} public fields)")
            impl_lines(inner.get("impls", []), full)
        elif kind == "enum":
            lines.add(f"enum {full}{deprecated}")
            for v in inner["variants"]:
                vi = item(v)
                if vi is not None:
                    dep = " (deprecated)" if vi.get("deprecation") else ""
                    lines.add(f"variant {full}::{vi['name']}{dep}")
            impl_lines(inner.get("impls", []), full)
        elif kind == "trait":
            lines.add(f"trait {full}")
            for member in inner["items"]:
                m = item(member)
                if m is not None:
                    lines.add(f"{kind_of(m)} {full}::{m['name']}")
        elif kind == "function":
            header = inner.get("header", {})
            prefix = "async fn" if header.get("is_async") else "fn"
            lines.add(f"{prefix} {full}{render_sig(inner)}{deprecated}")
        else:
            lines.add(f"{kind} {full}{deprecated}")

    root = item(doc["root"])
    crate = root["name"]
    for child in root["inner"]["module"]["items"]:
        visit(child, [crate])
    lines.add(f"mod {crate}")
    for line in sorted(lines):
        print(line)


def relabel(value, n):
    """An internal crate's item with every id it names made "n:id"."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k in ("id",) and isinstance(v, int):
                out[k] = f"{n}:{v}"
            elif k in ("items", "impls", "variants", "fields") and isinstance(v, list):
                out[k] = [f"{n}:{x}" if isinstance(x, int) else relabel(x, n) for x in v]
            else:
                out[k] = relabel(v, n)
        return out
    if isinstance(value, list):
        return [relabel(x, n) for x in value]
    return value


if __name__ == "__main__":
    main(*sys.argv[1:])
