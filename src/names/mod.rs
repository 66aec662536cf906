//! Names, not numbers: turns what a user types where an id is taken (`#general`,
//! `'Sandbox Guild/#general'`, `@alice`, `@me`, `<#id>`, a message link, a plain id) into the
//! id, through a local cache of what the bot can see ([`store`]), filled from REST answers and
//! `listen` dispatches ([`observe`]) and, on a miss, from Discord ([`lookup`]).
//!
//! [`install`] sets up one [`Names`] per run; nothing is opened until a name needs it, so
//! commands that use only ids start as fast as before. [`typed`](crate::commands::typed)'s
//! argument parsing calls [`resolve_id`] for every id it reads, which is the one place typed
//! commands, `send-message` and `batch` lines turn arguments into ids.

pub mod annotate;
pub mod links;
pub mod listen;
pub mod lookup;
pub mod notation;
pub mod observe;
pub mod store;
pub mod time;

use std::sync::{Mutex, OnceLock};

use crate::config::Settings;
use crate::error::shown;
use crate::rest::Client;
use crate::{Error, ErrorKind, Result};
use notation::Notation;
use store::{Entry, ObjKind, Store};

/// Entries seen this long ago (seconds) are used without asking Discord; older ones are checked
/// by fetching the list they belong to again.
pub const FRESH_SECS: i64 = 600;

/// What kind of object an id argument names, from its parameter's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// `guild_id`
    Guild,
    /// `channel_id`, `thread_id`, `parent_id`
    Channel,
    /// `user_id`, `owner_id` (a member where a guild is given before it)
    User,
    /// `role_id`
    Role,
    /// `message_id`
    Message,
    /// `emoji_id`
    Emoji,
    /// `application_id`
    Application,
    /// Any other id: taken as digits, a mention or a link's last part.
    Other,
}

impl Target {
    /// The target of a parameter or field named `name`.
    pub fn of(name: &str) -> Target {
        match name {
            "guild_id" => Target::Guild,
            "channel_id" | "thread_id" | "parent_id" => Target::Channel,
            "user_id" | "owner_id" | "target_user_id" => Target::User,
            "role_id" => Target::Role,
            "message_id" | "reply_to" => Target::Message,
            "emoji_id" => Target::Emoji,
            "application_id" => Target::Application,
            _ => Target::Other,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Target::Guild => "a guild",
            Target::Channel => "a channel",
            Target::User => "a user",
            Target::Role => "a role",
            Target::Message => "a message",
            Target::Emoji => "an emoji",
            Target::Application => "an application",
            Target::Other => "an id",
        }
    }
}

/// What earlier arguments of the same command established: the guild later names are
/// looked up in (`get-guild-member 'Sandbox Guild' @alice`).
#[derive(Debug, Default, Clone, Copy)]
pub struct Scope {
    /// The guild given or implied so far.
    pub guild: Option<u64>,
}

/// The names context of one run.
pub struct Names {
    settings: Settings,
    db: Option<std::path::PathBuf>,
    store: Mutex<Option<Store>>,
    opened: OnceLock<()>,
    /// Cached entries used for names this run, so a 404 can drop them (see [`Names::retry`]).
    used: Mutex<Vec<Entry>>,
    /// `--names`: annotate ids in output.
    pub annotate: bool,
}

static NAMES: OnceLock<Names> = OnceLock::new();

/// Sets up the names context for this run (`cache` false: no database at all).
pub fn install(settings: &Settings, cache: bool, annotate: bool) {
    let db = cache
        .then(crate::rest::ratecache::RateCache::default_dir)
        .flatten()
        .map(|dir| {
            let who = crate::rest::ratecache::identity(&settings.api_url, settings.token.as_ref());
            store::path_for(&dir, &who)
        });
    let _ = NAMES.set(Names {
        settings: settings.clone(),
        db,
        store: Mutex::new(None),
        opened: OnceLock::new(),
        used: Mutex::new(Vec::new()),
        annotate,
    });
}

/// Closes the cache database at the end of a run. The context is a static, which is never
/// dropped, and a connection left open at exit leaves SQLite's write-ahead log behind: the next
/// invocation must then read all of it back (WAL recovery) before its first query, a cost that
/// grew with every run (about 2.5 ms per `discord get` after a few hundred runs).
pub fn close() {
    if let Some(names) = NAMES.get() {
        if let Ok(mut store) = names.store.lock() {
            store.take();
        }
    }
}

/// The names context, when one was installed (not in unit tests).
pub fn get() -> Option<&'static Names> {
    NAMES.get()
}

/// Resolves one id argument of kind `target` (`label` names it in errors). Plain ids, mention
/// forms and links need no context; names need [`install`] to have run.
pub fn resolve_id(target: Target, label: &str, text: &str, scope: &mut Scope) -> Result<u64> {
    let bad = |why: &str| Error::usage(format!("invalid value {} for {label}: {why}", shown(text)));
    let parsed = notation::parse(text).map_err(|why| bad(&why))?;
    if let Some(id) = direct(target, &parsed, scope).map_err(|why| bad(&why))? {
        return Ok(id);
    }
    let Some(names) = get() else {
        return Err(bad(
            "a snowflake id is digits only, like 123456789012345678",
        ));
    };
    // A lookup's usage error (a miss, several matches) names the argument it was for.
    names
        .lookup_name(target, label, text, &parsed, scope)
        .map_err(|mut e| {
            if e.kind == ErrorKind::Usage && !e.message.starts_with(label) {
                e.message = format!("{label}: {}", e.message);
            }
            e
        })
}

/// The id a notation gives without any lookup, `None` when it is a name to look up, and an
/// error when it names the wrong kind of thing.
fn direct(target: Target, n: &Notation, scope: &mut Scope) -> Result<Option<u64>, String> {
    use Target as T;
    let wrong = |what: &str| Err(format!("that is {what}, and this takes {}", target.noun()));
    Ok(Some(match (n, target) {
        (Notation::Id(id), _) => *id,
        (Notation::ChannelMention(id), T::Channel | T::Other) => *id,
        (Notation::ChannelMention(_), _) => return wrong("a channel mention"),
        (Notation::UserMention(id), T::User | T::Other) => *id,
        (Notation::UserMention(_), _) => return wrong("a user mention"),
        (Notation::RoleMention(id), T::Role | T::Other) => *id,
        (Notation::RoleMention(_), _) => return wrong("a role mention"),
        (Notation::Emoji { id, .. }, T::Emoji | T::Other) => *id,
        (Notation::Emoji { .. }, _) => return wrong("a custom emoji"),
        (
            Notation::Link {
                guild,
                channel,
                message,
            },
            t,
        ) => {
            if let Some(g) = guild {
                scope.guild = Some(*g);
            }
            match (t, guild, message) {
                (T::Guild, Some(g), _) => *g,
                (T::Guild, None, _) => return Err("a DM link has no guild".into()),
                (T::Channel, _, _) => *channel,
                (T::Message | T::Other, _, Some(m)) => *m,
                (T::Other, _, None) => *channel,
                (T::Message, _, None) => {
                    return Err("a channel link has no message; copy the message's link".into())
                }
                _ => return wrong("a Discord link"),
            }
        }
        (Notation::Me, T::User | T::Application) => return Ok(None),
        (Notation::Me, _) => return wrong("@me"),
        (Notation::Channel { .. }, T::Channel) => return Ok(None),
        (Notation::Channel { .. }, _) => return wrong("a channel name"),
        // A bare word where a channel or user goes is a mistyped id far more often than a
        // name, so names there carry their sigil and a typo never starts a lookup.
        (Notation::Name(_), T::Channel) => {
            return Err(
                "a channel is its id, #name, guild/#name, <#id> or a link; for a channel called that, write it with #".into(),
            )
        }
        (Notation::Name(_), T::User) => {
            return Err("a user is its id, @name, @me or <@id>".into())
        }
        (Notation::At(_), T::Channel) => return wrong("a user or role name (@)"),
        (Notation::At(_) | Notation::Name(_), T::Guild | T::User | T::Role) => return Ok(None),
        (Notation::At(_) | Notation::Name(_), _) => {
            return Err(format!(
                "{} is taken as an id, a mention or a link, not by name",
                target.noun()
            ))
        }
    }))
}

/// Where an object is, for messages: `#general (123) in Sandbox Guild (456)`.
fn describe(e: &Entry, guild_name: impl Fn(u64) -> String) -> String {
    let shown = match e.kind {
        ObjKind::Channel => format!("#{}", e.name),
        ObjKind::User | ObjKind::Member => format!("@{}", e.name),
        _ => e.name.clone(),
    };
    if e.guild == 0 {
        format!("{shown} ({})", e.id)
    } else {
        format!(
            "{shown} ({}) in {} ({})",
            e.id,
            guild_name(e.guild),
            e.guild
        )
    }
}

impl Names {
    /// Runs `f` with the store, opening it on first use; `None` when there is no cache (turned
    /// off, or the file could not be opened: the cache is only an aid).
    pub fn with_store<T>(&self, f: impl FnOnce(&mut Store) -> Result<T>) -> Option<T> {
        let mut guard = self.store.lock().unwrap_or_else(|p| p.into_inner());
        self.opened.get_or_init(|| {
            if let Some(path) = &self.db {
                match Store::open(path) {
                    Ok(s) => *guard = Some(s),
                    Err(e) => {
                        crate::output::diag(&format!("note: names cache not used: {}", e.message))
                    }
                }
            }
        });
        let store = guard.as_mut()?;
        match f(store) {
            Ok(v) => Some(v),
            Err(e) => {
                crate::output::diag(&format!("note: {}", e.message));
                None
            }
        }
    }

    /// Whether there is a cache to fill (not with `listen --no-cache`, nor without a cache
    /// directory).
    pub fn caching(&self) -> bool {
        self.db.is_some()
    }

    /// The REST client lookups go through, made on first use.
    pub fn client(&self) -> Result<&Client> {
        self.settings.client()
    }

    /// Stores what an answer or dispatch told.
    pub fn learn(&self, change: observe::Change) {
        if change.is_empty() {
            return;
        }
        self.with_store(|s| {
            s.upsert(&change.seen)?;
            for (kind, id, guild) in &change.gone {
                s.remove(*kind, *id, *guild)?;
                if *kind == ObjKind::Channel && *guild == 0 {
                    // A REST delete answer may lack the guild; drop it wherever it was.
                    for e in s
                        .by_id(*id)?
                        .into_iter()
                        .filter(|e| e.kind == ObjKind::Channel)
                    {
                        s.remove(e.kind, e.id, e.guild)?;
                    }
                }
            }
            s.add_guild_ids(&change.guild_ids)?;
            if let Some(me) = change.me {
                s.set_meta("me", &me.to_string())?;
            }
            change.complete.iter().try_for_each(|k| s.mark_complete(k))
        });
    }

    /// A guild's name for messages, from the cache (its id when unknown).
    pub fn guild_name(&self, id: u64) -> String {
        self.with_store(|s| s.by_id(id))
            .and_then(|v| v.into_iter().find(|e| e.kind == ObjKind::Guild))
            .map_or_else(|| id.to_string(), |e| e.name)
    }

    fn lookup_name(
        &self,
        target: Target,
        label: &str,
        text: &str,
        n: &Notation,
        scope: &mut Scope,
    ) -> Result<u64> {
        let (kind, name, guild) = match (n, target) {
            (Notation::Me, Target::Application) => return self.application(),
            (Notation::Me, _) => return self.me(),
            (Notation::Channel { guild, name }, _) => {
                let g = match guild {
                    Some(g) => Some(self.resolve_guild(g)?),
                    None => scope.guild,
                };
                (ObjKind::Channel, name.as_str(), g)
            }
            (Notation::At(name) | Notation::Name(name), Target::Guild) => {
                let id = self.resolve_guild(name)?;
                scope.guild = Some(id);
                return Ok(id);
            }
            (Notation::At(name) | Notation::Name(name), Target::Role) => {
                (ObjKind::Role, name.as_str(), scope.guild)
            }
            (Notation::At(name) | Notation::Name(name), _) => match scope.guild {
                Some(g) => (ObjKind::Member, name.as_str(), Some(g)),
                None => (ObjKind::User, name.as_str(), None),
            },
            _ => {
                return Err(Error::usage(format!(
                    "{label}: cannot resolve {}",
                    shown(text)
                )))
            }
        };
        let found = self.find(kind, name, guild)?;
        let id = self.pick(kind, text, guild, found)?;
        if kind == ObjKind::Channel && scope.guild.is_none() {
            scope.guild = self
                .with_store(|s| s.by_id(id))
                .and_then(|v| v.into_iter().find(|e| e.kind == ObjKind::Channel))
                .map(|e| e.guild)
                .filter(|g| *g != 0);
        }
        Ok(id)
    }

    fn resolve_guild(&self, text: &str) -> Result<u64> {
        match notation::parse(text) {
            Ok(Notation::Id(id)) => Ok(id),
            Ok(Notation::Name(name) | Notation::At(name)) => {
                let found = self.find(ObjKind::Guild, &name, None)?;
                self.pick(ObjKind::Guild, text, None, found)
            }
            _ => Err(Error::usage(format!(
                "invalid guild {}: give its name or id",
                shown(text)
            ))),
        }
    }

    /// The matches for a name: from the cache when there is exactly one fresh match, else
    /// after fetching the lists it could be in again from Discord.
    fn find(&self, kind: ObjKind, name: &str, guild: Option<u64>) -> Result<Vec<Entry>> {
        let cached = self
            .with_store(|s| s.find(kind, name, guild))
            .unwrap_or_default();
        let fresh = store::now() - FRESH_SECS;
        if let [one] = cached.as_slice() {
            if one.seen_at >= fresh && self.complete(kind, name, guild) {
                self.used
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(one.clone());
                return Ok(cached);
            }
        }
        if self.settings.dry_run {
            return Err(Error::usage(format!(
                "{} is not in the names cache and --dry-run asks Discord nothing; run 'discord cache sync' first or give the id",
                shown(name)
            )));
        }
        lookup::refresh(self, kind, name, guild)
    }

    /// Whether the cache holds, freshly, every list a name of `kind` could be in, so that a
    /// single match there is the only one: a single cached `#random` proves nothing while the
    /// guild's channels were never listed whole.
    pub fn complete(&self, kind: ObjKind, name: &str, guild: Option<u64>) -> bool {
        let since = store::now() - FRESH_SECS;
        self.with_store(|s| {
            let fresh = |key: &str| s.complete_since(key, since);
            let per_guild = |what: &str| -> Result<bool> {
                if !fresh("guilds")? {
                    return Ok(false);
                }
                for g in s.ids_of(ObjKind::Guild)? {
                    if !fresh(&format!("{what}:{g}"))? {
                        return Ok(false);
                    }
                }
                Ok(true)
            };
            let folded = store::fold(name);
            match (kind, guild) {
                (ObjKind::Guild, _) => fresh("guilds"),
                (ObjKind::Channel | ObjKind::Role, Some(g)) => {
                    fresh(&format!("{}s:{g}", kind.as_str()))
                }
                (ObjKind::Channel | ObjKind::Role, None) => {
                    per_guild(&format!("{}s", kind.as_str()))
                }
                (_, Some(g)) => {
                    Ok(fresh(&format!("members:{g}"))? || fresh(&format!("search:{g}:{folded}"))?)
                }
                (_, None) => Ok(per_guild("members")? || fresh(&format!("search:all:{folded}"))?),
            }
        })
        .unwrap_or(false)
    }

    /// The one id among `found`, or a usage error listing them (several) or saying what was
    /// searched (none).
    fn pick(
        &self,
        kind: ObjKind,
        text: &str,
        guild: Option<u64>,
        found: Vec<Entry>,
    ) -> Result<u64> {
        let mut ids: Vec<u64> = found.iter().map(|e| e.id).collect();
        ids.sort_unstable();
        ids.dedup();
        match ids.as_slice() {
            [id] => Ok(*id),
            [] => {
                let place = match guild {
                    Some(g) => format!("in {} ({g})", self.guild_name(g)),
                    None if kind == ObjKind::Guild => "among the guilds the bot is in".into(),
                    None => "in any guild the bot is in".into(),
                };
                Err(Error::usage(format!(
                    "no {} named {} {place} (searched the names cache, then Discord); check the spelling or give the id",
                    kind.as_str(),
                    shown(text)
                )))
            }
            _ => {
                let list: Vec<String> = found
                    .iter()
                    .map(|e| describe(e, |g| self.guild_name(g)))
                    .collect();
                let guilds: std::collections::BTreeSet<u64> =
                    found.iter().map(|e| e.guild).collect();
                let hint = if kind == ObjKind::Channel && guilds.len() > 1 {
                    "give the id or write it as 'guild/#channel'"
                } else {
                    "give the id instead"
                };
                Err(Error::usage(format!(
                    "{} matches {} {}s: {}; {hint}",
                    shown(text),
                    ids.len(),
                    kind.as_str(),
                    list.join(", ")
                )))
            }
        }
    }

    /// The current user's id (`@me`), from the cache or `GET /users/@me`.
    pub fn me(&self) -> Result<u64> {
        self.remembered("me", "/users/@me")
    }

    /// The bot's own application id, from the cache or `GET /applications/@me`.
    pub fn application(&self) -> Result<u64> {
        self.remembered("application", "/applications/@me")
    }

    fn remembered(&self, key: &str, path: &str) -> Result<u64> {
        let cached = self.with_store(|s| s.meta(key)).flatten();
        if let Some(id) = cached.and_then(|v| v.parse().ok()) {
            return Ok(id);
        }
        if self.settings.dry_run {
            return Err(Error::usage(format!(
                "@me is not in the names cache and --dry-run asks Discord nothing (GET {path}); give the id"
            )));
        }
        let body = lookup::get(self, path)?;
        let id = body
            .get("id")
            .and_then(|v| v.as_str())
            .and_then(|v| v.parse::<u64>().ok())
            .ok_or_else(|| {
                Error::new(ErrorKind::Api, format!("GET {path} answered without an id"))
            })?;
        self.with_store(|s| s.set_meta(key, &id.to_string()));
        Ok(id)
    }

    /// Runs `attempt` again once when it fails with 404 after names were resolved from the
    /// cache: Discord says an object is gone, so those entries are dropped and looked up
    /// again. A 404 changed nothing, so the retry cannot do anything twice.
    pub fn retry<T>(&self, mut attempt: impl FnMut() -> Result<T>) -> Result<T> {
        self.used.lock().unwrap_or_else(|p| p.into_inner()).clear();
        match attempt() {
            Err(e) if e.kind == ErrorKind::Api && e.message.starts_with("404") => {
                let used =
                    std::mem::take(&mut *self.used.lock().unwrap_or_else(|p| p.into_inner()));
                if used.is_empty() {
                    return Err(e);
                }
                self.with_store(|s| {
                    used.iter()
                        .try_for_each(|u| s.remove(u.kind, u.id, u.guild))
                });
                attempt()
            }
            other => other,
        }
    }
}

/// Runs `attempt` under [`Names::retry`] when names are installed.
pub fn retry<T>(attempt: impl FnMut() -> Result<T>) -> Result<T> {
    match get() {
        Some(n) => n.retry(attempt),
        None => {
            let mut attempt = attempt;
            attempt()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_mentions_and_links_need_no_lookup() {
        let mut scope = Scope::default();
        let r = |t, text: &str, scope: &mut Scope| resolve_id(t, "<ID>", text, scope);
        assert_eq!(r(Target::Channel, "<#12>", &mut scope).unwrap(), 12);
        assert_eq!(r(Target::User, "<@!34>", &mut scope).unwrap(), 34);
        assert_eq!(r(Target::Role, "<@&5>", &mut scope).unwrap(), 5);
        let link = "https://discord.com/channels/1/2/3";
        assert_eq!(r(Target::Message, link, &mut scope).unwrap(), 3);
        assert_eq!(r(Target::Channel, link, &mut scope).unwrap(), 2);
        assert_eq!(r(Target::Guild, link, &mut scope).unwrap(), 1);
        assert_eq!(scope.guild, Some(1));
        // The wrong kind of mention is refused rather than sent somewhere else.
        let e = r(Target::User, "<#12>", &mut scope).unwrap_err();
        assert!(e.message.contains("channel mention"), "{}", e.message);
        assert_eq!(e.kind, ErrorKind::Usage);
        assert!(r(
            Target::Message,
            "https://discord.com/channels/1/2",
            &mut scope
        )
        .is_err());
        assert!(r(
            Target::Guild,
            "https://discord.com/channels/@me/2",
            &mut scope
        )
        .is_err());
    }
}
