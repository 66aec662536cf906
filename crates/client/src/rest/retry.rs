//! What to do after one attempt at a request: the REST client's retry rules as one pure step
//! function, like the gateway's `Shard::process`, so each rule is tested without a socket.
//!
//! - 429: wait as Discord says and try again, at most [`MAX_RATE_LIMIT_RETRIES`] times (the
//!   wait itself is the rate limiter's business).
//! - 502/503/504, 408 (what a rate-limit proxy such as nirn-proxy answers when Discord was slow)
//!   and connections that broke after the request went out: retried with backoff, only when
//!   repeating cannot act twice (every method but POST).
//! - a connection that never opened: nothing was sent, so any method is retried a few times.
//! - anything else is the answer.

use std::time::Duration;

/// Retries of one request after 429s before its 429 is reported.
pub const MAX_RATE_LIMIT_RETRIES: u32 = 5;
/// Retries after 502/503/504 or a dropped connection (idempotent requests only).
pub const MAX_SERVER_RETRIES: u32 = 3;
/// Retries when the connection could not be opened at all.
pub const MAX_CONNECT_RETRIES: u32 = 2;

/// How one attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The request could not be put together (a file to upload could not be read): final.
    NotBuilt,
    /// The connection could not be opened: the request never left.
    NotConnected,
    /// The request went out but the connection broke (or the body could not be read).
    Broken,
    /// The server answered with this status.
    Status(u16),
}

/// What to do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// The outcome is final: return it (success or error).
    Finish,
    /// Rate limited: record the 429 and try again once the limiter allows.
    AfterRateLimit,
    /// Try again after `wait`; this will be attempt number `attempt` (counting the first as 1).
    Retry {
        /// How long to wait first.
        wait: Duration,
        /// The number of the next attempt.
        attempt: u32,
    },
}

/// The retries one request has had, by cause.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Attempts {
    rate_limited: u32,
    server_errors: u32,
    connect_errors: u32,
}

impl Attempts {
    /// Decides what follows `outcome` and counts the retry it chooses. `idempotent` is whether
    /// sending the request again cannot do anything twice.
    pub fn next(&mut self, outcome: Outcome, idempotent: bool) -> Next {
        match outcome {
            Outcome::NotConnected if self.connect_errors < MAX_CONNECT_RETRIES => {
                self.connect_errors += 1;
                retry(self.connect_errors)
            }
            Outcome::Broken | Outcome::Status(408 | 502..=504)
                if idempotent && self.server_errors < MAX_SERVER_RETRIES =>
            {
                self.server_errors += 1;
                retry(self.server_errors)
            }
            Outcome::Status(429) if self.rate_limited < MAX_RATE_LIMIT_RETRIES => {
                self.rate_limited += 1;
                Next::AfterRateLimit
            }
            _ => Next::Finish,
        }
    }
}

fn retry(count: u32) -> Next {
    Next::Retry {
        wait: backoff(count),
        attempt: count + 1,
    }
}

/// Exponential backoff with jitter: about 0.5 s, 1 s, 2 s, ...
pub fn backoff(attempt: u32) -> Duration {
    let base = 0.25 * f64::from(1u32 << attempt.min(6));
    Duration::from_secs_f64(base * (0.75 + fastrand::f64() * 0.5))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn retries(outcome: Outcome, idempotent: bool) -> u32 {
        let mut attempts = Attempts::default();
        let mut n = 0;
        while attempts.next(outcome, idempotent) != Next::Finish {
            n += 1;
            assert!(n < 100, "{outcome:?} retried forever");
        }
        n
    }

    #[test]
    fn post_is_never_repeated_once_it_went_out() {
        assert_eq!(retries(Outcome::Broken, false), 0);
        assert_eq!(retries(Outcome::Status(502), false), 0);
        assert_eq!(retries(Outcome::Status(503), true), MAX_SERVER_RETRIES);
        assert_eq!(retries(Outcome::Status(408), true), MAX_SERVER_RETRIES);
        assert_eq!(retries(Outcome::Status(408), false), 0);
        assert_eq!(retries(Outcome::Broken, true), MAX_SERVER_RETRIES);
    }

    #[test]
    fn a_connection_that_never_opened_is_retried_for_any_method() {
        assert_eq!(retries(Outcome::NotConnected, false), MAX_CONNECT_RETRIES);
    }

    #[test]
    fn rate_limits_retry_a_bounded_number_of_times_and_other_statuses_finish() {
        assert_eq!(retries(Outcome::Status(429), false), MAX_RATE_LIMIT_RETRIES);
        for status in [200, 204, 400, 401, 403, 404, 500] {
            assert_eq!(retries(Outcome::Status(status), true), 0, "{status}");
        }
    }

    #[test]
    fn server_errors_and_broken_connections_share_one_budget() {
        let mut attempts = Attempts::default();
        assert!(matches!(
            attempts.next(Outcome::Broken, true),
            Next::Retry { attempt: 2, .. }
        ));
        assert!(matches!(
            attempts.next(Outcome::Status(504), true),
            Next::Retry { attempt: 3, .. }
        ));
        assert!(matches!(
            attempts.next(Outcome::Broken, true),
            Next::Retry { attempt: 4, .. }
        ));
        assert_eq!(attempts.next(Outcome::Status(502), true), Next::Finish);
    }

    #[test]
    fn backoff_grows_and_is_bounded() {
        assert!(backoff(1) < backoff(4));
        assert!(backoff(30) <= Duration::from_secs_f64(16.0 * 1.25));
    }
}
