//! `--paginate`: following Discord's before/after cursors to the end of a list, printing every
//! item exactly once. Items are streamed page by page, so memory stays flat however long the
//! list is.

use serde_json::Value;

/// Which cursor moves through the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cursor {
    /// Newest first; the next page is `before` the smallest id seen (channel messages).
    Before,
    /// Oldest first; the next page is `after` the largest id seen (members, bans, guilds).
    After,
}

/// Where an item's snowflake lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKey {
    /// `item.id`
    Id,
    /// `item.user.id` (members, bans, scheduled-event users)
    UserId,
}

impl IdKey {
    /// The item's id as a number, if it has one.
    pub fn of(self, item: &Value) -> Option<u64> {
        let v = match self {
            IdKey::Id => item.get("id"),
            IdKey::UserId => item.get("user").and_then(|u| u.get("id")),
        }?;
        match v {
            Value::String(s) => s.parse().ok(),
            Value::Number(n) => n.as_u64(),
            _ => None,
        }
    }
}

/// How one list endpoint pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// The cursor that moves forward by default.
    pub cursor: Cursor,
    /// Where each item's id is.
    pub id_key: IdKey,
    /// The largest `limit` Discord accepts on this endpoint.
    pub max_limit: u32,
}

impl Paging {
    /// A paging description.
    pub const fn new(cursor: Cursor, id_key: IdKey, max_limit: u32) -> Paging {
        Paging {
            cursor,
            id_key,
            max_limit,
        }
    }
}
