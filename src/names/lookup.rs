//! Asking Discord when the cache cannot answer: the current user's guilds
//! (`GET /users/@me/guilds`), a guild's channels (`GET /guilds/{id}/channels`, plus its active
//! threads), its roles (`GET /guilds/{id}/roles`) and its members by name
//! (`GET /guilds/{id}/members/search`, which matches the start of usernames and nicknames).
//! Complete lists replace what the cache held for them, which drops objects Discord no longer
//! has; every answer is stored with the time it was seen.

use serde_json::Value;

use super::observe;
use super::store::{fold, now, Entry, ObjKind};
use super::{Names, FRESH_SECS};
use crate::rest::{Method, RequestSpec};
use crate::{Error, ErrorKind, Result};

/// The most guilds whose lists one name lookup walks; past that, `discord cache sync` fills
/// the cache up front.
const MAX_GUILDS: usize = 50;

/// Member search returns at most this many (Discord's limit for the route).
const SEARCH_LIMIT: usize = 1000;

/// Sends a GET through the names client and reads its JSON answer.
pub fn get(names: &Names, path: &str) -> Result<Value> {
    get_query(names, path, &[])
}

fn get_query(names: &Names, path: &str, query: &[(&str, String)]) -> Result<Value> {
    let mut spec = RequestSpec::new(Method::Get, path);
    spec.query = query
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    let response = names.client()?.send(&spec)?;
    response.json()
}

/// Whether an entry answers to `name`.
fn matches(e: &Entry, name: &str) -> bool {
    let want = fold(name);
    fold(&e.name) == want || e.aliases.iter().any(|a| fold(a) == want)
}

/// Fetches what `name` of `kind` could be, stores it, and returns the matches.
pub fn refresh(names: &Names, kind: ObjKind, name: &str, guild: Option<u64>) -> Result<Vec<Entry>> {
    let mut found = Vec::new();
    if kind == ObjKind::Guild {
        found = guilds(names)?;
    } else {
        for g in scope(names, guild)? {
            match kind {
                ObjKind::Channel => found.extend(channels(names, g)?),
                ObjKind::Role => found.extend(roles(names, g)?),
                _ => found.extend(search_members(names, g, name)?),
            }
        }
    }
    let wanted = if kind == ObjKind::User {
        ObjKind::Member
    } else {
        kind
    };
    found.retain(|e| e.kind == wanted && matches(e, name));
    if kind == ObjKind::User && guild.is_none() {
        names.with_store(|s| s.mark_complete(&format!("search:all:{}", fold(name))));
    }
    Ok(found)
}

/// The guilds a lookup without a guild walks: every guild the bot is in (the cached list if
/// it is fresh).
fn scope(names: &Names, guild: Option<u64>) -> Result<Vec<u64>> {
    if let Some(g) = guild {
        return Ok(vec![g]);
    }
    let since = now() - FRESH_SECS;
    let known = names.with_store(|s| {
        if s.complete_since("guilds", since)? {
            s.ids_of(ObjKind::Guild)
        } else {
            Ok(Vec::new())
        }
    });
    let mut ids = if let Some(cached) = known.filter(|c| !c.is_empty()) {
        cached
    } else {
        guilds(names)?.into_iter().map(|e| e.id).collect()
    };
    if ids.len() > MAX_GUILDS {
        crate::output::diag(&format!(
            "note: looking in the first {MAX_GUILDS} of {} guilds; 'discord cache sync' fills the cache for all of them",
            ids.len()
        ));
        ids.truncate(MAX_GUILDS);
    }
    Ok(ids)
}

/// Every guild the current user is in (paged by 200), replacing the cached list.
pub fn guilds(names: &Names) -> Result<Vec<Entry>> {
    let mut all = Vec::new();
    let mut after = 0u64;
    loop {
        let page = get_query(
            names,
            "/users/@me/guilds",
            &[("limit", "200".into()), ("after", after.to_string())],
        )?;
        let items = page.as_array().cloned().unwrap_or_default();
        for g in &items {
            all.extend(observe::guild(g));
        }
        match items
            .last()
            .and_then(|g| g.get("id")?.as_str()?.parse::<u64>().ok())
        {
            Some(last) if items.len() == 200 => after = last,
            _ => break,
        }
    }
    names.with_store(|s| {
        s.replace(ObjKind::Guild, 0, &all)?;
        s.mark_complete("guilds")
    });
    Ok(all)
}

/// A guild's channels and active threads, replacing the cached ones.
pub fn channels(names: &Names, guild: u64) -> Result<Vec<Entry>> {
    let list = get(names, &format!("/guilds/{guild}/channels"))?;
    let mut all: Vec<Entry> = list
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| observe::channel(c, Some(guild)))
        .collect();
    // Threads are channels too; a bot without access gets an error, which only means fewer names.
    if let Ok(threads) = get(names, &format!("/guilds/{guild}/threads/active")) {
        let list = threads.get("threads").and_then(Value::as_array);
        all.extend(
            list.into_iter()
                .flatten()
                .filter_map(|c| observe::channel(c, Some(guild))),
        );
    }
    names.with_store(|s| {
        s.replace(ObjKind::Channel, guild, &all)?;
        s.mark_complete(&format!("channels:{guild}"))
    });
    Ok(all)
}

/// A guild's roles, replacing the cached ones.
pub fn roles(names: &Names, guild: u64) -> Result<Vec<Entry>> {
    let list = get(names, &format!("/guilds/{guild}/roles"))?;
    let all: Vec<Entry> = list
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| observe::role(r, guild))
        .collect();
    names.with_store(|s| {
        s.replace(ObjKind::Role, guild, &all)?;
        s.mark_complete(&format!("roles:{guild}"))
    });
    Ok(all)
}

/// Members of a guild whose username or nickname starts with `name` (Discord's member search),
/// stored with their users. Where the answer is complete (fewer than the limit), cached members
/// of that guild by that name that are not in it have been renamed or left, and are dropped.
pub fn search_members(names: &Names, guild: u64, name: &str) -> Result<Vec<Entry>> {
    let list = get_query(
        names,
        &format!("/guilds/{guild}/members/search"),
        &[("query", name.to_string()), ("limit", SEARCH_LIMIT.to_string())],
    )
    .map_err(|e| {
        if e.kind == ErrorKind::Api && e.message.starts_with("403") {
            Error::usage(format!(
                "cannot look up members of guild {guild} by name: {} (member search needs the bot to be in the guild)",
                e.message
            ))
        } else {
            e
        }
    })?;
    let items = list.as_array().cloned().unwrap_or_default();
    let all: Vec<Entry> = items
        .iter()
        .flat_map(|m| observe::member(m, guild))
        .collect();
    let complete = items.len() < SEARCH_LIMIT;
    names.with_store(|s| {
        if complete {
            for old in s.find(ObjKind::Member, name, Some(guild))? {
                if !all
                    .iter()
                    .any(|e| e.kind == ObjKind::Member && e.id == old.id)
                {
                    s.remove(ObjKind::Member, old.id, guild)?;
                }
            }
        }
        s.upsert(&all)?;
        if complete {
            s.mark_complete(&format!("search:{guild}:{}", fold(name)))?;
        }
        Ok(())
    });
    Ok(all)
}

/// Every member of a guild (paged by 1000 with `after`), for `cache sync --members`.
pub fn all_members(names: &Names, guild: u64) -> Result<usize> {
    let mut after = 0u64;
    let mut count = 0;
    loop {
        let page = get_query(
            names,
            &format!("/guilds/{guild}/members"),
            &[("limit", "1000".into()), ("after", after.to_string())],
        )?;
        let items = page.as_array().cloned().unwrap_or_default();
        let entries: Vec<Entry> = items
            .iter()
            .flat_map(|m| observe::member(m, guild))
            .collect();
        names.with_store(|s| s.upsert(&entries));
        count += items.len();
        let last = items
            .last()
            .and_then(|m| m.get("user")?.get("id")?.as_str()?.parse::<u64>().ok());
        match last {
            Some(last) if items.len() == 1000 => after = last,
            _ => {
                names.with_store(|s| s.mark_complete(&format!("members:{guild}")));
                return Ok(count);
            }
        }
    }
}
