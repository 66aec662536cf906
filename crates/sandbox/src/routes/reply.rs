//! Answers and checks every handler shares: Discord's error shapes (unknown ids, field errors
//! nested as Discord nests them), query parameters (`limit`, snowflakes) and success answers.

use serde_json::{json, Map, Value};

use super::Ctx;
use crate::http::Response;

/// A handler's outcome: an answer, or an error answer.
pub type Reply = Result<Response, Response>;

/// Discord's error JSON.
pub fn error(status: u16, code: u64, message: &str) -> Response {
    Response::json(status, &json!({"message": message, "code": code}))
}

/// The 404 for a route that does not exist.
pub fn not_found() -> Response {
    error(404, 0, "404: Not Found")
}

/// The 404 for an id that does not exist, with Discord's message and code.
pub fn unknown(what: &str) -> Response {
    let code = match what {
        "Channel" => 10003,
        "Guild" => 10004,
        "Invite" => 10006,
        "Member" => 10007,
        "Message" => 10008,
        "Role" => 10011,
        "User" => 10013,
        "Emoji" => 10014,
        "Overwrite" => 10009,
        "Webhook" => 10015,
        "Ban" => 10026,
        _ => 0,
    };
    error(404, code, &format!("Unknown {what}"))
}

/// A 400 Invalid Form Body with one field error in Discord's nested shape.
pub fn field_error(field: &str, code: &str, message: &str) -> Response {
    let mut errors = FormErrors::default();
    errors.push(field, code, message);
    errors.response()
}

/// Field errors collected over a whole body, answered together as Discord does: one 400
/// Invalid Form Body (50035) whose `errors` object nests each field's path (`embeds.0.title`).
#[derive(Debug, Default)]
pub struct FormErrors {
    errors: Vec<(String, String, String)>,
}

impl FormErrors {
    /// Adds an error for a dotted field path.
    pub fn push(&mut self, field: &str, code: &str, message: &str) {
        self.errors
            .push((field.to_string(), code.to_string(), message.to_string()));
    }

    /// Whether nothing was wrong.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// `Ok` when empty, else the 400 answer.
    pub fn result(self) -> Result<(), Response> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self.response())
        }
    }

    /// The 400 answer with every error in the nested shape.
    pub fn response(&self) -> Response {
        let mut root = Map::new();
        for (field, code, message) in &self.errors {
            let path: Vec<&str> = field.split('.').collect();
            insert_error(&mut root, &path, json!({"code": code, "message": message}));
        }
        Response::json(
            400,
            &json!({"code": 50035, "message": "Invalid Form Body", "errors": root}),
        )
    }

    /// Checks a string field of `body` if present and not null: a string, `min..=max`
    /// characters long.
    pub fn string(&mut self, body: &Value, field: &str, min: usize, max: usize) {
        let Some(value) = body.get(field).filter(|v| !v.is_null()) else {
            return;
        };
        self.string_value(value, field, min, max);
    }

    /// Checks one value that must be a string of `min..=max` characters.
    pub fn string_value(&mut self, value: &Value, field: &str, min: usize, max: usize) {
        let Some(text) = value.as_str() else {
            self.push(
                field,
                "BASE_TYPE_STRING",
                &format!("Could not interpret {} as string.", shown(value)),
            );
            return;
        };
        let len = text.chars().count();
        if min > 0 && len < min {
            self.push(
                field,
                "BASE_TYPE_BAD_LENGTH",
                &format!("Must be between {min} and {max} in length."),
            );
        } else if len > max {
            let message = if min > 0 {
                format!("Must be between {min} and {max} in length.")
            } else {
                format!("Must be {max} or fewer in length.")
            };
            let code = if min > 0 {
                "BASE_TYPE_BAD_LENGTH"
            } else {
                "BASE_TYPE_MAX_LENGTH"
            };
            self.push(field, code, &message);
        }
    }
}

/// Puts one error under `path` in a nested `errors` object, creating the levels on the way.
fn insert_error(node: &mut Map<String, Value>, path: &[&str], error: Value) {
    match path.split_first() {
        None => {
            let list = node
                .entry("_errors".to_string())
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(items) = list {
                items.push(error);
            }
        }
        Some((key, rest)) => {
            let entry = node
                .entry((*key).to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            if !entry.is_object() {
                *entry = Value::Object(Map::new());
            }
            if let Value::Object(next) = entry {
                insert_error(next, rest, error);
            }
        }
    }
}

/// A value as Discord quotes it in type errors: `"5"`, `"[1, 2]"`.
fn shown(value: &Value) -> String {
    let text = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    format!("\"{}\"", text.chars().take(100).collect::<String>())
}

/// Checks that a string field of the body, if present, is a string of at most `max`
/// characters.
pub fn max_len(ctx: &Ctx, field: &str, max: usize) -> Result<(), Response> {
    let mut errors = FormErrors::default();
    errors.string(&ctx.body, field, 0, max);
    errors.result()
}

/// Parses a snowflake path segment, answering 404 for `what` when it is not one.
pub fn id(segment: &str, what: &str) -> Result<u64, Response> {
    segment.parse::<u64>().map_err(|_| unknown(what))
}

/// `limit` from the query: an integer (else `Value "abc" is not int.`), checked against
/// `1..=max` with Discord's messages.
pub fn limit(ctx: &Ctx, default: u64, max: u64) -> Result<u64, Response> {
    let Some(v) = ctx.req.query("limit") else {
        return Ok(default);
    };
    let Ok(n) = v.trim().parse::<i64>() else {
        return Err(field_error(
            "limit",
            "NUMBER_TYPE_COERCE",
            &format!("Value \"{v}\" is not int."),
        ));
    };
    if n < 1 {
        return Err(field_error(
            "limit",
            "NUMBER_TYPE_MIN",
            "int value should be greater than or equal to 1.",
        ));
    }
    if n as u64 > max {
        return Err(field_error(
            "limit",
            "NUMBER_TYPE_MAX",
            &format!("int value should be less than or equal to {max}."),
        ));
    }
    Ok(n as u64)
}

/// A snowflake query parameter (`before`, `after`, `around`).
pub fn query_id(ctx: &Ctx, key: &str) -> Result<Option<u64>, Response> {
    match ctx.req.query(key) {
        None => Ok(None),
        Some(v) => v.parse::<u64>().map(Some).map_err(|_| {
            field_error(
                key,
                "NUMBER_TYPE_COERCE",
                &format!("Value \"{v}\" is not snowflake."),
            )
        }),
    }
}

/// `200` with a JSON value.
pub fn ok(value: Value) -> Reply {
    Ok(Response::json(200, &value))
}

/// `204 No Content`.
pub fn done() -> Reply {
    Ok(Response::no_content())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_field_errors() {
        let r = field_error("embeds.0.title", "X", "bad");
        let v: Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(
            v["errors"]["embeds"]["0"]["title"]["_errors"][0]["message"],
            "bad"
        );
    }

    #[test]
    fn form_errors_merge_into_one_nested_object() {
        let mut errors = FormErrors::default();
        errors.string(&json!({"content": 5}), "content", 0, 2000);
        errors.push("embeds.0.title", "BASE_TYPE_MAX_LENGTH", "long");
        errors.push("embeds.0.description", "BASE_TYPE_MAX_LENGTH", "longer");
        errors.string(&json!({"name": null}), "name", 1, 100);
        let v: Value = serde_json::from_slice(&errors.response().body).unwrap();
        assert_eq!(v["code"], 50035);
        assert_eq!(
            v["errors"]["content"]["_errors"][0],
            json!({"code": "BASE_TYPE_STRING", "message": "Could not interpret \"5\" as string."})
        );
        assert_eq!(
            v["errors"]["embeds"]["0"]["title"]["_errors"][0]["message"],
            "long"
        );
        assert_eq!(
            v["errors"]["embeds"]["0"]["description"]["_errors"][0]["message"],
            "longer"
        );
        assert!(v["errors"].get("name").is_none());
        assert!(FormErrors::default().result().is_ok());
    }
}
