//! Checks a JSON-valued body field (`--embeds`, `--components`, `--permission-overwrites`, ...)
//! against its whole nested schema from Discord's OpenAPI description before it is sent: types,
//! required fields, allowed values, text lengths (inside arrays too), item counts, ranges and
//! formats. The schemas are data generated into the table ([`NESTED`], [`SCHEMAS`]); a shared
//! component is parsed only the first time a check needs it, so start-up does not pay for them.

use std::sync::OnceLock;

use serde_json::{Map, Value};

use super::check::is_rfc3339;
use super::{Nested, NESTED, SCHEMAS};

/// Why a value was refused, and where inside it (`[0].title`; empty for the value itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where: `[index]` and `.field` steps from the flag's value down.
    pub path: String,
    /// What is wrong, phrased to follow the flag and path (`is 300 characters long; ...`).
    pub why: String,
}

/// The nested schema of `field` of the operation named `operation`, if it is JSON-valued.
pub fn find(operation: &str, field: &str) -> Option<&'static Nested> {
    NESTED
        .binary_search_by(|n| (n.operation, n.field).cmp(&(operation, field)))
        .ok()
        .map(|i| &NESTED[i])
}

impl Nested {
    /// Checks `value` against this field's schema.
    pub fn check(&self, value: &Value) -> Result<(), Problem> {
        // The schema is generated JSON; were it ever unreadable, nothing is refused by it.
        let Ok(schema) = serde_json::from_str::<Value>(self.schema) else {
            return Ok(());
        };
        let mut path = String::new();
        walk(&schema, value, &mut path)
    }
}

/// The component schema named `name`, parsed the first time it is needed (an embed's check
/// reads a few of the table's components, never all of them).
fn component(name: &str) -> Option<&'static Value> {
    static PARSED: OnceLock<Vec<OnceLock<Option<Value>>>> = OnceLock::new();
    let i = SCHEMAS.binary_search_by(|(n, _)| n.cmp(&name)).ok()?;
    let cells = PARSED.get_or_init(|| SCHEMAS.iter().map(|_| OnceLock::new()).collect());
    cells[i]
        .get_or_init(|| serde_json::from_str(SCHEMAS[i].1).ok())
        .as_ref()
}

/// A schema with its `$ref` followed to the component it names.
fn resolve(schema: &Value) -> &Value {
    let mut s = schema;
    for _ in 0..32 {
        match s.get("$ref").and_then(Value::as_str) {
            Some(name) => match component(name) {
                Some(next) => s = next,
                None => return &Value::Null,
            },
            None => break,
        }
    }
    s
}

fn problem(path: &str, why: impl Into<String>) -> Problem {
    Problem {
        path: path.to_string(),
        why: why.into(),
    }
}

/// Checks `value` at `path` against `schema`, the way JSON Schema does for the keywords the
/// generator keeps.
fn walk(schema: &Value, value: &Value, path: &mut String) -> Result<(), Problem> {
    let s = resolve(schema);
    if let Some(alts) = s.get("anyOf").and_then(Value::as_array) {
        any_of(alts, value, path)?;
    }
    for part in s
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        walk(part, value, path)?;
    }
    if let Some(types) = s.get("type") {
        if !type_matches(types, value) {
            return Err(problem(
                path,
                format!(
                    "is {}; Discord expects {}",
                    json_type_phrase(value),
                    type_names(types)
                ),
            ));
        }
    }
    if let Some(allowed) = s.get("enum").and_then(Value::as_array) {
        if !allowed.contains(value) {
            let names: Vec<String> = allowed.iter().map(Value::to_string).collect();
            return Err(problem(
                path,
                format!("is {value}; Discord accepts one of {}", names.join(", ")),
            ));
        }
    }
    if let Some(fixed) = s.get("const").filter(|c| *c != value) {
        return Err(problem(
            path,
            format!("is {value}; Discord expects {fixed} here"),
        ));
    }
    match value {
        Value::String(text) => text_rules(s, text, path),
        Value::Number(n) => number_rules(s, n.as_f64().unwrap_or_default(), path),
        Value::Array(items) => array_rules(s, items, path),
        Value::Object(map) => object_rules(s, map, path),
        _ => Ok(()),
    }
}

/// At least one alternative must hold. When none does, the error is the one of the alternative
/// the value was meant to be: the one whose fixed fields (a component's `type`) it matches.
fn any_of(alts: &[Value], value: &Value, path: &str) -> Result<(), Problem> {
    let mut meant = None;
    for alt in alts {
        let mut attempt = path.to_string();
        match walk(alt, value, &mut attempt) {
            Ok(()) => return Ok(()),
            Err(e) => {
                if meant.is_none() && meant_as(resolve(alt), value) {
                    meant = Some(e);
                }
            }
        }
    }
    if let Some(e) = meant {
        return Err(e);
    }
    let kinds: Vec<String> = alts
        .iter()
        .map(|a| match resolve(a).get("type") {
            Some(t) => type_names(t),
            None => "another shape".to_string(),
        })
        .collect();
    let fixed = alts.iter().filter_map(|a| fixed_fields(resolve(a)).next());
    let fixed: Vec<String> = fixed.map(|(k, v)| format!("{k} {v}")).collect();
    if value.is_object() && !fixed.is_empty() {
        return Err(problem(
            path,
            format!(
                "matches none of the kinds Discord accepts here ({})",
                fixed.join(", ")
            ),
        ));
    }
    if kinds.is_empty() {
        return Ok(());
    }
    Err(problem(
        path,
        format!(
            "is {}; Discord expects {}",
            json_type_phrase(value),
            dedup(kinds).join(" or ")
        ),
    ))
}

fn dedup(mut items: Vec<String>) -> Vec<String> {
    let mut seen = Vec::new();
    items.retain(|i| {
        let new = !seen.contains(i);
        seen.push(i.clone());
        new
    });
    items
}

/// The fields an object schema fixes to one value (`"type": {"const": 2}`).
fn fixed_fields(s: &Value) -> impl Iterator<Item = (&String, &Value)> {
    s.get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(k, p)| {
            let p = resolve(p);
            let one = p
                .get("const")
                .or_else(|| p.get("enum")?.as_array().filter(|e| e.len() == 1)?.first());
            one.map(|v| (k, v))
        })
}

/// Whether `value` is meant as this alternative: its type fits, and every fixed field the value
/// has holds the fixed value.
fn meant_as(s: &Value, value: &Value) -> bool {
    if s.get("type").is_some_and(|t| !type_matches(t, value)) {
        return false;
    }
    let Some(map) = value.as_object() else {
        return s.get("type").is_some();
    };
    let mut fixed = fixed_fields(s).peekable();
    if fixed.peek().is_none() {
        return s.get("properties").is_some();
    }
    fixed.all(|(k, v)| map.get(k).is_some_and(|given| given == v))
}

fn type_matches(types: &Value, value: &Value) -> bool {
    let one = |t: &str| match t {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "string" => value.is_string(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "number" => value.is_number(),
        "integer" => {
            value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        _ => true,
    };
    match types {
        Value::String(t) => one(t),
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).any(one),
        _ => true,
    }
}

/// "an array", "text or null": the types a schema names, for an error.
fn type_names(types: &Value) -> String {
    let name = |t: &str| match t {
        "null" => "null",
        "boolean" => "true or false",
        "string" => "text",
        "object" => "an object",
        "array" => "an array",
        "number" => "a number",
        "integer" => "a whole number",
        _ => "a value",
    };
    match types {
        Value::String(t) => name(t).to_string(),
        Value::Array(ts) => {
            let names: Vec<&str> = ts.iter().filter_map(Value::as_str).map(name).collect();
            names.join(" or ")
        }
        _ => "a value".to_string(),
    }
}

/// "an object", "text", "the number 3": what a value is, for an error.
fn json_type_phrase(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => format!("the number {n}"),
        Value::String(_) => "text".into(),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

fn limit(s: &Value, key: &str) -> Option<u64> {
    s.get(key).and_then(Value::as_u64)
}

fn text_rules(s: &Value, text: &str, path: &str) -> Result<(), Problem> {
    let n = text.chars().count() as u64;
    if let Some(max) = limit(s, "maxLength").filter(|m| n > *m) {
        return Err(problem(
            path,
            format!("is {n} characters long; Discord accepts at most {max}"),
        ));
    }
    if let Some(min) = limit(s, "minLength").filter(|m| n < *m) {
        return Err(problem(
            path,
            format!("is {n} characters long; Discord needs at least {min}"),
        ));
    }
    let ok = match s.get("format").and_then(Value::as_str) {
        Some("date-time") => is_rfc3339(text),
        Some("snowflake") => !text.is_empty() && text.parse::<u64>().is_ok(),
        Some("digits") => !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()),
        Some("hexcolor") => {
            let hex = text.strip_prefix('#').unwrap_or("-");
            matches!(hex.len(), 3 | 6) && hex.bytes().all(|b| b.is_ascii_hexdigit())
        }
        Some("uri") => is_uri(text),
        _ => true,
    };
    if ok {
        return Ok(());
    }
    let wanted = match s.get("format").and_then(Value::as_str) {
        Some("date-time") => "an RFC 3339 date-time such as 2026-01-31T18:00:00Z",
        Some("snowflake") => "a snowflake id (digits, like \"123456789012345678\")",
        Some("hexcolor") => "a colour as #rrggbb",
        Some("digits") => "a permission set as a string of digits, like \"1024\"",
        _ => "a URL with its scheme, like https://example.com/a.png",
    };
    Err(problem(
        path,
        format!("is {}; Discord expects {wanted}", crate::error::shown(text)),
    ))
}

/// An absolute URI (RFC 3986): a scheme, a colon, and no spaces.
fn is_uri(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        && !rest.is_empty()
        && !text.chars().any(char::is_whitespace)
}

fn number_rules(s: &Value, n: f64, path: &str) -> Result<(), Problem> {
    let min = s.get("minimum").and_then(Value::as_f64);
    let max = s.get("maximum").and_then(Value::as_f64);
    if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
        let range = super::check::range_text(
            s.get("minimum").map(Value::to_string),
            s.get("maximum").map(Value::to_string),
        );
        return Err(problem(
            path,
            format!("is {n}; Discord accepts {}", range.unwrap_or_default()),
        ));
    }
    Ok(())
}

fn array_rules(s: &Value, items: &[Value], path: &mut String) -> Result<(), Problem> {
    let n = items.len() as u64;
    if let Some(max) = limit(s, "maxItems").filter(|m| n > *m) {
        return Err(problem(
            path,
            format!("has {n} items; Discord accepts at most {max}"),
        ));
    }
    if let Some(min) = limit(s, "minItems").filter(|m| n < *m) {
        return Err(problem(
            path,
            format!("has {n} items; Discord needs at least {min}"),
        ));
    }
    if s.get("uniqueItems") == Some(&Value::Bool(true)) {
        for (i, item) in items.iter().enumerate() {
            if let Some(j) = items[..i].iter().position(|earlier| earlier == item) {
                return Err(problem(
                    &format!("{path}[{i}]"),
                    format!("repeats item [{j}]; Discord wants each value once"),
                ));
            }
        }
    }
    if let Some(item_schema) = s.get("items") {
        for (i, item) in items.iter().enumerate() {
            let len = path.len();
            path.push_str(&format!("[{i}]"));
            walk(item_schema, item, path)?;
            path.truncate(len);
        }
    }
    Ok(())
}

fn object_rules(s: &Value, map: &Map<String, Value>, path: &mut String) -> Result<(), Problem> {
    let props = s.get("properties").and_then(Value::as_object);
    for name in s
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let name = name.as_str().unwrap_or_default();
        if !map.contains_key(name) {
            return Err(problem(
                path,
                format!("needs the field \"{name}\", which Discord requires"),
            ));
        }
    }
    let n = map.len() as u64;
    if let Some(max) = limit(s, "maxProperties").filter(|m| n > *m) {
        return Err(problem(
            path,
            format!("has {n} fields; Discord accepts at most {max}"),
        ));
    }
    if let Some(min) = limit(s, "minProperties").filter(|m| n < *m) {
        return Err(problem(
            path,
            format!("has {n} fields; Discord needs at least {min}"),
        ));
    }
    for (key, value) in map {
        let len = path.len();
        path.push('.');
        path.push_str(key);
        match (
            props.and_then(|p| p.get(key)),
            s.get("additionalProperties"),
        ) {
            (Some(schema), _) => walk(schema, value, path)?,
            (None, Some(Value::Bool(false))) => {
                let known: Vec<&str> = props
                    .into_iter()
                    .flat_map(|p| p.keys())
                    .map(String::as_str)
                    .collect();
                return Err(problem(
                    path,
                    format!(
                        "is not a field Discord knows here (known: {})",
                        known.join(", ")
                    ),
                ));
            }
            (None, Some(extra @ Value::Object(_))) => walk(extra, value, path)?,
            _ => {}
        }
        path.truncate(len);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(op: &str, field: &str, value: Value) -> Result<(), Problem> {
        find(op, field).expect("a nested field").check(&value)
    }

    #[test]
    fn the_table_is_sorted_and_every_example_is_valid() {
        assert!(NESTED
            .windows(2)
            .all(|w| (w[0].operation, w[0].field) < (w[1].operation, w[1].field)));
        assert!(SCHEMAS.windows(2).all(|w| w[0].0 < w[1].0));
        for (name, text) in SCHEMAS {
            assert!(serde_json::from_str::<Value>(text).is_ok(), "{name}");
        }
        for n in NESTED {
            let example: Value = serde_json::from_str(n.example).expect("example is JSON");
            assert_eq!(n.check(&example), Ok(()), "{} {}", n.operation, n.field);
        }
    }

    #[test]
    fn embeds_are_checked_all_the_way_down() {
        // Discord's docs, Embed Limits: a title is at most 256 characters, at most 25 fields,
        // a field's name 256 and value 1024; a message takes up to 10 embeds.
        let ok = json!([{"title": "hi", "fields": [{"name": "a", "value": "b"}]}]);
        assert_eq!(check("create-message", "embeds", ok), Ok(()));
        let long = json!([{"title": "x".repeat(257)}]);
        let e = check("create-message", "embeds", long).unwrap_err();
        assert_eq!(e.path, "[0].title");
        assert!(e.why.contains("at most 256"), "{}", e.why);
        let e = check("create-message", "embeds", json!({"not": "an array"})).unwrap_err();
        assert_eq!((e.path.as_str(), e.why.contains("an array")), ("", true));
        let field = json!([{"fields": [{"name": "a", "value": "v".repeat(1025)}]}]);
        let e = check("create-message", "embeds", field).unwrap_err();
        assert_eq!(e.path, "[0].fields[0].value");
        let e = check(
            "create-message",
            "embeds",
            json!([{"fields": [{"name": "a"}]}]),
        );
        assert_eq!(e.unwrap_err().path, "[0].fields[0]");
        let eleven = Value::Array(vec![json!({"title": "t"}); 11]);
        assert!(check("create-message", "embeds", eleven).is_err());
        let e = check(
            "create-message",
            "embeds",
            json!([{"timestamp": "yesterday"}]),
        );
        assert_eq!(e.unwrap_err().path, "[0].timestamp");
    }

    #[test]
    fn unions_report_the_alternative_meant() {
        // A button (type 2) inside an action row: its label is at most 80 characters.
        let row = json!([{"type": 1, "components": [
            {"type": 2, "style": 1, "custom_id": "a", "label": "l".repeat(81)}
        ]}]);
        let e = check("create-message", "components", row).unwrap_err();
        assert_eq!(e.path, "[0].components[0].label", "{}", e.why);
        let e = check("create-message", "components", json!([{"type": 999}])).unwrap_err();
        assert_eq!(e.path, "[0]", "{}", e.why);
        // Permission overwrites: type is 0 (role) or 1 (member).
        let e = check(
            "create-guild-channel",
            "permission_overwrites",
            json!([{"id": "1", "type": 7}]),
        )
        .unwrap_err();
        assert_eq!(e.path, "[0].type", "{}", e.why);
        // Discord's docs (topics/permissions) send permission sets as strings of digits, the
        // spec types them as integers: both are accepted, anything else is not.
        for ok in [
            json!([{"id": "1", "allow": "1024"}]),
            json!([{"id": "1", "deny": 8}]),
        ] {
            assert_eq!(
                check("create-guild-channel", "permission_overwrites", ok),
                Ok(())
            );
        }
        let e = check(
            "create-guild-channel",
            "permission_overwrites",
            json!([{"id": "1", "allow": "KICK"}]),
        );
        assert_eq!(e.unwrap_err().path, "[0].allow");
        let e = check("bulk-delete-messages", "messages", json!(["1", "x", "3"]));
        assert_eq!(e.unwrap_err().path, "[1]");
        assert!(check("bulk-delete-messages", "messages", json!(["1"])).is_err());
        assert!(check("bulk-delete-messages", "messages", json!(["1", "1"])).is_err());
    }
}
