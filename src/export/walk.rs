//! One channel's (or thread's) messages, oldest first: pages of `after=` requests from where the
//! last run stopped, each page appended to the channel's JSON-lines file and then committed to
//! the index with the file's new length (see [`super::index`] for why that order makes a
//! `kill -9` harmless).

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

use serde_json::value::RawValue;
use serde_json::Value;

use super::index::{Index, MessageRow};
use super::refresh::{self, Refreshed};
use super::Selection;
use crate::rest::errors::api_error;
use crate::rest::{Client, Method, RequestSpec};
use crate::{Error, ErrorKind, Result};

/// Messages per page: Discord's largest `limit` for channel messages.
pub const PAGE: usize = 100;

/// How a channel's walk ended.
#[derive(Debug)]
pub enum Walked {
    /// To the end (or to `--before`): this many new messages in this many requests.
    Done {
        /// Messages appended.
        messages: u64,
        /// Requests made.
        requests: u64,
        /// What re-walking the `--refresh-since` window found.
        refreshed: Refreshed,
    },
    /// Discord refused to let the bot read it (403, 404): the reason.
    Unreadable(String),
}

/// What every channel's walk shares.
pub struct Walker<'a> {
    /// The REST client.
    pub client: &'a Client,
    /// The index.
    pub index: &'a Mutex<Index>,
    /// The archive folder.
    pub dir: &'a Path,
    /// Which messages are written.
    pub selection: &'a Selection,
    /// `--refresh-since`: re-walk each channel's window from this snowflake first.
    pub refresh_since: Option<u64>,
}

impl Walker<'_> {
    /// Walks one channel from its stored position to the end (after re-walking the refresh
    /// window, when asked to).
    pub fn walk(&self, channel_id: &str, file: &str, on_page: &dyn Fn(u64)) -> Result<Walked> {
        let path = self.dir.join(file);
        refresh::recover(self.index, &path, channel_id)?;
        let refreshed = match self.refresh_since {
            Some(since) => match refresh::refresh(self, channel_id, &path, since, on_page)? {
                Ok(r) => r,
                Err(why) => return Ok(Walked::Unreadable(why)),
            },
            None => Refreshed::default(),
        };
        match self.append(channel_id, &path, on_page)? {
            Walked::Done {
                messages, requests, ..
            } => Ok(Walked::Done {
                messages,
                requests: requests + refreshed.requests,
                refreshed,
            }),
            unreadable => Ok(unreadable),
        }
    }

    /// Appends what is newer than the channel's stored position, a committed page at a time.
    fn append(&self, channel_id: &str, path: &Path, on_page: &dyn Fn(u64)) -> Result<Walked> {
        let (client, index, selection) = (self.client, self.index, self.selection);
        let (last, committed) = lock(index).progress(channel_id)?;
        let mut out = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| Error::runtime(format!("cannot write {}: {e}", path.display())))?;
        // Whatever was appended after the last commit is written again by this run.
        out.set_len(committed)
            .map_err(|e| Error::runtime(format!("cannot write {}: {e}", path.display())))?;
        let mut file_len = committed;
        let mut cursor = last.unwrap_or(0).max(selection.after.unwrap_or(0));
        let (mut messages, mut requests) = (0u64, 0u64);
        loop {
            let items = match fetch_page(client, channel_id, cursor)? {
                Ok(items) => items,
                Err(why) => return Ok(Walked::Unreadable(why)),
            };
            requests += 1;
            let full = items.len() >= PAGE;
            if items.is_empty() {
                break;
            }
            let (mut lines, mut rows) = (Vec::new(), Vec::new());
            let reached_end = take(
                items,
                &mut cursor,
                selection.before,
                selection,
                &mut lines,
                &mut rows,
            )?;
            out.write_all(&lines)
                .and_then(|()| out.flush())
                .map_err(|e| Error::runtime(format!("cannot write {}: {e}", path.display())))?;
            file_len += lines.len() as u64;
            lock(index).commit_page(channel_id, &rows, cursor, file_len)?;
            messages += rows.len() as u64;
            on_page(rows.len() as u64);
            if reached_end || !full {
                break;
            }
        }
        Ok(Walked::Done {
            messages,
            requests,
            refreshed: Refreshed::default(),
        })
    }
}

/// Takes a page's messages after `*cursor` and before `end` (exclusive), moving the cursor past
/// each; those the selection wants become `lines` of the file and `rows` of the index. True
/// when `end` was reached.
pub fn take(
    items: Vec<PageItem>,
    cursor: &mut u64,
    end: Option<u64>,
    selection: &Selection,
    lines: &mut Vec<u8>,
    rows: &mut Vec<MessageRow>,
) -> Result<bool> {
    for (id, raw, value) in items {
        if id <= *cursor {
            continue;
        }
        if end.is_some_and(|e| id >= e) {
            return Ok(true);
        }
        *cursor = id;
        if selection.wants(&value) {
            write_line(lines, raw.get(), &value)?;
            rows.push(row_of(id, &value));
        }
    }
    Ok(false)
}

/// A message of a page: its id, its text as Discord sent it, and the parsed object.
pub type PageItem = (u64, Box<RawValue>, Value);

/// One page of a channel's messages after `after`, oldest first (Discord lists a page newest
/// first); `Ok(Err(reason))` when Discord does not let the bot read the channel (403, 404).
pub fn fetch_page(
    client: &Client,
    channel_id: &str,
    after: u64,
) -> Result<std::result::Result<Vec<PageItem>, String>> {
    let mut spec = RequestSpec::new(Method::Get, format!("/channels/{channel_id}/messages"));
    spec.query = vec![
        ("after".into(), after.to_string()),
        ("limit".into(), PAGE.to_string()),
    ];
    let response = client.send_raw(&spec)?;
    if matches!(response.status, 403 | 404) {
        return Ok(Err(api_error(response.status, &response.body).message));
    }
    if response.status >= 400 {
        return Err(api_error(response.status, &response.body));
    }
    let page: Vec<Box<RawValue>> = serde_json::from_slice(&response.body).map_err(|e| {
        Error::new(
            ErrorKind::Api,
            format!("channel {channel_id}: the messages page is not a JSON array ({e})"),
        )
    })?;
    let mut items = Vec::with_capacity(page.len());
    for raw in page {
        let value: Value = serde_json::from_str(raw.get())
            .map_err(|e| Error::new(ErrorKind::Api, format!("a message is not JSON ({e})")))?;
        let id = value
            .get("id")
            .and_then(Value::as_str)
            .and_then(|s| s.parse::<u64>().ok())
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::Api,
                    format!("channel {channel_id}: a message has no id; cannot page further"),
                )
            })?;
        items.push((id, raw, value));
    }
    items.sort_by_key(|(id, _, _)| *id);
    // A page that does not move past `after` would be asked for again forever.
    if items.last().is_some_and(|(newest, _, _)| *newest <= after) {
        return Err(Error::new(
            ErrorKind::Api,
            format!("channel {channel_id}: the server answered after={after} with older messages; cannot page further"),
        ));
    }
    Ok(Ok(items))
}

/// The index, even if another worker panicked holding it (its last transaction was rolled back).
pub fn lock(index: &Mutex<Index>) -> std::sync::MutexGuard<'_, Index> {
    index.lock().unwrap_or_else(|p| p.into_inner())
}

/// One line: the message exactly as Discord sent it, unless its text spans lines (only a
/// server that pretty-prints would do that), then compacted.
fn write_line(out: &mut Vec<u8>, raw: &str, value: &Value) -> Result<()> {
    if raw.contains(['\n', '\r']) {
        serde_json::to_writer(&mut *out, value)
            .map_err(|e| Error::runtime(format!("cannot write a message: {e}")))?;
    } else {
        out.extend_from_slice(raw.as_bytes());
    }
    out.push(b'\n');
    Ok(())
}

/// What the index keeps of a message, with the media it references.
fn row_of(id: u64, m: &Value) -> MessageRow {
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let author = m.get("author").and_then(|a| {
        let aid = a.get("id")?.as_str()?.to_string();
        Some((aid, a.clone()))
    });
    let attachments = m
        .get("attachments")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|a| {
                    Some((
                        a.get("id")?.as_str()?.to_string(),
                        text(a, "filename"),
                        a.get("url")?.as_str()?.to_string(),
                        a.get("size").and_then(Value::as_u64).unwrap_or(0),
                        text(a, "content_type"),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    MessageRow {
        id,
        timestamp: text(m, "timestamp"),
        content: text(m, "content"),
        media: super::media::referenced(m, author.as_ref().map(|a| &a.1)),
        author,
        attachments,
    }
}
