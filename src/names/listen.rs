//! `listen` and the names cache: every dispatch that says something about names (GUILD_CREATE,
//! CHANNEL_*, THREAD_*, GUILD_ROLE_*, GUILD_MEMBER_*, USER_UPDATE, ...) is stored as it
//! arrives, printed or not, so a running `listen` keeps the cache current; with `--names`,
//! each printed event's `d` carries names next to its ids (see [`super::annotate`]).

use std::io::{self, Write};

use serde_json::Value;

use super::{annotate, observe, Names};
use crate::gateway::sink::Observer;

/// Dispatch types the cache learns from; others are not even parsed.
const TYPES: &[&str] = &[
    "READY",
    "USER_UPDATE",
    "GUILD_CREATE",
    "GUILD_UPDATE",
    "GUILD_DELETE",
    "CHANNEL_CREATE",
    "CHANNEL_UPDATE",
    "CHANNEL_DELETE",
    "THREAD_CREATE",
    "THREAD_UPDATE",
    "THREAD_DELETE",
    "THREAD_LIST_SYNC",
    "GUILD_ROLE_CREATE",
    "GUILD_ROLE_UPDATE",
    "GUILD_ROLE_DELETE",
    "GUILD_MEMBER_ADD",
    "GUILD_MEMBER_UPDATE",
    "GUILD_MEMBER_REMOVE",
    "GUILD_MEMBERS_CHUNK",
    "GUILD_EMOJIS_UPDATE",
    "MESSAGE_CREATE",
];

/// The sink observer that stores what dispatches tell.
pub fn observer(names: &'static Names) -> Observer {
    Box::new(move |t, payload| {
        if !TYPES.contains(&t) {
            return;
        }
        if let Ok(frame) = serde_json::from_str::<Value>(payload) {
            if let Some(d) = frame.get("d") {
                names.learn(observe::dispatch(t, d));
            }
        }
    })
}

/// Adds names to each event line written through it (lines that are not JSON pass as they are).
pub struct Annotating {
    names: &'static Names,
    out: Box<dyn Write + Send>,
    pending: Vec<u8>,
}

impl Annotating {
    /// Annotates lines on their way to `out`.
    pub fn new(names: &'static Names, out: Box<dyn Write + Send>) -> Annotating {
        Annotating {
            names,
            out,
            pending: Vec::new(),
        }
    }

    fn line(&mut self, line: &[u8]) -> io::Result<()> {
        let Ok(mut event) = serde_json::from_slice::<Value>(line) else {
            return self.out.write_all(line);
        };
        if let Some(d) = event.get_mut("d") {
            self.names.with_store(|s| {
                annotate::annotate(s, d);
                Ok(())
            });
        }
        serde_json::to_writer(&mut self.out, &event)?;
        Ok(())
    }
}

impl Write for Annotating {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        while let Some(end) = self.pending.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = self.pending.drain(..=end).collect();
            self.line(&line[..end])?;
            self.out.write_all(b"\n")?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}
