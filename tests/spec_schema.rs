//! Every typed command against Discord's own description of its API (spec/openapi.json, the
//! vendored OpenAPI document): for each of the 242 operations, invocations are synthesized from
//! the spec (required fields, every optional field, every enum value, each variant of a union
//! body, a file where the operation takes one), run with `--dry-run`, and the request printed is
//! validated against the operation's request schema with the `jsonschema` crate. Then invalid
//! values per rule (too short, too long, out of range, not RFC 3339, not an allowed value, not
//! an array, a union variant's required field left out) must each be refused: exit 2, one line
//! on stderr, nothing on stdout, nothing sent. A new spec version shows its differences here.
//!
//! Where Discord's docs say otherwise than the spec, the docs win, and [`docs_over_spec`] says
//! where and why.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Output, Stdio};

use discord_cli::endpoints::{Body, Endpoint, Field, ENDPOINTS};
use serde_json::{json, Map, Value};

/// A base URL nothing listens on: a command that tried to send would fail with exit 1.
const DEAD_API: &str = "http://127.0.0.1:9/api/v10";

fn load_spec() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("spec/openapi.json");
    let text = std::fs::read_to_string(path).expect("spec/openapi.json is vendored");
    serde_json::from_str(&text).expect("spec/openapi.json is JSON")
}

/// The spec with the places where Discord's docs win patched in.
/// - Permissions: the spec types `permissions`, `allow`, `deny` and
///   `default_member_permissions` as integers, but the docs (topics/permissions, "Permissions
///   are stored in a variable-length integer serialized into a string") have them sent as
///   strings, which is what the tool sends.
/// - An empty `enum` (join request `status` and `action`) allows no value at all; the docs list
///   the values (resources/guild, Guild Join Request Status), which the `allOf` reference
///   carries, so the empty list is dropped.
/// - Message `content` is at most 2000 characters for bots (docs resources/message), not the
///   spec's 4000: stricter, so nothing to patch here; `limits_where_docs_win` checks it.
fn docs_over_spec(mut spec: Value) -> Value {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(map) => {
                if map.get("enum") == Some(&json!([])) {
                    map.remove("enum");
                }
                if let Some(Value::Object(props)) = map.get_mut("properties") {
                    for name in ["permissions", "allow", "deny", "default_member_permissions"] {
                        let Some(p) = props.get_mut(name) else {
                            continue;
                        };
                        if p.to_string().contains("\"integer\"") {
                            let orig = p.take();
                            *p =
                                json!({"anyOf": [orig, {"type": "string", "pattern": "^[0-9]+$"}]});
                        }
                    }
                }
                map.values_mut().for_each(walk);
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut spec);
    spec
}

/// Resolves `$ref`s of `#/components/schemas/...`.
fn deref<'a>(spec: &'a Value, mut s: &'a Value) -> &'a Value {
    for _ in 0..20 {
        match s.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let name = r.rsplit('/').next().unwrap_or_default();
                s = &spec["components"]["schemas"][name];
            }
            None => break,
        }
    }
    s
}

/// The alternatives of a schema that are not `null`.
fn non_null_alternatives<'a>(spec: &'a Value, s: &'a Value) -> Vec<&'a Value> {
    let s = deref(spec, s);
    let alts = s.get("oneOf").or_else(|| s.get("anyOf"));
    match alts.and_then(Value::as_array) {
        Some(alts) => alts
            .iter()
            .map(|a| deref(spec, a))
            .filter(|a| a.get("type") != Some(&json!("null")))
            .collect(),
        None => vec![s],
    }
}

fn first_type(s: &Value) -> Option<&str> {
    match s.get("type") {
        Some(Value::String(t)) => Some(t),
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).find(|t| *t != "null"),
        _ => None,
    }
}

/// Whether a schema is a union (`oneOf`/`anyOf`), whose alternatives are chosen among.
fn is_union(spec: &Value, s: &Value) -> bool {
    let s = deref(spec, s);
    s.get("oneOf").or_else(|| s.get("anyOf")).is_some()
}

/// A value valid under `s`; `pick` chooses among union alternatives and enum values, and
/// varies ids.
fn synth(spec: &Value, s: &Value, pick: usize, depth: usize) -> Value {
    if is_union(spec, s) {
        let alts = non_null_alternatives(spec, s);
        return match alts.get(pick % alts.len().max(1)) {
            Some(alt) => synth(spec, alt, pick, depth),
            None => Value::Null,
        };
    }
    let s = deref(spec, s);
    if let Some(c) = s.get("const") {
        return c.clone();
    }
    if let Some(Value::Array(values)) = s.get("enum") {
        let values: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
        return values
            .get(pick % values.len().max(1))
            .map_or(Value::Null, |v| (*v).clone());
    }
    if let Some(Value::Array(all)) = s.get("allOf") {
        if all.len() == 1 {
            return synth(spec, &all[0], pick, depth);
        }
    }
    let bound = |k: &str| s.get(k).and_then(Value::as_f64);
    match first_type(s).or(s.get("properties").map(|_| "object")) {
        Some("string") if s.get("format") == Some(&json!("date-time")) => {
            json!("2026-01-31T18:00:00Z")
        }
        Some("string") if s.get("format") == Some(&json!("uri")) => json!("https://example.com/x"),
        Some("string") if s.get("format") == Some(&json!("snowflake")) => {
            json!(format!("12345678901234567{}", pick % 10))
        }
        Some("string") if s.get("pattern") == Some(&json!("^[0-9]+$")) => json!(pick.to_string()),
        Some("string") => {
            let min = bound("minLength").unwrap_or(1.0).max(1.0) as usize;
            let max = bound("maxLength").unwrap_or(8.0) as usize;
            json!(format!(
                "{}{}",
                pick % 10,
                "a".repeat(min.max(3).min(max).saturating_sub(1))
            ))
        }
        Some("integer") => {
            let (lo, hi) = (bound("minimum"), bound("maximum"));
            let n = lo.unwrap_or(1.0).max(lo.map_or(1.0, |l| l.min(1.0)));
            json!(n.min(hi.unwrap_or(n)) as i64)
        }
        Some("number") => {
            let (lo, hi) = (bound("minimum"), bound("maximum"));
            json!(lo.unwrap_or(0.5).max(0.5).min(hi.unwrap_or(0.5)))
        }
        Some("boolean") => json!(pick.is_multiple_of(2)),
        Some("array") => {
            let n = bound("minItems").unwrap_or(if depth < 3 { 1.0 } else { 0.0 }) as usize;
            let items = s.get("items").cloned().unwrap_or(json!({}));
            Value::Array(
                (0..n)
                    .map(|i| synth(spec, &items, pick + i, depth + 1))
                    .collect(),
            )
        }
        Some("object") => {
            let mut out = Map::new();
            let required = s
                .get("required")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for name in required.iter().filter_map(Value::as_str) {
                if let Some(p) = s["properties"].get(name) {
                    out.insert(name.to_string(), synth(spec, p, pick, depth + 1));
                }
            }
            // A map with a minimum size (integration_types_config: keys are "0", "1", ...).
            let min = bound("minProperties").unwrap_or(0.0) as usize;
            if let Some(values) = s.get("additionalProperties").filter(|v| v.is_object()) {
                for key in 0..min.saturating_sub(out.len()) {
                    out.insert(key.to_string(), synth(spec, values, pick, depth + 1));
                }
            }
            Value::Object(out)
        }
        _ => json!("x"),
    }
}

/// How many values an enum-like schema has (1 for anything else).
fn choices(spec: &Value, s: &Value) -> usize {
    if is_union(spec, s) {
        let alts = non_null_alternatives(spec, s);
        let nested = alts.iter().map(|a| choices(spec, a)).max().unwrap_or(1);
        return alts.len().max(nested);
    }
    match deref(spec, s).get("enum").and_then(Value::as_array) {
        Some(v) => v.iter().filter(|v| !v.is_null()).count().max(1),
        None => 1,
    }
}

/// The command-line text of a JSON value for a flag: strings bare, everything else as JSON
/// (numbers, booleans and enum numbers read the same either way).
fn arg_text(field: &Field, value: &Value) -> String {
    use discord_cli::endpoints::Kind;
    match (field.kind, value) {
        (Kind::Json | Kind::JsonObject | Kind::JsonArray, v) => v.to_string(),
        (_, Value::String(s)) => s.clone(),
        (_, v) => v.to_string(),
    }
}

/// The flag of a field under the naming rule: Discord's name in kebab-case (a query parameter
/// sharing its name with a body field of the same operation takes `-param`).
fn flag(endpoint: &Endpoint, field: &Field, query: bool) -> String {
    let name = field.name.replace('_', "-");
    if query && endpoint.fields.iter().any(|f| f.name == field.name) {
        format!("--{name}-param")
    } else {
        format!("--{name}")
    }
}

/// What the spec says of one operation.
struct Op<'a> {
    endpoint: &'static Endpoint,
    op: &'a Value,
    params: Vec<&'a Value>,
}

fn op_of<'a>(spec: &'a Value, endpoint: &'static Endpoint) -> Op<'a> {
    let item = &spec["paths"][endpoint.path];
    let op = &item[endpoint.method.as_str().to_ascii_lowercase()];
    let params = item
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .chain(
            op.get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        )
        .map(|p| deref(spec, p))
        .collect();
    Op {
        endpoint,
        op,
        params,
    }
}

impl Op<'_> {
    fn json_schema(&self) -> Option<&Value> {
        let content = self.op.get("requestBody")?.get("content")?;
        content
            .get("application/json")
            .or_else(|| content.get("multipart/form-data"))
            .map(|c| &c["schema"])
    }

    /// The variants of the body: the alternatives of a union, else the one object schema.
    fn variants<'s>(&'s self, spec: &'s Value) -> Vec<&'s Value> {
        match self.json_schema() {
            Some(s) => {
                let s = deref(spec, s);
                match s
                    .get("oneOf")
                    .or_else(|| s.get("anyOf"))
                    .and_then(Value::as_array)
                {
                    Some(alts) if s.get("properties").is_none() => {
                        alts.iter().map(|a| deref(spec, a)).collect()
                    }
                    _ => vec![s],
                }
            }
            None => vec![],
        }
    }

    fn query_params(&self) -> impl Iterator<Item = &Value> {
        self.params.iter().copied().filter(|p| p["in"] == "query")
    }

    /// The positionals: an id for a snowflake, a synthesized text otherwise.
    fn path_args(&self, spec: &Value) -> Vec<String> {
        self.endpoint
            .path_params
            .iter()
            .map(|f| {
                let p = self
                    .params
                    .iter()
                    .find(|p| p["in"] == "path" && p["name"] == f.name);
                let v = p.map_or(json!("abc"), |p| synth(spec, &p["schema"], 0, 0));
                arg_text(f, &v)
            })
            .collect()
    }
}

/// One invocation: its arguments (after the command name) and a label for failures.
struct Invocation {
    label: String,
    args: Vec<String>,
}

/// Flags for the body fields in `body`, which must all be fields of the table entry.
fn body_args(endpoint: &Endpoint, body: &Map<String, Value>, args: &mut Vec<String>) {
    for (k, v) in body {
        if endpoint.form.is_some_and(|f| f.file_field == k) {
            continue; // the file itself, given with --file
        }
        let field = endpoint.fields.iter().find(|f| f.name == k);
        let field =
            field.unwrap_or_else(|| panic!("{}: the spec's field {k} has no flag", endpoint.name));
        args.push(flag(endpoint, field, false));
        args.push(arg_text(field, v));
    }
}

/// Valid invocations of one operation, synthesized from its spec.
fn valid_invocations(spec: &Value, op: &Op, file: &Path) -> Vec<Invocation> {
    let e = op.endpoint;
    let base = op.path_args(spec);
    let mut out = Vec::new();
    let query = |pick: usize, all: bool| -> Vec<String> {
        let mut args = Vec::new();
        for p in op.query_params() {
            if !(all || p["required"] == true) {
                continue;
            }
            let Some(f) = e.query.iter().find(|f| f.name == p["name"]) else {
                panic!("{}: query parameter {} has no flag", e.name, p["name"]);
            };
            let values = match synth(spec, &p["schema"], pick, 0) {
                Value::Array(items) => items,
                one => vec![one],
            };
            for v in values {
                args.push(flag(e, f, true));
                args.push(arg_text(f, &v));
            }
        }
        args
    };
    let form_file = |args: &mut Vec<String>| {
        if e.form.is_some_and(|f| f.file_required) {
            args.extend(["--file".to_string(), file.display().to_string()]);
        }
    };
    if e.body == Some(Body::Json) {
        let mut args = base.clone();
        args.extend(query(0, true));
        if let Some(s) = op.json_schema() {
            args.extend(["--body".to_string(), synth(spec, s, 0, 0).to_string()]);
        }
        out.push(Invocation {
            label: "whole body".into(),
            args,
        });
        return out;
    }
    let variants = op.variants(spec);
    if variants.is_empty() {
        for pick in 0..op
            .query_params()
            .map(|p| choices(spec, &p["schema"]))
            .max()
            .unwrap_or(1)
        {
            let mut args = base.clone();
            args.extend(query(pick, true));
            out.push(Invocation {
                label: format!("query pick {pick}"),
                args,
            });
        }
        let mut args = base.clone();
        args.extend(query(0, false));
        out.push(Invocation {
            label: "required only".into(),
            args,
        });
        return out;
    }
    for (vi, variant) in variants.iter().enumerate() {
        let props = variant
            .get("properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let settable: Vec<(&String, &Value)> = props
            .iter()
            .filter(|(_, p)| deref(spec, p).get("contentEncoding") != Some(&json!("binary")))
            .collect();
        let picks = settable
            .iter()
            .map(|(_, p)| choices(spec, p))
            .max()
            .unwrap_or(1);
        let required = synth(spec, variant, 0, 0);
        let required_fields = required.as_object().cloned().unwrap_or_default();
        // An empty required body is no request worth making (and a PATCH of nothing).
        if !required_fields.is_empty() || !e.body_required {
            let mut args = base.clone();
            args.extend(query(0, false));
            body_args(e, &required_fields, &mut args);
            form_file(&mut args);
            out.push(Invocation {
                label: format!("variant {vi}, required fields"),
                args,
            });
        }
        for pick in 0..picks {
            let mut body = required.as_object().cloned().unwrap_or_default();
            for (k, p) in &settable {
                body.insert(k.to_string(), synth(spec, p, pick, 0));
            }
            let mut args = base.clone();
            args.extend(query(pick, true));
            body_args(e, &body, &mut args);
            form_file(&mut args);
            if e.multipart && e.form.is_none() && pick == 0 {
                // A file where the operation takes attachments, with the spec's attachments.
                args.extend(["--file".to_string(), file.display().to_string()]);
            }
            out.push(Invocation {
                label: format!("variant {vi}, every field, pick {pick}"),
                args,
            });
        }
    }
    out
}

fn run(name: &str, args: &[String]) -> Output {
    let dir = tempfile::tempdir().expect("tempdir");
    common::base_cmd(dir.path())
        .env("DISCORD_TOKEN", "abc.def.ghi")
        .args(["--api-url", DEAD_API, "--dry-run", name])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run discord")
}

/// The request a `--dry-run` printed: its URL and JSON body (`payload_json` for uploads).
fn printed_request(out: &str) -> (String, Option<Value>) {
    let mut lines = out.split('\n');
    let first = lines.next().unwrap_or_default();
    let url = first
        .split_once(' ')
        .map(|(_, u)| u.to_string())
        .unwrap_or_default();
    let rest: Vec<&str> = lines.skip_while(|l| !l.is_empty()).skip(1).collect();
    let body = if let Some(p) = rest.iter().find_map(|l| l.strip_prefix("payload_json: ")) {
        serde_json::from_str(p).ok()
    } else if out.contains("Content-Type: multipart/form-data") {
        None
    } else {
        serde_json::from_str(rest.join("\n").trim()).ok()
    };
    (url, body)
}

/// The query string's values, as the JSON its parameter schemas describe.
fn query_values(spec: &Value, op: &Op, url: &str) -> Vec<(String, Value, Value)> {
    let query = url.split_once('?').map_or("", |(_, q)| q);
    let mut grouped: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let v = percent_decode(v);
        grouped.entry(k.to_string()).or_default().push(v);
    }
    let mut out = Vec::new();
    for (k, values) in grouped {
        let schema = op
            .query_params()
            .find(|p| p["name"] == k.as_str())
            .map(|p| p["schema"].clone());
        let Some(schema) = schema else {
            out.push((k, json!(values), json!(false)));
            continue;
        };
        let s = non_null_alternatives(spec, &schema)[0];
        // A number where the schema is numeric or a union of numeric constants.
        let numeric_consts = |s: &Value| {
            non_null_alternatives(spec, s)
                .iter()
                .all(|a| a.get("const").is_some_and(Value::is_number))
        };
        let coerce = |s: &Value, v: &str| match first_type(deref(spec, s))
            .or(numeric_consts(s).then_some("number"))
        {
            Some("integer") | Some("number") => v.parse::<f64>().map_or(json!(v), |n| {
                if n.fract() == 0.0 {
                    json!(n as i64)
                } else {
                    json!(n)
                }
            }),
            Some("boolean") => v.parse::<bool>().map_or(json!(v), Value::Bool),
            _ => json!(v),
        };
        let value = if first_type(s) == Some("array") {
            Value::Array(values.iter().map(|v| coerce(&s["items"], v)).collect())
        } else if values.len() == 1 {
            coerce(s, &values[0])
        } else {
            json!(values)
        };
        out.push((k, value, schema));
    }
    out
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A validator for `schema`, resolving `#/components/...` against the (patched) spec.
fn validator(spec: &Value, schema: &Value) -> jsonschema::Validator {
    let root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "components": spec["components"],
        "allOf": [schema],
    });
    jsonschema::options()
        .should_validate_formats(true)
        .build(&root)
        .expect("the spec's schema compiles")
}

fn errors_of(v: &jsonschema::Validator, value: &Value) -> Vec<String> {
    v.iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn every_typed_request_is_valid_under_the_spec() {
    let spec = docs_over_spec(load_spec());
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("upload.png");
    std::fs::write(&file, b"\x89PNG\r\n\x1a\n").expect("write upload");
    assert_eq!(ENDPOINTS.len(), 242);
    let mut failures = Vec::new();
    let mut checked = 0;
    for e in ENDPOINTS {
        let op = op_of(&spec, e);
        assert!(
            op.op.is_object(),
            "{} {} is not in the spec",
            e.method.as_str(),
            e.path
        );
        let body_validator = op.json_schema().map(|s| validator(&spec, s));
        for inv in valid_invocations(&spec, &op, &file) {
            let out = run(e.name, &inv.args);
            let text = String::from_utf8_lossy(&out.stdout).to_string();
            let what = format!(
                "{} ({}): discord {} {}",
                e.name,
                inv.label,
                e.name,
                inv.args.join(" ")
            );
            if !out.status.success() {
                failures.push(format!(
                    "{what}\n  refused: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                ));
                continue;
            }
            checked += 1;
            let (url, body) = printed_request(&text);
            for (k, value, schema) in query_values(&spec, &op, &url) {
                let errs = errors_of(&validator(&spec, &schema), &value);
                if !errs.is_empty() {
                    failures.push(format!("{what}\n  query {k}={value}: {}", errs.join("; ")));
                }
            }
            let Some(v) = &body_validator else { continue };
            if e.form.is_some_and(|f| f.plain_fields) {
                continue; // plain form fields are not JSON
            }
            match &body {
                Some(b) => {
                    let errs = errors_of(v, b);
                    if !errs.is_empty() {
                        failures.push(format!("{what}\n  body {b}: {}", errs.join("; ")));
                    }
                }
                None if e.body_required && inv.args.iter().any(|a| a.starts_with("--")) => {
                    failures.push(format!("{what}\n  no body sent"))
                }
                None => {}
            }
        }
    }
    assert!(checked > 500, "only {checked} requests checked");
    assert!(
        failures.is_empty(),
        "{} of the synthesized requests break the spec:\n{}",
        failures.len(),
        failures
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Values the spec refuses for a field or parameter with schema `s`, each with the rule it
/// breaks: too short, too long, out of range, not RFC 3339, not an allowed value, not an array.
fn invalid_values(spec: &Value, s: &Value) -> Vec<(&'static str, String)> {
    let alts = non_null_alternatives(spec, s);
    let [s] = alts.as_slice() else {
        return Vec::new(); // a union of several shapes: no single rule to break
    };
    let s = deref(spec, s);
    let bound = |k: &str| s.get(k).and_then(Value::as_f64);
    let mut out = Vec::new();
    if s.get("enum").is_some() || s.get("oneOf").is_some() {
        out.push(("not an allowed value", "not-a-valid-value".to_string()));
        return out;
    }
    match first_type(s) {
        Some("string") if s.get("format") == Some(&json!("date-time")) => {
            out.push(("not RFC 3339", "next-tuesday".into()));
        }
        Some("string") if s.get("pattern").is_none() => {
            if let Some(min) = bound("minLength").filter(|m| *m >= 1.0) {
                out.push(("minLength", "a".repeat(min as usize - 1)));
            }
            if let Some(max) = bound("maxLength").filter(|m| *m <= 10_000.0) {
                out.push(("maxLength", "a".repeat(max as usize + 1)));
            }
        }
        Some("integer") | Some("number") => {
            let fractional = first_type(s) == Some("number");
            if let Some(min) = bound("minimum").filter(|m| *m > -1e15) {
                let below = if fractional { min - 0.5 } else { min - 1.0 };
                out.push(("minimum", format!("{below}")));
            }
            if let Some(max) = bound("maximum").filter(|m| *m < 1e15) {
                let above = if fractional { max + 0.5 } else { max + 1.0 };
                out.push(("maximum", format!("{above}")));
            }
        }
        Some("array") => {
            let items = non_null_alternatives(spec, &s["items"]);
            if items.len() == 1 && deref(spec, items[0]).get("enum").is_some() {
                out.push(("item not an allowed value", "not-a-valid-value".into()));
            }
        }
        _ => {}
    }
    out
}

/// Runs one invalid invocation and says what is wrong with the way it was refused, if anything.
fn refused_properly(name: &str, args: &[String]) -> Option<String> {
    let out = run(name, args);
    let err = String::from_utf8_lossy(&out.stderr);
    let fine = out.status.code() == Some(2)
        && out.stdout.is_empty()
        && err.trim_end().lines().count() == 1;
    (!fine).then(|| {
        format!(
            "exit {:?}, stdout {:?}, stderr {:?}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            err
        )
    })
}

#[test]
fn every_invalid_value_is_refused_before_sending() {
    let spec = docs_over_spec(load_spec());
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("upload.png");
    std::fs::write(&file, b"\x89PNG\r\n\x1a\n").expect("write upload");
    let mut failures = Vec::new();
    let mut rules = BTreeMap::new();
    for e in ENDPOINTS {
        let op = op_of(&spec, e);
        // The first valid invocation is the base each bad value is added to.
        let Some(base) = valid_invocations(&spec, &op, &file).into_iter().next() else {
            continue;
        };
        let mut cases: Vec<(String, &'static str, String, String)> = Vec::new();
        for p in op.query_params() {
            let Some(f) = e.query.iter().find(|f| f.name == p["name"]) else {
                continue;
            };
            for (rule, bad) in invalid_values(&spec, &p["schema"]) {
                cases.push((f.name.to_string(), rule, flag(e, f, true), bad));
            }
        }
        if e.body == Some(Body::Object) {
            let variants = op.variants(&spec);
            // A value is invalid only if every variant of a union refuses it: fields whose
            // schema differs between variants are left out.
            let same_everywhere = |k: &str, s: &Value| {
                variants
                    .iter()
                    .all(|v| v["properties"].get(k).is_none_or(|o| o == s))
            };
            for variant in variants.iter().take(1) {
                let props = variant.get("properties").and_then(Value::as_object);
                for (k, s) in props.into_iter().flatten() {
                    let Some(f) = e.fields.iter().find(|f| f.name == k) else {
                        continue;
                    };
                    if !same_everywhere(k, s) {
                        continue;
                    }
                    for (rule, bad) in invalid_values(&spec, s) {
                        cases.push((k.clone(), rule, flag(e, f, false), bad));
                    }
                    if first_type(deref(&spec, s)) == Some("array") {
                        cases.push((
                            k.clone(),
                            "not an array",
                            flag(e, f, false),
                            r#"{"not":"an array"}"#.into(),
                        ));
                    }
                }
            }
        }
        for (field, rule, flag, bad) in cases {
            // The bad value replaces a valid one the base may already give.
            let mut args = base.args.clone();
            if let Some(at) = args.iter().position(|a| *a == flag) {
                args.drain(at..at + 2);
            }
            args.extend([flag, bad]);
            *rules.entry(rule).or_insert(0) += 1;
            if let Some(why) = refused_properly(e.name, &args) {
                failures.push(format!(
                    "{} {field} ({rule}): discord {} {}\n  {why}",
                    e.name,
                    e.name,
                    args.join(" ")
                ));
            }
        }
    }
    for rule in [
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "not RFC 3339",
        "not an allowed value",
        "item not an allowed value",
        "not an array",
    ] {
        assert!(
            rules.get(rule).is_some_and(|n| *n > 0),
            "no case breaks {rule}: {rules:?}"
        );
    }
    assert!(
        failures.is_empty(),
        "{} invalid values were not refused properly:\n{}",
        failures.len(),
        failures
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn a_union_variants_required_field_is_required() {
    // Discord's docs: a KEYWORD_PRESET rule (trigger type 4, named default-keyword-list in the spec) needs trigger_metadata.presets; an
    // EXTERNAL scheduled event (entity type 3) needs entity_metadata.location; a MODAL
    // interaction response (type 9) needs data. The spec marks each in that variant only.
    let cases: [&[&str]; 3] = [
        &[
            "create-auto-moderation-rule",
            "1",
            "--name",
            "n",
            "--event-type",
            "1",
            "--trigger-type",
            "default-keyword-list",
        ],
        &[
            "create-guild-scheduled-event",
            "1",
            "--name",
            "n",
            "--privacy-level",
            "2",
            "--scheduled-start-time",
            "2026-01-31T18:00:00Z",
            "--entity-type",
            "3",
        ],
        &["create-interaction-response", "1", "tok", "--type", "9"],
    ];
    let wanted = ["--trigger-metadata", "--entity-metadata", "--data"];
    for (args, flag) in cases.iter().zip(wanted) {
        let args: Vec<String> = args[1..].iter().map(|s| s.to_string()).collect();
        let out = run(
            cases
                .iter()
                .find(|c| c[1..] == args[..])
                .map_or("", |c| c[0]),
            &args,
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(flag), "{err}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn limits_where_docs_win() {
    // The spec lets message content run to 4000 characters, but Discord's docs (resources/
    // message, Create Message: "up to 2000 characters") give bots 2000; 4000 is for Nitro
    // users. spec/policy.toml [[limits]] records it, and the docs win.
    let spec = load_spec();
    let max = &spec["components"]["schemas"]["MessageCreateRequest"]["properties"]["content"]
        ["maxLength"];
    assert_eq!(
        max,
        &json!(4000),
        "the spec changed; revisit spec/policy.toml [[limits]]"
    );
    let ok = run(
        "create-message",
        &["1".into(), "--content".into(), "x".repeat(2000)],
    );
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let long = run(
        "create-message",
        &["1".into(), "--content".into(), "x".repeat(2001)],
    );
    assert_eq!(long.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&long.stderr).contains("at most 2000"));
}

#[test]
fn discords_field_names_are_the_flags() {
    // create-interaction-response's `data` field (docs: Interaction Response Structure) is
    // --data, not the whole body.
    let args: Vec<String> = [
        "1",
        "tok",
        "--type",
        "channel-message-with-source",
        "--data",
        r#"{"content":"hi"}"#,
    ]
    .map(String::from)
    .to_vec();
    let out = run("create-interaction-response", &args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (_, body) = printed_request(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(body, Some(json!({"type": 4, "data": {"content": "hi"}})));
    // search-guild-members' `query` parameter is --query.
    let out = run(
        "search-guild-members",
        &["1".into(), "--query".into(), "member00".into()],
    );
    let (url, _) = printed_request(&String::from_utf8_lossy(&out.stdout));
    assert!(
        url.ends_with("/guilds/1/members/search?query=member00"),
        "{url}"
    );
    // A role's `color` is --color, whatever the value looks like; output colour is
    // --output-color.
    for value in ["#3498db", "auto"] {
        let out = run(
            "create-guild-role",
            &["1".into(), "--color".into(), value.into()],
        );
        if value == "auto" {
            assert_eq!(out.status.code(), Some(2), "auto is no colour");
            assert!(String::from_utf8_lossy(&out.stderr).contains("--color"));
        } else {
            let (_, body) = printed_request(&String::from_utf8_lossy(&out.stdout));
            assert_eq!(body, Some(json!({"color": 0x3498db})));
        }
    }
    let out = run(
        "create-guild-role",
        &["1".into(), "--output-color".into(), "never".into()],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn batch_lines_use_the_same_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    let line =
        r##"{"command":"create-guild-role","args":["1","--name","mods","--color","#3498db"]}"##;
    let mut cmd = common::base_cmd(dir.path());
    cmd.env("DISCORD_TOKEN", "abc.def.ghi")
        .args(["--api-url", DEAD_API, "--dry-run", "batch"]);
    let out = common::output_with_stdin(&mut cmd, format!("{line}\n").as_bytes());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains(r#"{"name":"mods","color":3447003}"#)
            || text.contains(r#"\"color\":3447003"#),
        "{text}"
    );
}

/// Splits a shell command line as the help writes it (words, single-quoted words).
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in line.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                any = true;
            }
            ' ' if !quoted => {
                if any {
                    words.push(std::mem::take(&mut word));
                    any = false;
                }
            }
            c => {
                word.push(c);
                any = true;
            }
        }
    }
    if any {
        words.push(word);
    }
    words
}

#[test]
fn every_help_example_runs_and_is_valid() {
    let spec = docs_over_spec(load_spec());
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("upload.png"), b"\x89PNG\r\n\x1a\n").expect("write upload");
    let mut failures = Vec::new();
    for e in ENDPOINTS {
        let op = op_of(&spec, e);
        let help = common::base_cmd(dir.path())
            .args([e.name, "--help"])
            .output()
            .expect("run discord");
        let help = String::from_utf8_lossy(&help.stdout).replace('\u{a0}', " ");
        // The request line is whole: method and path on one line, whatever the path's length.
        let request = format!("Request: {} {}", e.method.as_str(), e.path);
        if !help.lines().any(|l| l.trim() == request) {
            failures.push(format!("{}: no one-line '{request}' in the help", e.name));
        }
        // The examples, each with its shell line continuations joined.
        let block = help.split("Examples:\n").nth(1).unwrap_or_default();
        let mut examples = Vec::new();
        let mut current = String::new();
        for line in block.lines() {
            if current.is_empty() && !line.starts_with("  discord") {
                break;
            }
            current.push_str(line.trim().trim_end_matches('\\'));
            if !line.ends_with('\\') {
                examples.push(std::mem::take(&mut current));
            }
        }
        if examples.is_empty() {
            failures.push(format!("{}: no example", e.name));
            continue;
        }
        if let Some(schema) = op.json_schema().filter(|_| e.body == Some(Body::Json)) {
            let body = synth(&spec, schema, 0, 0).to_string();
            std::fs::write(dir.path().join("body.json"), body).expect("write body.json");
        }
        for example in examples {
            check_example(&spec, e, &op, dir.path(), &example, &mut failures);
        }
    }
    assert!(
        failures.is_empty(),
        "{} help examples are wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Runs one help example with `--dry-run` against a dead API and checks the request it would
/// send against the operation's schema; what is wrong goes to `failures`.
fn check_example(
    spec: &Value,
    e: &Endpoint,
    op: &Op,
    dir: &std::path::Path,
    example: &str,
    failures: &mut Vec<String>,
) {
    let words = shell_words(example.trim());
    let out = common::base_cmd(dir)
        .current_dir(dir)
        .env("DISCORD_TOKEN", "abc.def.ghi")
        .args(["--api-url", DEAD_API, "--dry-run"])
        .args(&words[1..])
        .output()
        .expect("run discord");
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        failures.push(format!("{}: `{example}` fails: {}", e.name, err.trim()));
        return;
    }
    let (_, body) = printed_request(&String::from_utf8_lossy(&out.stdout));
    let plain_form = e.form.is_some_and(|f| f.plain_fields);
    if let (Some(schema), Some(body), false) = (op.json_schema(), body, plain_form) {
        let errs = errors_of(&validator(spec, schema), &body);
        if !errs.is_empty() {
            failures.push(format!(
                "{}: `{example}` sends {body}: {}",
                e.name,
                errs.join("; ")
            ));
        }
    }
}

/// `--file` adds Discord's `attachments` entries only where the operation's `attachments` is
/// Discord's (MessageAttachmentRequest): a Slack-compatible webhook's `attachments` are Slack's
/// (WebhookSlackEmbed) and lobby moderation metadata takes string values only, so a raw upload
/// to either sends the body as written, which the spec's schema accepts; an `attachments` array
/// the user gives is sent as given, not merged with an automatic entry.
#[test]
fn uploads_add_attachment_entries_only_where_they_are_discords() {
    let spec = docs_over_spec(load_spec());
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("log.txt");
    std::fs::write(&file, "log\n").expect("write upload");
    let file = file.to_str().expect("path").to_string();
    let slack_path = "/webhooks/{webhook_id}/{webhook_token}/slack";
    let metadata_path = "/lobbies/{lobby_id}/messages/{message_id}/moderation-metadata";
    let cases: [(&str, &str, &[&str], Value); 4] = [
        (
            "post",
            slack_path,
            &["/webhooks/1/tok/slack", "-f", "text=hi"],
            json!({"text": "hi"}),
        ),
        (
            "post",
            slack_path,
            &[
                "/webhooks/1/tok/slack",
                "-F",
                r#"attachments=[{"title":"s"}]"#,
            ],
            json!({"attachments": [{"title": "s"}]}),
        ),
        (
            "put",
            metadata_path,
            &["/lobbies/1/messages/2/moderation-metadata", "-f", "k=v"],
            json!({"k": "v"}),
        ),
        (
            "post",
            "/channels/{channel_id}/messages",
            &[
                "/channels/1/messages",
                "-F",
                r#"attachments=[{"id":"0","description":"d"}]"#,
            ],
            json!({"attachments": [{"id": "0", "description": "d", "filename": "log.txt"}]}),
        ),
    ];
    for (method, template, words, expected) in cases {
        let mut args: Vec<String> = words[1..].iter().map(|w| w.to_string()).collect();
        args.insert(0, words[0].to_string());
        args.extend(["--file".to_string(), file.clone()]);
        let out = run(method, &args);
        assert!(
            out.status.success(),
            "{words:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let (_, body) = printed_request(&String::from_utf8_lossy(&out.stdout));
        let body = body.expect("payload_json printed");
        assert_eq!(body, expected, "{words:?}");
        let op = &spec["paths"][template][method];
        let schema = &op["requestBody"]["content"]["multipart/form-data"]["schema"];
        let errs = errors_of(&validator(&spec, schema), &body);
        assert!(errs.is_empty(), "{words:?} sends {body}: {errs:?}");
    }
}

/// Nested JSON flags are checked against their whole schema before sending. Each bad value
/// below breaks a rule of the spec deep inside the value (the spec's own schema says so, checked
/// first with `jsonschema`), and is refused: exit 2, one line naming the flag and the place
/// inside the value, nothing on stdout. Discord's docs agree on each limit (Embed Limits: title
/// 256, field value 1024; Button: label 80; Bulk Delete Messages: 2 to 100 ids; Permission
/// Overwrite type 0 or 1).
#[test]
fn nested_json_flags_are_checked_against_their_schema() {
    let spec = docs_over_spec(load_spec());
    let long_title = format!(r#"[{{"title":"{}"}}]"#, "t".repeat(257));
    let long_value = format!(
        r#"[{{"fields":[{{"name":"n","value":"{}"}}]}}]"#,
        "v".repeat(1025)
    );
    let long_label = format!(
        r#"[{{"type":1,"components":[{{"type":2,"style":1,"custom_id":"a","label":"{}"}}]}}]"#,
        "l".repeat(81)
    );
    let cases: Vec<(&str, Vec<&str>, &str, &str)> = vec![
        (
            "create-message",
            vec!["1"],
            "--embeds",
            r#"{"not":"an array"}"#,
        ),
        ("create-message", vec!["1"], "--embeds", &long_title),
        ("create-message", vec!["1"], "--embeds", &long_value),
        (
            "create-message",
            vec!["1"],
            "--embeds",
            r#"[{"color":"red"}]"#,
        ),
        ("create-message", vec!["1"], "--components", &long_label),
        (
            "create-message",
            vec!["1"],
            "--allowed-mentions",
            r#"{"parse":["nobody"]}"#,
        ),
        ("bulk-delete-messages", vec!["1"], "--messages", r#"["1"]"#),
        (
            "create-guild-channel",
            vec!["1", "--name", "c"],
            "--permission-overwrites",
            r#"[{"id":"1","type":7}]"#,
        ),
        ("execute-webhook", vec!["1", "tok"], "--embeds", &long_title),
    ];
    let wanted_path = [
        "",
        "[0].title",
        "[0].fields[0].value",
        "[0].color",
        "[0].components[0].label",
        ".parse[0]",
        "",
        "[0].type",
        "[0].title",
    ];
    for ((name, base, flag, value), path) in cases.into_iter().zip(wanted_path) {
        let endpoint = ENDPOINTS.iter().find(|e| e.name == name).expect("endpoint");
        let op = op_of(&spec, endpoint);
        let field = endpoint
            .fields
            .iter()
            .find(|f| format!("--{}", f.name.replace('_', "-")) == flag)
            .expect("field");
        let body = json!({ field.name: serde_json::from_str::<Value>(value).expect("json") });
        let schema = op.json_schema().expect("a body schema");
        let v = validator(&spec, schema);
        let errs = errors_of(&v, &body);
        assert!(!errs.is_empty(), "the spec accepts {flag} {value}");
        let mut args: Vec<String> = base.iter().map(|s| s.to_string()).collect();
        args.extend([flag.to_string(), value.to_string()]);
        if let Some(why) = refused_properly(name, &args) {
            panic!("{name} {flag} {value}: {why}");
        }
        let err = String::from_utf8_lossy(&run(name, &args).stderr).into_owned();
        assert!(err.contains(&format!("{flag}{path}")), "{name}: {err}");
    }
    // Every example the help shows for a nested field is valid under the spec.
    for n in discord_cli::endpoints::NESTED {
        let endpoint = ENDPOINTS
            .iter()
            .find(|e| e.name == n.operation)
            .expect("endpoint");
        let op = op_of(&spec, endpoint);
        let example: Value = serde_json::from_str(n.example).expect("example is JSON");
        let valid_somewhere = op.variants(&spec).iter().any(|variant| {
            let prop = &variant["properties"][n.field];
            !prop.is_null() && errors_of(&validator(&spec, prop), &example).is_empty()
        });
        assert!(
            valid_somewhere,
            "{} --{}: {} is not valid",
            n.operation, n.field, n.example
        );
    }
}
