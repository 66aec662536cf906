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

/// List endpoints that page with before/after, by path pattern (`*` is one segment).
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
];

/// How the list at this API path (after the base, query ignored) pages, if it does.
pub fn detect(path: &str) -> Option<Paging> {
    let path = path.split('?').next().unwrap_or("");
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    PAGED_ROUTES.iter().find_map(|(pattern, paging)| {
        let parts: Vec<&str> = pattern.split('/').collect();
        let matches = parts.len() == segments.len()
            && parts
                .iter()
                .zip(&segments)
                .all(|(p, s)| *p == "*" || p == s);
        matches.then_some(*paging)
    })
}

/// Where the walk through a list stands: the cursor moves strictly in one direction, so an
/// item is printed at most once even if pages overlap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Walk {
    /// The direction.
    pub cursor: Cursor,
    /// Where the next page starts (exclusive).
    pub position: Option<u64>,
    /// Page size.
    pub limit: u32,
    /// Whether the end was reached.
    pub done: bool,
}

impl Walk {
    /// Starts a walk from the user's query (`before`/`after`/`limit` there win).
    pub fn start(paging: Paging, query: &[(String, String)]) -> crate::Result<Walk> {
        let get = |k: &str| query.iter().rev().find(|(n, _)| n == k).map(|(_, v)| v);
        if get("around").is_some() {
            return Err(crate::Error::usage(
                "--paginate cannot follow 'around'; use before or after",
            ));
        }
        let parse = |k: &str, v: &String| {
            v.parse::<u64>().map_err(|_| {
                crate::Error::usage(format!("'{k}={v}' must be a snowflake id for --paginate"))
            })
        };
        let (cursor, position) = match (get("before"), get("after")) {
            (Some(_), Some(_)) => {
                return Err(crate::Error::usage(
                    "--paginate takes before or after, not both",
                ))
            }
            (Some(b), None) => (Cursor::Before, Some(parse("before", b)?)),
            (None, Some(a)) => (Cursor::After, Some(parse("after", a)?)),
            (None, None) => (paging.cursor, None),
        };
        let limit = match get("limit") {
            Some(v) => v
                .parse::<u32>()
                .ok()
                .filter(|l| (1..=paging.max_limit).contains(l))
                .ok_or_else(|| {
                    crate::Error::usage(format!(
                        "limit={v}: with --paginate give a page size from 1 to {}",
                        paging.max_limit
                    ))
                })?,
            None => paging.max_limit,
        };
        Ok(Walk {
            cursor,
            position,
            limit,
            done: false,
        })
    }

    /// The query for the next page: the user's other parameters plus cursor and limit.
    pub fn query(&self, user_query: &[(String, String)]) -> Vec<(String, String)> {
        let mut q: Vec<(String, String)> = user_query
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "before" | "after" | "limit"))
            .cloned()
            .collect();
        if let Some(p) = self.position {
            let key = match self.cursor {
                Cursor::Before => "before",
                Cursor::After => "after",
            };
            q.push((key.to_string(), p.to_string()));
        } else if self.cursor == Cursor::After {
            q.push(("after".to_string(), "0".to_string()));
        }
        q.push(("limit".to_string(), self.limit.to_string()));
        q
    }

    /// Takes one page: returns the items not seen before, in order, and moves the cursor.
    pub fn take_page(&mut self, page: Vec<Value>, id_key: IdKey) -> Vec<Value> {
        let full = page.len() as u32 >= self.limit;
        let start = self.position;
        let mut fresh = Vec::with_capacity(page.len());
        for item in page {
            let Some(id) = id_key.of(&item) else {
                // Without an id the walk cannot go on safely; keep the item, stop after it.
                fresh.push(item);
                self.done = true;
                continue;
            };
            let new = match (self.cursor, start) {
                (_, None) => true,
                (Cursor::Before, Some(p)) => id < p,
                (Cursor::After, Some(p)) => id > p,
            };
            if !new {
                continue;
            }
            self.position = Some(match (self.cursor, self.position) {
                (_, None) => id,
                (Cursor::Before, Some(p)) => p.min(id),
                (Cursor::After, Some(p)) => p.max(id),
            });
            fresh.push(item);
        }
        if !full || fresh.is_empty() || self.position == start {
            self.done = true;
        }
        fresh
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn detects_list_routes() {
        assert_eq!(
            detect("/channels/1/messages").unwrap().cursor,
            Cursor::Before
        );
        assert_eq!(
            detect("guilds/1/members?limit=5").unwrap().id_key,
            IdKey::UserId
        );
        assert!(detect("/channels/1/messages/2").is_none());
        assert!(detect("/users/@me").is_none());
    }

    #[test]
    fn walk_before_moves_down_and_skips_repeats() {
        let paging = Paging::new(Cursor::Before, IdKey::Id, 2);
        let mut walk = Walk::start(paging, &[]).unwrap();
        assert_eq!(
            walk.query(&[]),
            vec![("limit".to_string(), "2".to_string())]
        );
        let items = walk.take_page(vec![json!({"id": "9"}), json!({"id": "8"})], IdKey::Id);
        assert_eq!(items.len(), 2);
        assert_eq!(walk.position, Some(8));
        assert!(!walk.done);
        // An overlapping page: 8 again is not printed twice.
        let items = walk.take_page(vec![json!({"id": "8"}), json!({"id": "7"})], IdKey::Id);
        assert_eq!(items, vec![json!({"id": "7"})]);
        let items = walk.take_page(vec![json!({"id": "6"})], IdKey::Id);
        assert_eq!(items.len(), 1);
        assert!(walk.done);
    }

    #[test]
    fn walk_after_uses_user_ids_and_user_query() {
        let paging = Paging::new(Cursor::After, IdKey::UserId, 1000);
        let q = vec![
            ("after".to_string(), "5".to_string()),
            ("limit".to_string(), "2".to_string()),
        ];
        let mut walk = Walk::start(paging, &q).unwrap();
        assert_eq!(walk.limit, 2);
        let items = walk.take_page(
            vec![json!({"user": {"id": "4"}}), json!({"user": {"id": "7"}})],
            IdKey::UserId,
        );
        assert_eq!(items.len(), 1);
        assert_eq!(walk.query(&q)[0], ("after".to_string(), "7".to_string()));
        assert!(Walk::start(paging, &[("around".into(), "1".into())]).is_err());
        assert!(Walk::start(paging, &[("limit".into(), "5000".into())]).is_err());
    }
}
