"""The nested schemas of JSON-valued body fields (`--embeds`, `--components`, ...), for
tools/gen_endpoints.py.

Each such field gets a compact schema: the subset of JSON Schema the typed commands check before
sending (type, properties, required, items, enum/const, lengths, item counts, ranges, unions,
additionalProperties, uniqueItems, and the formats date-time, uri, snowflake and hexcolor),
without descriptions and titles. Component schemas are shared through one table and referenced as
{"$ref": "Name"}, so an embed's schema is written once however many operations take embeds. Each
field also gets a small valid example built from its schema, for its help and the help examples.
"""
import json
import sys

# Keywords carried as they are; everything else (descriptions, titles, x- extensions) is dropped.
PLAIN = ("type", "required", "enum", "const", "minLength", "maxLength", "minItems", "maxItems",
         "minimum", "maximum", "minProperties", "maxProperties", "uniqueItems")
# The spec's two patterns, as the named formats the checker knows (a new pattern stops the build,
# so that it is not silently left unchecked).
PATTERNS = {"^(0|[1-9][0-9]*)$": "snowflake",
            "^#(([0-9a-fA-F]{2}){3}|([0-9a-fA-F]){3})$": "hexcolor"}
FORMATS = ("date-time", "uri", "snowflake", "hexcolor", "digits")
# Permission sets: the spec types them as integers, Discord's docs (topics/permissions) have them
# sent as strings of digits, which is what the tool sends; both are accepted.
PERMISSION_FIELDS = ("permissions", "allow", "deny", "default_member_permissions")
# Optional fields shown in a help example when an object requires none (an embed's title).
SHOWN_FIRST = ("title", "description", "name", "content", "label", "custom_id", "text", "value", "id")


class Nested:
    """Collects the compact schemas of nested fields and the component table they refer to."""

    def __init__(self, schemas):
        self.schemas = schemas
        self.used = {}

    def ref_name(self, s):
        return s["$ref"].split("/")[-1]

    def compact(self, s):
        """The compact form of one schema; components it names are added to the table."""
        if isinstance(s, list):
            return [self.compact(x) for x in s]
        if not isinstance(s, dict):
            return s
        if "$ref" in s:
            name = self.ref_name(s)
            if name not in self.used:
                self.used[name] = None
                self.used[name] = self.compact(self.schemas[name])
            return {"$ref": name}
        out = {k: s[k] for k in PLAIN if k in s}
        if out.get("enum") == []:
            # An empty enum allows nothing; the docs list the values, which an allOf carries.
            del out["enum"]
        alts = s.get("oneOf") or s.get("anyOf")
        if alts and all("const" in a for a in alts):
            # A named enumeration (channel types, button styles): its values are what counts.
            out["enum"] = [a["const"] for a in alts]
        elif alts:
            out["anyOf"] = self.compact(alts)
        if "allOf" in s:
            out["allOf"] = self.compact(s["allOf"])
        if "properties" in s:
            out["properties"] = {k: self.property(k, v) for k, v in s["properties"].items()}
        if "items" in s:
            out["items"] = self.compact(s["items"])
        if "additionalProperties" in s:
            out["additionalProperties"] = self.compact(s["additionalProperties"])
        fmt = s.get("format")
        if "pattern" in s:
            if s["pattern"] not in PATTERNS:
                sys.exit(f"unknown pattern {s['pattern']!r}: teach check.rs and nested_schemas.py")
            fmt = PATTERNS[s["pattern"]]
        if fmt in FORMATS:
            out["format"] = fmt
        return out

    def property(self, name, s):
        """A property's compact schema, with the docs' string form of a permission set."""
        c = self.compact(s)
        if name in PERMISSION_FIELDS and '"integer"' in json.dumps(c):
            return {"anyOf": [c, {"type": "string", "format": "digits"}]}
        return c

    def field(self, variants):
        """The compact schema of a field over a union body's variants."""
        forms = []
        for v in variants:
            c = self.compact(v)
            if c not in forms:
                forms.append(c)
        return forms[0] if len(forms) == 1 else {"anyOf": forms}

    def table(self):
        """The component schemas, sorted by name, each as compact JSON text."""
        return [(name, json.dumps(s, separators=(",", ":"), ensure_ascii=False))
                for name, s in sorted(self.used.items())]

    # -- examples ------------------------------------------------------------------------

    def resolve(self, s):
        while isinstance(s, dict) and "$ref" in s:
            s = self.used[s["$ref"]]
        return s

    def example(self, s, index=0, brief=False):
        """A small value valid under `s`: required fields, the fewest items allowed (at least
        one), values inside their limits; `index` tells items of a uniqueItems array apart."""
        s = self.resolve(s)
        if "const" in s:
            return s["const"]
        if "enum" in s:
            values = [v for v in s["enum"] if v is not None]
            return values[index % len(values)] if values else None
        for key in ("anyOf", "allOf"):
            if key in s and "type" not in s and "properties" not in s:
                alts = [a for a in s[key] if self.resolve(a).get("type") != "null"]
                return self.example(alts[0], index, brief)
        ty = s.get("type")
        if isinstance(ty, list):
            ty = next((t for t in ty if t != "null"), None)
        if ty == "object" or "properties" in s:
            return self.object_example(s, brief)
        if ty == "array":
            n = max(s.get("minItems", 0), 1)
            return [self.example(s.get("items", {}), i, brief) for i in range(n)]
        if ty == "string":
            return self.string_example(s, index)
        if ty in ("integer", "number"):
            n = 1 + index
            n = max(n, s.get("minimum", n))
            return min(n, s.get("maximum", n))
        if ty == "boolean":
            return True
        return {}

    def object_example(self, s, brief):
        props = s.get("properties", {})
        keys = list(s.get("required", []))
        if not brief:
            # A readable example also shows the everyday optional text fields (a button's label).
            shown = [k for k in SHOWN_FIRST if k in props and k not in keys and self.plain_text(props[k])]
            keys += shown[:2]
            keys = keys or list(props)[:1]
        out = {k: self.example(props.get(k, {}), 0, brief) for k in keys}
        extra = s.get("additionalProperties")
        if not out and isinstance(extra, dict) and s.get("minProperties", 0) > 0:
            out["key"] = self.example(extra, 0, brief)
        return out

    def plain_text(self, s):
        s = self.resolve(s)
        ty = s.get("type")
        ty = ty if isinstance(ty, list) else [ty]
        return "string" in ty and "format" not in s and "enum" not in s

    def string_example(self, s, index):
        fmt = s.get("format")
        if fmt == "date-time":
            return "2026-01-31T18:00:00Z"
        if fmt == "uri":
            return "https://example.com"
        if fmt == "snowflake":
            return str(123456789012345678 + index)
        if fmt == "hexcolor":
            return "#3498db"
        text = "text" if index == 0 else f"text{index}"
        text = text * -(-max(s.get("minLength", 1), 1) // len(text))
        return text[: s.get("maxLength", len(text))]

    def field_example(self, schema):
        """The one-line example of a field: a readable one, or its required core if that is long."""
        for brief in (False, True):
            text = json.dumps(self.example(schema, 0, brief), separators=(",", ":"), ensure_ascii=False)
            if len(text) <= 100:
                return text
        return text
