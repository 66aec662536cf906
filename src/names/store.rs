//! The names cache on disk: one SQLite database per API base and token identity in the cache
//! directory (`names-<hash>.sqlite`, mode 0600). WAL journaling and a busy timeout let several
//! invocations (a running `listen`, a `batch`, a loop of commands) read and fill it at once;
//! every write is one `BEGIN IMMEDIATE` transaction, so writers queue instead of failing.
//!
//! The cache is an optimisation: deleting it loses nothing, and a database from another
//! version of the schema is emptied and rebuilt.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use crate::{Error, Result};

/// Bumped when the tables change; an older database is rebuilt.
const SCHEMA_VERSION: i64 = 1;

/// How long a writer waits for another process's transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// An entry seen again within this many seconds, unchanged, is not written again (well inside
/// the freshness window, `super::FRESH_SECS`, that name lookups trust).
const RESEEN_SECS: i64 = 120;

/// What a cached object is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjKind {
    /// A guild.
    Guild,
    /// A channel or thread (guild 0: a DM).
    Channel,
    /// A role of a guild.
    Role,
    /// A user.
    User,
    /// A user as a member of one guild (with its nickname).
    Member,
    /// A custom emoji of a guild.
    Emoji,
}

impl ObjKind {
    /// The name stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            ObjKind::Guild => "guild",
            ObjKind::Channel => "channel",
            ObjKind::Role => "role",
            ObjKind::User => "user",
            ObjKind::Member => "member",
            ObjKind::Emoji => "emoji",
        }
    }

    fn parse(s: &str) -> ObjKind {
        match s {
            "guild" => ObjKind::Guild,
            "channel" => ObjKind::Channel,
            "role" => ObjKind::Role,
            "member" => ObjKind::Member,
            "emoji" => ObjKind::Emoji,
            _ => ObjKind::User,
        }
    }
}

/// One cached object with the names it can be found by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// What it is.
    pub kind: ObjKind,
    /// Its id (a member's is the user's id).
    pub id: u64,
    /// The guild it belongs to; 0 for guilds, users and DM channels.
    pub guild: u64,
    /// The name to show (a channel's name, a user's username, ...).
    pub name: String,
    /// Other names it is found by (global name, nickname); the shown name is one too.
    pub aliases: Vec<String>,
    /// When it was last seen in an answer of Discord's (Unix seconds).
    pub seen_at: i64,
}

impl Entry {
    /// An entry seen now.
    pub fn new(kind: ObjKind, id: u64, guild: u64, name: &str) -> Entry {
        Entry {
            kind,
            id,
            guild,
            name: name.to_string(),
            aliases: Vec::new(),
            seen_at: now(),
        }
    }
}

/// The current time in Unix seconds.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// How names are compared: case does not matter, as in Discord's own search.
pub fn fold(name: &str) -> String {
    name.trim().to_lowercase()
}

/// The open database.
pub struct Store {
    conn: Connection,
}

/// The database file for an identity (see [`crate::rest::ratecache::identity`]) in `dir`.
pub fn path_for(dir: &Path, identity: &str) -> PathBuf {
    dir.join(format!("names-{identity}.sqlite"))
}

fn db_error(e: rusqlite::Error) -> Error {
    Error::runtime(format!("the names cache failed: {e}"))
}

impl Store {
    /// Opens (creating with mode 0600) the database at `path`.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent() {
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::DirBuilderExt;
                builder.mode(0o700);
            }
            builder
                .create(dir)
                .map_err(|e| Error::runtime(format!("cannot create {}: {e}", dir.display())))?;
        }
        #[cfg(unix)]
        if let Some(dir) = path.parent() {
            private_dir(dir)?;
        }
        create_private(path)?;
        let conn = Connection::open(path).map_err(db_error)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(db_error)?;
        // WAL lets readers go on while one process writes; NORMAL sync is enough for a cache.
        // Switching a new file to WAL needs it to itself, and SQLite answers "locked" at once
        // rather than through the busy timeout when another process is doing the same.
        let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
        loop {
            match conn.pragma_update(None, "journal_mode", "WAL") {
                Ok(()) => break,
                Err(e)
                    if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                        && std::time::Instant::now() < deadline =>
                {
                    std::thread::sleep(Duration::from_millis(10));
                }
                Err(e) => return Err(db_error(e)),
            }
        }
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(db_error)?;
        let mut store = Store { conn };
        store.migrate()?;
        Ok(store)
    }

    fn migrate(&mut self) -> Result<()> {
        let version =
            |c: &Connection| c.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0));
        if version(&self.conn).map_err(db_error)? == SCHEMA_VERSION {
            return Ok(());
        }
        // Asked again inside the write lock: two processes opening a new cache at once both
        // get here, and the second must not drop what the first has started filling.
        self.write(|c| {
            if version(c)? == SCHEMA_VERSION {
                return Ok(());
            }
            c.execute_batch(&format!(
                "DROP TABLE IF EXISTS objects; DROP TABLE IF EXISTS aliases; DROP TABLE IF EXISTS meta;
                 CREATE TABLE objects (kind TEXT NOT NULL, id INTEGER NOT NULL, guild INTEGER NOT NULL,
                     name TEXT NOT NULL, seen_at INTEGER NOT NULL, PRIMARY KEY (kind, id, guild));
                 CREATE INDEX objects_by_id ON objects (id);
                 CREATE TABLE aliases (kind TEXT NOT NULL, id INTEGER NOT NULL, guild INTEGER NOT NULL,
                     folded TEXT NOT NULL, PRIMARY KEY (kind, id, guild, folded));
                 CREATE INDEX aliases_by_name ON aliases (kind, folded);
                 CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                 PRAGMA user_version = {SCHEMA_VERSION};"
            ))
        })
    }

    /// Runs `f` in one write transaction (taken at once, so concurrent writers wait their turn
    /// instead of failing when a reader would upgrade).
    fn write<T>(&mut self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db_error)?;
        let out = f(&tx).map_err(db_error)?;
        tx.commit().map_err(db_error)?;
        Ok(out)
    }

    /// Stores entries (replacing what was known of each). Entries the cache already holds
    /// as they are, seen recently, are not written again: most answers repeat what is known,
    /// and a write transaction (and the log it leaves for the next process to read back) was
    /// most of what the cache cost a `discord get`.
    pub fn upsert(&mut self, entries: &[Entry]) -> Result<()> {
        let recent = now() - RESEEN_SECS;
        let mut changed = Vec::new();
        for e in entries {
            if !self.holds(e, recent).map_err(db_error)? {
                changed.push(e);
            }
        }
        if changed.is_empty() {
            return Ok(());
        }
        self.write(|c| changed.iter().try_for_each(|e| put(c, e)))
    }

    /// Whether `e` is stored with the same names and was seen at `recent` or later.
    fn holds(&self, e: &Entry, recent: i64) -> rusqlite::Result<bool> {
        let key = params![e.kind.as_str(), e.id as i64, e.guild as i64];
        let stored: Option<(String, i64)> = self
            .conn
            .prepare_cached(
                "SELECT name, seen_at FROM objects WHERE kind = ?1 AND id = ?2 AND guild = ?3",
            )?
            .query_row(key, |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        if !stored.is_some_and(|(name, seen_at)| name == e.name && seen_at >= recent) {
            return Ok(false);
        }
        let mut folded: Vec<String> = self
            .conn
            .prepare_cached(
                "SELECT folded FROM aliases WHERE kind = ?1 AND id = ?2 AND guild = ?3",
            )?
            .query_map(key, |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        folded.sort();
        let mut wanted: Vec<String> = std::iter::once(&e.name)
            .chain(&e.aliases)
            .map(|n| fold(n))
            .filter(|f| !f.is_empty())
            .collect();
        wanted.sort();
        wanted.dedup();
        Ok(folded == wanted)
    }

    /// Stores a complete list of one kind in one guild (a guild's channels, its roles; the
    /// user's guilds with `guild` 0): what was cached there and is missing from the list is
    /// gone from Discord and is dropped.
    pub fn replace(&mut self, kind: ObjKind, guild: u64, entries: &[Entry]) -> Result<()> {
        self.write(|c| {
            let ids: Vec<i64> = entries.iter().map(|e| e.id as i64).collect();
            let mut stmt = c.prepare("SELECT id FROM objects WHERE kind = ?1 AND guild = ?2")?;
            let old: Vec<i64> = stmt
                .query_map(params![kind.as_str(), guild as i64], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for id in old.into_iter().filter(|id| !ids.contains(id)) {
                drop_row(c, kind, id as u64, guild)?;
            }
            entries.iter().try_for_each(|e| put(c, e))
        })
    }

    /// Drops one object (Discord said it no longer exists).
    pub fn remove(&mut self, kind: ObjKind, id: u64, guild: u64) -> Result<()> {
        self.write(|c| drop_row(c, kind, id, guild))
    }

    /// Objects of `kind` one of whose names is `name` (any case), in `guild` when given.
    pub fn find(&self, kind: ObjKind, name: &str, guild: Option<u64>) -> Result<Vec<Entry>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT DISTINCT o.kind, o.id, o.guild, o.name, o.seen_at FROM aliases a
                 JOIN objects o ON o.kind = a.kind AND o.id = a.id AND o.guild = a.guild
                 WHERE a.kind = ?1 AND a.folded = ?2 AND (?3 IS NULL OR o.guild = ?3)
                 ORDER BY o.guild, o.id",
            )
            .map_err(db_error)?;
        let rows = stmt
            .query_map(
                params![kind.as_str(), fold(name), guild.map(|g| g as i64)],
                row,
            )
            .map_err(db_error)?;
        rows.collect::<rusqlite::Result<_>>().map_err(db_error)
    }

    /// Every object with this id (a user is also a member of several guilds).
    pub fn by_id(&self, id: u64) -> Result<Vec<Entry>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT kind, id, guild, name, seen_at FROM objects WHERE id = ?1 ORDER BY guild",
            )
            .map_err(db_error)?;
        let rows = stmt.query_map([id as i64], row).map_err(db_error)?;
        rows.collect::<rusqlite::Result<_>>().map_err(db_error)
    }

    /// Everything whose name contains `word` (any case), or everything: for `cache show`.
    pub fn list(&self, word: Option<&str>) -> Result<Vec<Entry>> {
        let pattern = format!("%{}%", word.map(fold).unwrap_or_default());
        let mut stmt = self
            .conn
            .prepare(
                "SELECT DISTINCT o.kind, o.id, o.guild, o.name, o.seen_at FROM objects o
                 JOIN aliases a ON o.kind = a.kind AND o.id = a.id AND o.guild = a.guild
                 WHERE a.folded LIKE ?1 OR CAST(o.id AS TEXT) = ?2
                 ORDER BY o.kind, o.guild, o.name",
            )
            .map_err(db_error)?;
        let rows = stmt
            .query_map(params![pattern, word.unwrap_or("")], row)
            .map_err(db_error)?;
        rows.collect::<rusqlite::Result<_>>().map_err(db_error)
    }

    /// The ids of every cached object of `kind`.
    pub fn ids_of(&self, kind: ObjKind) -> Result<Vec<u64>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT DISTINCT id FROM objects WHERE kind = ?1")
            .map_err(db_error)?;
        let rows = stmt
            .query_map([kind.as_str()], |r| r.get::<_, i64>(0))
            .map_err(db_error)?;
        rows.map(|r| r.map(|id| id as u64))
            .collect::<rusqlite::Result<_>>()
            .map_err(db_error)
    }

    /// Notes guilds known only by id (READY lists them before their GUILD_CREATE), without
    /// overwriting what is known of them; they are found by name once their GUILD_CREATE came.
    pub fn add_guild_ids(&mut self, ids: &[u64]) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let at = now();
        self.write(|c| {
            let mut stmt = c.prepare_cached(
                "INSERT OR IGNORE INTO objects (kind, id, guild, name, seen_at) VALUES ('guild', ?1, 0, ?2, ?3)",
            )?;
            ids.iter().try_for_each(|id| {
                stmt.execute(params![*id as i64, id.to_string(), at]).map(drop)
            })
        })
    }

    /// Records that a complete list (`channels:GUILD`, a member search, ...) was seen now.
    pub fn mark_complete(&mut self, key: &str) -> Result<()> {
        self.set_meta(&format!("complete:{key}"), &now().to_string())
    }

    /// Whether the complete list `key` was seen since `since` (Unix seconds).
    pub fn complete_since(&self, key: &str, since: i64) -> Result<bool> {
        let at = self.meta(&format!("complete:{key}"))?;
        Ok(at
            .and_then(|v| v.parse::<i64>().ok())
            .is_some_and(|t| t >= since))
    }

    /// A remembered value (the current user's id, when a list was last fetched).
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(db_error)
    }

    /// Remembers a value (no write when it is already the value).
    pub fn set_meta(&mut self, key: &str, value: &str) -> Result<()> {
        if self.meta(key)?.as_deref() == Some(value) {
            return Ok(());
        }
        self.write(|c| {
            c.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [key, value],
            )
            .map(drop)
        })
    }

    /// Forgets everything.
    pub fn clear(&mut self) -> Result<()> {
        self.write(|c| {
            c.execute_batch("DELETE FROM objects; DELETE FROM aliases; DELETE FROM meta;")
        })
    }
}

fn row(r: &rusqlite::Row) -> rusqlite::Result<Entry> {
    Ok(Entry {
        kind: ObjKind::parse(&r.get::<_, String>(0)?),
        id: r.get::<_, i64>(1)? as u64,
        guild: r.get::<_, i64>(2)? as u64,
        name: r.get(3)?,
        aliases: Vec::new(),
        seen_at: r.get(4)?,
    })
}

fn put(c: &Connection, e: &Entry) -> rusqlite::Result<()> {
    let key = params![e.kind.as_str(), e.id as i64, e.guild as i64];
    c.prepare_cached(
        "INSERT INTO objects (kind, id, guild, name, seen_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (kind, id, guild) DO UPDATE SET name = excluded.name, seen_at = excluded.seen_at",
    )?
    .execute(params![e.kind.as_str(), e.id as i64, e.guild as i64, e.name, e.seen_at])?;
    c.prepare_cached("DELETE FROM aliases WHERE kind = ?1 AND id = ?2 AND guild = ?3")?
        .execute(key)?;
    let mut insert = c.prepare_cached(
        "INSERT OR IGNORE INTO aliases (kind, id, guild, folded) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for name in std::iter::once(&e.name).chain(&e.aliases) {
        let folded = fold(name);
        if !folded.is_empty() {
            insert.execute(params![
                e.kind.as_str(),
                e.id as i64,
                e.guild as i64,
                folded
            ])?;
        }
    }
    Ok(())
}

fn drop_row(c: &Connection, kind: ObjKind, id: u64, guild: u64) -> rusqlite::Result<()> {
    let key = params![kind.as_str(), id as i64, guild as i64];
    c.prepare_cached("DELETE FROM objects WHERE kind = ?1 AND id = ?2 AND guild = ?3")?
        .execute(key)?;
    c.prepare_cached("DELETE FROM aliases WHERE kind = ?1 AND id = ?2 AND guild = ?3")?
        .execute(key)?;
    Ok(())
}

/// Refuses a folder another user owns or may write to: they could swap the database for one
/// that sends names to ids of their choosing.
#[cfg(unix)]
fn private_dir(dir: &Path) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    let shown = dir.display();
    let meta =
        std::fs::metadata(dir).map_err(|e| Error::runtime(format!("cannot open {shown}: {e}")))?;
    // SAFETY: geteuid has no preconditions and cannot fail.
    if meta.uid() != unsafe { libc::geteuid() } {
        return Err(Error::runtime(format!(
            "the cache directory {shown} belongs to another user (set DISCORD_CACHE_DIR to a directory of your own)"
        )));
    }
    if meta.mode() & 0o022 != 0 {
        return Err(Error::runtime(format!(
            "other users can write to the cache directory {shown} (run: chmod 700 '{shown}')"
        )));
    }
    Ok(())
}

/// Creates the file readable by its owner only before SQLite opens it (SQLite gives its WAL
/// and shared-memory files the database file's permissions), refusing a symbolic link or a
/// file of another user's planted in its place.
fn create_private(path: &Path) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    let shown = path.display();
    let file = options
        .open(path)
        .map_err(|e| Error::runtime(format!("cannot open {shown}: {e}")))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let meta = file
            .metadata()
            .map_err(|e| Error::runtime(format!("cannot open {shown}: {e}")))?;
        // SAFETY: geteuid has no preconditions and cannot fail.
        if !meta.is_file() || meta.uid() != unsafe { libc::geteuid() } {
            return Err(Error::runtime(format!(
                "{shown} is not a plain file of your own (remove it)"
            )));
        }
        if meta.mode() & 0o077 != 0 {
            file.set_permissions(std::fs::Permissions::from_mode(0o600))
                .map_err(|e| Error::runtime(format!("cannot protect {shown}: {e}")))?;
        }
    }
    drop(file);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&dir.path().join("n.sqlite")).unwrap();
        (dir, s)
    }

    #[test]
    fn names_are_found_in_any_case_and_by_alias() {
        let (_d, mut s) = store();
        let mut alice = Entry::new(ObjKind::Member, 5, 1, "alice");
        alice.aliases = vec!["Ally".into()];
        s.upsert(&[alice, Entry::new(ObjKind::Channel, 7, 1, "general")])
            .unwrap();
        assert_eq!(s.find(ObjKind::Member, "ALLY", Some(1)).unwrap()[0].id, 5);
        assert!(s.find(ObjKind::Member, "ally", Some(2)).unwrap().is_empty());
        assert_eq!(s.find(ObjKind::Channel, "General", None).unwrap().len(), 1);
        assert_eq!(s.by_id(7).unwrap()[0].name, "general");
    }

    #[test]
    fn an_entry_seen_again_unchanged_is_not_rewritten() {
        let (_d, mut s) = store();
        let mut alice = Entry::new(ObjKind::User, 5, 0, "alice");
        alice.seen_at -= 10;
        s.upsert(&[alice.clone()]).unwrap();
        let seen_at = |s: &Store| s.by_id(5).unwrap()[0].seen_at;
        // The same again: no write, so the first sighting's time stays.
        s.upsert(&[Entry::new(ObjKind::User, 5, 0, "alice")])
            .unwrap();
        assert_eq!(seen_at(&s), alice.seen_at);
        // A new alias is a change: written, and found by it.
        let mut renamed = Entry::new(ObjKind::User, 5, 0, "alice");
        renamed.aliases = vec!["Ally".into()];
        s.upsert(&[renamed]).unwrap();
        assert!(seen_at(&s) > alice.seen_at);
        assert_eq!(s.find(ObjKind::User, "ally", None).unwrap().len(), 1);
        // Seen long ago: written again to renew it.
        alice.seen_at -= RESEEN_SECS * 2;
        s.upsert(&[alice.clone()]).unwrap();
        s.upsert(&[Entry::new(ObjKind::User, 5, 0, "alice")])
            .unwrap();
        assert!(seen_at(&s) > alice.seen_at);
    }

    #[test]
    fn a_complete_list_drops_what_is_gone() {
        let (_d, mut s) = store();
        s.upsert(&[
            Entry::new(ObjKind::Channel, 7, 1, "general"),
            Entry::new(ObjKind::Channel, 8, 1, "old"),
            Entry::new(ObjKind::Channel, 9, 2, "other-guild"),
        ])
        .unwrap();
        s.replace(
            ObjKind::Channel,
            1,
            &[Entry::new(ObjKind::Channel, 7, 1, "general")],
        )
        .unwrap();
        assert!(s.find(ObjKind::Channel, "old", None).unwrap().is_empty());
        assert_eq!(
            s.find(ObjKind::Channel, "other-guild", None).unwrap().len(),
            1
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_in_its_place_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("elsewhere");
        std::fs::write(&target, b"").unwrap();
        let path = dir.path().join("n.sqlite");
        std::os::unix::fs::symlink(&target, &path).unwrap();
        assert!(Store::open(&path).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("n.sqlite");
        Store::open(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
