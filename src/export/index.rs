//! The export's SQLite index (`DIR/archive.sqlite`): where each channel's walk stands, and
//! the exported messages, channels, threads, users, attachments and media, with an FTS5
//! full-text table over message content.
//!
//! The index is also the export's journal. A page of messages is appended to the channel's
//! JSON-lines file first and then committed here together with the file's new length; a run
//! that starts again cuts each file back to its committed length, so a page that was written
//! but not committed (a `kill -9` in between) is written again exactly once.
//!
//! `--refresh-since` rewrites the tail of a file instead of appending (see
//! [`super::refresh`]): the new file is written beside the old one, then the index commits the
//! new rows, the deletions and the new length together with a note naming the new file
//! (`meta` key `swap:CHANNEL`), and only then is the new file renamed over the old one and the
//! note cleared. A run that finds the note finishes the rename; a new file without a note was
//! never committed and is removed. Either way the file and the index agree.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

use crate::{Error, Result};

/// The schema, created on first use. Ids are stored as text, as Discord sends them, except the
/// messages' primary key, which is the snowflake itself so the FTS table can point at it.
const SCHEMA: &str = "
create table if not exists meta(key text primary key, value text not null);
create table if not exists channels(
    id text primary key, guild_id text, parent_id text, name text, type integer,
    is_thread integer not null, object text not null, file text not null,
    last_message_id text, file_len integer not null default 0, messages integer not null default 0);
create table if not exists users(
    id text primary key, username text, global_name text, bot integer, object text not null);
create table if not exists messages(
    id integer primary key, channel_id text not null, author_id text, timestamp text, content text);
create index if not exists messages_channel on messages(channel_id, id);
create virtual table if not exists messages_fts using fts5(content, content='messages', content_rowid='id');
create table if not exists attachments(
    id text primary key, message_id text not null, channel_id text not null, filename text,
    url text, size integer, content_type text, media_key text);
create table if not exists media(
    key text primary key, kind text not null, url text not null, message_id text,
    sha256 text, path text, size integer, error text);
";

/// Columns added after the first release, added to an older index when it is opened.
const MIGRATIONS: &[(&str, &str, &str)] = &[(
    "messages",
    "deleted_at",
    "alter table messages add column deleted_at text",
)];

/// The `meta` key of a channel's committed but unfinished file swap.
fn swap_key(channel_id: &str) -> String {
    format!("swap:{channel_id}")
}

/// One message as the index keeps it (the JSON-lines file keeps the whole object).
#[derive(Debug, Clone)]
pub struct MessageRow {
    /// The snowflake.
    pub id: u64,
    /// The author's id and user object.
    pub author: Option<(String, Value)>,
    /// When it was sent (RFC 3339, as Discord gives it).
    pub timestamp: String,
    /// Its text.
    pub content: String,
    /// Its attachments: (id, filename, url, size, content type).
    pub attachments: Vec<(String, String, String, u64, String)>,
    /// Other media it references: (key, kind, url).
    pub media: Vec<(String, &'static str, String)>,
}

/// A file still to download.
#[derive(Debug, Clone)]
pub struct PendingMedia {
    /// Its key in the media table.
    pub key: String,
    /// Where to get it.
    pub url: String,
    /// The attachment id, when it is an attachment (refreshable through Discord).
    pub attachment: bool,
    /// Its size when Discord said (attachments), for `--max-media-size`.
    pub size: Option<u64>,
}

/// The open index.
pub struct Index {
    conn: Connection,
}

fn db_error(e: rusqlite::Error) -> Error {
    Error::runtime(format!("the export index (archive.sqlite): {e}"))
}

impl Index {
    /// Opens (creating if needed) `DIR/archive.sqlite`.
    pub fn open(dir: &Path) -> Result<Index> {
        let conn = Connection::open(dir.join("archive.sqlite")).map_err(db_error)?;
        conn.busy_timeout(std::time::Duration::from_secs(30))
            .map_err(db_error)?;
        conn.pragma_update(None, "journal_mode", "wal")
            .map_err(db_error)?;
        conn.execute_batch(SCHEMA).map_err(db_error)?;
        for (table, column, sql) in MIGRATIONS {
            let has: bool = conn
                .query_row(
                    &format!("select count(*) from pragma_table_info('{table}') where name = ?1"),
                    [column],
                    |r| r.get::<_, i64>(0),
                )
                .map_err(db_error)?
                > 0;
            if !has {
                conn.execute_batch(sql).map_err(db_error)?;
            }
        }
        Ok(Index { conn })
    }

    /// Records what selects the exported messages the first time, and refuses a later run of
    /// the same folder that selects differently: the files would then mix two selections.
    pub fn check_selection(&self, selection: &str) -> Result<()> {
        let stored: Option<String> = self
            .conn
            .query_row("select value from meta where key = 'selection'", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(db_error)?;
        match stored {
            None => {
                self.conn
                    .execute(
                        "insert into meta(key, value) values ('selection', ?1)",
                        [selection],
                    )
                    .map_err(db_error)?;
                Ok(())
            }
            Some(s) if s == selection => Ok(()),
            Some(s) => Err(Error::usage(format!(
                "this folder holds an export made with {s}; this run asks for {selection}: use another --out folder, or the same --after/--before/--from as before"
            ))),
        }
    }

    /// Adds or refreshes a channel or thread (its object, name, parent), keeping its progress.
    pub fn put_channel(&self, object: &Value, is_thread: bool, file: &str) -> Result<()> {
        let text = |k: &str| object.get(k).and_then(Value::as_str).map(str::to_string);
        self.conn
            .execute(
                "insert into channels(id, guild_id, parent_id, name, type, is_thread, object, file)
                 values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 on conflict(id) do update set guild_id = excluded.guild_id,
                   parent_id = excluded.parent_id, name = excluded.name, type = excluded.type,
                   object = excluded.object",
                params![
                    text("id"),
                    text("guild_id"),
                    text("parent_id"),
                    text("name"),
                    object.get("type").and_then(Value::as_i64),
                    is_thread,
                    object.to_string(),
                    file
                ],
            )
            .map_err(db_error)?;
        Ok(())
    }

    /// Where a channel's walk stands: the newest exported message id and the committed length
    /// of its file.
    pub fn progress(&self, channel_id: &str) -> Result<(Option<u64>, u64)> {
        let row: Option<(Option<String>, i64)> = self
            .conn
            .query_row(
                "select last_message_id, file_len from channels where id = ?1",
                [channel_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(db_error)?;
        Ok(match row {
            Some((last, len)) => (
                last.and_then(|l| l.parse().ok()),
                u64::try_from(len).unwrap_or(0),
            ),
            None => (None, 0),
        })
    }

    /// Commits one page: its messages, their authors, attachments and media, and the channel's
    /// new position (`last_id`, the file's length after the page was appended), all at once.
    pub fn commit_page(
        &mut self,
        channel_id: &str,
        rows: &[MessageRow],
        last_id: u64,
        file_len: u64,
    ) -> Result<()> {
        let tx = self.conn.transaction().map_err(db_error)?;
        for row in rows {
            put_row(&tx, channel_id, row)?;
        }
        let len = i64::try_from(file_len).map_err(|_| Error::runtime("file too large"))?;
        tx.execute(
            "update channels set last_message_id = ?2, file_len = ?3,
               messages = (select count(*) from messages where channel_id = ?1 and deleted_at is null) where id = ?1",
            params![channel_id, last_id.to_string(), len],
        )
        .map_err(db_error)?;
        tx.commit().map_err(db_error)
    }

    /// Commits a refreshed window `[start, last]` of a channel: the messages Discord lists in
    /// it now (`rows`: new ones added, edited ones updated), every other message of the window
    /// marked deleted, the file's new length, and the note that `staged` (a file name beside
    /// the channel's file) is to replace it. Returns how many messages were newly marked
    /// deleted.
    pub fn commit_refresh(
        &mut self,
        channel_id: &str,
        rows: &[MessageRow],
        window: (u64, u64),
        file_len: u64,
        staged: &str,
    ) -> Result<u64> {
        let tx = self.conn.transaction().map_err(db_error)?;
        tx.execute_batch(
            "create temp table if not exists refresh_seen(id integer primary key);
             delete from refresh_seen;",
        )
        .map_err(db_error)?;
        for row in rows {
            put_row(&tx, channel_id, row)?;
            tx.execute(
                "insert or ignore into refresh_seen(id) values (?1)",
                [i64::try_from(row.id).map_err(|_| Error::runtime("message id out of range"))?],
            )
            .map_err(db_error)?;
        }
        let bound =
            |id: u64| i64::try_from(id).map_err(|_| Error::runtime("message id out of range"));
        let deleted = tx
            .execute(
                "update messages set deleted_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
                 where channel_id = ?1 and id between ?2 and ?3 and deleted_at is null
                   and id not in (select id from refresh_seen)",
                params![channel_id, bound(window.0)?, bound(window.1)?],
            )
            .map_err(db_error)?;
        let len = i64::try_from(file_len).map_err(|_| Error::runtime("file too large"))?;
        tx.execute(
            "update channels set file_len = ?2,
               messages = (select count(*) from messages where channel_id = ?1 and deleted_at is null)
             where id = ?1",
            params![channel_id, len],
        )
        .map_err(db_error)?;
        tx.execute(
            "insert into meta(key, value) values (?1, ?2)
             on conflict(key) do update set value = excluded.value",
            params![swap_key(channel_id), staged],
        )
        .map_err(db_error)?;
        tx.commit().map_err(db_error)?;
        Ok(deleted as u64)
    }

    /// The file a committed refresh of this channel still has to rename into place, if any.
    pub fn pending_swap(&self, channel_id: &str) -> Result<Option<String>> {
        self.conn
            .query_row(
                "select value from meta where key = ?1",
                [swap_key(channel_id)],
                |r| r.get(0),
            )
            .optional()
            .map_err(db_error)
    }

    /// Forgets a channel's swap once its file is in place.
    pub fn clear_swap(&self, channel_id: &str) -> Result<()> {
        self.conn
            .execute("delete from meta where key = ?1", [swap_key(channel_id)])
            .map_err(db_error)?;
        Ok(())
    }

    /// Media not downloaded yet (and not failed for good), oldest first.
    pub fn pending_media(&self, limit: usize) -> Result<Vec<PendingMedia>> {
        let mut stmt = self
            .conn
            .prepare(
                "select m.key, m.url, m.kind, a.size from media m
                 left join attachments a on a.media_key = m.key
                 where m.path is null and m.error is null order by m.rowid limit ?1",
            )
            .map_err(db_error)?;
        let rows = stmt
            .query_map([limit as i64], |r| {
                Ok(PendingMedia {
                    key: r.get(0)?,
                    url: r.get(1)?,
                    attachment: r.get::<_, String>(2)? == "attachment",
                    size: r.get::<_, Option<i64>>(3)?.map(|s| s.max(0) as u64),
                })
            })
            .map_err(db_error)?;
        rows.collect::<std::result::Result<_, _>>()
            .map_err(db_error)
    }

    /// Records a downloaded file (or why it was not downloaded).
    pub fn set_media(
        &self,
        key: &str,
        outcome: std::result::Result<(&str, &str, u64), &str>,
    ) -> Result<()> {
        match outcome {
            Ok((sha256, path, size)) => self.conn.execute(
                "update media set sha256 = ?2, path = ?3, size = ?4, error = null where key = ?1",
                params![key, sha256, path, size as i64],
            ),
            Err(why) => self.conn.execute(
                "update media set error = ?2 where key = ?1",
                params![key, why],
            ),
        }
        .map_err(db_error)?;
        Ok(())
    }

    /// Replaces a media URL (after Discord refreshed an expired one).
    pub fn refresh_media_url(&self, key: &str, url: &str) -> Result<()> {
        self.conn
            .execute(
                "update media set url = ?2 where key = ?1",
                params![key, url],
            )
            .map_err(db_error)?;
        Ok(())
    }

    /// Every channel and thread object, for `channels.jsonl`.
    pub fn channel_objects(&self) -> Result<Vec<String>> {
        self.strings("select object from channels order by is_thread, id")
    }

    /// Every author seen, for `users.jsonl`.
    pub fn user_objects(&self) -> Result<Vec<String>> {
        self.strings("select object from users order by id")
    }

    fn strings(&self, sql: &str) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(sql).map_err(db_error)?;
        let rows = stmt.query_map([], |r| r.get(0)).map_err(db_error)?;
        rows.collect::<std::result::Result<_, _>>()
            .map_err(db_error)
    }

    /// Totals for the summary: messages, media files downloaded and their bytes.
    pub fn totals(&self) -> Result<(u64, u64, u64)> {
        self.conn
            .query_row(
                "select (select count(*) from messages where deleted_at is null),
                        (select count(distinct sha256) from media where sha256 is not null),
                        (select coalesce(sum(size), 0) from (select distinct sha256, size from media where sha256 is not null))",
                [],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)? as u64,
                        r.get::<_, i64>(1)? as u64,
                        r.get::<_, i64>(2)? as u64,
                    ))
                },
            )
            .map_err(db_error)
    }
}

/// Adds one message (its author, attachments and media) to the index; a message already there
/// (seen again by `--refresh-since`) gets its new text, in the full-text table too.
fn put_row(tx: &rusqlite::Transaction, channel_id: &str, row: &MessageRow) -> Result<()> {
    let id = i64::try_from(row.id).map_err(|_| Error::runtime("message id out of range"))?;
    let inserted = tx
        .execute(
            "insert or ignore into messages(id, channel_id, author_id, timestamp, content)
             values (?1, ?2, ?3, ?4, ?5)",
            params![
                id,
                channel_id,
                row.author.as_ref().map(|a| &a.0),
                row.timestamp,
                row.content
            ],
        )
        .map_err(db_error)?;
    if inserted == 1 {
        tx.execute(
            "insert into messages_fts(rowid, content) values (?1, ?2)",
            params![id, row.content],
        )
        .map_err(db_error)?;
    } else {
        update_content(tx, id, &row.content)?;
    }
    if let Some((author_id, user)) = &row.author {
        let text = |k: &str| user.get(k).and_then(Value::as_str).map(str::to_string);
        tx.execute(
            "insert into users(id, username, global_name, bot, object) values (?1, ?2, ?3, ?4, ?5)
             on conflict(id) do update set username = excluded.username,
               global_name = excluded.global_name, object = excluded.object",
            params![
                author_id,
                text("username"),
                text("global_name"),
                user.get("bot").and_then(Value::as_bool).unwrap_or(false),
                user.to_string()
            ],
        )
        .map_err(db_error)?;
    }
    let message_id = row.id.to_string();
    for (aid, filename, url, size, content_type) in &row.attachments {
        let key = format!("attachment:{aid}");
        tx.execute(
            "insert or ignore into attachments(id, message_id, channel_id, filename, url, size, content_type, media_key)
             values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![aid, message_id, channel_id, filename, url, *size as i64, content_type, key],
        )
        .map_err(db_error)?;
        tx.execute(
            "insert or ignore into media(key, kind, url, message_id) values (?1, 'attachment', ?2, ?3)",
            params![key, url, message_id],
        )
        .map_err(db_error)?;
    }
    for (key, kind, url) in &row.media {
        tx.execute(
            "insert or ignore into media(key, kind, url, message_id) values (?1, ?2, ?3, ?4)",
            params![key, kind, url, message_id],
        )
        .map_err(db_error)?;
    }
    Ok(())
}

/// Replaces a stored message's text if it changed (an edit), keeping the FTS table in step: an
/// external-content FTS5 table is told the old text to remove it.
fn update_content(tx: &rusqlite::Transaction, id: i64, content: &str) -> Result<()> {
    let old: Option<Option<String>> = tx
        .query_row(
            "select content from messages where id = ?1 and content is not ?2",
            params![id, content],
            |r| r.get(0),
        )
        .optional()
        .map_err(db_error)?;
    let Some(old) = old else {
        return Ok(());
    };
    tx.execute(
        "insert into messages_fts(messages_fts, rowid, content) values ('delete', ?1, ?2)",
        params![id, old.unwrap_or_default()],
    )
    .map_err(db_error)?;
    tx.execute(
        "update messages set content = ?2 where id = ?1",
        params![id, content],
    )
    .map_err(db_error)?;
    tx.execute(
        "insert into messages_fts(rowid, content) values (?1, ?2)",
        params![id, content],
    )
    .map_err(db_error)?;
    Ok(())
}
