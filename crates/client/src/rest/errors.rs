//! Turning Discord's error bodies into the one-line messages scripts rely on:
//! `404 Not Found: Unknown Channel (10003)`, then one line per field error from the nested
//! `errors` object (`content: Must be 2000 or fewer in length.`).

use serde_json::Value;

use crate::{Error, ErrorKind};

/// Builds the error for an HTTP status >= 400 and its body.
pub fn api_error(status: u16, body: &[u8]) -> Error {
    let reason = reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    let head = if reason.is_empty() {
        status.to_string()
    } else {
        format!("{status} {reason}")
    };
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let (message, details) = match &parsed {
        Some(json @ Value::Object(_)) => {
            let msg = json.get("message").and_then(Value::as_str);
            let code = json.get("code").and_then(Value::as_i64);
            let message = match (msg, code) {
                (Some(m), Some(c)) => format!("{head}: {} ({c})", one_line(m)),
                (Some(m), None) => format!("{head}: {}", one_line(m)),
                (None, Some(c)) => format!("{head} ({c})"),
                (None, None) => head.clone(),
            };
            let mut details = Vec::new();
            if let Some(errors) = json.get("errors") {
                field_errors(errors, &mut String::new(), &mut details);
            }
            (message, details)
        }
        _ => {
            let text = String::from_utf8_lossy(body);
            let snippet = one_line(text.trim());
            if snippet.is_empty() {
                (head, Vec::new())
            } else {
                let short: String = snippet.chars().take(120).collect();
                (format!("{head}: {short}"), Vec::new())
            }
        }
    };
    Error::new(ErrorKind::Api, message).with_details(details)
}

/// Walks Discord's nested `errors` object; leaves are `{"_errors": [{code, message}]}`.
pub fn field_errors(node: &Value, path: &mut String, out: &mut Vec<String>) {
    // Bound the walk: a hostile body must not make us print forever.
    if out.len() >= 50 || path.len() > 512 {
        return;
    }
    let Value::Object(map) = node else {
        return;
    };
    for (key, value) in map {
        if key == "_errors" {
            if let Value::Array(items) = value {
                for item in items {
                    let msg = item
                        .get("message")
                        .and_then(Value::as_str)
                        .map(one_line)
                        .unwrap_or_else(|| one_line(&item.to_string()));
                    let where_ = if path.is_empty() {
                        "body"
                    } else {
                        path.as_str()
                    };
                    out.push(format!("{where_}: {msg}"));
                }
            }
            continue;
        }
        let len = path.len();
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(key);
        field_errors(value, path, out);
        path.truncate(len);
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discord_error_with_code() {
        let e = api_error(404, br#"{"message": "Unknown Channel", "code": 10003}"#);
        assert_eq!(e.to_string(), "404 Not Found: Unknown Channel (10003)");
        assert_eq!(e.kind, ErrorKind::Api);
    }

    #[test]
    fn nested_field_errors_one_per_line() {
        let body = br#"{"code": 50035, "message": "Invalid Form Body", "errors": {
            "content": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 2000 or fewer in length."}]},
            "embeds": {"0": {"title": {"_errors": [{"code": "X", "message": "Too long."}]}}},
            "_errors": [{"code": "Y", "message": "Whole body bad."}]}}"#;
        let e = api_error(400, body);
        assert_eq!(e.message, "400 Bad Request: Invalid Form Body (50035)");
        assert_eq!(
            e.details,
            vec![
                "content: Must be 2000 or fewer in length.",
                "embeds.0.title: Too long.",
                "body: Whole body bad."
            ]
        );
    }

    #[test]
    fn non_json_and_empty_bodies() {
        assert_eq!(api_error(502, b"").to_string(), "502 Bad Gateway");
        assert_eq!(
            api_error(502, b"<html>\n bad\n gateway</html>").to_string(),
            "502 Bad Gateway: <html> bad gateway</html>"
        );
        assert_eq!(
            api_error(400, b"[1,2]").to_string(),
            "400 Bad Request: [1,2]"
        );
        assert_eq!(api_error(599, b"{}").to_string(), "599");
    }

    #[test]
    fn hostile_errors_are_bounded() {
        let mut deep = String::new();
        for _ in 0..200 {
            deep.push_str("{\"a\":");
        }
        deep.push_str("{\"_errors\":[{\"message\":\"x\"}]}");
        for _ in 0..200 {
            deep.push('}');
        }
        let body = format!("{{\"message\":\"m\",\"errors\":{deep}}}");
        let e = api_error(400, body.as_bytes());
        assert!(e.details.len() <= 50);
    }
}
