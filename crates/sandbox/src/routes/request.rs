//! What the router reads off a request before a handler runs (the JSON body, from JSON or
//! multipart) and what it writes to the request log afterwards.

use serde_json::{json, Map, Value};

use super::reply::error;
use crate::http::{Request, Response};
use crate::multipart::{self, Part};

/// The JSON body, from JSON or from a multipart body's `payload_json`, with the files;
/// files over Discord's [`UPLOAD_LIMIT`] are refused.
pub fn parse_body(req: &Request) -> Result<(Value, Vec<Part>), Response> {
    let content_type = req.header("content-type").unwrap_or("");
    if let Some(boundary) = multipart::boundary(content_type) {
        let parts = multipart::parse(&req.body, &boundary)
            .ok_or_else(|| error(400, 50035, "Invalid Form Body"))?;
        let mut body = Value::Object(Map::new());
        let mut files = Vec::new();
        for part in parts {
            if part.name == "payload_json" {
                body = serde_json::from_slice(&part.data)
                    .map_err(|_| error(400, 50109, "The request body contains invalid JSON."))?;
            } else {
                files.push(part);
            }
        }
        if files.iter().map(|f| f.data.len()).sum::<usize>() > UPLOAD_LIMIT {
            return Err(error(413, 40005, "Request entity too large"));
        }
        return Ok((body, files));
    }
    if req.body.is_empty() {
        return Ok((Value::Object(Map::new()), Vec::new()));
    }
    if !content_type
        .to_ascii_lowercase()
        .starts_with("application/json")
    {
        return Err(error(400, 50035, "Invalid Form Body"));
    }
    let body = serde_json::from_slice(&req.body)
        .map_err(|_| error(400, 50109, "The request body contains invalid JSON."))?;
    Ok((body, Vec::new()))
}

/// The request log's entry for one API request: never the token.
pub fn log_entry(req: &Request, api_path: &str, response: &Response) -> Value {
    let mut headers = Map::new();
    for (name, value) in &req.headers {
        let value = if name == "authorization" {
            "<present>".to_string()
        } else {
            value.clone()
        };
        headers.insert(name.clone(), Value::String(value));
    }
    let mut query = Map::new();
    for (k, v) in &req.query {
        query.insert(k.clone(), Value::String(v.clone()));
    }
    let query_pairs: Vec<Value> = req.query.iter().map(|(k, v)| json!([k, v])).collect();
    let content_type = req.header("content-type").unwrap_or("");
    let (body, parts) = match multipart::boundary(content_type) {
        Some(b) => {
            let parts = multipart::parse(&req.body, &b).unwrap_or_default();
            let body = parts
                .iter()
                .find(|p| p.name == "payload_json")
                .and_then(|p| serde_json::from_slice(&p.data).ok())
                .unwrap_or(Value::Null);
            let listed: Vec<Value> = parts
                .iter()
                .map(|p| json!({"name": p.name, "filename": p.filename, "content_type": p.content_type, "size": p.data.len()}))
                .collect();
            (body, Value::Array(listed))
        }
        None => (
            serde_json::from_slice(&req.body).unwrap_or(Value::Null),
            Value::Null,
        ),
    };
    json!({"method": req.method, "path": api_path, "query": query, "query_pairs": query_pairs, "headers": headers,
           "auth_scheme": auth_scheme(req.header("authorization")),
           "body": body, "multipart": parts, "status": response.status})
}

/// The scheme of an `Authorization` header (`Bot`, `Bearer`), never the credentials: `null`
/// without the header, `"<other>"` for anything else (whose first word could be a token).
fn auth_scheme(header: Option<&str>) -> Value {
    let Some(value) = header else {
        return Value::Null;
    };
    let first = value.split(' ').next().unwrap_or("");
    match first {
        "Bot" | "Bearer" if value.len() > first.len() => json!(first),
        _ => json!("<other>"),
    }
}

/// Discord's upload limit for a bot: 10 MiB of files per request (Uploading Files: "the
/// default file size limit is 10 MiB"); more is answered with 413 and code 40005.
pub const UPLOAD_LIMIT: usize = 10 * 1024 * 1024;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_scheme_never_shows_credentials() {
        assert_eq!(auth_scheme(Some("Bot abc.def")), json!("Bot"));
        assert_eq!(auth_scheme(Some("Bearer xyz")), json!("Bearer"));
        assert_eq!(auth_scheme(Some("abc.def")), json!("<other>"));
        assert_eq!(auth_scheme(Some("Bot")), json!("<other>"));
        assert_eq!(auth_scheme(None), Value::Null);
    }
}
