//! Rate-limit headers of any value, fed to the limiter: no panic, and no wait beyond what the
//! limiter keeps from one answer (an hour), however absurd the header.
#![no_main]

use discord_cli::rest::ratelimit::{RateLimitHeaders, RateLimiter, RouteKey, MAX_KEPT_WAIT};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let values: Vec<&str> = text.split('\n').collect();
    let get = |name: &str| {
        let i = match name {
            "x-ratelimit-limit" => 0,
            "x-ratelimit-remaining" => 1,
            "x-ratelimit-reset-after" => 2,
            "x-ratelimit-bucket" => 3,
            "x-ratelimit-global" => 4,
            "x-ratelimit-scope" => 5,
            "retry-after" => 6,
            _ => return None,
        };
        values.get(i).copied()
    };
    let headers = RateLimitHeaders::parse(get);
    let path = values.get(7).copied().unwrap_or("/channels/1/messages");
    let key = RouteKey::new("POST", path);
    let limiter = RateLimiter::default();
    limiter.update_at(&key, &headers, 1_000.0);
    if let Some(wait) = limiter.try_acquire_at(&key, 1_000.5) {
        assert!(wait.as_secs_f64() <= MAX_KEPT_WAIT);
    }
});
