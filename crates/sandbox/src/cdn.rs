//! The sandbox's CDN: uploaded attachments served back under `/cdn/attachments/C/A/NAME` with
//! signed, expiring URLs shaped like Discord's (`?ex=` expiry in hex Unix seconds, `is=` issue
//! time, `hm=` signature; docs: "Reference > Signed Attachment CDN URLs"), and Discord's
//! `POST /attachments/refresh-urls`, which hands out fresh URLs for expired ones.
//!
//! The signature is a keyed hash with a per-process key: enough for a stand-in to refuse an
//! edited or expired URL, not a cryptographic guarantee.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

use serde_json::{json, Value};

use crate::http::Response;

/// How long a new attachment URL is valid by default, as on Discord: 24 hours.
const DEFAULT_TTL_SECONDS: u64 = 24 * 60 * 60;

/// Stored files and the URL signing state.
#[derive(Debug)]
pub struct Cdn {
    base: OnceLock<String>,
    files: Mutex<HashMap<String, Vec<u8>>>,
    ttl_seconds: AtomicU64,
    key: u64,
}

impl Default for Cdn {
    fn default() -> Self {
        Cdn {
            base: OnceLock::new(),
            files: Mutex::new(HashMap::new()),
            ttl_seconds: AtomicU64::new(DEFAULT_TTL_SECONDS),
            key: fastrand::u64(..),
        }
    }
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Cdn {
    /// Sets where the CDN is served (`http://127.0.0.1:PORT/cdn`), once the port is known.
    pub fn set_base(&self, base: String) {
        let _ = self.base.set(base);
    }

    /// How long URLs of new uploads stay valid (0: born expired, for tests of refreshing).
    pub fn set_ttl(&self, seconds: u64) {
        self.ttl_seconds.store(seconds, Ordering::Relaxed);
    }

    /// Stores an upload and returns its signed URL.
    pub fn store(
        &self,
        channel_id: u64,
        attachment_id: u64,
        filename: &str,
        data: Vec<u8>,
    ) -> String {
        let name: String = filename
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let path = format!("attachments/{channel_id}/{attachment_id}/{name}");
        self.files
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(path.clone(), data);
        self.url(&path, now() + self.ttl_seconds.load(Ordering::Relaxed))
    }

    fn url(&self, path: &str, expires: u64) -> String {
        let issued = now();
        let base = self
            .base
            .get()
            .map_or("http://127.0.0.1/cdn", String::as_str);
        format!(
            "{base}/{path}?ex={expires:x}&is={issued:x}&hm={:016x}&",
            self.sign(path, expires)
        )
    }

    fn sign(&self, path: &str, expires: u64) -> u64 {
        let mut h = DefaultHasher::new();
        (self.key, path, expires).hash(&mut h);
        h.finish()
    }

    /// Serves `GET /cdn/PATH?ex=..&hm=..`: the file if the URL is signed and not expired,
    /// else 404 as Discord's CDN answers.
    pub fn serve(&self, path: &str, query: &[(String, String)]) -> Response {
        let param = |k: &str| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        let expires = param("ex").and_then(|e| u64::from_str_radix(e, 16).ok());
        let signature = param("hm").and_then(|h| u64::from_str_radix(h, 16).ok());
        let valid = match (expires, signature) {
            (Some(ex), Some(hm)) => ex > now() && hm == self.sign(path, ex),
            _ => false,
        };
        let files = self.files.lock().unwrap_or_else(|p| p.into_inner());
        match files.get(path) {
            Some(data) if valid => Response {
                status: 200,
                body: data.clone(),
                ..Response::no_content()
            }
            .with_header("Content-Type", "application/octet-stream"),
            _ => Response {
                status: 404,
                body: b"This content is no longer available.".to_vec(),
                ..Response::no_content()
            },
        }
    }

    /// `POST /attachments/refresh-urls`: fresh URLs (valid 24 h) for the given ones, which
    /// must be this CDN's (the signature may have expired, but not be forged).
    pub fn refresh(&self, body: &Value) -> Result<Value, Response> {
        let Some(urls) = body.get("attachment_urls").and_then(Value::as_array) else {
            return Err(crate::routes::field_error(
                "attachment_urls",
                "BASE_TYPE_REQUIRED",
                "This field is required",
            ));
        };
        if urls.len() > 50 {
            return Err(crate::routes::field_error(
                "attachment_urls",
                "BASE_TYPE_MAX_LENGTH",
                "Must be 50 or fewer in length.",
            ));
        }
        let base = self.base.get().cloned().unwrap_or_default();
        let files = self.files.lock().unwrap_or_else(|p| p.into_inner());
        let mut refreshed = Vec::new();
        for url in urls.iter().filter_map(Value::as_str) {
            let path = url
                .strip_prefix(&base)
                .map(|p| p.trim_start_matches('/'))
                .map(|p| p.split('?').next().unwrap_or(p));
            if let Some(path) = path.filter(|p| files.contains_key(*p)) {
                let fresh = self.url(path, now() + DEFAULT_TTL_SECONDS);
                refreshed.push(json!({"original": url, "refreshed": fresh}));
            }
        }
        Ok(json!({ "refreshed_urls": refreshed }))
    }
}
