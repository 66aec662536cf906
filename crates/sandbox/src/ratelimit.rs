//! The sandbox's rate limits, shaped like Discord's: per-route buckets per top-level resource
//! with `X-RateLimit-*` headers on every answer, a global per-token limit, and 429s for a client
//! that goes too fast. Windows can be scaled down so tests run quickly while still enforced.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// One bucket's definition.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BucketRule {
    /// The bucket id sent in `X-RateLimit-Bucket`.
    pub name: &'static str,
    /// Requests per window.
    pub limit: u32,
    /// Window length in seconds (before scaling).
    pub window: f64,
}

/// Which bucket a route falls in (segments of the API path, method).
pub fn rule_for(method: &str, segments: &[&str]) -> BucketRule {
    let rule = |name, limit, window| BucketRule {
        name,
        limit,
        window,
    };
    match (method, segments) {
        ("POST", ["channels", _, "messages"]) => rule("f4d6a1c2message-create", 5, 5.0),
        ("DELETE", ["channels", _, "messages", _]) => rule("9b1e3c7amessage-delete", 5, 1.0),
        ("PUT" | "DELETE", ["channels", _, "messages", _, "reactions", ..]) => {
            rule("0a7d5e11reactions", 1, 0.25)
        }
        ("POST", ["webhooks", _, _]) => rule("6c2f0b94webhook-exec", 5, 2.0),
        ("PATCH", ["channels", _]) => rule("3e8b1d60channel-edit", 2, 600.0),
        _ => rule("1d9c4f22default", 50, 1.0),
    }
}

/// What a request was allowed or refused.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// The bucket's headers to send.
    pub headers: Vec<(String, String)>,
    /// When refused: seconds to wait and whether the global limit refused it.
    pub refused: Option<(f64, bool)>,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    start: Instant,
    used: u32,
}

/// All buckets; `scale` multiplies every route's window, `enabled: false` allows everything.
/// The global limit is `global_limit` per real second, unscaled, like a limit Discord raised.
#[derive(Debug)]
pub struct Limits {
    scale: f64,
    enabled: bool,
    global_limit: u32,
    windows: Mutex<HashMap<String, Window>>,
}

impl Limits {
    /// Limits with route windows multiplied by `scale` (1.0 = Discord's) and `global_limit`
    /// requests a second in all.
    pub fn new(scale: f64, enabled: bool, global_limit: u32) -> Limits {
        Limits {
            scale: if scale.is_finite() && scale > 0.0 {
                scale
            } else {
                1.0
            },
            enabled,
            global_limit: global_limit.max(1),
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a request on its bucket (and the global one) and says whether it may proceed.
    pub fn check(&self, method: &str, segments: &[&str], token_key: &str) -> Verdict {
        let rule = rule_for(method, segments);
        let major = match segments {
            ["channels" | "guilds", id, ..] => format!("{}/{id}", segments[0]),
            ["webhooks", id, token, ..] => format!("webhooks/{id}/{token}"),
            ["webhooks", id] => format!("webhooks/{id}"),
            _ => String::new(),
        };
        let window = rule.window * self.scale;
        let now = Instant::now();
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let bucket_key = format!("{}:{major}", rule.name);
        let global_key = format!("global:{token_key}");
        let global_window = 1.0;

        let roll = |w: &mut Window, length: f64| {
            if now.duration_since(w.start).as_secs_f64() >= length {
                w.start = now;
                w.used = 0;
            }
        };
        let mut global = *windows.entry(global_key.clone()).or_insert(Window {
            start: now,
            used: 0,
        });
        roll(&mut global, global_window);
        let mut bucket = *windows.entry(bucket_key.clone()).or_insert(Window {
            start: now,
            used: 0,
        });
        roll(&mut bucket, window);

        let bucket_left =
            |w: &Window| (window - now.duration_since(w.start).as_secs_f64()).max(0.0);
        let refused = if !self.enabled {
            None
        } else if global.used >= self.global_limit {
            Some((
                (global_window - now.duration_since(global.start).as_secs_f64()).max(0.001),
                true,
            ))
        } else if bucket.used >= rule.limit {
            Some((bucket_left(&bucket).max(0.001), false))
        } else {
            global.used += 1;
            bucket.used += 1;
            None
        };
        windows.insert(global_key, global);
        windows.insert(bucket_key, bucket);
        if windows.len() > 50_000 {
            windows.clear();
        }
        let reset_after = bucket_left(&bucket);
        let reset_at = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0)
            + reset_after;
        Verdict {
            headers: vec![
                ("X-RateLimit-Limit".into(), rule.limit.to_string()),
                (
                    "X-RateLimit-Remaining".into(),
                    rule.limit.saturating_sub(bucket.used).to_string(),
                ),
                ("X-RateLimit-Reset".into(), format!("{reset_at:.3}")),
                (
                    "X-RateLimit-Reset-After".into(),
                    format!("{reset_after:.3}"),
                ),
                ("X-RateLimit-Bucket".into(), rule.name.to_string()),
            ],
            refused,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use discord_protocol::GLOBAL_PER_SECOND as GLOBAL_LIMIT;

    #[test]
    fn message_create_allows_five_per_channel() {
        let limits = Limits::new(1.0, true, GLOBAL_LIMIT);
        let seg = ["channels", "1", "messages"];
        for _ in 0..5 {
            assert!(limits.check("POST", &seg, "t").refused.is_none());
        }
        let v = limits.check("POST", &seg, "t");
        let (wait, global) = v.refused.unwrap();
        assert!(!global && wait > 4.0 && wait <= 5.0);
        assert!(v
            .headers
            .contains(&("X-RateLimit-Remaining".into(), "0".into())));
        // Another channel has its own bucket.
        assert!(limits
            .check("POST", &["channels", "2", "messages"], "t")
            .refused
            .is_none());
    }

    #[test]
    fn global_limit_and_disabled() {
        let limits = Limits::new(1.0, true, GLOBAL_LIMIT);
        for i in 0..GLOBAL_LIMIT {
            let id = i.to_string();
            assert!(limits
                .check("GET", &["channels", &id], "t")
                .refused
                .is_none());
        }
        assert_eq!(
            limits
                .check("GET", &["users", "@me"], "t")
                .refused
                .map(|r| r.1),
            Some(true)
        );
        let off = Limits::new(1.0, false, GLOBAL_LIMIT);
        for _ in 0..100 {
            assert!(off
                .check("POST", &["channels", "1", "messages"], "t")
                .refused
                .is_none());
        }
    }
}
