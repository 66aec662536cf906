//! How Discord's list endpoints page, as data: which cursor moves, where each item's cursor value
//! is, where the list sits in a response. The walk itself is the client's (`rest::paginate`).
//!
//! Lists come in a few shapes: a bare JSON array, or an object holding the array under a key
//! (`audit_log_entries`, `threads`, `items`, ...), sometimes with a `has_more` flag. The cursor
//! is a snowflake id for most lists, an ISO8601 timestamp for archived threads and pins.

use serde_json::Value;

/// Which cursor moves through the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cursor {
    /// Newest first; the next page is `before` the smallest id seen (channel messages).
    Before,
    /// Oldest first; the next page is `after` the largest id seen (members, bans, guilds).
    After,
}

impl Cursor {
    /// The query parameter this cursor is sent as.
    pub fn param(self) -> &'static str {
        match self {
            Cursor::Before => "before",
            Cursor::After => "after",
        }
    }
}

/// Where an item's cursor value lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKey {
    /// `item.id`
    Id,
    /// `item.user.id` (members, bans, scheduled-event users)
    UserId,
    /// `item.user_id`, else `item.user.id` (thread members, scheduled-event exception users)
    UserIdField,
    /// `item.thread_metadata.archive_timestamp`, a timestamp (public and private archived threads)
    ArchiveTimestamp,
    /// `item.pinned_at`, a timestamp (channel pins)
    PinnedAt,
    /// A guild join request: `reviewed_at` as a snowflake when it was reviewed, else `id`
    /// (Discord compares the cursor with the review time for approved and rejected requests).
    JoinRequest,
}

/// An item's place in a list: a number to compare and the text to send back as the cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    /// Snowflake, or microseconds since the Unix epoch for a timestamp.
    pub order: i128,
    /// The cursor value as Discord wants it in the query.
    pub text: String,
}

impl Mark {
    /// The mark of a snowflake id.
    pub fn id(id: u64) -> Mark {
        Mark {
            order: i128::from(id),
            text: id.to_string(),
        }
    }
}

fn snowflake_of(v: Option<&Value>) -> Option<u64> {
    match v? {
        Value::String(s) => s.parse().ok(),
        Value::Number(n) => n.as_u64(),
        _ => None,
    }
}

fn time_of(v: Option<&Value>) -> Option<Mark> {
    let text = v?.as_str()?;
    Some(Mark {
        order: parse_timestamp(text)?,
        text: text.to_string(),
    })
}

/// Discord's epoch (2015-01-01) in Unix milliseconds.
const DISCORD_EPOCH_MS: i128 = 1_420_070_400_000;

impl IdKey {
    /// Whether the cursor is a timestamp rather than a snowflake.
    pub fn is_timestamp(self) -> bool {
        matches!(self, IdKey::ArchiveTimestamp | IdKey::PinnedAt)
    }

    /// The item's snowflake id, if the key is one and the item has it.
    pub fn of(self, item: &Value) -> Option<u64> {
        match self {
            IdKey::Id => snowflake_of(item.get("id")),
            IdKey::UserId => snowflake_of(item.get("user").and_then(|u| u.get("id"))),
            IdKey::UserIdField => snowflake_of(item.get("user_id"))
                .or_else(|| snowflake_of(item.get("user").and_then(|u| u.get("id")))),
            IdKey::JoinRequest => self.mark(item).and_then(|m| u64::try_from(m.order).ok()),
            IdKey::ArchiveTimestamp | IdKey::PinnedAt => None,
        }
    }

    /// The item's place in the list, if it has one.
    pub fn mark(self, item: &Value) -> Option<Mark> {
        match self {
            IdKey::ArchiveTimestamp => time_of(
                item.get("thread_metadata")
                    .and_then(|m| m.get("archive_timestamp")),
            ),
            IdKey::PinnedAt => time_of(item.get("pinned_at")),
            IdKey::JoinRequest => match item.get("reviewed_at").and_then(|r| time_of(Some(r))) {
                Some(reviewed) => {
                    let ms = reviewed.order.div_euclid(1000) - DISCORD_EPOCH_MS;
                    let id = u64::try_from(ms.max(0)).ok()?.checked_mul(1 << 22)?;
                    Some(Mark::id(id))
                }
                None => snowflake_of(item.get("id")).map(Mark::id),
            },
            _ => self.of(item).map(Mark::id),
        }
    }

    /// Where the cursor value is, as an error message names it.
    pub fn field(self) -> &'static str {
        match self {
            IdKey::Id => "id",
            IdKey::UserId => "user.id",
            IdKey::UserIdField => "user_id (or user.id)",
            IdKey::ArchiveTimestamp => "thread_metadata.archive_timestamp",
            IdKey::PinnedAt => "pinned_at",
            IdKey::JoinRequest => "id (or reviewed_at)",
        }
    }
}

/// Microseconds since the Unix epoch for an ISO8601 / RFC 3339 timestamp
/// (`2024-01-01T00:00:00.000000+00:00`, `2024-01-01T00:00:00Z`), if it is one.
pub fn parse_timestamp(text: &str) -> Option<i128> {
    let b = text.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let s = text.get(r)?;
        if s.is_empty() || !s.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    };
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut i = 19;
    let mut micros: i64 = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            if i - start < 6 {
                micros = micros * 10 + i64::from(b[i] - b'0');
            }
            i += 1;
        }
        if i == start {
            return None;
        }
        for _ in (i - start)..6 {
            micros *= 10;
        }
    }
    let offset_secs: i64 = match b.get(i) {
        None => 0,
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(sign @ (b'+' | b'-')) if b.len() == i + 6 && b[i + 3] == b':' => {
            let mins = num(i + 1..i + 3)? * 60 + num(i + 4..i + 6)?;
            if *sign == b'+' {
                mins * 60
            } else {
                -mins * 60
            }
        }
        _ => return None,
    };
    // Days since 1970-01-01 for a civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_secs;
    Some(i128::from(secs) * 1_000_000 + i128::from(micros))
}

/// Where a response keeps the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Items {
    /// The response is the array (`null` counts as empty).
    Array,
    /// The array is under this key of a response object; the rest of the object is dropped.
    Field(&'static str),
}

/// How one list endpoint pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// The cursor that moves forward by default.
    pub cursor: Cursor,
    /// Where each item's cursor value is.
    pub id_key: IdKey,
    /// The largest `limit` Discord accepts on this endpoint.
    pub max_limit: u32,
    /// The smallest `limit` Discord accepts.
    pub min_limit: u32,
    /// Where the list is in a response.
    pub items: Items,
    /// Whether the list only pages with its default cursor (Discord takes no other).
    pub one_way: bool,
}

impl Paging {
    /// A paging description for a bare array that pages both ways, limit 1 to `max_limit`.
    pub const fn new(cursor: Cursor, id_key: IdKey, max_limit: u32) -> Paging {
        Paging {
            cursor,
            id_key,
            max_limit,
            min_limit: 1,
            items: Items::Array,
            one_way: false,
        }
    }

    /// The list is under `key` of a response object.
    pub const fn in_field(mut self, key: &'static str) -> Paging {
        self.items = Items::Field(key);
        self
    }

    /// The endpoint takes only the default cursor.
    pub const fn one_way(mut self) -> Paging {
        self.one_way = true;
        self
    }

    /// The smallest page size Discord accepts.
    pub const fn min_limit(mut self, min: u32) -> Paging {
        self.min_limit = min;
        self
    }

    /// Splits a response into its items and its `has_more` flag, if it has one.
    pub fn split(&self, body: Value) -> std::result::Result<(Vec<Value>, Option<bool>), String> {
        match (self.items, body) {
            (Items::Array, Value::Array(items)) => Ok((items, None)),
            (Items::Array, Value::Null) => Ok((Vec::new(), None)),
            (Items::Field(key), Value::Object(mut object)) => {
                let has_more = object.get("has_more").and_then(Value::as_bool);
                match object.remove(key) {
                    Some(Value::Array(items)) => Ok((items, has_more)),
                    // Discord leaves some lists out when the app may not see them.
                    None | Some(Value::Null) => Ok((Vec::new(), has_more)),
                    Some(_) => Err(format!("'{key}' in the response is not an array")),
                }
            }
            (Items::Array, _) => Err("expected a JSON array".to_string()),
            (Items::Field(key), _) => Err(format!("expected a JSON object with '{key}'")),
        }
    }
}

/// List endpoints that page with before/after, by path pattern (`*` is one segment).
/// `tools/gen_endpoints.py` has the same list (PAGING); a unit test checks the two agree.
const PAGED_ROUTES: &[(&str, Paging)] = &[
    (
        "channels/*/messages",
        Paging::new(Cursor::Before, IdKey::Id, 100),
    ),
    (
        "channels/*/messages/*/reactions/*",
        Paging::new(Cursor::After, IdKey::Id, 100),
    ),
    (
        "guilds/*/members",
        Paging::new(Cursor::After, IdKey::UserId, 1000),
    ),
    (
        "guilds/*/bans",
        Paging::new(Cursor::After, IdKey::UserId, 1000),
    ),
    (
        "guilds/*/scheduled-events/*/users",
        Paging::new(Cursor::After, IdKey::UserId, 100),
    ),
    (
        "users/@me/guilds",
        Paging::new(Cursor::After, IdKey::Id, 200),
    ),
    (
        "applications/*/entitlements",
        Paging::new(Cursor::After, IdKey::Id, 100),
    ),
    (
        "skus/*/subscriptions",
        Paging::new(Cursor::After, IdKey::Id, 100),
    ),
    (
        "guilds/*/audit-logs",
        Paging::new(Cursor::Before, IdKey::Id, 100).in_field("audit_log_entries"),
    ),
    (
        "channels/*/polls/*/answers/*",
        Paging::new(Cursor::After, IdKey::Id, 100)
            .in_field("users")
            .one_way(),
    ),
    (
        "channels/*/thread-members",
        Paging::new(Cursor::After, IdKey::UserIdField, 100).one_way(),
    ),
    (
        "channels/*/threads/archived/public",
        Paging::new(Cursor::Before, IdKey::ArchiveTimestamp, 100)
            .in_field("threads")
            .one_way()
            .min_limit(2),
    ),
    (
        "channels/*/threads/archived/private",
        Paging::new(Cursor::Before, IdKey::ArchiveTimestamp, 100)
            .in_field("threads")
            .one_way()
            .min_limit(2),
    ),
    (
        "channels/*/users/@me/threads/archived/private",
        Paging::new(Cursor::Before, IdKey::Id, 100)
            .in_field("threads")
            .one_way()
            .min_limit(2),
    ),
    (
        "channels/*/messages/pins",
        Paging::new(Cursor::Before, IdKey::PinnedAt, 50)
            .in_field("items")
            .one_way(),
    ),
    (
        "guilds/*/requests",
        Paging::new(Cursor::Before, IdKey::JoinRequest, 100).in_field("guild_join_requests"),
    ),
    (
        "guilds/*/scheduled-events/*/*/users",
        Paging::new(Cursor::After, IdKey::UserIdField, 100),
    ),
];

/// How the list at this API path (after the base, query ignored) pages, if it does.
pub fn detect(path: &str) -> Option<Paging> {
    let path = path.split('?').next().unwrap_or("");
    PAGED_ROUTES
        .iter()
        .find(|(pattern, _)| crate::endpoints::path_matches(pattern, path))
        .map(|(_, paging)| *paging)
}
