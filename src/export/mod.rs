//! `discord export`: guilds, channels and threads into a folder of JSON-lines files (one per
//! channel and thread, oldest message first, each line the message as Discord sent it), the
//! structure (`guild.json`, `channels.jsonl`, `users.jsonl`), an SQLite index with full-text
//! search ([`index`]) and, with `--media`, the files messages reference ([`media`]).
//!
//! Runs are incremental and resumable: each channel continues after the newest message already
//! exported ([`walk`]), and its position is committed with every page. `--refresh-since`
//! re-walks a window of what is already exported first ([`refresh`]).

pub mod index;
pub mod media;
pub mod refresh;
pub mod walk;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

use serde_json::{json, Value};

use self::index::Index;
use self::walk::{lock, Walked, Walker};
use crate::rest::errors::api_error;
use crate::rest::{Client, Method, RequestSpec};
use crate::{Error, Result};

/// Channel types that hold messages of their own: text, voice (its text chat), announcement,
/// stage (its text chat) (docs: "Channel > Channel Types").
const MESSAGE_CHANNELS: &[i64] = &[0, 2, 5, 13];
/// Channel types whose messages live only in threads (posts): forum, media.
const THREAD_ONLY_CHANNELS: &[i64] = &[15, 16];
/// Channel types that can have threads: text, announcement, forum, media.
const THREAD_PARENTS: &[i64] = &[0, 5, 15, 16];
/// Thread types: announcement thread, public thread, private thread.
const THREAD_TYPES: &[i64] = &[10, 11, 12];

/// Which threads an export includes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Threads {
    /// Active and archived (public and private) threads, forum posts included.
    All,
    /// Active threads only.
    Active,
    /// No threads.
    None,
}

/// What selects the messages written: a time window and an author. Stored in the index, since
/// an incremental run must select as the first one did.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Only messages after this snowflake.
    pub after: Option<u64>,
    /// Only messages before this snowflake.
    pub before: Option<u64>,
    /// Only messages by this user id.
    pub from: Option<String>,
}

impl Selection {
    /// Whether a message is written.
    pub fn wants(&self, message: &Value) -> bool {
        match &self.from {
            None => true,
            Some(user) => message.pointer("/author/id").and_then(Value::as_str) == Some(user),
        }
    }

    fn describe(&self) -> String {
        let part = |flag: &str, v: Option<String>| v.map(|v| format!("{flag} {v}"));
        let parts: Vec<String> = [
            part("--after", self.after.map(|a| a.to_string())),
            part("--before", self.before.map(|b| b.to_string())),
            part("--from", self.from.clone()),
        ]
        .into_iter()
        .flatten()
        .collect();
        if parts.is_empty() {
            "no --after/--before/--from".into()
        } else {
            parts.join(" ")
        }
    }
}

/// Everything an export run needs to know.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Guild, channel or thread ids.
    pub targets: Vec<String>,
    /// The output folder.
    pub out: PathBuf,
    /// Which threads.
    pub threads: Threads,
    /// Only these channels (ids), when given.
    pub only: Vec<String>,
    /// Never these channels (ids).
    pub exclude: Vec<String>,
    /// Message selection.
    pub selection: Selection,
    /// Download media, files up to this size.
    pub media: Option<u64>,
    /// Channels walked at once.
    pub jobs: usize,
    /// `--refresh-since`: re-walk each channel from this snowflake to its newest exported
    /// message, picking up edits and deletions ([`refresh`]).
    pub refresh_since: Option<u64>,
}

/// What an export reports as it goes, for progress on a terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event<'a> {
    /// This many channels and threads are to be walked.
    Planned(usize),
    /// A channel's (or thread's) walk began: its name.
    Started(&'a str),
    /// A page of it was committed with this many messages.
    Page(&'a str, u64),
    /// Its walk ended.
    Finished(&'a str),
    /// A media file was stored: its bytes.
    Media(u64),
}

/// One channel or thread to walk.
#[derive(Debug, Clone)]
struct Item {
    id: String,
    name: String,
    /// Its messages file, relative to the folder.
    file: String,
}

/// Counts for the summary.
#[derive(Debug, Default)]
struct Tally {
    channels: u64,
    threads: u64,
    new_messages: u64,
    requests: u64,
    refreshed: u64,
    deleted: u64,
    skipped: Vec<Value>,
    failed: Vec<Value>,
}

/// Runs an export; prints and stores the summary. Fails (exit 1) at the end if anything was
/// skipped or failed.
pub fn run(client: &Client, plan: &Plan, progress: &(dyn Fn(Event) + Sync)) -> Result<Value> {
    let started = Instant::now();
    fs::create_dir_all(&plan.out)
        .map_err(|e| Error::runtime(format!("cannot create {}: {e}", plan.out.display())))?;
    let _lock = lock_folder(&plan.out)?;
    prepare(&plan.out)?;
    let index = Index::open(&plan.out)?;
    index.check_selection(&plan.selection.describe())?;
    let index = Mutex::new(index);
    let tally = Mutex::new(Tally::default());
    let mut items = Vec::new();
    for target in &plan.targets {
        discover(client, plan, &index, target, &mut items, &tally)?;
    }
    progress(Event::Planned(items.len()));
    let walker = Walker {
        client,
        index: &index,
        dir: &plan.out,
        selection: &plan.selection,
        refresh_since: plan.refresh_since,
    };
    walk_all(&walker, items, plan.jobs, &tally, progress)?;
    let media = match plan.media {
        Some(max) => Some(media::download_all(
            client,
            &index,
            &plan.out,
            max,
            &|bytes| progress(Event::Media(bytes)),
        )?),
        None => None,
    };
    let index = index.into_inner().unwrap_or_else(|p| p.into_inner());
    write_structure(&plan.out, &index)?;
    let tally = tally.into_inner().unwrap_or_else(|p| p.into_inner());
    let (total, files, bytes) = index.totals()?;
    let mut summary = json!({
        "channels": tally.channels,
        "threads": tally.threads,
        "messages": {"new": tally.new_messages, "total": total},
        "media": {
            "files": files,
            "bytes": bytes,
            "fetched": media.as_ref().map_or(0, |m| m.fetched),
            "fetched_bytes": media.as_ref().map_or(0, |m| m.bytes),
            "skipped": media.as_ref().map_or(0, |m| m.skipped.len()),
        },
        "requests": tally.requests,
        "seconds": (started.elapsed().as_secs_f64() * 10.0).round() / 10.0,
        "skipped": tally.skipped,
        "failed": tally.failed,
    });
    if plan.refresh_since.is_some() {
        summary["refreshed"] = json!({"messages": tally.refreshed, "deleted": tally.deleted});
    }
    let path = plan.out.join("summary.json");
    fs::write(&path, format!("{summary:#}\n"))
        .map_err(|e| Error::runtime(format!("cannot write {}: {e}", path.display())))?;
    Ok(summary)
}

/// Walks the channels and threads, `jobs` at a time. A network failure stops every worker
/// (running the same command again resumes); any other failure is counted against its channel.
fn walk_all(
    walker: &Walker,
    items: Vec<Item>,
    jobs: usize,
    tally: &Mutex<Tally>,
    progress: &(dyn Fn(Event) + Sync),
) -> Result<()> {
    let queue = Mutex::new(items.into_iter().collect::<VecDeque<Item>>());
    let fatal: OnceLock<Error> = OnceLock::new();
    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1) {
            scope.spawn(|| {
                while fatal.get().is_none() {
                    let Some(item) = queue.lock().unwrap_or_else(|p| p.into_inner()).pop_front()
                    else {
                        break;
                    };
                    progress(Event::Started(&item.name));
                    let walked = walker.walk(&item.id, &item.file, &|n| {
                        progress(Event::Page(&item.name, n))
                    });
                    progress(Event::Finished(&item.name));
                    let mut t = tally.lock().unwrap_or_else(|p| p.into_inner());
                    if let Err(e) = t.record(&item, walked) {
                        let _ = fatal.set(e);
                    }
                }
            });
        }
    });
    match fatal.into_inner() {
        Some(e) => Err(e.context("export interrupted; run the same command again to continue")),
        None => Ok(()),
    }
}

impl Tally {
    /// Counts one channel's walk; hands back a network error, which ends the run.
    fn record(&mut self, item: &Item, walked: Result<Walked>) -> Result<()> {
        match walked {
            Ok(Walked::Done {
                messages,
                requests,
                refreshed,
            }) => {
                self.new_messages += messages;
                self.requests += requests;
                self.refreshed += refreshed.messages;
                self.deleted += refreshed.deleted;
            }
            Ok(Walked::Unreadable(why)) => {
                crate::output::diag(&format!(
                    "discord: skipping {} ({}): {why}",
                    item.name, item.id
                ));
                self.skipped
                    .push(json!({"id": item.id, "name": item.name, "reason": why}));
            }
            Err(e) if e.kind == crate::ErrorKind::Network => return Err(e),
            Err(e) => {
                crate::output::diag(&format!(
                    "discord: {} ({}) failed: {}",
                    item.name, item.id, e.message
                ));
                self.failed
                    .push(json!({"id": item.id, "name": item.name, "error": e.message}));
            }
        }
        Ok(())
    }
}

/// Holds `DIR/.lock` for the run: two exports into one folder would interleave their files.
fn lock_folder(dir: &Path) -> Result<fs::File> {
    let path = dir.join(".lock");
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::runtime(format!("cannot open {}: {e}", path.display())))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(_) => Err(Error::usage(format!(
            "another export is writing to {}; wait for it to finish",
            dir.display()
        ))),
    }
}

/// GETs an API path; `Ok(None)` when Discord says it is not there or not readable (404/403).
fn get(client: &Client, path: &str, query: &[(&str, String)]) -> Result<Option<Value>> {
    let mut spec = RequestSpec::new(Method::Get, path);
    spec.query = query
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    let response = client.send_raw(&spec)?;
    match response.status {
        200..=299 => Ok(Some(response.json()?)),
        403 | 404 => Ok(None),
        status => Err(api_error(status, &response.body)),
    }
}

/// Turns one target into the channels and threads to walk, recording their objects.
fn discover(
    client: &Client,
    plan: &Plan,
    index: &Mutex<Index>,
    target: &str,
    items: &mut Vec<Item>,
    tally: &Mutex<Tally>,
) -> Result<()> {
    if let Some(guild) = get(client, &format!("/guilds/{target}"), &[])? {
        let path = plan.out.join("guild.json");
        fs::write(&path, format!("{guild:#}\n"))
            .map_err(|e| Error::runtime(format!("cannot write {}: {e}", path.display())))?;
        let channels = get(client, &format!("/guilds/{target}/channels"), &[])?
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default();
        let channels: Vec<Value> = channels
            .into_iter()
            .filter(|c| plan_wants(plan, c))
            .collect();
        let active = if plan.threads == Threads::None {
            Vec::new()
        } else {
            get(client, &format!("/guilds/{target}/threads/active"), &[])?
                .and_then(|v| v.get("threads").and_then(Value::as_array).cloned())
                .unwrap_or_default()
        };
        for channel in &channels {
            add_channel(client, plan, index, channel, &active, items, tally)?;
        }
        return Ok(());
    }
    let Some(channel) = get(client, &format!("/channels/{target}"), &[])? else {
        return Err(Error::usage(format!(
            "{target} is neither a guild nor a channel the bot can see; check the id and that the bot is in that guild"
        )));
    };
    let kind = channel.get("type").and_then(Value::as_i64).unwrap_or(-1);
    if THREAD_TYPES.contains(&kind) {
        return add_item(index, &channel, true, items, tally);
    }
    let active = match (
        plan.threads,
        channel.get("guild_id").and_then(Value::as_str),
    ) {
        (Threads::None, _) | (_, None) => Vec::new(),
        (_, Some(guild)) => get(client, &format!("/guilds/{guild}/threads/active"), &[])?
            .and_then(|v| v.get("threads").and_then(Value::as_array).cloned())
            .unwrap_or_default(),
    };
    add_channel(client, plan, index, &channel, &active, items, tally)
}

fn plan_wants(plan: &Plan, channel: &Value) -> bool {
    let id = channel.get("id").and_then(Value::as_str).unwrap_or("");
    let kind = channel.get("type").and_then(Value::as_i64).unwrap_or(-1);
    let exportable = MESSAGE_CHANNELS.contains(&kind) || THREAD_ONLY_CHANNELS.contains(&kind);
    exportable
        && (plan.only.is_empty() || plan.only.iter().any(|o| o == id))
        && !plan.exclude.iter().any(|e| e == id)
}

/// A channel (unless it only holds threads) and, as the plan says, its threads.
fn add_channel(
    client: &Client,
    plan: &Plan,
    index: &Mutex<Index>,
    channel: &Value,
    active: &[Value],
    items: &mut Vec<Item>,
    tally: &Mutex<Tally>,
) -> Result<()> {
    let id = channel.get("id").and_then(Value::as_str).unwrap_or("");
    let kind = channel.get("type").and_then(Value::as_i64).unwrap_or(-1);
    if THREAD_ONLY_CHANNELS.contains(&kind) {
        lock(index).put_channel(channel, false, "")?;
        tally.lock().unwrap_or_else(|p| p.into_inner()).channels += 1;
    } else {
        add_item(index, channel, false, items, tally)?;
    }
    if plan.threads == Threads::None || !THREAD_PARENTS.contains(&kind) {
        return Ok(());
    }
    let mut threads: BTreeMap<String, Value> = active
        .iter()
        .filter(|t| t.get("parent_id").and_then(Value::as_str) == Some(id))
        .filter_map(|t| Some((t.get("id")?.as_str()?.to_string(), t.clone())))
        .collect();
    if plan.threads == Threads::All {
        for scope in ["public", "private"] {
            match archived(client, id, scope)? {
                Ok(list) => threads.extend(list),
                Err(why) => {
                    let name = channel.get("name").and_then(Value::as_str).unwrap_or("");
                    crate::output::diag(&format!(
                        "discord: skipping the {scope} archived threads of #{name} ({id}): {why}"
                    ));
                    tally.lock().unwrap_or_else(|p| p.into_inner()).skipped.push(
                        json!({"id": id, "name": name, "reason": format!("{scope} archived threads: {why}")}),
                    );
                }
            }
        }
    }
    for thread in threads.values() {
        add_item(index, thread, true, items, tally)?;
    }
    Ok(())
}

/// A channel's archived threads of one kind, every page (`before` an archive timestamp while
/// `has_more`); `Err` with Discord's reason when it does not let the bot list them.
fn archived(
    client: &Client,
    channel: &str,
    scope: &str,
) -> Result<std::result::Result<Vec<(String, Value)>, String>> {
    let mut found = Vec::new();
    let mut seen = BTreeSet::new();
    let mut before: Option<String> = None;
    loop {
        let mut spec = RequestSpec::new(
            Method::Get,
            format!("/channels/{channel}/threads/archived/{scope}"),
        );
        spec.query.push(("limit".into(), "100".into()));
        if let Some(b) = &before {
            spec.query.push(("before".into(), b.clone()));
        }
        let response = client.send_raw(&spec)?;
        if matches!(response.status, 403 | 404) {
            return Ok(Err(api_error(response.status, &response.body).message));
        }
        if response.status >= 400 {
            return Err(api_error(response.status, &response.body));
        }
        let page = response.json()?;
        let threads = page
            .get("threads")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut oldest = None;
        for thread in threads {
            let Some(id) = thread.get("id").and_then(Value::as_str).map(str::to_string) else {
                continue;
            };
            oldest = thread
                .pointer("/thread_metadata/archive_timestamp")
                .and_then(Value::as_str)
                .map(str::to_string)
                .or(oldest);
            if seen.insert(id.clone()) {
                found.push((id, thread));
            }
        }
        let more = page
            .get("has_more")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        match (more, oldest) {
            (true, Some(ts)) if before.as_ref() != Some(&ts) => before = Some(ts),
            _ => return Ok(Ok(found)),
        }
    }
}

/// Records a channel or thread and queues its walk.
fn add_item(
    index: &Mutex<Index>,
    object: &Value,
    is_thread: bool,
    items: &mut Vec<Item>,
    tally: &Mutex<Tally>,
) -> Result<()> {
    let Some(id) = object.get("id").and_then(Value::as_str) else {
        return Ok(());
    };
    if items.iter().any(|i| i.id == id) {
        return Ok(());
    }
    let name = object.get("name").and_then(Value::as_str).unwrap_or("");
    let file = if is_thread {
        format!("threads/{id}.jsonl")
    } else {
        format!("channels/{id}.jsonl")
    };
    lock(index).put_channel(object, is_thread, &file)?;
    let mut t = tally.lock().unwrap_or_else(|p| p.into_inner());
    if is_thread {
        t.threads += 1;
    } else {
        t.channels += 1;
    }
    items.push(Item {
        id: id.to_string(),
        name: if is_thread {
            format!("thread {name}")
        } else {
            format!("#{name}")
        },
        file,
    });
    Ok(())
}

/// `channels.jsonl` and `users.jsonl`, rewritten from the index after each run.
fn write_structure(dir: &Path, index: &Index) -> Result<()> {
    for (name, lines) in [
        ("channels.jsonl", index.channel_objects()?),
        ("users.jsonl", index.user_objects()?),
    ] {
        let path = dir.join(name);
        let mut text = lines.join("\n");
        if !text.is_empty() {
            text.push('\n');
        }
        fs::write(&path, text)
            .map_err(|e| Error::runtime(format!("cannot write {}: {e}", path.display())))?;
    }
    Ok(())
}

/// Creates the channel and thread folders.
fn prepare(dir: &Path) -> Result<()> {
    for sub in ["channels", "threads"] {
        let path = dir.join(sub);
        fs::create_dir_all(&path)
            .map_err(|e| Error::runtime(format!("cannot create {}: {e}", path.display())))?;
    }
    Ok(())
}
