//! Request bodies and parameters from the command line: a JSON argument or `--data`
//! (`@file`, `@-`), `-f`/`-F` fields with nested keys merged into it, `-q` query parameters and
//! `-H` headers. Everything is checked before anything is sent.

use std::collections::HashSet;
use std::io::Read;

use serde_json::{Map, Value};

use crate::{Error, Result};

/// What the user said about a request's body: `--data`, `-f` and `-F`.
#[derive(Debug, Clone, Default)]
pub struct BodyArgs {
    /// `--data`: a JSON body, `@file` or `@-`.
    pub data: Option<String>,
    /// `-f key=value`: string fields.
    pub raw_fields: Vec<String>,
    /// `-F key=value`: typed fields (numbers, booleans, null, JSON, `@file`).
    pub fields: Vec<String>,
}

/// Builds the JSON body from the body a command already has (`existing`, from typed flags),
/// an optional positional JSON argument and the request flags. Returns `None` when nothing
/// describes a body. A JSON argument or `--data` object adds to (and wins over) the existing
/// keys; fields are then applied onto the result: they replace what they name, descend into
/// its objects and arrays, and `[]` appends to its arrays.
pub fn build_body(
    existing: Option<Value>,
    positional: Option<&str>,
    args: &BodyArgs,
) -> Result<Option<Value>> {
    let given = match (positional, args.data.as_deref()) {
        (Some(_), Some(_)) => {
            return Err(Error::usage(
                "give the body once: either as the JSON argument or with --data, not both",
            ))
        }
        (Some(text), None) => Some(parse_json(text, "the JSON argument")?),
        (None, Some(data)) => Some(parse_json(&read_source(data, "--data")?, "--data")?),
        (None, None) => None,
    };
    let base = match (existing, given) {
        (Some(Value::Object(mut have)), Some(Value::Object(more))) => {
            have.extend(more);
            Some(Value::Object(have))
        }
        (Some(_), Some(_)) => {
            return Err(Error::usage(
                "the body must be a JSON object for this command",
            ))
        }
        (have, None) => have,
        (None, given) => given,
    };
    if args.raw_fields.is_empty() && args.fields.is_empty() {
        return Ok(base);
    }
    let mut fields =
        match base {
            None => Fields::default(),
            Some(Value::Object(object)) => Fields::onto(object),
            Some(_) => return Err(Error::usage(
                "fields (-f/-F) can only be merged into a JSON object body, not an array or scalar",
            )),
        };
    for raw in &args.raw_fields {
        let (key, value) = split_pair(raw, "-f")?;
        fields.set(key, Value::String(value.to_string()), raw)?;
    }
    for raw in &args.fields {
        let (key, value) = split_pair(raw, "-F")?;
        fields.set(key, typed_value(value)?, raw)?;
    }
    Ok(fields.into_value())
}

/// `-f`/`-F` fields of a GET, which has no body, as query parameters (as `gh api` does).
/// Nested keys and JSON arrays or objects cannot be query parameters: a usage error.
pub fn fields_as_query(args: &BodyArgs) -> Result<Vec<(String, String)>> {
    let mut query = Vec::new();
    let typed = args.fields.iter().map(|f| (f, true));
    for (raw, is_typed) in args.raw_fields.iter().map(|f| (f, false)).chain(typed) {
        let flag = if is_typed { "-F" } else { "-f" };
        let (key, value) = split_pair(raw, flag)?;
        if key.contains('[') {
            return Err(Error::usage(format!(
                "{flag} '{raw}': a GET has no body, so fields become query parameters, which cannot nest"
            )));
        }
        let value = if is_typed {
            match typed_value(value)? {
                Value::String(s) => s,
                Value::Array(_) | Value::Object(_) => {
                    return Err(Error::usage(format!(
                        "{flag} '{raw}': a GET has no body, so fields become query parameters, which cannot hold JSON"
                    )))
                }
                other => other.to_string(),
            }
        } else {
            value.to_string()
        };
        query.push((key.to_string(), value));
    }
    Ok(query)
}

/// Parses `-q key=value` flags into query pairs.
pub fn parse_query(args: &[String]) -> Result<Vec<(String, String)>> {
    args.iter()
        .map(|raw| split_pair(raw, "-q").map(|(k, v)| (k.to_string(), v.to_string())))
        .collect()
}

/// Parses `-H 'Name: value'` flags into header pairs.
pub fn parse_headers(args: &[String]) -> Result<Vec<(String, String)>> {
    args.iter()
        .map(|raw| {
            let (name, value) = raw.split_once(':').ok_or_else(|| {
                Error::usage(format!("header '{raw}' needs a colon: -H 'Name: value'"))
            })?;
            let name = name.trim();
            let valid = !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
            if !valid {
                return Err(Error::usage(format!(
                    "header name '{name}' is not a valid HTTP header name"
                )));
            }
            let value = value.trim();
            if value.chars().any(|c| c == '\r' || c == '\n') {
                return Err(Error::usage(format!(
                    "header '{name}' has a line break in its value"
                )));
            }
            Ok((name.to_string(), value.to_string()))
        })
        .collect()
}

/// Parses JSON text, naming where it came from in the error.
pub fn parse_json(text: &str, source: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(|e| {
        Error::usage(format!(
            "{source} is not valid JSON: {e} (quote it for the shell, e.g. '{{\"content\":\"hi\"}}')"
        ))
    })
}

/// Reads `@file`, `@-` (stdin) or returns the text itself.
pub fn read_source(value: &str, flag: &str) -> Result<String> {
    match value.strip_prefix('@') {
        Some("-") => {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text).map_err(|e| {
                Error::usage(format!("{flag} @-: cannot read stdin as UTF-8 text: {e}"))
            })?;
            Ok(text)
        }
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| Error::usage(format!("{flag} @{path}: cannot read the file: {e}"))),
        None => Ok(value.to_string()),
    }
}

fn split_pair<'a>(raw: &'a str, flag: &str) -> Result<(&'a str, &'a str)> {
    match raw.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key, value)),
        _ => Err(Error::usage(format!(
            "{flag} '{raw}' must look like key=value"
        ))),
    }
}

/// The value of a `-F` field: numbers, booleans, null, JSON arrays and objects, `@file`
/// contents; anything else stays a string.
pub fn typed_value(text: &str) -> Result<Value> {
    match text {
        "true" => return Ok(Value::Bool(true)),
        "false" => return Ok(Value::Bool(false)),
        "null" => return Ok(Value::Null),
        _ => {}
    }
    if text.starts_with('@') {
        return Ok(Value::String(read_source(text, "-F")?));
    }
    if text.starts_with('[') || text.starts_with('{') {
        return parse_json(text, &format!("-F value '{text}'"));
    }
    if let Ok(n) = text.parse::<i64>() {
        return Ok(Value::from(n));
    }
    if let Ok(n) = text.parse::<u64>() {
        return Ok(Value::from(n));
    }
    let digits = text.strip_prefix('-').unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        // A JSON number this big would be sent rounded: refuse rather than change it.
        return Err(Error::usage(format!(
            "-F value {text} is an integer too large to send exactly as a JSON number; use -f to send it as a string"
        )));
    }
    if text.bytes().any(|b| b.is_ascii_digit()) {
        if let Ok(n) = text.parse::<f64>() {
            if n.is_finite() {
                if let Some(num) = serde_json::Number::from_f64(n) {
                    return Ok(Value::Number(num));
                }
            }
        }
    }
    Ok(Value::String(text.to_string()))
}

/// One step of a nested key: `name`, `[3]` or `[]`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum KeyPart {
    Name(String),
    Index(usize),
    Append,
}

/// Splits `embeds[0][title]` into its parts.
fn parse_key(key: &str) -> Result<Vec<KeyPart>> {
    let bad = || {
        Error::usage(format!(
            "field key '{key}' is malformed: use name, name[sub], name[0] or name[]"
        ))
    };
    let (head, mut rest) = match key.find('[') {
        Some(i) => (&key[..i], &key[i..]),
        None => (key, ""),
    };
    if head.is_empty() || head.contains(']') {
        return Err(bad());
    }
    let mut parts = vec![KeyPart::Name(head.to_string())];
    while !rest.is_empty() {
        let inner_end = rest.find(']').ok_or_else(bad)?;
        if !rest.starts_with('[') {
            return Err(bad());
        }
        let inner = &rest[1..inner_end];
        if inner.contains('[') {
            return Err(bad());
        }
        parts.push(if inner.is_empty() {
            KeyPart::Append
        } else if inner.bytes().all(|b| b.is_ascii_digit()) {
            KeyPart::Index(inner.parse().map_err(|_| bad())?)
        } else {
            KeyPart::Name(inner.to_string())
        });
        rest = &rest[inner_end + 1..];
        if parts.len() > MAX_KEY_DEPTH {
            return Err(Error::usage(format!(
                "field key '{}...' nests deeper than {MAX_KEY_DEPTH} levels",
                key.chars().take(40).collect::<String>()
            )));
        }
    }
    Ok(parts)
}

/// How deep a field key may nest; Discord's bodies need a handful of levels.
const MAX_KEY_DEPTH: usize = 32;

/// `-f`/`-F` fields applied one by one onto a body (or an empty object). A field may replace
/// what the body has, but two fields setting the same value, a key used both as a value and
/// as a container, or an index that skips elements, is an error naming the field.
#[derive(Debug, Default)]
pub struct Fields {
    root: Option<Value>,
    /// Concrete paths (`embeds[0].title`) that a field has set.
    set_by_fields: HashSet<String>,
    /// Array elements a `[]` field created, which later `[]` fields may keep filling.
    appended: HashSet<String>,
}

impl Fields {
    /// Fields to be applied onto an existing JSON object body.
    pub fn onto(body: Map<String, Value>) -> Fields {
        Fields {
            root: Some(Value::Object(body)),
            ..Fields::default()
        }
    }

    /// Sets one field; `raw` is the flag as typed, for error messages.
    pub fn set(&mut self, key: &str, value: Value, raw: &str) -> Result<()> {
        let parts = parse_key(key)?;
        let root = self.root.get_or_insert_with(|| Value::Object(Map::new()));
        let mut at = Cursor {
            path: String::new(),
            set_by_fields: &mut self.set_by_fields,
            appended: &mut self.appended,
        };
        at.insert(root, &parts, value)
            .map_err(|why| Error::usage(format!("field '{raw}': {why}")))
    }

    /// The body with every field applied, or `None` when there was neither.
    pub fn into_value(self) -> Option<Value> {
        self.root
    }
}

/// Where [`Fields::set`] is in the body while it descends.
struct Cursor<'a> {
    path: String,
    set_by_fields: &'a mut HashSet<String>,
    appended: &'a mut HashSet<String>,
}

impl Cursor<'_> {
    fn insert(
        &mut self,
        slot: &mut Value,
        parts: &[KeyPart],
        value: Value,
    ) -> std::result::Result<(), String> {
        let Some((first, rest)) = parts.split_first() else {
            return Err("the key is empty".into());
        };
        let here = self.path.clone();
        let container = |slot: &Value, want: &str| {
            format!(
                "'{}' is {} here, not {want}",
                if here.is_empty() { "the body" } else { &here },
                kind(slot)
            )
        };
        match first {
            KeyPart::Name(name) => {
                let Value::Object(map) = slot else {
                    return Err(container(slot, "an object"));
                };
                self.path = join(&here, name);
                if rest.is_empty() {
                    self.claim()?;
                    map.insert(name.clone(), value);
                    return Ok(());
                }
                let child = map
                    .entry(name.clone())
                    .or_insert_with(|| empty_container(&rest[0]));
                self.insert(child, rest, value)
            }
            KeyPart::Index(i) => {
                let Value::Array(items) = slot else {
                    return Err(container(slot, "an array"));
                };
                if *i > items.len() {
                    return Err(format!(
                        "index {i} skips elements: '{here}' has {} so far; use [{}] or []",
                        items.len(),
                        items.len()
                    ));
                }
                self.path = format!("{here}[{i}]");
                if rest.is_empty() {
                    self.claim()?;
                    if *i == items.len() {
                        items.push(value);
                    } else {
                        items[*i] = value;
                    }
                    return Ok(());
                }
                if *i == items.len() {
                    items.push(empty_container(&rest[0]));
                }
                self.insert(&mut items[*i], rest, value)
            }
            KeyPart::Append => {
                let Value::Array(items) = slot else {
                    return Err(container(slot, "an array"));
                };
                if rest.is_empty() {
                    self.path = format!("{here}[{}]", items.len());
                    self.set_by_fields.insert(self.path.clone());
                    items.push(value);
                    return Ok(());
                }
                // `a[][x]=1 a[][y]=2` fills one new object; a repeated `x` starts the next one.
                let last_path = format!("{here}[{}]", items.len().saturating_sub(1));
                let reuse = match (items.last(), &rest[0]) {
                    (Some(Value::Object(last)), KeyPart::Name(n))
                        if self.appended.contains(&last_path) =>
                    {
                        rest.len() > 1 || !last.contains_key(n)
                    }
                    _ => false,
                };
                if !reuse {
                    items.push(empty_container(&rest[0]));
                }
                let last = items.len() - 1;
                self.path = format!("{here}[{last}]");
                self.appended.insert(self.path.clone());
                self.insert(&mut items[last], rest, value)
            }
        }
    }

    /// Takes the current path for a field's value: a clash when another field set it, or
    /// set something inside it.
    fn claim(&mut self) -> std::result::Result<(), String> {
        let path = &self.path;
        if self.set_by_fields.contains(path) {
            return Err(format!("'{path}' is already set by another field"));
        }
        let (inside, inside_index) = (format!("{path}."), format!("{path}["));
        if self
            .set_by_fields
            .iter()
            .any(|p| p.starts_with(&inside) || p.starts_with(&inside_index))
        {
            return Err(format!("'{path}' is already a container of other fields"));
        }
        self.set_by_fields.insert(path.clone());
        Ok(())
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn empty_container(next: &KeyPart) -> Value {
    match next {
        KeyPart::Name(_) => Value::Object(Map::new()),
        KeyPart::Index(_) | KeyPart::Append => Value::Array(Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn args(raw: &[&str], typed: &[&str]) -> BodyArgs {
        BodyArgs {
            raw_fields: raw.iter().map(|s| s.to_string()).collect(),
            fields: typed.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn nested_keys_build_objects_and_arrays() {
        let body = build_body(
            None,
            None,
            &args(
                &["content=hi", "embeds[0][title]=Hi", "tags[]=a", "tags[]=b"],
                &["embeds[0][color]=255", "tts=true", "flags=4096"],
            ),
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            body,
            json!({"content": "hi", "embeds": [{"title": "Hi", "color": 255}],
                   "tags": ["a", "b"], "tts": true, "flags": 4096})
        );
    }

    #[test]
    fn append_objects_fill_then_start_new() {
        let body = build_body(
            None,
            None,
            &args(
                &["f[][name]=a", "f[][value]=1", "f[][name]=b", "f[][value]=2"],
                &[],
            ),
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            body,
            json!({"f": [{"name": "a", "value": "1"}, {"name": "b", "value": "2"}]})
        );
    }

    #[test]
    fn typed_values() {
        assert_eq!(typed_value("12").unwrap(), json!(12));
        assert_eq!(typed_value("1.5").unwrap(), json!(1.5));
        assert_eq!(typed_value("null").unwrap(), Value::Null);
        assert_eq!(typed_value("[1,\"x\"]").unwrap(), json!([1, "x"]));
        assert_eq!(typed_value("hello").unwrap(), json!("hello"));
        assert_eq!(
            typed_value("18446744073709551615").unwrap(),
            json!(u64::MAX)
        );
        assert_eq!(typed_value("inf").unwrap(), json!("inf"));
        assert!(typed_value("{bad").is_err());
    }

    #[test]
    fn clashes_are_errors() {
        assert!(build_body(None, None, &args(&["a=1", "a=2"], &[])).is_err());
        assert!(build_body(None, None, &args(&["a=1", "a[b]=2"], &[])).is_err());
        assert!(build_body(None, None, &args(&["a[b]=1", "a[0]=2"], &[])).is_err());
        assert!(build_body(None, None, &args(&["a[1]=x"], &[])).is_err());
    }

    #[test]
    fn malformed_keys_are_errors() {
        for key in ["[x]=1", "a[b=1", "a]b=1", "a[b]c=1", "=1", "novalue"] {
            assert!(build_body(None, None, &args(&[key], &[])).is_err(), "{key}");
        }
    }

    #[test]
    fn fields_apply_inside_the_bodys_arrays_and_objects() {
        let body = |json: &str, raw: &[&str], typed: &[&str]| {
            build_body(None, Some(json), &args(raw, typed)).map(Option::unwrap)
        };
        // An index reaches into the body's array and keeps the rest of the element.
        assert_eq!(
            body(
                r#"{"embeds":[{"title":"a","color":1}]}"#,
                &["embeds[0][title]=b"],
                &[]
            )
            .unwrap(),
            json!({"embeds": [{"title": "b", "color": 1}]})
        );
        // [] appends to the body's array.
        assert_eq!(
            body(r#"{"tags":["a"]}"#, &["tags[]=b"], &[]).unwrap(),
            json!({"tags": ["a", "b"]})
        );
        // [][name] starts a new element rather than filling the body's last one.
        assert_eq!(
            body(r#"{"f":[{"name":"x"}]}"#, &["f[][value]=1"], &[]).unwrap(),
            json!({"f": [{"name": "x"}, {"value": "1"}]})
        );
        // A field replaces a body value, but cannot treat a string as an object.
        assert_eq!(
            body(r#"{"content":"x"}"#, &["content=y"], &[]).unwrap(),
            json!({"content": "y"})
        );
        let err = body(r#"{"content":"x"}"#, &["content[a]=1"], &[]).unwrap_err();
        assert!(
            err.message
                .contains("'content' is a string here, not an object"),
            "{}",
            err.message
        );
    }

    #[test]
    fn clash_messages_say_what_happened() {
        let err = |raw: &[&str]| build_body(None, None, &args(raw, &[])).unwrap_err().message;
        assert!(err(&["a=1", "a=1"]).contains("already set by another field"));
        assert!(err(&["a[1]=1"]).contains("index 1 skips elements"));
        assert!(err(&["a[b]=1", "a=2"]).contains("container of other fields"));
        assert!(err(&["a[0][x]=1", "a[0]=2"]).contains("container of other fields"));
        let deep = format!("a{}=1", "[0]".repeat(10_000));
        assert!(err(&[deep.as_str()]).contains("nests deeper than"));
        let big = build_body(None, None, &args(&[], &["n=123456789012345678901"])).unwrap_err();
        assert!(big.message.contains("use -f"), "{}", big.message);
    }

    #[test]
    fn fields_merge_into_the_json_argument() {
        let body = build_body(
            None,
            Some(r#"{"content":"x","embed":{"a":1}}"#),
            &args(&["content=y", "embed[b]=2"], &[]),
        )
        .unwrap()
        .unwrap();
        assert_eq!(body, json!({"content": "y", "embed": {"a": 1, "b": "2"}}));
        assert!(build_body(None, Some("[1]"), &args(&["a=1"], &[])).is_err());
        assert!(build_body(None, Some("{oops"), &args(&[], &[])).is_err());
    }

    #[test]
    fn typed_flags_body_takes_fields_inside_it() {
        let typed = json!({"name": "mods", "tags": ["a"]});
        let body = build_body(Some(typed), None, &args(&["tags[]=b"], &["hoist=true"]))
            .unwrap()
            .unwrap();
        assert_eq!(
            body,
            json!({"name": "mods", "tags": ["a", "b"], "hoist": true})
        );
    }

    #[test]
    fn get_fields_become_query_parameters() {
        assert_eq!(
            fields_as_query(&args(&["before=12"], &["limit=5", "with_counts=true"])).unwrap(),
            vec![
                ("before".to_string(), "12".to_string()),
                ("limit".to_string(), "5".to_string()),
                ("with_counts".to_string(), "true".to_string())
            ]
        );
        assert!(fields_as_query(&args(&["a[b]=1"], &[])).is_err());
        assert!(fields_as_query(&args(&[], &["a=[1]"])).is_err());
    }

    #[test]
    fn query_and_headers() {
        assert_eq!(
            parse_query(&["limit=5".into(), "a=b=c".into()]).unwrap(),
            vec![("limit".into(), "5".into()), ("a".into(), "b=c".into())]
        );
        assert!(parse_query(&["nolimit".into()]).is_err());
        assert_eq!(
            parse_headers(&["X-Thing:  v ".into()]).unwrap(),
            vec![("X-Thing".into(), "v".into())]
        );
        assert!(parse_headers(&["Bad Name: v".into()]).is_err());
        assert!(parse_headers(&["novalue".into()]).is_err());
    }
}
