//! The export's SQLite index (`DIR/archive.sqlite`): where each channel's walk stands, and
//! the exported messages, channels, threads, users, attachments and media, with an FTS5
//! full-text table over message content.
//!
//! The index is also the export's journal. A page of messages is appended to the channel's
//! JSON-lines file first and then committed here together with the file's new length; a run
//! that starts again cuts each file back to its committed length, so a page that was written
//! but not committed (a `kill -9` in between) is written again exactly once.

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
            let id =
                i64::try_from(row.id).map_err(|_| Error::runtime("message id out of range"))?;
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
        }
        let len = i64::try_from(file_len).map_err(|_| Error::runtime("file too large"))?;
        tx.execute(
            "update channels set last_message_id = ?2, file_len = ?3,
               messages = (select count(*) from messages where channel_id = ?1) where id = ?1",
            params![channel_id, last_id.to_string(), len],
        )
        .map_err(db_error)?;
        tx.commit().map_err(db_error)
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
                "select (select count(*) from messages),
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
