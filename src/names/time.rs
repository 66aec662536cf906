//! Snowflakes and time: what an id says (its creation time, worker, process, increment) and
//! the boundary id of a time, so `before`/`after`/`around` take `2h` or an RFC 3339 time.
//!
//! Discord's layout (docs/reference.md#snowflakes): bits 63-22 are milliseconds since the
//! Discord epoch (2015-01-01T00:00:00Z), 21-17 the internal worker id, 16-12 the process id,
//! 11-0 an increment. "Snowflake IDs in Pagination" in the same section: a time turns into a
//! cursor by shifting its epoch milliseconds left by 22.

use jiff::{SignedDuration, Timestamp};
use serde_json::{json, Value};

/// Discord's epoch, 2015-01-01T00:00:00Z, in Unix milliseconds.
pub const DISCORD_EPOCH_MS: i64 = 1_420_070_400_000;

/// Reads a time: RFC 3339 (`2024-01-31T12:00:00Z`) or an age before now (`90s`, `15m`, `2h`,
/// `3d`, `1w`, or several like `1h30m`).
pub fn parse_time(text: &str, now: Timestamp) -> Option<Timestamp> {
    let t = text.trim();
    if let Some(age) = parse_age(t) {
        return now.checked_sub(age).ok();
    }
    t.parse::<Timestamp>().ok()
}

fn parse_age(t: &str) -> Option<SignedDuration> {
    if t.is_empty() || !t.as_bytes()[0].is_ascii_digit() {
        return None;
    }
    let mut total: i64 = 0;
    let mut digits = String::new();
    for c in t.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit: i64 = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 604_800,
            _ => return None,
        };
        let n: i64 = std::mem::take(&mut digits).parse().ok()?;
        total = total.checked_add(n.checked_mul(unit)?)?;
    }
    digits.is_empty().then(|| SignedDuration::from_secs(total))
}

/// The smallest snowflake of `at`'s millisecond; `None` before Discord's epoch.
pub fn boundary(at: Timestamp) -> Option<u64> {
    let ms = at.as_millisecond() - DISCORD_EPOCH_MS;
    (ms >= 0).then_some((ms as u64) << 22)
}

/// When a snowflake was made.
pub fn time_of(id: u64) -> Option<Timestamp> {
    Timestamp::from_millisecond((id >> 22) as i64 + DISCORD_EPOCH_MS).ok()
}

/// A query cursor value as Discord wants it: `None` when `text` is already a snowflake (or
/// not a time at all: left for the usual checks), else the boundary snowflake, or for lists
/// paged by timestamps (archived threads, pins) the time in RFC 3339.
pub fn cursor(text: &str, timestamps: bool, now: Timestamp) -> Option<String> {
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let at = parse_time(text, now)?;
    if timestamps {
        return Some(at.to_string());
    }
    boundary(at).map(|id| id.to_string())
}

/// A human age: `3d 4h`, `12m 5s`, `in 2h` for the future.
pub fn age(from: Timestamp, now: Timestamp) -> String {
    let secs = now.as_second() - from.as_second();
    let (future, mut s) = (secs < 0, secs.unsigned_abs());
    let mut parts = Vec::new();
    for (unit, name) in [(86_400, "d"), (3600, "h"), (60, "m"), (1, "s")] {
        if s >= unit || (unit == 1 && parts.is_empty()) {
            parts.push(format!("{}{name}", s / unit));
            s %= unit;
        }
        if parts.len() == 2 {
            break;
        }
    }
    let text = parts.join(" ");
    if future {
        format!("in {text}")
    } else {
        format!("{text} ago")
    }
}

/// A time as `discord snowflake` prints it: RFC 3339 in UTC to the millisecond.
pub fn utc(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// Everything an id says, as the JSON `discord snowflake` prints.
pub fn describe(id: u64, now: Timestamp) -> Value {
    let at = time_of(id);
    let local = at.map(|t| {
        t.to_zoned(jiff::tz::TimeZone::system())
            .strftime("%Y-%m-%dT%H:%M:%S%.3f%:z")
            .to_string()
    });
    json!({
        "id": id.to_string(),
        "time": at.map(utc),
        "local": local,
        "age": at.map(|t| age(t, now)),
        "worker": (id >> 17) & 0x1f,
        "process": (id >> 12) & 0x1f,
        "increment": id & 0xfff,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn the_docs_example_snowflake() {
        // docs/reference.md#snowflakes: 175928847299117063 is 2016-04-30 11:18:25.796 UTC,
        // worker 1, process 0, increment 7.
        let d = describe(175928847299117063, ts("2024-01-01T00:00:00Z"));
        assert_eq!(d["time"], "2016-04-30T11:18:25.796Z");
        assert_eq!(
            (d["worker"].as_u64(), d["process"].as_u64()),
            (Some(1), Some(0))
        );
        assert_eq!(d["increment"], 7);
        assert_eq!(
            boundary(ts("2016-04-30T11:18:25.796Z")),
            Some(175928847299117063 >> 22 << 22)
        );
    }

    #[test]
    fn ages_and_times_become_cursors() {
        let now = ts("2024-01-31T12:00:00Z");
        assert_eq!(parse_time("2h", now), Some(ts("2024-01-31T10:00:00Z")));
        assert_eq!(parse_time("1h30m", now), Some(ts("2024-01-31T10:30:00Z")));
        assert_eq!(parse_time("3d", now), Some(ts("2024-01-28T12:00:00Z")));
        assert_eq!(parse_time("2x", now), None);
        assert_eq!(parse_time("2", now), None);
        assert_eq!(cursor("123", false, now), None);
        assert_eq!(
            cursor("2h", true, now).as_deref(),
            Some("2024-01-31T10:00:00Z")
        );
        let id: u64 = cursor("2024-01-31T12:00:00Z", false, now)
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(time_of(id), Some(now));
        assert_eq!(boundary(ts("2014-01-01T00:00:00Z")), None);
        assert_eq!(age(ts("2024-01-28T10:00:00Z"), now), "3d 2h ago");
    }
}
