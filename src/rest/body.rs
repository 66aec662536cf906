//! Request bodies and parameters from the command line: a JSON argument or `--data`
//! (`@file`, `@-`), `-f`/`-F` fields with nested keys merged into it, `-q` query parameters and
//! `-H` headers. Everything is checked before anything is sent.

use std::io::Read;

use serde_json::{Map, Value};

use crate::cli::RequestArgs;
use crate::{Error, Result};

/// Builds the JSON body from an optional positional JSON argument and the request flags.
/// Returns `None` when nothing describes a body.
pub fn build_body(positional: Option<&str>, args: &RequestArgs) -> Result<Option<Value>> {
    let base = match (positional, args.data.as_deref()) {
        (Some(_), Some(_)) => {
            return Err(Error::usage(
                "give the body once: either as the JSON argument or with --data, not both",
            ))
        }
        (Some(text), None) => Some(parse_json(text, "the JSON argument")?),
        (None, Some(data)) => Some(parse_json(&read_source(data, "--data")?, "--data")?),
        (None, None) => None,
    };
    let mut fields = Fields::default();
    for raw in &args.raw_fields {
        let (key, value) = split_pair(raw, "-f")?;
        fields.set(key, Value::String(value.to_string()), raw)?;
    }
    for raw in &args.fields {
        let (key, value) = split_pair(raw, "-F")?;
        fields.set(key, typed_value(value)?, raw)?;
    }
    let Some(fields) = fields.into_value() else {
        return Ok(base);
    };
    match base {
        None => Ok(Some(fields)),
        Some(Value::Object(mut object)) => {
            if let Value::Object(extra) = fields {
                merge_into(&mut object, extra);
            }
            Ok(Some(Value::Object(object)))
        }
        Some(_) => Err(Error::usage(
            "fields (-f/-F) can only be merged into a JSON object body, not an array or scalar",
        )),
    }
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
    }
    Ok(parts)
}

/// Fields collected from `-f`/`-F`, built into one JSON object. Setting the same leaf twice, or
/// using one key both as a value and as a container, is a clash.
#[derive(Debug, Default)]
pub struct Fields {
    root: Option<Value>,
}

impl Fields {
    /// Sets one field; `raw` is the flag as typed, for error messages.
    pub fn set(&mut self, key: &str, value: Value, raw: &str) -> Result<()> {
        let parts = parse_key(key)?;
        let root = self.root.get_or_insert_with(|| Value::Object(Map::new()));
        insert(root, &parts, value).map_err(|()| {
            Error::usage(format!(
                "field '{raw}' clashes with another field that sets '{key}' differently"
            ))
        })
    }

    /// The collected object, or `None` when no field was set.
    pub fn into_value(self) -> Option<Value> {
        self.root
    }
}

fn insert(slot: &mut Value, parts: &[KeyPart], value: Value) -> std::result::Result<(), ()> {
    let Some((first, rest)) = parts.split_first() else {
        return Err(());
    };
    match first {
        KeyPart::Name(name) => {
            let Value::Object(map) = slot else {
                return Err(());
            };
            if rest.is_empty() {
                if map.contains_key(name) {
                    return Err(());
                }
                map.insert(name.clone(), value);
                return Ok(());
            }
            let child = map
                .entry(name.clone())
                .or_insert_with(|| empty_container(&rest[0]));
            insert(child, rest, value)
        }
        KeyPart::Index(i) => {
            let Value::Array(items) = slot else {
                return Err(());
            };
            if *i > items.len() {
                return Err(());
            }
            if rest.is_empty() {
                if *i < items.len() {
                    return Err(());
                }
                items.push(value);
                return Ok(());
            }
            if *i == items.len() {
                items.push(empty_container(&rest[0]));
            }
            insert(&mut items[*i], rest, value)
        }
        KeyPart::Append => {
            let Value::Array(items) = slot else {
                return Err(());
            };
            if rest.is_empty() {
                items.push(value);
                return Ok(());
            }
            // `a[][x]=1 a[][y]=2` fills one object; a repeated `x` starts the next one.
            let reuse = match (items.last(), &rest[0]) {
                (Some(Value::Object(last)), KeyPart::Name(n)) if rest.len() == 1 => {
                    !last.contains_key(n)
                }
                (Some(Value::Object(_)), KeyPart::Name(_)) => true,
                _ => false,
            };
            if !reuse {
                items.push(empty_container(&rest[0]));
            }
            let last = items.len() - 1;
            insert(&mut items[last], rest, value)
        }
    }
}

fn empty_container(next: &KeyPart) -> Value {
    match next {
        KeyPart::Name(_) => Value::Object(Map::new()),
        KeyPart::Index(_) | KeyPart::Append => Value::Array(Vec::new()),
    }
}

/// Deep-merges `extra` into `base`; fields win over the body they are merged into.
fn merge_into(base: &mut Map<String, Value>, extra: Map<String, Value>) {
    for (key, value) in extra {
        match (base.get_mut(&key), value) {
            (Some(Value::Object(inner)), Value::Object(more)) => merge_into(inner, more),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn args(raw: &[&str], typed: &[&str]) -> RequestArgs {
        RequestArgs {
            raw_fields: raw.iter().map(|s| s.to_string()).collect(),
            fields: typed.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn nested_keys_build_objects_and_arrays() {
        let body = build_body(
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
        assert!(build_body(None, &args(&["a=1", "a=2"], &[])).is_err());
        assert!(build_body(None, &args(&["a=1", "a[b]=2"], &[])).is_err());
        assert!(build_body(None, &args(&["a[b]=1", "a[0]=2"], &[])).is_err());
        assert!(build_body(None, &args(&["a[1]=x"], &[])).is_err());
    }

    #[test]
    fn malformed_keys_are_errors() {
        for key in ["[x]=1", "a[b=1", "a]b=1", "a[b]c=1", "=1", "novalue"] {
            assert!(build_body(None, &args(&[key], &[])).is_err(), "{key}");
        }
    }

    #[test]
    fn fields_merge_into_the_json_argument() {
        let body = build_body(
            Some(r#"{"content":"x","embed":{"a":1}}"#),
            &args(&["content=y", "embed[b]=2"], &[]),
        )
        .unwrap()
        .unwrap();
        assert_eq!(body, json!({"content": "y", "embed": {"a": 1, "b": "2"}}));
        assert!(build_body(Some("[1]"), &args(&["a=1"], &[])).is_err());
        assert!(build_body(Some("{oops"), &args(&[], &[])).is_err());
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
