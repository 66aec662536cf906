//! `--refresh-since TIME`: before appending what is new, re-walk each channel's window from
//! TIME to the newest exported message, so the archive shows the edits and deletions Discord
//! has now for that window.
//!
//! The channel's file keeps what is before the window byte for byte; the window is written
//! again from Discord's answers, oldest first, each message once, into a file beside it
//! (`FILE.refresh`). The index then commits the window's rows (edited text replaced, in the
//! full-text table too), marks the window's messages Discord no longer lists with
//! `deleted_at`, and records the file's new length with a note naming the new file; only then
//! is the new file renamed over the old one (see [`super::index`]). A deleted message's line
//! leaves the file, which stays what Discord serves (a fresh export of the window gives the
//! same file), while its row, text and author stay in the index with `deleted_at` set, so the
//! archive still remembers it. A `kill -9` before the commit leaves the old file and index as
//! they were (the same command does the refresh again); after it, the next run finishes the
//! rename.

use std::fs::{self, File};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Deserialize;

use super::index::Index;
use super::walk::{fetch_page, lock, take, Walker, PAGE};
use crate::{Error, Result};

/// What re-walking one channel's window found.
#[derive(Debug, Default, Clone, Copy)]
pub struct Refreshed {
    /// Messages Discord lists in the window now (written again, edited ones updated).
    pub messages: u64,
    /// Messages of the window Discord no longer lists, newly marked deleted.
    pub deleted: u64,
    /// Requests made.
    pub requests: u64,
}

/// The new file written beside `path` while a window is re-walked.
fn staged_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(".refresh");
    PathBuf::from(name)
}

fn io_error(path: &Path, e: std::io::Error) -> Error {
    Error::runtime(format!("cannot write {}: {e}", path.display()))
}

/// Finishes what a killed run left: renames a committed new file into place, or removes one
/// that was never committed.
pub fn recover(index: &Mutex<Index>, path: &Path, channel_id: &str) -> Result<()> {
    let staged = staged_path(path);
    let pending = lock(index).pending_swap(channel_id)?;
    if pending.is_some() {
        if staged.exists() {
            fs::rename(&staged, path).map_err(|e| io_error(path, e))?;
        }
        lock(index).clear_swap(channel_id)?;
    } else if staged.exists() {
        fs::remove_file(&staged).map_err(|e| io_error(&staged, e))?;
    }
    Ok(())
}

/// The byte offset of the first line of the file's committed part whose message id is at
/// least `start` (the committed length when there is none).
fn offset_of(path: &Path, committed: u64, start: u64) -> Result<u64> {
    #[derive(Deserialize)]
    struct Id {
        id: String,
    }
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(io_error(path, e)),
    };
    let mut reader = BufReader::new(file.take(committed));
    let (mut offset, mut line) = (0u64, String::new());
    loop {
        line.clear();
        let n = reader.read_line(&mut line).map_err(|e| io_error(path, e))?;
        if n == 0 {
            return Ok(offset);
        }
        let id = serde_json::from_str::<Id>(&line)
            .ok()
            .and_then(|m| m.id.parse::<u64>().ok())
            .ok_or_else(|| {
                Error::runtime(format!(
                    "{} has a line that is not an exported message at byte {offset}; move the folder aside and export again",
                    path.display()
                ))
            })?;
        if id >= start {
            return Ok(offset);
        }
        offset += n as u64;
    }
}

/// Re-walks the channel's window from `since` to its newest exported message and swaps the
/// rewritten file in; `Ok(Err(reason))` when Discord does not let the bot read the channel.
pub fn refresh(
    walker: &Walker,
    channel_id: &str,
    path: &Path,
    since: u64,
    on_page: &dyn Fn(u64),
) -> Result<std::result::Result<Refreshed, String>> {
    let (last, committed) = lock(walker.index).progress(channel_id)?;
    let start = since.max(walker.selection.after.map_or(0, |a| a.saturating_add(1)));
    let Some(last) = last.filter(|l| *l >= start) else {
        return Ok(Ok(Refreshed::default()));
    };
    let offset = offset_of(path, committed, start)?;
    let staged = staged_path(path);
    let mut out = File::create(&staged).map_err(|e| io_error(&staged, e))?;
    if offset > 0 {
        let old = File::open(path).map_err(|e| io_error(path, e))?;
        std::io::copy(&mut old.take(offset), &mut out).map_err(|e| io_error(&staged, e))?;
    }
    let mut done = Refreshed::default();
    let (mut len, mut rows) = (offset, Vec::new());
    let end = Some(walker.selection.before.unwrap_or(u64::MAX).min(last + 1));
    let mut cursor = start.saturating_sub(1);
    loop {
        let items = match fetch_page(walker.client, channel_id, cursor)? {
            Ok(items) => items,
            Err(why) => {
                drop(out);
                let _ = fs::remove_file(&staged);
                return Ok(Err(why));
            }
        };
        done.requests += 1;
        let full = items.len() >= PAGE;
        let mut lines = Vec::new();
        let before = rows.len();
        let reached = take(
            items,
            &mut cursor,
            end,
            walker.selection,
            &mut lines,
            &mut rows,
        )?;
        out.write_all(&lines).map_err(|e| io_error(&staged, e))?;
        len += lines.len() as u64;
        on_page((rows.len() - before) as u64);
        if reached || !full {
            break;
        }
    }
    out.sync_all().map_err(|e| io_error(&staged, e))?;
    drop(out);
    let name = staged
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    done.messages = rows.len() as u64;
    done.deleted =
        lock(walker.index).commit_refresh(channel_id, &rows, (start, last), len, &name)?;
    recover(walker.index, path, channel_id)?;
    Ok(Ok(done))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_starts_at_the_first_line_at_or_after_its_id() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.jsonl");
        let lines = [
            "{\"id\":\"10\"}\n",
            "{\"id\":\"20\",\"x\":1}\n",
            "{\"id\":\"30\"}\n",
        ];
        fs::write(&path, lines.concat()).unwrap();
        let total = lines.concat().len() as u64;
        assert_eq!(offset_of(&path, total, 5).unwrap(), 0);
        assert_eq!(offset_of(&path, total, 20).unwrap(), lines[0].len() as u64);
        assert_eq!(
            offset_of(&path, total, 21).unwrap(),
            (lines[0].len() + lines[1].len()) as u64
        );
        assert_eq!(offset_of(&path, total, 31).unwrap(), total);
        // Only the committed part counts: an uncommitted tail is cut anyway.
        let first = lines[0].len() as u64;
        assert_eq!(offset_of(&path, first, 30).unwrap(), first);
        assert_eq!(offset_of(&dir.path().join("none"), 0, 1).unwrap(), 0);
        fs::write(&path, "not json\n").unwrap();
        assert!(offset_of(&path, 9, 1).is_err());
    }

    /// The three places a `kill -9` can land around the swap: before the commit (the new file
    /// is dropped, the old one and the index stay), after the commit (the rename is finished),
    /// after the rename (only the note is cleared).
    #[test]
    fn a_swap_is_rolled_forward_only_once_committed() {
        let dir = tempfile::tempdir().unwrap();
        let index = Mutex::new(Index::open(dir.path()).unwrap());
        let path = dir.path().join("c.jsonl");
        let staged = staged_path(&path);
        lock(&index)
            .put_channel(&serde_json::json!({"id": "7"}), false, "c.jsonl")
            .unwrap();
        fs::write(&path, "old\n").unwrap();

        fs::write(&staged, "uncommitted\n").unwrap();
        recover(&index, &path, "7").unwrap();
        assert!(!staged.exists());
        assert_eq!(fs::read_to_string(&path).unwrap(), "old\n");

        fs::write(&staged, "new\n").unwrap();
        lock(&index)
            .commit_refresh("7", &[], (1, 2), 4, "c.jsonl.refresh")
            .unwrap();
        assert_eq!(lock(&index).progress("7").unwrap().1, 4);
        assert!(lock(&index).pending_swap("7").unwrap().is_some());
        recover(&index, &path, "7").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new\n");
        assert_eq!(lock(&index).pending_swap("7").unwrap(), None);

        lock(&index)
            .commit_refresh("7", &[], (1, 2), 4, "c.jsonl.refresh")
            .unwrap();
        recover(&index, &path, "7").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new\n");
        assert_eq!(lock(&index).pending_swap("7").unwrap(), None);
    }
}
