//! `--paginate`: following Discord's before/after cursors to the end of a list, printing every
//! item exactly once, in the list's order. Items are streamed page by page, so memory stays flat
//! however long the list is. How each list pages is data, in [`discord_protocol::paging`].

use serde_json::Value;

pub use discord_protocol::paging::*;

/// Checks that every item of page `page_no` (from 1) has its place in the list: without one
/// the walk cannot know where the next page starts, and stopping there would pass a partial
/// list off as the whole.
pub fn check_page(id_key: IdKey, page_no: u64, items: &[Value]) -> crate::Result<()> {
    match items.iter().position(|item| id_key.mark(item).is_none()) {
        None => Ok(()),
        Some(i) => Err(crate::Error::new(
            crate::ErrorKind::Api,
            format!(
                "--paginate: page {page_no} item {} has no {}: cannot page further",
                i + 1,
                id_key.field()
            ),
        )),
    }
}

/// Where the walk through a list stands: the cursor moves strictly in one direction, so an
/// item is printed at most once even if pages overlap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Walk {
    /// The direction.
    pub cursor: Cursor,
    /// Where the next page starts (exclusive).
    pub position: Option<Mark>,
    /// Page size.
    pub limit: u32,
    /// Whether the end was reached.
    pub done: bool,
    /// Where each item's place is.
    pub id_key: IdKey,
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
            if paging.id_key.is_timestamp() {
                parse_timestamp(v)
                    .map(|order| Mark {
                        order,
                        text: v.clone(),
                    })
                    .ok_or_else(|| {
                        crate::Error::usage(format!(
                            "'{k}={v}' must be an ISO8601 timestamp such as 2024-01-31T12:00:00Z for --paginate"
                        ))
                    })
            } else {
                v.parse::<u64>().map(Mark::id).map_err(|_| {
                    crate::Error::usage(format!("'{k}={v}' must be a snowflake id for --paginate"))
                })
            }
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
        if paging.one_way && cursor != paging.cursor {
            return Err(crate::Error::usage(format!(
                "this list only pages with '{}'; leave out '{}'",
                paging.cursor.param(),
                cursor.param()
            )));
        }
        let limit = match get("limit") {
            Some(v) => v
                .parse::<u32>()
                .ok()
                .filter(|l| (paging.min_limit..=paging.max_limit).contains(l))
                .ok_or_else(|| {
                    crate::Error::usage(format!(
                        "limit={v}: with --paginate give a page size from {} to {}",
                        paging.min_limit, paging.max_limit
                    ))
                })?,
            None => paging.max_limit,
        };
        Ok(Walk {
            cursor,
            position,
            limit,
            done: false,
            id_key: paging.id_key,
        })
    }

    /// The query for the next page: the user's other parameters plus cursor and limit.
    pub fn query(&self, user_query: &[(String, String)]) -> Vec<(String, String)> {
        let mut q: Vec<(String, String)> = user_query
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "before" | "after" | "limit"))
            .cloned()
            .collect();
        if let Some(p) = &self.position {
            q.push((self.cursor.param().to_string(), p.text.clone()));
        } else if self.cursor == Cursor::After {
            q.push(("after".to_string(), "0".to_string()));
        }
        q.push(("limit".to_string(), self.limit.to_string()));
        q
    }

    /// Takes one page of a bare-array list; see [`Walk::take`].
    pub fn take_page(&mut self, page: Vec<Value>) -> Vec<Value> {
        self.take(page, None)
    }

    /// Takes one page: returns the items not seen before, in the walk's order (newest first
    /// going `before`, oldest first going `after`, whatever order the page came in), and moves
    /// the cursor. `has_more`, when the response has it, says whether another page follows.
    pub fn take(&mut self, page: Vec<Value>, has_more: Option<bool>) -> Vec<Value> {
        let full = page.len() as u32 >= self.limit;
        let start = self.position.clone();
        let mut fresh: Vec<(Option<i128>, Value)> = Vec::with_capacity(page.len());
        for item in page {
            let Some(mark) = self.id_key.mark(&item) else {
                // Without a place the walk cannot go on safely; keep the item, stop after it.
                fresh.push((None, item));
                self.done = true;
                continue;
            };
            let new = match (self.cursor, &start) {
                (_, None) => true,
                (Cursor::Before, Some(p)) => mark.order < p.order,
                (Cursor::After, Some(p)) => mark.order > p.order,
            };
            if !new {
                continue;
            }
            let further = match (self.cursor, &self.position) {
                (_, None) => true,
                (Cursor::Before, Some(p)) => mark.order < p.order,
                (Cursor::After, Some(p)) => mark.order > p.order,
            };
            let order = mark.order;
            if further {
                self.position = Some(mark);
            }
            fresh.push((Some(order), item));
        }
        // Items without a place keep their spot at the end; the rest are put in walk order.
        fresh.sort_by(|(a, _), (b, _)| match (a, b) {
            (Some(a), Some(b)) => match self.cursor {
                Cursor::Before => b.cmp(a),
                Cursor::After => a.cmp(b),
            },
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        });
        let more = has_more.unwrap_or(full);
        if !more || fresh.is_empty() || self.position == start {
            self.done = true;
        }
        fresh.into_iter().map(|(_, item)| item).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_item_without_its_cursor_field_is_an_error() {
        let members = [json!({"user": {"id": "5"}}), json!({"nick": "x"})];
        assert!(check_page(IdKey::UserId, 1, &members[..1]).is_ok());
        let e = check_page(IdKey::UserId, 3, &members).unwrap_err();
        assert_eq!(
            e.message,
            "--paginate: page 3 item 2 has no user.id: cannot page further"
        );
        assert_eq!(e.kind, crate::ErrorKind::Api);
    }

    fn ids(items: &[Value], key: IdKey) -> Vec<u64> {
        items.iter().filter_map(|i| key.of(i)).collect()
    }

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
        let pins = detect("/channels/1/messages/pins").unwrap();
        assert_eq!(pins.items, Items::Field("items"));
        assert_eq!(pins.max_limit, 50);
        assert_eq!(
            detect("/guilds/1/audit-logs").unwrap().items,
            Items::Field("audit_log_entries")
        );
        assert_eq!(
            detect("/channels/1/users/@me/threads/archived/private")
                .unwrap()
                .id_key,
            IdKey::Id
        );
        assert_eq!(
            detect("/guilds/1/scheduled-events/2/3/users")
                .unwrap()
                .id_key,
            IdKey::UserIdField
        );
        assert_eq!(
            detect("/guilds/1/scheduled-events/2/users").unwrap().id_key,
            IdKey::UserId
        );
    }

    #[test]
    fn walk_before_moves_down_and_skips_repeats() {
        let paging = Paging::new(Cursor::Before, IdKey::Id, 2);
        let mut walk = Walk::start(paging, &[]).unwrap();
        assert_eq!(
            walk.query(&[]),
            vec![("limit".to_string(), "2".to_string())]
        );
        let items = walk.take_page(vec![json!({"id": "9"}), json!({"id": "8"})]);
        assert_eq!(items.len(), 2);
        assert_eq!(walk.position, Some(Mark::id(8)));
        assert!(!walk.done);
        // An overlapping page: 8 again is not printed twice.
        let items = walk.take_page(vec![json!({"id": "8"}), json!({"id": "7"})]);
        assert_eq!(items, vec![json!({"id": "7"})]);
        let items = walk.take_page(vec![json!({"id": "6"})]);
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
        let items = walk.take_page(vec![
            json!({"user": {"id": "4"}}),
            json!({"user": {"id": "7"}}),
        ]);
        assert_eq!(items.len(), 1);
        assert_eq!(walk.query(&q)[0], ("after".to_string(), "7".to_string()));
        assert!(Walk::start(paging, &[("around".into(), "1".into())]).is_err());
        assert!(Walk::start(paging, &[("limit".into(), "5000".into())]).is_err());
    }

    #[test]
    fn walk_after_prints_a_newest_first_page_oldest_first() {
        // Discord answers `after` with the page newest first (messages, audit log).
        let paging = detect("guilds/1/audit-logs").unwrap();
        let q = vec![
            ("after".to_string(), "10".to_string()),
            ("limit".to_string(), "3".to_string()),
        ];
        let mut walk = Walk::start(paging, &q).unwrap();
        let body = json!({"audit_log_entries": [{"id": "13"}, {"id": "12"}, {"id": "11"}],
                          "users": [{"id": "1"}]});
        let (page, more) = paging.split(body).unwrap();
        assert_eq!(more, None);
        let items = walk.take(page, more);
        assert_eq!(ids(&items, IdKey::Id), vec![11, 12, 13]);
        assert_eq!(walk.query(&q)[0], ("after".to_string(), "13".to_string()));
        assert!(!walk.done);
    }

    #[test]
    fn audit_log_pages_before_the_oldest_entry() {
        let paging = detect("guilds/1/audit-logs").unwrap();
        let q = vec![
            ("user_id".to_string(), "5".to_string()),
            ("limit".to_string(), "2".to_string()),
        ];
        let mut walk = Walk::start(paging, &q).unwrap();
        let (page, more) = paging
            .split(json!({"audit_log_entries": [{"id": "30"}, {"id": "20"}]}))
            .unwrap();
        assert_eq!(ids(&walk.take(page, more), IdKey::Id), vec![30, 20]);
        assert_eq!(
            walk.query(&q),
            vec![
                ("user_id".to_string(), "5".to_string()),
                ("before".to_string(), "20".to_string()),
                ("limit".to_string(), "2".to_string())
            ]
        );
        let (page, more) = paging
            .split(json!({"audit_log_entries": [{"id": "10"}]}))
            .unwrap();
        assert_eq!(walk.take(page, more).len(), 1);
        assert!(walk.done);
        assert!(paging.split(json!([1])).is_err());
    }

    #[test]
    fn answer_voters_page_after_the_last_user_only() {
        let paging = detect("channels/1/polls/2/answers/3").unwrap();
        let mut walk = Walk::start(paging, &[("limit".into(), "2".into())]).unwrap();
        assert_eq!(walk.query(&[])[0], ("after".to_string(), "0".to_string()));
        let (page, more) = paging
            .split(json!({"users": [{"id": "4"}, {"id": "6"}]}))
            .unwrap();
        assert_eq!(walk.take(page, more).len(), 2);
        assert_eq!(walk.query(&[])[0], ("after".to_string(), "6".to_string()));
        let (page, more) = paging.split(json!({"users": []})).unwrap();
        assert!(walk.take(page, more).is_empty());
        assert!(walk.done);
        let err = Walk::start(paging, &[("before".into(), "9".into())]).unwrap_err();
        assert!(err.to_string().contains("only pages with 'after'"), "{err}");
    }

    #[test]
    fn thread_members_page_by_user_id() {
        let paging = detect("channels/1/thread-members").unwrap();
        let q = vec![
            ("with_member".to_string(), "true".to_string()),
            ("limit".to_string(), "2".to_string()),
        ];
        let mut walk = Walk::start(paging, &q).unwrap();
        // `id` is the thread's id, the same on every item: the cursor is `user_id`.
        let page = vec![
            json!({"id": "1", "user_id": "50"}),
            json!({"id": "1", "user_id": "60"}),
        ];
        assert_eq!(walk.take_page(page).len(), 2);
        assert_eq!(
            walk.query(&q),
            vec![
                ("with_member".to_string(), "true".to_string()),
                ("after".to_string(), "60".to_string()),
                ("limit".to_string(), "2".to_string())
            ]
        );
        // Without with_member Discord ignores the cursor and sends everyone again: nothing new.
        let again = vec![
            json!({"id": "1", "user_id": "50"}),
            json!({"id": "1", "user_id": "60"}),
        ];
        assert!(walk.take_page(again).is_empty());
        assert!(walk.done);
    }

    #[test]
    fn archived_threads_page_before_the_last_archive_timestamp() {
        let paging = detect("channels/1/threads/archived/public").unwrap();
        let thread =
            |id: &str, ts: &str| json!({"id": id, "thread_metadata": {"archive_timestamp": ts}});
        let mut walk = Walk::start(paging, &[("limit".into(), "2".into())]).unwrap();
        assert_eq!(
            walk.query(&[]),
            vec![("limit".to_string(), "2".to_string())]
        );
        let body = json!({"threads": [thread("7", "2024-03-02T00:00:00.000000+00:00"),
                                      thread("9", "2024-03-01T12:00:00.000000+00:00")],
                          "members": [], "has_more": true});
        let (page, more) = paging.split(body).unwrap();
        assert_eq!(more, Some(true));
        assert_eq!(walk.take(page, more).len(), 2);
        assert_eq!(
            walk.query(&[])[0],
            (
                "before".to_string(),
                "2024-03-01T12:00:00.000000+00:00".to_string()
            )
        );
        // has_more wins over a short page, and ends the walk when false.
        let body = json!({"threads": [thread("3", "2024-02-01T00:00:00Z")], "has_more": true});
        let (page, more) = paging.split(body).unwrap();
        assert_eq!(walk.take(page, more).len(), 1);
        assert!(!walk.done);
        let body = json!({"threads": [thread("2", "2024-01-01T00:00:00Z")], "has_more": false});
        let (page, more) = paging.split(body).unwrap();
        assert_eq!(walk.take(page, more).len(), 1);
        assert!(walk.done);
        assert!(Walk::start(paging, &[("before".into(), "123".into())]).is_err());
        assert!(Walk::start(paging, &[("before".into(), "2024-01-01T00:00:00Z".into())]).is_ok());
        assert!(Walk::start(paging, &[("limit".into(), "1".into())]).is_err());
    }

    #[test]
    fn joined_private_archived_threads_page_by_thread_id() {
        let paging = detect("channels/1/users/@me/threads/archived/private").unwrap();
        let mut walk = Walk::start(paging, &[]).unwrap();
        let body = json!({"threads": [{"id": "20"}, {"id": "10"}], "has_more": true});
        let (page, more) = paging.split(body).unwrap();
        assert_eq!(walk.take(page, more).len(), 2);
        assert_eq!(walk.query(&[])[0], ("before".to_string(), "10".to_string()));
    }

    #[test]
    fn pins_page_before_the_last_pinned_at() {
        let paging = detect("channels/1/messages/pins").unwrap();
        let pin = |m: &str, at: &str| json!({"pinned_at": at, "message": {"id": m}});
        let mut walk = Walk::start(paging, &[("limit".into(), "2".into())]).unwrap();
        let body = json!({"items": [pin("5", "2024-01-03T00:00:00+00:00"),
                                    pin("4", "2024-01-02T00:00:00+00:00")], "has_more": true});
        let (page, more) = paging.split(body).unwrap();
        assert_eq!(walk.take(page, more).len(), 2);
        assert_eq!(
            walk.query(&[])[0],
            (
                "before".to_string(),
                "2024-01-02T00:00:00+00:00".to_string()
            )
        );
        // The same pin again (a timestamp the server compared inclusively) is not repeated.
        let body = json!({"items": [pin("4", "2024-01-02T00:00:00+00:00"),
                                    pin("3", "2024-01-01T00:00:00+00:00")], "has_more": false});
        let (page, more) = paging.split(body).unwrap();
        let items = walk.take(page, more);
        assert_eq!(items, vec![pin("3", "2024-01-01T00:00:00+00:00")]);
        assert!(walk.done);
        let err = Walk::start(paging, &[("limit".into(), "100".into())]).unwrap_err();
        assert!(err.to_string().contains("from 1 to 50"), "{err}");
    }

    #[test]
    fn join_requests_page_by_id_or_review_time() {
        let paging = detect("guilds/1/requests").unwrap();
        let mut walk = Walk::start(paging, &[]).unwrap();
        let body = json!({"total": 2, "guild_join_requests": [
            {"id": "200", "reviewed_at": null}, {"id": "100", "reviewed_at": null}]});
        let (page, more) = paging.split(body).unwrap();
        assert_eq!(walk.take(page, more).len(), 2);
        assert!(walk.done, "a short page is the last");
        assert_eq!(
            walk.query(&[])[0],
            ("before".to_string(), "100".to_string())
        );
        // Reviewed requests: the cursor is the review time as a snowflake.
        let reviewed = json!({"id": "5", "reviewed_at": "2015-01-01T00:00:01+00:00"});
        assert_eq!(IdKey::JoinRequest.of(&reviewed), Some(1000 << 22));
        // Only the count (no KICK_MEMBERS): an empty list, not an error.
        assert_eq!(paging.split(json!({"total": 3})).unwrap().0.len(), 0);
    }

    #[test]
    fn exception_users_page_after_user_id_and_null_is_empty() {
        let paging = detect("guilds/1/scheduled-events/2/3/users").unwrap();
        let mut walk = Walk::start(paging, &[]).unwrap();
        let (page, more) = paging
            .split(json!([{"user_id": "8", "user": {"id": "8"}}, {"user": {"id": "9"}}]))
            .unwrap();
        assert_eq!(walk.take(page, more).len(), 2);
        assert_eq!(walk.query(&[])[0], ("after".to_string(), "9".to_string()));
        assert_eq!(paging.split(Value::Null).unwrap().0.len(), 0);
    }

    #[test]
    fn timestamps_parse() {
        assert_eq!(parse_timestamp("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_timestamp("1970-01-01T00:00:01.5+00:00"),
            Some(1_500_000)
        );
        assert_eq!(parse_timestamp("1970-01-01T01:00:00+01:00"), Some(0));
        assert_eq!(
            parse_timestamp("2024-01-01T00:00:00.000000+00:00"),
            Some(1_704_067_200_000_000)
        );
        assert_eq!(parse_timestamp("2024-01-01"), None);
        assert_eq!(parse_timestamp("2024-13-01T00:00:00Z"), None);
        assert_eq!(parse_timestamp("2024-01-01T00:00:00+0100"), None);
        assert_eq!(parse_timestamp("2024-01-01T00:00:00Zjunk"), None);
    }
}
