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
# Operations outside those prefixes for which Discord documents X-Audit-Log-Reason.
REASON_EXTRA = {("DELETE", "/invites/{code}")}

# Names a command was published under before a naming fix; kept working as aliases.
OLD_NAMES = {
    "execute_github_compatible_webhook": ["execute-git-hub-compatible-webhook"],
}

# The operations that destroy something, with the question asked before running them on a
# terminal: {param} is a path id as given, {request} the method and path. Only what is hard to
# take back asks; removing one's own reaction or leaving a thread does not.
UNDONE = " This cannot be undone."
CONFIRM = {
    "delete_application_command": "Delete global command {command_id} of application {application_id} ({request})?" + UNDONE,
    "delete_guild_application_command": "Delete command {command_id} of application {application_id} in guild {guild_id} ({request})?" + UNDONE,
    "delete_application_emoji": "Delete emoji {emoji_id} of application {application_id} ({request})?" + UNDONE,
    "delete_channel": "Delete channel {channel_id} ({request})? A guild channel cannot be restored; a DM is only closed.",
    "delete_message": "Delete message {message_id} in channel {channel_id} ({request})?" + UNDONE,
    "bulk_delete_messages": "Delete the given messages in channel {channel_id} ({request})?" + UNDONE,
    "delete_all_message_reactions": "Remove every reaction from message {message_id} in channel {channel_id} ({request})?" + UNDONE,
    "delete_all_message_reactions_by_emoji": "Remove every {emoji_name} reaction from message {message_id} in channel {channel_id} ({request})?" + UNDONE,
    "delete_auto_moderation_rule": "Delete auto-moderation rule {rule_id} of guild {guild_id} ({request})?" + UNDONE,
    "ban_user_from_guild": "Ban user {user_id} from guild {guild_id} ({request})?",
    "bulk_ban_users_from_guild": "Ban the given users from guild {guild_id} ({request})?",
    "delete_guild_member": "Kick member {user_id} from guild {guild_id} ({request})?",
    "prune_guild": "Prune (kick) inactive members of guild {guild_id} ({request})?",
    "delete_guild_emoji": "Delete emoji {emoji_id} of guild {guild_id} ({request})?" + UNDONE,
    "delete_guild_sticker": "Delete sticker {sticker_id} of guild {guild_id} ({request})?" + UNDONE,
    "delete_guild_soundboard_sound": "Delete soundboard sound {sound_id} of guild {guild_id} ({request})?" + UNDONE,
    "delete_guild_integration": "Delete integration {integration_id} of guild {guild_id} ({request})?" + UNDONE,
    "delete_guild_role": "Delete role {role_id} of guild {guild_id} ({request})?" + UNDONE,
    "delete_guild_scheduled_event": "Delete scheduled event {guild_scheduled_event_id} of guild {guild_id} ({request})?" + UNDONE,
    "delete_guild_template": "Delete template {code} of guild {guild_id} ({request})?" + UNDONE,
    "invite_revoke": "Delete invite {code} ({request})?" + UNDONE,
    "delete_lobby": "Delete lobby {lobby_id} ({request})?" + UNDONE,
    "delete_stage_instance": "End the stage instance in channel {channel_id} ({request})?",
    "leave_guild": "Leave guild {guild_id} ({request})? Rejoining needs a new invite.",
    "delete_webhook": "Delete webhook {webhook_id} ({request})?" + UNDONE,
    "delete_webhook_by_token": "Delete webhook {webhook_id} ({request})?" + UNDONE,
    "delete_original_webhook_message": "Delete the original response of interaction webhook {webhook_id} ({request})?" + UNDONE,
    "delete_webhook_message": "Delete message {message_id} of webhook {webhook_id} ({request})?" + UNDONE,
}

spec = json.load(open(f"{REF}/discord-openapi.json"))
schemas = spec["components"]["schemas"]


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
        lo, hi = (non_null(s).get(k, t.get(k)) for k in ("minimum", "maximum"))
        return integer_kind(lo, hi)
    if ty == "number":
        return "Kind::Number"
    if ty == "boolean":
        return "Kind::Bool"
    if ty == "string":
        ml = t.get("maxLength")
        return f"Kind::String {{ max_len: {'Some(%d)' % ml if ml else 'None'} }}"
    return "Kind::Json"


def integer_kind(lo, hi):
    opt = lambda v: "None" if v is None else f"Some({int(v)})"
    return f"Kind::Integer {{ min: {opt(lo)}, max: {opt(hi)} }}"


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
    for k, vs in props.items():
        if any(v.get("contentEncoding") == "binary" for v in vs):
            multipart = True
            continue
        kind = merged_kind(k, vs)
        fields.append((k, kind, k in (required or set()), help_of(k, vs[0], kind)))
    return "object", multipart, fields


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
    alias.extend(OLD_NAMES.get(opid, []))
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


def field_rs(f):
    n, kind, req, h = f
    return f"Field {{ name: {rust_str(n)}, kind: {kind}, required: {'true' if req else 'false'}, help: {rust_str(h)} }}"


out = []
w = out.append
w("//! The route table: every operation of Discord's REST API v10, as data. Generated by")
w("//! `tools/gen_endpoints.py` from Discord's OpenAPI description; edit the generator, not this file.")
w("")
w("use super::{Auth, Endpoint, Field, Kind, Overload, Removed};")
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
    w(f"        confirm: {'None' if not e['confirm'] else 'Some(' + rust_str(e['confirm']) + ')'},")
    w(f"        auth: Auth::{e['auth']},")
    w(f"        body_required: {str(e['body_required']).lower()},")
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
missing = set(CONFIRM) - {e["opid"] for e in entries}
if missing:
    sys.exit(f"CONFIRM names unknown operations: {sorted(missing)}")
print("\n".join(out))
print(f"{len(entries)} endpoints, {len(removed)} removed", file=sys.stderr)
