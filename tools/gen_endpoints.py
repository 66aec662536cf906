#!/usr/bin/env python3
"""Generates crates/protocol/src/endpoints/table.rs from Discord's OpenAPI description.

Run through scripts/regenerate.sh, which writes crates/protocol/src/endpoints/table.rs from the vendored
inputs in spec/ (the OpenAPI description, the docs' endpoint list, the seed methods and
policy.toml). The output is committed; tests/generated.rs fails when it is stale.
"""
import csv
import json
import re
import sys

import os
import tomllib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nested_schemas import PERMISSION_FIELDS, Nested  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REF = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "spec")

# The tool's own decisions (names, aliases, paging, confirmations, docs-over-spec limits) live in
# spec/policy.toml; this script only turns them and the spec into Rust.
with open(f"{REF}/policy.toml", "rb") as f:
    POLICY = tomllib.load(f)
CHANNEL_TYPES = [tuple(p) for p in POLICY["channel_types"]]
REMOVED_MESSAGES = POLICY["removed"]
REASON_PREFIXES = tuple(POLICY["reason_prefixes"])
REASON_EXTRA = {tuple(p) for p in POLICY["reason_extra"]}
OLD_NAMES = POLICY["old_names"]
UNDONE = " This cannot be undone."
CONFIRM = {k: v[:-1] + UNDONE if v.endswith("+") else v for k, v in POLICY["confirm"].items()}
LIMITS = {(l["operation"], l["field"]): l for l in POLICY.get("limits", [])}


def paging_rs(p):
    """The Rust expression of one [[paging]] entry of the policy."""
    expr = f"Paging::new(Cursor::{p['cursor'].capitalize()}, IdKey::{p['id_key']}, {p['max_limit']})"
    if "items" in p:
        expr += f".in_field({json.dumps(p['items'])})"
    if p.get("one_way"):
        expr += ".one_way()"
    if "min_limit" in p:
        expr += f".min_limit({p['min_limit']})"
    return expr


PAGING = {p["path"]: paging_rs(p) for p in POLICY["paging"]}

spec = json.load(open(f"{REF}/openapi.json"))
schemas = spec["components"]["schemas"]
NESTED = Nested(schemas)


def kebab(text):
    text = text.replace("@me", "my")
    # A brand is one word: "GitHub-Compatible" is github-compatible, not git-hub-compatible.
    text = text.replace("GitHub", "Github")
    text = re.sub(r"[^A-Za-z0-9]+", "-", text)
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", text)
    return text.strip("-").lower()


def deref(s):
    seen = 0
    while isinstance(s, dict) and "$ref" in s and seen < 20:
        s = schemas[s["$ref"].split("/")[-1]]
        seen += 1
    return s


def non_null(s):
    """Strips the `null` alternative from a nullable schema."""
    if "oneOf" in s or "anyOf" in s:
        alts = [a for a in s.get("oneOf", s.get("anyOf")) if a.get("type") != "null"]
        if len(alts) == 1:
            merged = dict(alts[0])
            return merged
    return s


def rust_str(s):
    return json.dumps(s, ensure_ascii=False)


def enum_of(s, name):
    """Returns [(name, json_value)] if the schema is an enumeration."""
    raw = s
    s = non_null(s)
    refname = s.get("$ref", "").split("/")[-1]
    for a in s.get("allOf", []):
        refname = refname or a.get("$ref", "").split("/")[-1]
    if refname == "ChannelTypes" or (name in ("type",) and refname == "ChannelTypes"):
        allowed = s.get("enum")
        return [(n, str(v)) for n, v in CHANNEL_TYPES if not allowed or v in allowed or v == 16 and 15 in allowed]
    t = deref(s)
    if refname and refname != "ChannelTypes":
        t = deref({"$ref": f"#/components/schemas/{refname}"})
    if "oneOf" in t and all("const" in a for a in t["oneOf"]):
        out = []
        for a in t["oneOf"]:
            out.append((kebab(a.get("title", str(a["const"]))), json.dumps(a["const"])))
        if s.get("enum"):
            out = [o for o in out if json.loads(o[1]) in s["enum"]] or out
        return out
    if t.get("enum") and all(isinstance(v, str) for v in t["enum"]):
        return [(v, json.dumps(v)) for v in t["enum"]]
    # An integer enum without names (lobby member flags): the numbers are the names.
    if t.get("enum") and all(isinstance(v, int) and not isinstance(v, bool) for v in t["enum"]):
        return [(str(v), json.dumps(v)) for v in t["enum"]]
    return None


def opt(v, conv=int):
    """A Rust Option of a bound: None, or Some(v) as an integer or a float."""
    if v is None:
        return "None"
    return f"Some({conv(v)!r})" if conv is float else f"Some({conv(v)})"


def shape_of(t):
    """The JSON shape a JSON-valued flag must have: an object, an array or anything."""
    ty = t.get("type")
    ty = [x for x in ty if x != "null"] if isinstance(ty, list) else [ty]
    if ty == ["array"]:
        return "Kind::JsonArray"
    if ty == ["object"] or ("properties" in t and ty == [None]):
        return "Kind::JsonObject"
    return "Kind::Json"


def kind_of(name, s):
    s = non_null(s)
    if "$ref" in s and s["$ref"].endswith("/SnowflakeType"):
        return "Kind::Snowflake"
    e = enum_of(s, name)
    if e:
        items = ", ".join(f"({rust_str(n)}, {rust_str(v)})" for n, v in e)
        return f"Kind::Enum(&[{items}])"
    t = deref(s)
    t = non_null(t)
    if "$ref" in t:
        t = deref(t)
    if t.get("format") == "snowflake":
        return "Kind::Snowflake"
    ty = t.get("type")
    if isinstance(ty, list):
        ty = [x for x in ty if x != "null"]
        ty = ty[0] if len(ty) == 1 else None
    bound = lambda k: non_null(s).get(k, t.get(k))
    if name in PERMISSION_FIELDS and ty in ("integer", "string"):
        return f"Kind::Permissions {{ max: {opt(bound('maximum'))} }}"
    if name in ("color", "colour", "accent_color"):
        return "Kind::Colour"
    if ty == "integer":
        return integer_kind(bound("minimum"), bound("maximum"))
    if ty == "number":
        return f"Kind::Number {{ min: {opt(bound('minimum'), float)}, max: {opt(bound('maximum'), float)} }}"
    if ty == "boolean":
        return "Kind::Bool"
    if ty == "string" and t.get("format") == "date-time":
        return "Kind::DateTime"
    if ty == "string":
        return string_kind(bound("minLength"), bound("maxLength"))
    return shape_of(t)


def string_kind(lo, hi):
    return f"Kind::String {{ min_len: {opt(lo)}, max_len: {opt(hi)} }}"


def integer_kind(lo, hi):
    return f"Kind::Integer {{ min: {opt(lo)}, max: {opt(hi)} }}"


def query_kind(name, sch):
    """A query parameter's kind: an array is a list of its items, sent as repeated keys."""
    t = non_null(deref(sch))
    if t.get("type") == "array" or t.get("type") == ["array", "null"]:
        return f"Kind::List(&{kind_of(name, t.get('items', {}))})"
    kind = kind_of(name, sch)
    if kind.startswith("Kind::Json"):
        return string_kind(None, None)
    return kind


STRING_RE = re.compile(r"Kind::String \{ min_len: (None|Some\((\d+)\)), max_len: (None|Some\((\d+)\)) \}")
INTEGER_RE = re.compile(r"Kind::Integer \{ min: (None|Some\((-?\d+)\)), max: (None|Some\((-?\d+)\)) \}")


def help_of(name, s, kind):
    s2 = non_null(s)
    d = s.get("description") or s2.get("description") or deref(s2).get("description")
    if d:
        d = d.strip().split("\n")[0].rstrip(".")
        if len(d) > 90:
            d = d[:87] + "..."
        return d[0].lower() + d[1:] if d else d
    return name.replace("_", " ")


def body_fields(op):
    rb = op.get("requestBody")
    if not rb:
        return None, False, [], None, {}
    content = rb["content"]
    multipart = "multipart/form-data" in content
    sch = content.get("application/json") or content.get("multipart/form-data")
    sch = sch["schema"]
    t = deref(sch)
    alts = t.get("oneOf") or t.get("anyOf")
    objs = []
    if alts and "properties" not in t:
        objs = [deref(a) for a in alts]
    else:
        objs = [t]
    if any(("properties" not in o) for o in objs):
        return "Kind::Json", multipart, [], None, {}
    # A union's fields are merged over every variant: keeping only the first variant's schema
    # would let an enum flag accept only that variant's values (interaction response types).
    props = {}
    required = None
    for o in objs:
        for k, v in o["properties"].items():
            props.setdefault(k, []).append(v)
        req = set(o.get("required", []))
        # A field is required only if every variant requires it.
        required = req if required is None else required & req
    fields = []
    nested = {}
    for k, vs in props.items():
        if any(v.get("contentEncoding") == "binary" for v in vs):
            multipart = True
            continue
        kind = merged_kind(k, vs)
        if kind.startswith("Kind::Json"):
            nested[k] = NESTED.field(vs)
        fields.append((k, kind, k in (required or set()), help_of(k, vs[0], kind)))
    return "object", multipart, fields, variants_of(objs, required or set()), nested


def variants_of(objs, common):
    """A union body's variants, told apart by a discriminator: a field every variant has with
    its own fixed values (`type`, `trigger_type`, `entity_type`). Returns (field, [(values,
    fields only that variant requires)]), or None when the body is not such a union."""
    if len(objs) < 2:
        return None
    for name in objs[0]["properties"]:
        values = []
        for o in objs:
            v = non_null(o["properties"].get(name, {}))
            fixed = v.get("enum") or ([deref(v)["const"]] if "const" in deref(v) else None)
            if not fixed:
                break
            values.append([json.dumps(x) for x in fixed])
        else:
            flat = [x for vs in values for x in vs]
            if len(flat) == len(set(flat)):
                extra = [sorted(set(o.get("required", [])) - common - {name}) for o in objs]
                return name, list(zip(values, extra))
    return None


def merged_kind(name, variants):
    """The kind of a field over a union's variants: enums united (numbers in order), one kind if
    all agree, else any JSON."""
    kinds = [kind_of(name, v) for v in variants]
    if len(set(kinds)) == 1:
        return kinds[0]
    ranges = [INTEGER_RE.fullmatch(k) for k in kinds]
    if all(ranges):
        # Any variant's range is allowed: the widest, open where any variant is open.
        los = [m.group(2) for m in ranges]
        his = [m.group(4) for m in ranges]
        lo = None if None in los else min(int(v) for v in los)
        hi = None if None in his else max(int(v) for v in his)
        return integer_kind(lo, hi)
    strings = [STRING_RE.fullmatch(k) for k in kinds]
    if all(strings):
        lens = [(m.group(2), m.group(4)) for m in strings]
        lo = None if any(l is None for l, _ in lens) else min(int(l) for l, _ in lens)
        hi = None if any(h is None for _, h in lens) else max(int(h) for _, h in lens)
        return string_kind(lo, hi)
    enums = [enum_of(v, name) for v in variants]
    if all(enums):
        values = {}
        for e in enums:
            for n, v in e:
                values.setdefault(v, n)
        pairs = list(values.items())
        if all(v.lstrip("-").isdigit() for v, _ in pairs):
            pairs.sort(key=lambda p: int(p[0]))
        items = ", ".join(f"({rust_str(n)}, {rust_str(v)})" for v, n in pairs)
        return f"Kind::Enum(&[{items}])"
    return "Kind::Json"


def limited(opid, field):
    """A field with the docs' limits where policy.toml says they differ from the spec's."""
    name, kind, req, h = field
    rule = LIMITS.get((opid, name))
    if not rule:
        return field
    m = re.fullmatch(r"Kind::String \{ min_len: (\S+), max_len: \S+ \}", kind)
    if not m:
        sys.exit(f"policy.toml limits {opid}.{name}, which is not text")
    return name, f"Kind::String {{ min_len: {m.group(1)}, max_len: Some({rule['max_len']}) }}", req, h


def form_of(op):
    """A multipart body that is not payload_json + files[n], from its multipart/form-data schema:
    (the one binary field, whether it is required, whether the other fields are plain form
    fields, which they are when the operation takes no JSON at all)."""
    content = (op.get("requestBody") or {}).get("content", {})
    mp = content.get("multipart/form-data")
    if not mp:
        return None
    sch = deref(mp["schema"])
    parts = [deref(a) for a in sch.get("allOf", [])] or [sch]
    binary = [(k, k in p.get("required", [])) for p in parts
              for k, v in p.get("properties", {}).items() if v.get("contentEncoding") == "binary"]
    if len(binary) != 1:
        return None
    name, required = binary[0]
    return name, required, "application/json" not in content


def attachment_entries(op):
    """Whether files sent as payload_json + files[n] get Discord's `attachments` entries: not
    where the body's `attachments` is another kind of list (Slack's) or the body is a map of
    strings with no fields of its own (moderation metadata)."""
    content = (op.get("requestBody") or {}).get("content", {})
    mp = content.get("multipart/form-data")
    if not mp:
        return True
    sch = deref(mp["schema"])
    parts = [deref(a) for a in (sch.get("oneOf") or sch.get("anyOf") or sch.get("allOf") or [sch])]
    if not any("properties" in p for p in parts):
        return False
    for p in parts:
        att = p.get("properties", {}).get("attachments")
        if att and "MessageAttachmentRequest" not in json.dumps(att):
            return False
    return True


def params_of(item, op, where):
    ps = list(item.get("parameters", [])) + list(op.get("parameters", []))
    return [deref(p) for p in ps if deref(p).get("in") == where]


rows = list(csv.DictReader(open(f"{REF}/endpoints.tsv"), delimiter="\t"))
seeds = list(csv.DictReader(open(f"{REF}/seed-methods.tsv"), delimiter="\t"))

entries = []
names = {}
for row in rows:
    path, method, opid = row["path"], row["method"], row["operationId"]
    item = spec["paths"][path]
    op = item[method.lower()]
    docs = row["docs_name"]
    alias = []
    if docs and docs != "-":
        parts = [p.strip() for p in re.split(r" / |(?<=[a-z])/(?=[A-Z])", docs)]
        base = parts[0]
        if base.startswith("Delete") and len(parts) > 1 and not parts[1].startswith(("Close", "Create", "Get", "Edit", "Delete", "Unlink")):
            pass
        name = kebab(base)
        if "/" in docs and " / " not in docs:
            # "Delete/Close Channel": the first verb with the shared noun, the second as an alias.
            verb2, rest = docs.split("/", 1)[1].split(" ", 1)
            name = kebab(docs.split("/")[0] + " " + rest)
            alias.append(kebab(rest.join([verb2 + " ", ""])))
        else:
            for p in parts[1:]:
                alias.append(kebab(p))
    else:
        name = kebab(opid)
    if kebab(opid) != name:
        alias.append(kebab(opid))
    alias.extend(OLD_NAMES.get(opid, []))
    pparams = re.findall(r"\{([^}]+)\}", path)
    pkinds = {}
    for p in params_of(item, op, "path"):
        pkinds[p["name"]] = kind_of(p["name"], p.get("schema", {}))
    query = []
    for p in params_of(item, op, "query"):
        sch = p.get("schema", {})
        kind = query_kind(p["name"], sch)
        query.append((p["name"], kind, bool(p.get("required")), help_of(p["name"], {**sch, "description": p.get("description")} if p.get("description") else sch, kind)))
    body, multipart, fields, variants, nested = body_fields(op)
    fields = [limited(opid, f) for f in fields]
    tag = row["tag"]
    paging = PAGING.get(path) if method == "GET" else None
    confirm = CONFIRM.get(opid)
    # "none|bot": the token is optional (sent when there is one); a token in the path
    # authorizes by itself, so the bot token is never sent there.
    if row["token_in_path"] == "yes":
        auth = "Never"
    elif row["auth"].split("|")[0] == "none":
        auth = "Optional"
    else:
        auth = "Required"
    reason = method != "GET" and auth != "Never" and (path.startswith(REASON_PREFIXES) or (method, path) in REASON_EXTRA)
    summary = op.get("summary") or op.get("description") or (docs if docs != "-" else opid.replace("_", " "))
    summary = summary.strip().split("\n")[0]
    entries.append(dict(name=name, alias=alias, method=method, path=path, group=tag, summary=summary,
                        pparams=pparams, pkinds=pkinds, query=query, body=body, fields=fields,
                        multipart=multipart or row["multipart"] == "yes", reason=reason, paging=paging,
                        confirm=confirm, auth=auth, opid=opid,
                        body_required=body is not None and row["body_required"] == "yes",
                        variants=variants, nested=nested, attachment_entries=attachment_entries(op),
                        form=form_of(op)))

by_op = {e["opid"]: e for e in entries}
removed = []
# The original library's overloads (get_webhook(id) and get_webhook(id, token)): the same name
# with more arguments is another operation, chosen by counting positionals.
arity = {}
for s in seeds:
    m = re.fullmatch(r"(\w+)\((.*)\)", s["seed_method"])
    if m and s["status"] != "removed" and s["operationId"] in by_op:
        arity.setdefault(kebab(m.group(1)), []).append((len(m.group(2).split(",")), s["operationId"]))
overloads = []
for k, forms in sorted(arity.items()):
    forms.sort()
    for (n, opid) in forms[1:]:
        overloads.append((by_op[forms[0][1]]["name"], n, by_op[opid]["name"]))
for s in seeds:
    seed = re.sub(r"\(.*\)", "", s["seed_method"])
    if s["status"] == "n/a":
        continue
    k = kebab(seed)
    if s["status"] == "removed":
        note = REMOVED_MESSAGES[k]
        removed.append((k, note))
        continue
    e = by_op[s["operationId"]]
    if any(k == x["name"] for x in entries):
        continue
    if k not in e["alias"]:
        e["alias"].append(k)

seen = {}
for e in entries:
    e["alias"] = [a for a in dict.fromkeys(e["alias"]) if a != e["name"]]
    for n in [e["name"]] + e["alias"]:
        if n in seen:
            # An alias that two operations share helps nobody: keep the first.
            if n == e["name"]:
                sys.exit(f"duplicate name {n}: {e['opid']} and {seen[n]}")
            e["alias"].remove(n)
        else:
            seen[n] = e["opid"]

removed = sorted(dict(removed).items())


def variants_rs(v):
    if not v:
        return "None"
    name, items = v
    rows = ", ".join(
        f"Variant {{ values: &[{', '.join(rust_str(x) for x in vals)}], required: &[{', '.join(rust_str(r) for r in req)}] }}"
        for vals, req in items)
    return f"Some(Variants {{ field: {rust_str(name)}, variants: &[{rows}] }})"


def field_rs(f):
    n, kind, req, h = f
    return f"Field {{ name: {rust_str(n)}, kind: {kind}, required: {'true' if req else 'false'}, help: {rust_str(h)} }}"


out = []
w = out.append
w("// @generated by tools/gen_endpoints.py from spec/openapi.json and spec/policy.toml: do not edit.")
w("// Run scripts/regenerate.sh instead; tests/generated.rs fails when this file is stale.")
w("")
w("//! The route table: every operation of Discord's REST API v10, as data (kept as generated:")
w("//! `mod table` is `#[rustfmt::skip]`).")
w("")
w("use super::{Auth, Endpoint, Field, FormLayout, Kind, Nested, Overload, Removed, Variant, Variants};")
w("use crate::paging::{Cursor, IdKey, Paging};")
w("use crate::Method;")
w("")
w("/// Every typed endpoint, in the order of Discord's API reference.")
w("pub static ENDPOINTS: &[Endpoint] = &[")
for e in entries:
    w("    Endpoint {")
    w(f"        name: {rust_str(e['name'])},")
    w(f"        aliases: &[{', '.join(rust_str(a) for a in e['alias'])}],")
    w(f"        method: Method::{e['method'].capitalize()},")
    w(f"        path: {rust_str(e['path'])},")
    w(f"        group: {rust_str(e['group'])},")
    w(f"        summary: {rust_str(e['summary'])},")
    pp = ", ".join(f"Field {{ name: {rust_str(p)}, kind: {e['pkinds'].get(p, string_kind(None, None))}, required: true, help: {rust_str(p.replace('_', ' '))} }}" for p in e["pparams"])
    w(f"        path_params: &[{pp}],")
    if e["query"]:
        w("        query: &[")
        for f in e["query"]:
            w(f"            {field_rs(f)},")
        w("        ],")
    else:
        w("        query: &[],")
    w(f"        body: {'None' if e['body'] is None else ('Some(Body::Object)' if e['body'] == 'object' else 'Some(Body::Json)')},".replace("Body::", "super::Body::"))
    if e["fields"]:
        w("        fields: &[")
        for f in e["fields"]:
            w(f"            {field_rs(f)},")
        w("        ],")
    else:
        w("        fields: &[],")
    w(f"        multipart: {str(e['multipart']).lower()},")
    if e["form"]:
        ff, freq, plain = e["form"]
        w(f"        form: Some(FormLayout {{ file_field: {rust_str(ff)}, file_required: {str(freq).lower()}, plain_fields: {str(plain).lower()} }}),")
    else:
        w("        form: None,")
    w(f"        reason: {str(e['reason']).lower()},")
    w(f"        paging: {'None' if not e['paging'] else 'Some(' + e['paging'] + ')'},")
    w(f"        confirm: {'None' if not e['confirm'] else 'Some(' + rust_str(e['confirm']) + ')'},")
    w(f"        auth: Auth::{e['auth']},")
    w(f"        body_required: {str(e['body_required']).lower()},")
    w(f"        variants: {variants_rs(e['variants'])},")
    w(f"        attachment_entries: {str(e['attachment_entries']).lower()},")
    w("    },")
w("];")
w("")
w("/// Methods of the library this tool grew from whose endpoints Discord removed, with what replaced them.")
w("pub static REMOVED: &[Removed] = &[")
for k, note in removed:
    w(f"    Removed {{ name: {rust_str(k)}, message: {rust_str(note)} }},")
w("];")
w("")
w("/// The original library's overloads: `name` given `positionals` path ids runs `target`.")
w("pub static OVERLOADS: &[Overload] = &[")
for name, n, target in overloads:
    w(f"    Overload {{ name: {rust_str(name)}, positionals: {n}, target: {rust_str(target)} }},")
w("];")
w("")
w("/// The schema of every JSON-valued body field (`--embeds`, `--components`, ...), checked before")
w("/// sending, with a small valid example for its help; sorted by operation, then field.")
w("pub static NESTED: &[Nested] = &[")
for e in sorted(entries, key=lambda e: e["name"]):
    for k, schema in sorted(e["nested"].items()):
        example = NESTED.field_example(schema)
        schema_text = json.dumps(schema, separators=(",", ":"), ensure_ascii=False)
        w(f"    Nested {{ operation: {rust_str(e['name'])}, field: {rust_str(k)}, schema: {rust_str(schema_text)}, example: {rust_str(example)} }},")
w("];")
w("")
w("/// The component schemas the nested schemas refer to as {\"$ref\": \"Name\"}: (name, schema),")
w("/// sorted by name; each is parsed the first time a check needs it.")
w("pub static SCHEMAS: &[(&str, &str)] = &[")
for name, text in NESTED.table():
    w(f"    ({rust_str(name)}, {rust_str(text)}),")
w("];")
missing = set(CONFIRM) - {e["opid"] for e in entries}
missing |= {f"paging {p}" for p in PAGING if not any(e["path"] == p and e["method"] == "GET" for e in entries)}
missing |= {f"limits {o}.{f}" for o, f in LIMITS if o not in by_op}
if missing:
    sys.exit(f"CONFIRM names unknown operations: {sorted(missing)}")
print("\n".join(out))
print(f"{len(entries)} endpoints, {len(removed)} removed", file=sys.stderr)
