//! `listen` and the names cache: every dispatch that says something about names (GUILD_CREATE,
//! CHANNEL_*, THREAD_*, GUILD_ROLE_*, GUILD_MEMBER_*, USER_UPDATE, ...) is stored as it
//! arrives, printed or not, so a running `listen` keeps the cache current; with `--names`,
//! each printed event's `d` carries names next to its ids (see [`super::annotate`]).

use std::collections::hash_map::DefaultHasher;
use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::io::{self, Write};
use std::sync::Mutex;

use serde_json::Value;

use super::{annotate, observe, Names};
use crate::gateway::frame::{Field, Frame};
use crate::gateway::json_check::{array_items, object_members};
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

/// How many message authors the observer remembers as already stored before it starts over.
const AUTHORS_REMEMBERED: usize = 100_000;

/// The sink observer that stores what dispatches tell.
///
/// MESSAGE_CREATE is nearly every event of a busy stream and tells only its author, who has
/// almost always been seen before: parsing each one whole and writing it to the database cost
/// about 48 us per event (listen fell from ~400 k to ~9 k events/s). So its `author`, `member`
/// and `guild_id` are taken as text from the frame reader (which kept them while checking the
/// payload), and the cache is written only when that text is new.
pub fn observer(names: &'static Names) -> Observer {
    let authors = Mutex::new(HashSet::<u64>::new());
    Box::new(move |t, frame| {
        if !TYPES.contains(&t) {
            return;
        }
        let d = if t == "MESSAGE_CREATE" {
            let Some(author) = MessageAuthor::of(frame) else {
                return;
            };
            let Ok(mut known) = authors.lock() else {
                return;
            };
            if known.len() >= AUTHORS_REMEMBERED {
                known.clear();
            }
            if !known.insert(author.fingerprint()) {
                return;
            }
            author.data()
        } else if let Some(members) = frame.data_text().and_then(|d| MemberList::of(t, d)) {
            members.learn(names);
            return;
        } else {
            frame.data_text().and_then(observe::parse_kept)
        };
        if let Some(change) = d.map(|d| observe::dispatch(t, &d)) {
            // `d` is gone by now: a big guild's data and its entries are not held together.
            names.learn(change);
        }
    })
}

/// Members learned per write: a batch's entries are all that is held at once.
const MEMBERS_PER_BATCH: usize = 1000;

/// A dispatch carrying a guild's member list (GUILD_CREATE, GUILD_MEMBERS_CHUNK), as text. A
/// large guild's list is tens of MB; building it whole (a `Value`, then an entry per user and
/// member) took about 1.6 KB per member at the peak, so it is learned in batches instead.
struct MemberList<'a> {
    t: &'a str,
    /// `d` without its `members`, as (key, text) pairs.
    rest: Vec<(&'a str, &'a str)>,
    guild: Option<&'a str>,
    members: &'a str,
}

impl<'a> MemberList<'a> {
    fn of(t: &'a str, d: &'a str) -> Option<MemberList<'a>> {
        if t != "GUILD_CREATE" && t != "GUILD_MEMBERS_CHUNK" {
            return None;
        }
        let (mut rest, mut members, mut id, mut guild_id) = (Vec::new(), None, None, None);
        object_members(d, 0, |key, value| match key {
            "members" => members = Some(value),
            _ => {
                match key {
                    "id" => id = Some(value),
                    "guild_id" => guild_id = Some(value),
                    _ => {}
                }
                rest.push((key, value));
            }
        })
        .ok()?;
        // A GUILD_CREATE's own id is the guild; a chunk names it in guild_id.
        let guild = if t == "GUILD_CREATE" { id } else { guild_id };
        Some(MemberList {
            t,
            rest,
            guild,
            members: members?,
        })
    }

    /// Learns the dispatch without its members, then its members a batch at a time, each
    /// batch as the GUILD_MEMBERS_CHUNK it could have been.
    fn learn(&self, names: &Names) {
        let rest: Option<serde_json::Map<String, Value>> = self
            .rest
            .iter()
            .map(|(k, v)| Some(((*k).to_string(), observe::parse_kept(v)?)))
            .collect();
        let Some(rest) = rest else {
            return;
        };
        names.learn(observe::dispatch(self.t, &Value::Object(rest)));
        let Some(guild) = self
            .guild
            .and_then(|g| serde_json::from_str::<Value>(g).ok())
        else {
            return;
        };
        let mut batch = Vec::with_capacity(MEMBERS_PER_BATCH);
        let flush = |batch: &mut Vec<Value>| {
            let chunk = serde_json::json!({"guild_id": guild, "members": std::mem::take(batch)});
            names.learn(observe::dispatch("GUILD_MEMBERS_CHUNK", &chunk));
        };
        let _ = array_items(self.members, 0, |member| {
            if let Some(m) = observe::parse_kept(member) {
                batch.push(m);
            }
            if batch.len() >= MEMBERS_PER_BATCH {
                flush(&mut batch);
            }
        });
        if !batch.is_empty() {
            flush(&mut batch);
        }
    }
}

/// The fields of a message dispatch that say who wrote it, as they appear in the payload.
#[derive(Default, Hash)]
struct MessageAuthor<'a> {
    guild_id: Option<&'a str>,
    author: Option<&'a str>,
    member: Option<&'a str>,
}

impl<'a> MessageAuthor<'a> {
    /// The author fields of a message dispatch, or `None` when it has no author.
    fn of(frame: &Frame<'a>) -> Option<MessageAuthor<'a>> {
        Some(MessageAuthor {
            guild_id: frame.field(Field::GuildId),
            author: Some(frame.field(Field::Author)?),
            member: frame.field(Field::Member),
        })
    }

    fn fingerprint(&self) -> u64 {
        let mut hasher = DefaultHasher::new();
        self.hash(&mut hasher);
        hasher.finish()
    }

    /// A `d` with only these fields, which is all the cache reads of a message.
    fn data(&self) -> Option<Value> {
        let mut d = serde_json::Map::new();
        for (key, text) in [
            ("guild_id", self.guild_id),
            ("author", self.author),
            ("member", self.member),
        ] {
            if let Some(text) = text {
                d.insert(key.into(), serde_json::from_str(text).ok()?);
            }
        }
        Some(Value::Object(d))
    }
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
