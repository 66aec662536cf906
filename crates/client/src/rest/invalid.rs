//! Discord's invalid request limit (docs: "Rate Limits > Invalid Request Limit"): an IP that
//! makes 10,000 invalid requests (401, 403, or 429 other than `shared` scope) in 10 minutes is
//! banned for an hour. The count is per machine, not per process, so it is kept in the cache
//! directory (one file per API base, under a lock) by every invocation: a warning at 50% and
//! 80%, and at 95% nothing more is sent until enough of the window has passed.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use sha1::{Digest, Sha1};

use super::ratecache::{open_private, private_dir};
use super::ratelimit::now_epoch;
use crate::{Error, ErrorKind, Notice, Result};

/// Invalid requests Discord allows per window before banning the IP.
pub const LIMIT: u64 = 10_000;
/// The window, in seconds.
pub const WINDOW_SECONDS: u64 = 600;
/// Counts are kept per slot of this many seconds (60 slots per window).
const SLOT_SECONDS: u64 = 10;
/// At this share of [`LIMIT`] the tool stops sending.
const REFUSE_AT: u64 = LIMIT * 95 / 100;
/// At these shares it warns, once each per process.
const WARN_AT: [u64; 2] = [LIMIT / 2, LIMIT * 8 / 10];

#[derive(Debug, Default, Clone, Serialize, Deserialize, PartialEq)]
struct Counts {
    /// (slot start in Unix seconds, invalid requests in it), oldest first.
    slots: Vec<(u64, u64)>,
}

impl Counts {
    fn prune(&mut self, now: u64) {
        self.slots.retain(|(start, _)| start + WINDOW_SECONDS > now);
    }

    fn total(&self) -> u64 {
        self.slots.iter().map(|(_, n)| n).sum()
    }

    fn add(&mut self, now: u64) {
        let slot = now - now % SLOT_SECONDS;
        match self.slots.last_mut() {
            Some((start, n)) if *start == slot => *n += 1,
            _ => self.slots.push((slot, 1)),
        }
    }

    /// Seconds until the count falls below `level`, as slots leave the window.
    fn seconds_until_below(&self, level: u64, now: u64) -> u64 {
        let mut total = self.total();
        for (start, n) in &self.slots {
            if total < level {
                break;
            }
            total -= n;
            if total < level {
                return (start + WINDOW_SECONDS).saturating_sub(now);
            }
        }
        0
    }
}

/// This machine's invalid-request count for one API base.
#[derive(Debug)]
pub struct InvalidRequests {
    path: PathBuf,
    /// The count as last read or written, so a check before each request costs no file access.
    seen: Mutex<Counts>,
    warned: Mutex<usize>,
}

impl InvalidRequests {
    /// The count for `api_base` in the cache directory `dir`.
    pub fn new(dir: &Path, api_base: &str) -> InvalidRequests {
        let mut hash = Sha1::new();
        hash.update(api_base.as_bytes());
        let name: String = hash.finalize()[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let counter = InvalidRequests {
            path: dir.join(format!("invalid-requests-{name}.json")),
            seen: Mutex::new(Counts::default()),
            warned: Mutex::new(0),
        };
        counter.update(|_| {});
        counter
    }

    /// Fails when this machine is at 95% of Discord's limit, saying when sending may resume.
    pub fn check(&self) -> Result<()> {
        let now = now_epoch() as u64;
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        seen.prune(now);
        let total = seen.total();
        if total < REFUSE_AT {
            return Ok(());
        }
        let wait = seen.seconds_until_below(REFUSE_AT, now);
        Err(Error::new(
            ErrorKind::Api,
            format!(
                "not sending: {total} invalid requests (401, 403, 429) from this machine in the last 10 minutes, and Discord bans an IP for an hour at {LIMIT}; sending resumes in {wait} s (the count is kept in {})",
                self.path.display()
            ),
        ))
    }

    /// Counts one invalid request, warning through `notice` when the count crosses 50% or 80%.
    pub fn record(&self, notice: &Notice) {
        let total = self.update(|counts| counts.add(now_epoch() as u64));
        let mut warned = self.warned.lock().unwrap_or_else(|p| p.into_inner());
        while *warned < WARN_AT.len() && total >= WARN_AT[*warned] {
            notice.say(&format!(
                "discord: warning: {total} invalid requests (401, 403, 429) from this machine in the last 10 minutes; Discord bans an IP for an hour at {LIMIT}, and this tool stops sending at {REFUSE_AT}"
            ));
            *warned += 1;
        }
    }

    /// Reads the file under its lock, applies `change`, writes it back; returns the total. A
    /// file that cannot be used leaves the count to this process alone.
    fn update(&self, change: impl FnOnce(&mut Counts)) -> u64 {
        let now = now_epoch() as u64;
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        let file = self
            .path
            .parent()
            .filter(|dir| private_dir(dir).is_ok())
            .and_then(|_| open_private(&self.path).ok())
            .filter(|f| f.lock().is_ok());
        let mut counts = match &file {
            Some(f) => read(f).unwrap_or_default(),
            None => seen.clone(),
        };
        let before = counts.clone();
        counts.prune(now);
        change(&mut counts);
        if let (Some(mut f), true) = (file, counts != before) {
            let _ = write(&mut f, &counts);
        }
        *seen = counts;
        seen.total()
    }
}

fn read(mut file: &File) -> Option<Counts> {
    let mut text = Vec::new();
    file.seek(SeekFrom::Start(0)).ok()?;
    file.take(1 << 20).read_to_end(&mut text).ok()?;
    serde_json::from_slice(&text).ok()
}

fn write(file: &mut File, counts: &Counts) -> std::io::Result<()> {
    let text = serde_json::to_vec(counts).map_err(std::io::Error::other)?;
    file.set_len(0)?;
    file.seek(SeekFrom::Start(0))?;
    file.write_all(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_is_ten_minutes_and_the_wait_is_when_enough_slots_leave_it() {
        let mut c = Counts::default();
        for t in [0, 5, 12, 300] {
            c.add(1_000_000 + t);
        }
        assert_eq!(c.total(), 4);
        assert_eq!(
            c.slots.len(),
            3,
            "two requests share the first 10-second slot"
        );
        c.prune(1_000_000 + 605);
        assert_eq!(c.total(), 2, "the first slot left the window");
        assert_eq!(c.seconds_until_below(2, 1_000_000 + 605), 5);
        assert_eq!(c.seconds_until_below(10, 1_000_000 + 605), 0);
    }

    #[test]
    fn counts_are_shared_through_the_file_and_refused_at_95_percent() {
        let dir = tempfile::tempdir().unwrap();
        let quiet = Notice::new(|_| {});
        let a = InvalidRequests::new(dir.path(), "http://x/api/v10");
        a.record(&quiet);
        let b = InvalidRequests::new(dir.path(), "http://x/api/v10");
        assert_eq!(
            b.update(|_| {}),
            1,
            "a second process sees the first one's count"
        );
        b.update(|c| {
            let now = now_epoch() as u64;
            c.slots.push((now - now % SLOT_SECONDS, REFUSE_AT));
        });
        let err = b.check().unwrap_err();
        assert!(err.message.contains("not sending"), "{}", err.message);
        let other = InvalidRequests::new(dir.path(), "https://discord.com/api/v10");
        assert!(
            other.check().is_ok(),
            "another API base keeps its own count"
        );
    }
}
