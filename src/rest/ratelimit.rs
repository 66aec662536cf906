//! Discord's REST rate limits, kept apart from the transport: the client asks [`RateLimiter`]
//! how long to wait before a request and reports each response's `X-RateLimit-*` headers back.
//! Buckets are learnt from the headers (never hard-coded), keyed by the bucket id plus the
//! route's top-level resource (channel, guild, webhook), as Discord's docs describe. The state
//! is plain data with epoch-second times, so it can be shared between threads (`batch`) and
//! kept between invocations.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// Requests per second Discord allows a bot across all routes.
pub const GLOBAL_PER_SECOND: u32 = 50;

/// Seconds since the Unix epoch, as a float.
pub fn now_epoch() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

/// A request's identity for rate limiting: the route with minor ids blanked, and its
/// top-level resource (`channels/123`), since buckets are per resource.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RouteKey {
    /// `POST channels/:major/messages/:id` style route.
    pub route: String,
    /// The top-level resource, e.g. `channels/123` (empty when the route has none).
    pub major: String,
}

impl RouteKey {
    /// Derives the key from a method and an API path (the part after the API base, no query).
    pub fn new(method: &str, path: &str) -> RouteKey {
        let segments: Vec<&str> = path
            .split('?')
            .next()
            .unwrap_or("")
            .split('/')
            .filter(|s| !s.is_empty())
            .collect();
        let mut route = String::from(method);
        let mut major = String::new();
        let mut i = 0;
        while i < segments.len() {
            let seg = segments[i];
            route.push(' ');
            let prev = if i > 0 { segments[i - 1] } else { "" };
            if i == 1 && matches!(prev, "channels" | "guilds" | "webhooks") {
                major = format!("{prev}/{seg}");
                route.push_str(":major");
                // A webhook's token is part of its resource.
                if prev == "webhooks" && i + 1 < segments.len() {
                    i += 1;
                    major.push('/');
                    major.push_str(segments[i]);
                    route.push_str(" :token");
                }
            } else if prev == "reactions" {
                route.push_str(":emoji");
            } else if is_id(seg) {
                route.push_str(":id");
            } else {
                route.push_str(seg);
            }
            i += 1;
        }
        RouteKey { route, major }
    }
}

fn is_id(seg: &str) -> bool {
    !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit())
}

/// One bucket's last known state.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bucket {
    /// Requests allowed per window.
    pub limit: u32,
    /// Requests left in the current window.
    pub remaining: u32,
    /// When the window resets (epoch seconds).
    pub reset_at: f64,
}

/// All that is known about rate limits: plain data, serialisable.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LimiterState {
    /// Route -> bucket id, from `X-RateLimit-Bucket`.
    pub routes: HashMap<String, String>,
    /// `bucket id + major` (or the route itself, before its bucket is known) -> state.
    pub buckets: HashMap<String, Bucket>,
    /// No request at all until then (epoch seconds), after a global 429.
    pub global_until: f64,
    /// Start of the current one-second global window (epoch seconds).
    pub global_window: f64,
    /// Requests sent in the current global window.
    pub global_count: u32,
}

/// The headers a response carried that matter for rate limits.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RateLimitHeaders {
    /// `X-RateLimit-Limit`
    pub limit: Option<u32>,
    /// `X-RateLimit-Remaining`
    pub remaining: Option<u32>,
    /// `X-RateLimit-Reset-After` (seconds)
    pub reset_after: Option<f64>,
    /// `X-RateLimit-Bucket`
    pub bucket: Option<String>,
    /// `X-RateLimit-Global`
    pub global: bool,
    /// `X-RateLimit-Scope`
    pub scope: Option<String>,
    /// `Retry-After` (seconds)
    pub retry_after: Option<f64>,
}

impl RateLimitHeaders {
    /// Reads the headers through a lookup by lower-case name; malformed values are ignored.
    pub fn parse<'a>(get: impl Fn(&str) -> Option<&'a str>) -> RateLimitHeaders {
        let num = |name: &str| {
            get(name)
                .and_then(|v| v.trim().parse::<f64>().ok())
                .filter(|v| v.is_finite() && *v >= 0.0)
        };
        RateLimitHeaders {
            limit: num("x-ratelimit-limit").map(|v| v as u32),
            remaining: num("x-ratelimit-remaining").map(|v| v as u32),
            reset_after: num("x-ratelimit-reset-after"),
            bucket: get("x-ratelimit-bucket")
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty() && v.len() <= 128),
            global: get("x-ratelimit-global")
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("true")),
            scope: get("x-ratelimit-scope").map(|v| v.trim().to_string()),
            retry_after: num("retry-after"),
        }
    }
}

/// Thread-safe rate-limit tracking for one process.
#[derive(Debug, Default)]
pub struct RateLimiter {
    state: Mutex<LimiterState>,
}

impl RateLimiter {
    /// A limiter starting from known state (e.g. loaded from the cache).
    pub fn with_state(state: LimiterState) -> RateLimiter {
        RateLimiter {
            state: Mutex::new(state),
        }
    }

    /// Replaces the state wholesale (with what the shared cache file holds).
    pub fn replace(&self, state: LimiterState) {
        *self.lock() = state;
    }

    /// A copy of the current state.
    pub fn snapshot(&self) -> LimiterState {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LimiterState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Either reserves a slot for a request on `key` now (returns `None`) or says how long to
    /// wait before asking again.
    pub fn try_acquire(&self, key: &RouteKey) -> Option<Duration> {
        self.try_acquire_at(key, now_epoch())
    }

    /// [`Self::try_acquire`] at a given time (for tests).
    pub fn try_acquire_at(&self, key: &RouteKey, now: f64) -> Option<Duration> {
        let mut state = self.lock();
        if state.global_until > now {
            return Some(secs(state.global_until - now));
        }
        if now - state.global_window >= 1.0 {
            state.global_window = now;
            state.global_count = 0;
        }
        if state.global_count >= GLOBAL_PER_SECOND {
            return Some(secs(state.global_window + 1.0 - now));
        }
        let bucket_key = bucket_key(&state, key);
        if let Some(bucket) = state.buckets.get_mut(&bucket_key) {
            if bucket.reset_at <= now {
                // The window has passed: assume a full one until the response says otherwise.
                bucket.remaining = bucket.limit;
                bucket.reset_at = f64::MAX;
            }
            if bucket.remaining == 0 {
                return Some(secs(bucket.reset_at - now));
            }
            bucket.remaining -= 1;
        }
        state.global_count += 1;
        None
    }

    /// Records what a response's headers say about its bucket.
    pub fn update(&self, key: &RouteKey, headers: &RateLimitHeaders) {
        self.update_at(key, headers, now_epoch());
    }

    /// [`Self::update`] at a given time (for tests).
    pub fn update_at(&self, key: &RouteKey, headers: &RateLimitHeaders, now: f64) {
        let mut state = self.lock();
        if let Some(bucket) = &headers.bucket {
            state.routes.insert(key.route.clone(), bucket.clone());
        }
        let (Some(limit), Some(remaining), Some(reset_after)) =
            (headers.limit, headers.remaining, headers.reset_after)
        else {
            return;
        };
        let bucket_key = bucket_key(&state, key);
        let reset_at = now + reset_after;
        let entry = state.buckets.entry(bucket_key).or_insert(Bucket {
            limit,
            remaining,
            reset_at,
        });
        // Responses to concurrent requests arrive out of order: keep the most pessimistic
        // view of the current window.
        if reset_at > entry.reset_at + 0.5 || entry.reset_at == f64::MAX {
            *entry = Bucket {
                limit,
                remaining,
                reset_at,
            };
        } else {
            entry.limit = limit;
            entry.remaining = entry.remaining.min(remaining);
            entry.reset_at = entry.reset_at.max(reset_at);
        }
    }

    /// Records a 429: nothing on this route (or anywhere, for a global one) until `retry_after`.
    pub fn on_rate_limited(&self, key: &RouteKey, retry_after: f64, global: bool) {
        let now = now_epoch();
        let mut state = self.lock();
        let until = now + retry_after;
        if global {
            state.global_until = state.global_until.max(until);
            return;
        }
        let bucket_key = bucket_key(&state, key);
        let entry = state.buckets.entry(bucket_key).or_insert(Bucket {
            limit: 1,
            remaining: 0,
            reset_at: until,
        });
        entry.remaining = 0;
        entry.reset_at = if entry.reset_at == f64::MAX {
            until
        } else {
            entry.reset_at.max(until)
        };
    }

    /// Drops buckets whose windows ended long ago, so a long-lived state stays small.
    pub fn prune(&self, now: f64) {
        let mut state = self.lock();
        state
            .buckets
            .retain(|_, b| b.reset_at == f64::MAX || b.reset_at + 60.0 > now);
        if state.routes.len() > 10_000 {
            state.routes.clear();
        }
    }
}

fn bucket_key(state: &LimiterState, key: &RouteKey) -> String {
    match state.routes.get(&key.route) {
        Some(bucket) => format!("{bucket}:{}", key.major),
        None => format!("{}|{}", key.route, key.major),
    }
}

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s.clamp(0.0, 86_400.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(limit: u32, remaining: u32, reset_after: f64, bucket: &str) -> RateLimitHeaders {
        RateLimitHeaders {
            limit: Some(limit),
            remaining: Some(remaining),
            reset_after: Some(reset_after),
            bucket: Some(bucket.into()),
            ..Default::default()
        }
    }

    #[test]
    fn route_keys_keep_the_major_resource_only() {
        let a = RouteKey::new("POST", "/channels/1/messages");
        let b = RouteKey::new("POST", "/channels/2/messages");
        assert_eq!(a.route, b.route);
        assert_ne!(a.major, b.major);
        let r = RouteKey::new("PUT", "/channels/1/messages/99/reactions/%F0%9F%91%8D/@me");
        assert_eq!(
            r.route,
            "PUT channels :major messages :id reactions :emoji @me"
        );
        let w = RouteKey::new("POST", "webhooks/5/tok");
        assert_eq!(w.major, "webhooks/5/tok");
        assert_eq!(RouteKey::new("GET", "/users/@me").major, "");
    }

    #[test]
    fn waits_when_bucket_is_empty_until_reset() {
        let rl = RateLimiter::default();
        let key = RouteKey::new("POST", "/channels/1/messages");
        assert_eq!(rl.try_acquire_at(&key, 100.0), None);
        rl.update_at(&key, &headers(5, 0, 2.0, "b1"), 100.0);
        let wait = rl.try_acquire_at(&key, 100.5).unwrap();
        assert!((wait.as_secs_f64() - 1.5).abs() < 1e-6);
        // Another channel shares the bucket id but not the resource.
        let other = RouteKey::new("POST", "/channels/2/messages");
        assert_eq!(rl.try_acquire_at(&other, 100.5), None);
        // After the reset the route is usable again.
        assert_eq!(rl.try_acquire_at(&key, 102.1), None);
    }

    #[test]
    fn reserves_remaining_slots() {
        let rl = RateLimiter::default();
        let key = RouteKey::new("GET", "/guilds/1/members");
        rl.update_at(&key, &headers(2, 2, 10.0, "m"), 0.0);
        assert_eq!(rl.try_acquire_at(&key, 0.1), None);
        assert_eq!(rl.try_acquire_at(&key, 0.2), None);
        assert!(rl.try_acquire_at(&key, 0.3).is_some());
    }

    #[test]
    fn global_limit_per_second() {
        let rl = RateLimiter::default();
        for i in 0..GLOBAL_PER_SECOND {
            let key = RouteKey::new("GET", &format!("/channels/{i}"));
            assert_eq!(rl.try_acquire_at(&key, 10.0), None);
        }
        let key = RouteKey::new("GET", "/channels/999");
        assert!(rl.try_acquire_at(&key, 10.5).is_some());
        assert_eq!(rl.try_acquire_at(&key, 11.01), None);
    }

    #[test]
    fn header_parsing_ignores_garbage() {
        let h = RateLimitHeaders::parse(|name| match name {
            "x-ratelimit-limit" => Some("5"),
            "x-ratelimit-remaining" => Some("-3"),
            "x-ratelimit-reset-after" => Some("NaN"),
            "x-ratelimit-global" => Some("true"),
            "retry-after" => Some("1.5"),
            _ => None,
        });
        assert_eq!(h.limit, Some(5));
        assert_eq!(h.remaining, None);
        assert_eq!(h.reset_after, None);
        assert!(h.global);
        assert_eq!(h.retry_after, Some(1.5));
    }
}
