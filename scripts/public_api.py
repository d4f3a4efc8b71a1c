#!/usr/bin/env python3
"""Lists the public API of a crate from rustdoc's JSON output, one item a
line, sorted: modules, types, fields, variants, functions, methods and trait
impls, by path. Hidden items are not in rustdoc's JSON, so the list is what
users can name. Checked into the repository, it turns an unintended API
change into a diff in review.

Usage: public_api.py RUSTDOC_JSON
"""
import json
import sys


def main(path):
    doc = json.load(open(path))
    index = doc["index"]
    lines = set()

    def item(i):
        return index.get(str(i))

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
            if trait is not None:
                name = trait.get("path") or trait.get("name")
                lines.add(f"impl {name} for {owner}")
                continue
            for member in body["items"]:
                m = item(member)
                if m is None or m.get("visibility") != "public":
                    continue
                kind = kind_of(m)
                if kind == "function":
                    header = m["inner"]["function"].get("header", {})
                    prefix = "async fn" if header.get("is_async") else "fn"
                    lines.add(f"{prefix} {owner}::{m['name']}")
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
                    lines.add(f"field {full}::{fi['name']}")
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
            lines.add(f"{prefix} {full}{deprecated}")
        else:
            lines.add(f"{kind} {full}{deprecated}")

    root = item(doc["root"])
    crate = root["name"]
    for child in root["inner"]["module"]["items"]:
        visit(child, [crate])
    lines.add(f"mod {crate}")
    for line in sorted(lines):
        print(line)


if __name__ == "__main__":
    main(sys.argv[1])
