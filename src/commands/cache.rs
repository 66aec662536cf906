//! `discord cache sync|show|clear`: the names cache by hand. Sync fetches what name lookups
//! would fetch one by one (guilds, their channels and roles, members with `--members`); show
//! lists what is known; clear forgets it (nothing is lost: it fills again as it is used).

use std::io::{self, IsTerminal, Write};

use serde_json::json;

use crate::cli::{CacheAction, CacheArgs};
use crate::config::Settings;
use crate::names::{self, annotate, lookup, Names, Scope, Target};
use crate::{Error, Result};

/// Runs a `discord cache` subcommand.
pub fn run(settings: &Settings, args: CacheArgs) -> Result<()> {
    let names = names::get().ok_or_else(|| Error::runtime("the names cache is not set up"))?;
    // Whether there is a cache at all: the directory may be missing or unwritable.
    if names.with_store(|_| Ok(())).is_none() {
        return Err(Error::runtime(
            "no names cache: set DISCORD_CACHE_DIR to a writable folder",
        ));
    }
    match args.action {
        CacheAction::Sync { guilds, members } => sync(settings, names, &guilds, members),
        CacheAction::Show { word } => show(names, word.as_deref()),
        CacheAction::Clear => {
            names.with_store(|s| s.clear());
            crate::output::diag("names cache cleared");
            Ok(())
        }
    }
}

/// Fetches the guilds (all, or those named) with their channels and roles; one JSON line per
/// guild says how many of each were stored.
fn sync(settings: &Settings, names: &Names, wanted: &[String], members: bool) -> Result<()> {
    let all = lookup::guilds(names)?;
    let ids: Vec<u64> = if wanted.is_empty() {
        all.iter().map(|e| e.id).collect()
    } else {
        wanted
            .iter()
            .map(|g| names::resolve_id(Target::Guild, "<GUILD>", g, &mut Scope::default()))
            .collect::<Result<_>>()?
    };
    for id in ids {
        let name = all.iter().find(|e| e.id == id).map(|e| e.name.clone());
        let channels = lookup::channels(names, id)?.len();
        let roles = lookup::roles(names, id)?.len();
        let members = if members {
            Some(lookup::all_members(names, id)?)
        } else {
            None
        };
        settings.printer.print_value(&json!({
            "guild_id": id.to_string(), "name": name, "channels": channels, "roles": roles, "members": members,
        }))?;
    }
    Ok(())
}

/// Lists cached objects: kind, id, name as written, guild, and when it was seen; aligned on a
/// terminal, tab-separated otherwise.
fn show(names: &Names, word: Option<&str>) -> Result<()> {
    let rows = names.with_store(|s| s.list(word)).unwrap_or_default();
    let now = jiff::Timestamp::now();
    let stdout = io::stdout();
    let tty = stdout.is_terminal();
    let mut out = io::BufWriter::new(stdout.lock());
    for e in &rows {
        let guild = if e.guild == 0 {
            "-".to_string()
        } else {
            names.guild_name(e.guild)
        };
        let seen = jiff::Timestamp::from_second(e.seen_at)
            .map_or_else(|_| "?".into(), |t| names::time::age(t, now));
        let cols = [
            e.kind.as_str().to_string(),
            e.id.to_string(),
            annotate::label(e),
            guild,
            seen,
        ];
        if tty {
            writeln!(
                out,
                "{:<8} {:<20} {:<32} {:<24} {}",
                cols[0], cols[1], cols[2], cols[3], cols[4]
            )?;
        } else {
            writeln!(out, "{}", cols.join("\t"))?;
        }
    }
    out.flush()?;
    Ok(())
}
