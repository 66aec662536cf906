//! The REST side: what a request is ([`RequestSpec`]), and the client that sends it with auth,
//! rate limits, retries and clear errors.

pub mod body;
pub mod client;
pub mod errors;
pub mod hints;
pub mod invalid;
pub mod multipart;
pub mod paginate;
pub mod ratecache;
pub mod ratelimit;
pub mod retry;
pub mod secrets;
pub mod url;

use std::path::PathBuf;

use serde_json::Value;

pub use discord_protocol::Method;

/// Everything that describes one request, built by the raw commands, the typed endpoints and
/// `batch` alike, and sent by the one client.
#[derive(Debug, Clone)]
pub struct RequestSpec {
    /// The HTTP method.
    pub method: Method,
    /// The path under the API base (`/channels/1/messages`, already percent-encoded where the
    /// user's segments need it), or a full URL under the API base.
    pub path: String,
    /// Query parameters, in order (a key may repeat).
    pub query: Vec<(String, String)>,
    /// Extra headers given by the user.
    pub headers: Vec<(String, String)>,
    /// The JSON body, if any.
    pub body: Option<Value>,
    /// Files to upload as multipart/form-data (with the body as `payload_json`).
    pub files: Vec<PathBuf>,
    /// How the files go out when the endpoint does not take `payload_json` + `files[n]`.
    pub form: Option<multipart::FormLayout>,
    /// Whether uploads get Discord's `attachments` entries in `payload_json` (false where the
    /// operation's `attachments` means something else, or its body has no such field).
    pub attachment_entries: bool,
    /// The audit log reason (sent as `X-Audit-Log-Reason`).
    pub reason: Option<String>,
    /// Whether to send the token (false for e.g. executing a webhook by its token).
    pub auth: bool,
    /// With `auth`: whether the request may also go without a token when there is none
    /// (Discord answers e.g. `GET /gateway` and `GET /invites/{code}` unauthenticated).
    pub auth_optional: bool,
}

impl RequestSpec {
    /// A request with no body, query or headers.
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        RequestSpec {
            method,
            path: path.into(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            files: Vec::new(),
            form: None,
            attachment_entries: true,
            reason: None,
            auth: true,
            auth_optional: false,
        }
    }
}

pub use client::{Client, Download, Response};
