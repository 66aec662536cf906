#!/usr/bin/env python3
"""Generates src/endpoints/table.rs from Discord's OpenAPI description.

Run by hand when the reference data changes:
    python3 tools/gen_endpoints.py /work/shared/reference > src/endpoints/table.rs && cargo fmt
The output is committed, so building and testing never need the reference files.
"""
import csv
import json
import re
import sys

REF = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/reference"

# Channel types by the short names users type (Discord's ChannelTypes, plus media = 16).
CHANNEL_TYPES = [
    ("text", 0), ("dm", 1), ("voice", 2), ("group-dm", 3), ("category", 4),
    ("announcement", 5), ("announcement-thread", 10), ("public-thread", 11),
    ("private-thread", 12), ("stage", 13), ("directory", 14), ("forum", 15), ("media", 16),
]

# Mirrors src/rest/paginate.rs PAGED_ROUTES (Rust expressions); a unit test checks the two agree.
PAGING = [
    ("channels/*/messages", "Paging::new(Cursor::Before, IdKey::Id, 100)"),
    ("channels/*/messages/*/reactions/*", "Paging::new(Cursor::After, IdKey::Id, 100)"),
    ("guilds/*/members", "Paging::new(Cursor::After, IdKey::UserId, 1000)"),
    ("guilds/*/bans", "Paging::new(Cursor::After, IdKey::UserId, 1000)"),
    ("guilds/*/scheduled-events/*/users", "Paging::new(Cursor::After, IdKey::UserId, 100)"),
    ("users/@me/guilds", "Paging::new(Cursor::After, IdKey::Id, 200)"),
    ("applications/*/entitlements", "Paging::new(Cursor::After, IdKey::Id, 100)"),
    ("skus/*/subscriptions", "Paging::new(Cursor::After, IdKey::Id, 100)"),
    ("guilds/*/audit-logs", 'Paging::new(Cursor::Before, IdKey::Id, 100).in_field("audit_log_entries")'),
    ("channels/*/polls/*/answers/*", 'Paging::new(Cursor::After, IdKey::Id, 100).in_field("users").one_way()'),
    ("channels/*/thread-members", "Paging::new(Cursor::After, IdKey::UserIdField, 100).one_way()"),
    ("channels/*/threads/archived/public", 'Paging::new(Cursor::Before, IdKey::ArchiveTimestamp, 100).in_field("threads").one_way().min_limit(2)'),
    ("channels/*/threads/archived/private", 'Paging::new(Cursor::Before, IdKey::ArchiveTimestamp, 100).in_field("threads").one_way().min_limit(2)'),
    ("channels/*/users/@me/threads/archived/private", 'Paging::new(Cursor::Before, IdKey::Id, 100).in_field("threads").one_way().min_limit(2)'),
    ("channels/*/messages/pins", 'Paging::new(Cursor::Before, IdKey::PinnedAt, 50).in_field("items").one_way()'),
    ("guilds/*/requests", 'Paging::new(Cursor::Before, IdKey::JoinRequest, 100).in_field("guild_join_requests")'),
    ("guilds/*/scheduled-events/*/*/users", "Paging::new(Cursor::After, IdKey::UserIdField, 100)"),
]

# What to tell someone who types a method of the original library whose endpoint Discord removed.
REMOVED_MESSAGES = {
    "accept-invite": "accept-invite was removed by Discord in 2018; to add a user to a guild use add-guild-member with an OAuth2 guilds.join token",
    "create-guild-integration": "create-guild-integration was removed by Discord; only get-guild-integrations and delete-guild-integration remain",
    "delete-guild": "delete-guild was removed: bots can no longer own guilds; to leave one use leave-guild",
    "get-guild-embed": "get-guild-embed was removed by Discord (the guild embed became the guild widget); use get-guild-widget-settings",
    "get-user-dms": "get-user-dms was removed by Discord; open a DM channel with create-dm",
    "modify-guild-embed": "modify-guild-embed was removed by Discord (the guild embed became the guild widget); use modify-guild-widget",
    "modify-guild-integration": "modify-guild-integration was removed by Discord; only get-guild-integrations and delete-guild-integration remain",
    "modify-guild-vanity-url": "modify-guild-vanity-url was removed by Discord; only get-guild-vanity-url remains",
    "sync-guild-integration": "sync-guild-integration was removed by Discord; only get-guild-integrations and delete-guild-integration remain",
}

REASON_PREFIXES = ("/guilds/", "/channels/", "/webhooks/", "/stage-instances")

spec = json.load(open(f"{REF}/discord-openapi.json"))
schemas = spec["components"]["schemas"]


def kebab(text):
    text = text.replace("@me", "my")
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
    return None


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
    if name in ("permissions", "allow", "deny", "default_member_permissions") and ty in ("integer", "string"):
        return "Kind::Permissions"
    if name in ("color", "colour", "accent_color"):
        return "Kind::Colour"
    if ty == "integer":
        return "Kind::Integer"
    if ty == "number":
        return "Kind::Number"
    if ty == "boolean":
        return "Kind::Bool"
    if ty == "string":
        ml = t.get("maxLength")
        return f"Kind::String {{ max_len: {'Some(%d)' % ml if ml else 'None'} }}"
    return "Kind::Json"


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
        return None, False, []
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
        return "Kind::Json", multipart, []
    props = {}
    required = None
    for o in objs:
        for k, v in o["properties"].items():
            props.setdefault(k, v)
        req = set(o.get("required", []))
        required = req if required is None else required & req
    if len(objs) > 1:
        required = set()  # a union: which fields are needed depends on the variant
    fields = []
    for k, v in props.items():
        if v.get("contentEncoding") == "binary":
            multipart = True
            continue
        kind = kind_of(k, v)
        fields.append((k, kind, k in (required or set()), help_of(k, v, kind)))
    return "object", multipart, fields


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
    pparams = re.findall(r"\{([^}]+)\}", path)
    pkinds = {}
    for p in params_of(item, op, "path"):
        pkinds[p["name"]] = kind_of(p["name"], p.get("schema", {}))
    query = []
    for p in params_of(item, op, "query"):
        sch = p.get("schema", {})
        kind = kind_of(p["name"], sch)
        if kind == "Kind::Json":
            # Lists in a query string are comma-separated values, not JSON.
            kind = "Kind::String { max_len: None }"
        query.append((p["name"], kind, bool(p.get("required")), help_of(p["name"], {**sch, "description": p.get("description")} if p.get("description") else sch, kind)))
    body, multipart, fields = body_fields(op)
    tag = row["tag"]
    segs = "/".join("*" if s.startswith("{") else s for s in path.strip("/").split("/"))
    paging = next((p for pat, p in PAGING if pat == segs), None) if method == "GET" else None
    destructive = method == "DELETE" or opid in ("bulk_delete_messages", "ban_user_from_guild", "bulk_ban_users_from_guild", "prune_guild")
    auth = row["token_in_path"] != "yes"
    reason = method != "GET" and path.startswith(REASON_PREFIXES) and auth
    summary = op.get("summary") or op.get("description") or (docs if docs != "-" else opid.replace("_", " "))
    summary = summary.strip().split("\n")[0]
    entries.append(dict(name=name, alias=alias, method=method, path=path, group=tag, summary=summary,
                        pparams=pparams, pkinds=pkinds, query=query, body=body, fields=fields,
                        multipart=multipart or row["multipart"] == "yes", reason=reason, paging=paging,
                        destructive=destructive, auth=auth, opid=opid, form=form_of(op)))

by_op = {e["opid"]: e for e in entries}
removed = []
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


def field_rs(f):
    n, kind, req, h = f
    return f"Field {{ name: {rust_str(n)}, kind: {kind}, required: {'true' if req else 'false'}, help: {rust_str(h)} }}"


out = []
w = out.append
w("//! The route table: every operation of Discord's REST API v10, as data. Generated by")
w("//! `tools/gen_endpoints.py` from Discord's OpenAPI description; edit the generator, not this file.")
w("")
w("use super::{Endpoint, Field, Kind, Removed};")
w("use crate::rest::multipart::FormLayout;")
w("use crate::rest::paginate::{Cursor, IdKey, Paging};")
w("use crate::rest::Method;")
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
    pp = ", ".join(f"Field {{ name: {rust_str(p)}, kind: {e['pkinds'].get(p, 'Kind::String { max_len: None }')}, required: true, help: {rust_str(p.replace('_', ' '))} }}" for p in e["pparams"])
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
    w(f"        destructive: {str(e['destructive']).lower()},")
    w(f"        auth: {str(e['auth']).lower()},")
    w("    },")
w("];")
w("")
w("/// Methods of the library this tool grew from whose endpoints Discord removed, with what replaced them.")
w("pub static REMOVED: &[Removed] = &[")
for k, note in removed:
    w(f"    Removed {{ name: {rust_str(k)}, message: {rust_str(note)} }},")
w("];")
print("\n".join(out))
print(f"{len(entries)} endpoints, {len(removed)} removed", file=sys.stderr)
