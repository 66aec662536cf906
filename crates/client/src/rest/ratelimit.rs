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

pub use discord_protocol::GLOBAL_PER_SECOND;

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
            if i == 1 && matches!(prev, "channels" | "guilds" | "webhooks" | "interactions") {
                major = format!("{prev}/{seg}");
                route.push_str(":major");
                // A webhook's token is part of its resource (and an interaction's names it).
                // Keys end up in the shared cache file, so the token is kept only as a hash.
                if matches!(prev, "webhooks" | "interactions") && i + 1 < segments.len() {
                    i += 1;
                    major.push('/');
                    major.push_str(&token_hash(segments[i]));
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

/// A webhook or interaction token as it is kept in a route key: a hash that tells tokens
/// apart without revealing them.
fn token_hash(token: &str) -> String {
    use sha1::{Digest, Sha1};
    let digest = Sha1::digest(token.as_bytes());
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("sha1:{hex}")
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
    /// When the window resets (epoch seconds); `f64::MAX` while a new window's first responses
    /// are still on their way.
    pub reset_at: f64,
    /// When the current window was assumed to open (epoch seconds), for giving up on responses
    /// that never come.
    #[serde(default)]
    pub opened_at: f64,
}

impl Bucket {
    /// A bucket nothing is known about, with its first request in flight.
    fn probe(now: f64) -> Bucket {
        Bucket {
            limit: 0,
            remaining: 0,
            reset_at: f64::MAX,
            opened_at: now,
        }
    }

    /// Whether this is a first request's placeholder rather than a learnt bucket.
    fn is_probe(&self) -> bool {
        self.limit == 0
    }
}

/// Slots per second in the global limit's record of recent requests.
const GLOBAL_SLOTS: u64 = 64;

fn global_slot(now: f64) -> u64 {
    (now.max(0.0) * GLOBAL_SLOTS as f64) as u64
}

/// Records one request in the global limit's slot for `now`.
fn count_global(state: &mut LimiterState, now: f64) {
    let current = global_slot(now);
    match state.global_sent.last_mut() {
        Some((slot, n)) if *slot == current => *n += 1,
        _ => state.global_sent.push((current, 1)),
    }
}

/// The longest wait kept from one answer (an hour, the longest ban Discord's docs describe for
/// clients that keep breaking limits): state is shared through the cache file, so an absurd
/// `Retry-After: 1e308` from a broken or hostile server must not block every later command.
pub const MAX_KEPT_WAIT: f64 = 3600.0;

/// How long to wait for in-flight responses to say when a new window resets.
const AWAIT_RESPONSES: f64 = 0.05;

/// After this long without a response telling the reset time, assume another full window.
const RESPONSES_LOST_AFTER: f64 = 10.0;

/// All that is known about rate limits: plain data, serialisable.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LimiterState {
    /// Route -> bucket id, from `X-RateLimit-Bucket`.
    pub routes: HashMap<String, String>,
    /// `bucket id + major` (or the route itself, before its bucket is known) -> state.
    pub buckets: HashMap<String, Bucket>,
    /// No request at all until then (epoch seconds), after a global 429.
    pub global_until: f64,
    /// Requests sent in the last second, counted per 1/[`GLOBAL_SLOTS`] s slot as
    /// `(slot number, count)`, oldest first: enough to keep every one-second window, wherever
    /// it starts, within the global limit, in a size that does not grow with the limit.
    #[serde(default)]
    pub global_sent: Vec<(u64, u32)>,
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
#[derive(Debug)]
pub struct RateLimiter {
    state: Mutex<LimiterState>,
    /// Requests per second allowed across all routes.
    global_per_second: u32,
}

impl Default for RateLimiter {
    fn default() -> RateLimiter {
        RateLimiter::new(GLOBAL_PER_SECOND)
    }
}

impl RateLimiter {
    /// An empty limiter allowing `global_per_second` requests a second in all (Discord's is
    /// [`GLOBAL_PER_SECOND`] unless it raised a bot's).
    pub fn new(global_per_second: u32) -> RateLimiter {
        RateLimiter {
            state: Mutex::new(LimiterState::default()),
            global_per_second: global_per_second.max(1),
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
        if let Some(wait) = self.global_wait(&mut state, now) {
            return Some(wait);
        }
        let bucket_key = bucket_key(&state, key);
        let Some(bucket) = state.buckets.get_mut(&bucket_key) else {
            // Nothing known about this bucket yet: one request goes first to learn its limits,
            // so concurrent ones cannot overrun a small bucket.
            state.buckets.insert(bucket_key, Bucket::probe(now));
            count_global(&mut state, now);
            return None;
        };
        if bucket.is_probe() {
            if now - bucket.opened_at <= RESPONSES_LOST_AFTER {
                return Some(secs(AWAIT_RESPONSES));
            }
            // The probe's answer never came: send another.
            bucket.opened_at = now;
        } else {
            let unknown = bucket.reset_at == f64::MAX;
            if (!unknown && bucket.reset_at <= now)
                || (unknown && now - bucket.opened_at > RESPONSES_LOST_AFTER)
            {
                // The window has passed: assume a full one until a response says otherwise.
                bucket.remaining = bucket.limit;
                bucket.reset_at = f64::MAX;
                bucket.opened_at = now;
            }
            if bucket.remaining == 0 {
                if bucket.reset_at == f64::MAX {
                    // The new window is used up before any of its responses said when it ends;
                    // they will shortly.
                    return Some(secs(AWAIT_RESPONSES));
                }
                return Some(secs(bucket.reset_at - now));
            }
            bucket.remaining -= 1;
        }
        count_global(&mut state, now);
        None
    }

    /// How long until one more request fits the global limit, if it does not now. Counting
    /// the slots of the last second plus the current one errs by at most one slot on the safe
    /// side: every window of one second lies within the slots counted when its last request
    /// was let through.
    fn global_wait(&self, state: &mut LimiterState, now: f64) -> Option<Duration> {
        let current = global_slot(now);
        state
            .global_sent
            .retain(|(slot, _)| *slot + GLOBAL_SLOTS >= current);
        let sent: u64 = state.global_sent.iter().map(|(_, n)| u64::from(*n)).sum();
        if sent < u64::from(self.global_per_second) {
            return None;
        }
        let oldest = state.global_sent.first().map_or(current, |(slot, _)| *slot);
        let free_at = (oldest + GLOBAL_SLOTS + 1) as f64 / GLOBAL_SLOTS as f64;
        Some(secs(free_at - now).max(Duration::from_micros(100)))
    }

    /// Gives up the first-request slot of a bucket whose limits are still unknown, when its
    /// request ended without rate-limit headers (a network error, a route without limits).
    pub fn release(&self, key: &RouteKey) {
        let mut state = self.lock();
        let bucket_key = bucket_key(&state, key);
        if state.buckets.get(&bucket_key).is_some_and(Bucket::is_probe) {
            state.buckets.remove(&bucket_key);
        }
    }

    /// Records what a response's headers say about its bucket.
    pub fn update(&self, key: &RouteKey, headers: &RateLimitHeaders) {
        self.update_at(key, headers, now_epoch());
    }

    /// [`Self::update`] at a given time (for tests).
    pub fn update_at(&self, key: &RouteKey, headers: &RateLimitHeaders, now: f64) {
        let mut state = self.lock();
        // The first request's slot was kept under the key known before this response; the
        // headers below may move the route to its bucket id.
        let probe_key = bucket_key(&state, key);
        if state.buckets.get(&probe_key).is_some_and(Bucket::is_probe) {
            state.buckets.remove(&probe_key);
        }
        if let Some(bucket) = &headers.bucket {
            state.routes.insert(key.route.clone(), bucket.clone());
        }
        let (Some(limit), Some(remaining), Some(reset_after)) =
            (headers.limit, headers.remaining, headers.reset_after)
        else {
            return;
        };
        let bucket_key = bucket_key(&state, key);
        let reset_at = now + reset_after.min(MAX_KEPT_WAIT);
        let entry = state.buckets.entry(bucket_key).or_insert(Bucket {
            limit,
            remaining,
            reset_at,
            opened_at: now,
        });
        // Responses to concurrent requests arrive out of order: keep the most pessimistic
        // view of the current window.
        if entry.reset_at == f64::MAX {
            // The first word on a window this process opened: its reset time, and whichever
            // count is lower (ours includes requests the server has not answered yet).
            entry.limit = limit;
            entry.remaining = entry.remaining.min(remaining);
            entry.reset_at = reset_at;
        } else if reset_at > entry.reset_at + 0.5 {
            *entry = Bucket {
                limit,
                remaining,
                reset_at,
                opened_at: now,
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
        let until = now + retry_after.clamp(0.0, MAX_KEPT_WAIT);
        if global {
            state.global_until = state.global_until.max(until);
            return;
        }
        let bucket_key = bucket_key(&state, key);
        let entry = state.buckets.entry(bucket_key).or_insert(Bucket {
            limit: 1,
            remaining: 0,
            reset_at: until,
            opened_at: now,
        });
        entry.limit = entry.limit.max(1);
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
        // A state written by another version, or edited by hand, gets the same bound.
        let latest = now + MAX_KEPT_WAIT;
        state.global_until = state.global_until.min(latest);
        for bucket in state.buckets.values_mut() {
            if bucket.reset_at != f64::MAX {
                bucket.reset_at = bucket.reset_at.min(latest);
            }
        }
        state.buckets.retain(|_, b| match b.reset_at == f64::MAX {
            true => now - b.opened_at <= RESPONSES_LOST_AFTER,
            false => b.reset_at + 60.0 > now,
        });
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

    /// A limiter whose global limit never gets in the way of bucket tests.
    fn unthrottled() -> RateLimiter {
        RateLimiter::new(u32::MAX)
    }

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
        let w = RouteKey::new("POST", "webhooks/5/SECRETa");
        let other = RouteKey::new("POST", "webhooks/5/SECRETb");
        assert!(w.major.starts_with("webhooks/5/sha1:"), "{}", w.major);
        assert_ne!(w.major, other.major);
        // The token never appears in a key (they are written to the shared cache file).
        let i = RouteKey::new("POST", "/interactions/7/SECRETi/callback");
        assert_eq!(i.route, "POST interactions :major :token callback");
        assert!(!format!("{i:?}{w:?}").contains("SECRET"), "{i:?} {w:?}");
        assert_eq!(RouteKey::new("GET", "/users/@me").major, "");
    }

    #[test]
    fn waits_when_bucket_is_empty_until_reset() {
        let rl = unthrottled();
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
        let rl = unthrottled();
        let key = RouteKey::new("GET", "/guilds/1/members");
        rl.update_at(&key, &headers(2, 2, 10.0, "m"), 0.0);
        assert_eq!(rl.try_acquire_at(&key, 0.1), None);
        assert_eq!(rl.try_acquire_at(&key, 0.2), None);
        assert!(rl.try_acquire_at(&key, 0.3).is_some());
    }

    #[test]
    fn a_new_window_used_up_waits_for_its_responses_not_a_day() {
        let rl = unthrottled();
        let key = RouteKey::new("POST", "/channels/1/messages");
        rl.update_at(&key, &headers(2, 0, 1.0, "m"), 0.0);
        // The window passes; two requests take the new one before any response is back.
        assert_eq!(rl.try_acquire_at(&key, 1.1), None);
        assert_eq!(rl.try_acquire_at(&key, 1.11), None);
        let wait = rl.try_acquire_at(&key, 1.2).unwrap();
        assert!(wait <= Duration::from_millis(100), "waited {wait:?}");
        // The first response tells the real reset time, which is then waited for.
        rl.update_at(&key, &headers(2, 1, 1.0, "m"), 1.3);
        let wait = rl.try_acquire_at(&key, 1.4).unwrap();
        assert!((wait.as_secs_f64() - 0.9).abs() < 1e-6, "waited {wait:?}");
        // Responses that never come do not block the bucket for good.
        let rl = unthrottled();
        rl.update_at(&key, &headers(1, 0, 1.0, "m"), 0.0);
        assert_eq!(rl.try_acquire_at(&key, 2.0), None);
        assert!(rl.try_acquire_at(&key, 3.0).is_some());
        assert_eq!(
            rl.try_acquire_at(&key, 2.0 + RESPONSES_LOST_AFTER + 0.1),
            None
        );
    }

    #[test]
    fn the_first_request_to_an_unknown_bucket_goes_alone() {
        let rl = unthrottled();
        let key = RouteKey::new("POST", "/channels/9/messages");
        assert_eq!(rl.try_acquire_at(&key, 0.0), None);
        // Others wait (briefly) for its answer instead of overrunning a bucket of 5.
        let wait = rl.try_acquire_at(&key, 0.01).unwrap();
        assert!(wait <= Duration::from_millis(100));
        rl.update_at(&key, &headers(5, 4, 5.0, "msg"), 0.02);
        for i in 0..4 {
            assert_eq!(rl.try_acquire_at(&key, 0.03 + f64::from(i) * 0.001), None);
        }
        assert!(rl.try_acquire_at(&key, 0.04).unwrap() > Duration::from_secs(4));
        // A request that ended without headers frees the slot for the next one.
        let other = RouteKey::new("GET", "/users/@me");
        assert_eq!(rl.try_acquire_at(&other, 0.05), None);
        assert!(rl.try_acquire_at(&other, 0.06).is_some());
        rl.release(&other);
        assert_eq!(rl.try_acquire_at(&other, 0.07), None);
        rl.update_at(&other, &RateLimitHeaders::default(), 0.1);
        assert_eq!(rl.try_acquire_at(&other, 0.1), None);
    }

    /// Requests on distinct routes, each asking as soon as it may; returns the send times.
    fn send_times(rl: &RateLimiter, count: usize, start: f64) -> Vec<f64> {
        let mut now = start;
        let mut times = Vec::new();
        for i in 0..count {
            let key = RouteKey::new("GET", &format!("/channels/{i}"));
            while let Some(wait) = rl.try_acquire_at(&key, now) {
                now += wait.as_secs_f64();
            }
            times.push(now);
        }
        times
    }

    #[test]
    fn global_limit_holds_in_every_one_second_window() {
        let times = send_times(&RateLimiter::default(), 300, 10.0);
        // No one-second window, wherever it starts, holds more than 50.
        for (i, t) in times.iter().enumerate() {
            let in_window = times[i..].iter().take_while(|u| **u < t + 1.0).count();
            assert!(
                in_window <= GLOBAL_PER_SECOND as usize,
                "{in_window} at {t}"
            );
        }
        // A burst of 50 goes at once (a loop of separate invocations is not slowed down) ...
        assert!(times[49] - times[0] < 1e-9);
        // ... and the long run stays close to the limit: 300 requests are six bursts, five
        // seconds apart plus at most a slot or two of caution each.
        let span = times[299] - times[0];
        assert!((5.0..5.2).contains(&span), "{span}");
        // A raised global limit lets more through.
        let times = send_times(&RateLimiter::new(1000), 1000, 0.0);
        assert!(times[999] < 0.1);
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

    #[test]
    fn absurd_waits_are_kept_at_most_an_hour() {
        let rl = unthrottled();
        let key = RouteKey::new("GET", "/users/@me");
        rl.update_at(&key, &headers(1, 0, 1e308, "b"), 0.0);
        let wait = rl.try_acquire_at(&key, 0.0).unwrap();
        assert!(wait.as_secs_f64() <= MAX_KEPT_WAIT, "{wait:?}");
        let rl = unthrottled();
        rl.on_rate_limited(&key, 1e308, true);
        let wait = rl.try_acquire_at(&key, now_epoch()).unwrap();
        assert!(wait.as_secs_f64() <= MAX_KEPT_WAIT, "{wait:?}");
        // A state that already holds such a wait (an older file) is bounded when loaded.
        let rl = unthrottled();
        rl.replace(LimiterState {
            global_until: 1e300,
            ..Default::default()
        });
        rl.prune(10.0);
        assert!(rl.snapshot().global_until <= 10.0 + MAX_KEPT_WAIT);
    }
}
