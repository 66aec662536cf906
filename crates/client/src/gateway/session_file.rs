//! `listen --session-file PATH`: the gateway sessions of this process kept in a file, so that a
//! `listen` started again with the same file RESUMEs them instead of identifying, and nothing is
//! lost or printed twice across a restart.
//!
//! The file holds, per shard, the session id, the sequence number of the last dispatch already
//! written out, and the URL to resume at. It is replaced atomically (written beside, then
//! renamed), created 0600 (a session id lets its holder resume the bot's session), and held by
//! one process at a time through a lock on `PATH.lock`.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::session::Session;
use crate::{Error, Result};

/// One shard's saved session.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
struct Saved {
    shard: [u32; 2],
    session_id: String,
    seq: Option<u64>,
    resume_gateway_url: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct FileContents {
    sessions: Vec<Saved>,
}

/// The session file of one `listen`, locked for as long as it lives.
#[derive(Debug)]
pub struct SessionStore {
    path: PathBuf,
    sessions: Mutex<BTreeMap<u32, Saved>>,
    _lock: File,
}

fn create_private(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.create(true).write(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

impl SessionStore {
    /// Takes the file at `path` for this process: fails when another process holds it; reads
    /// the sessions it keeps (an unreadable or corrupt file is a usage error, never overwritten
    /// silently).
    pub fn open(path: &Path) -> Result<SessionStore> {
        let lock_path = PathBuf::from(format!("{}.lock", path.display()));
        let lock = create_private(&lock_path).map_err(|e| {
            Error::usage(format!(
                "cannot create {}: {e}; check --session-file",
                lock_path.display()
            ))
        })?;
        if lock.try_lock().is_err() {
            return Err(Error::usage(format!(
                "another listen is using the session file {}; give each process its own --session-file",
                path.display()
            )));
        }
        let contents = match fs::read(path) {
            Ok(bytes) => serde_json::from_slice::<FileContents>(&bytes).map_err(|e| {
                Error::usage(format!(
                    "the session file {} is not one this tool wrote ({e}); delete it to start a new session",
                    path.display()
                ))
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => FileContents::default(),
            Err(e) => {
                return Err(Error::usage(format!(
                    "cannot read the session file {}: {e}",
                    path.display()
                )))
            }
        };
        let sessions = contents
            .sessions
            .into_iter()
            .map(|s| (s.shard[0], s))
            .collect();
        Ok(SessionStore {
            path: path.to_path_buf(),
            sessions: Mutex::new(sessions),
            _lock: lock,
        })
    }

    /// The saved session of shard `[id, count]`, if there is one for the same shard count.
    pub fn session(&self, shard: [u32; 2]) -> Option<Session> {
        let sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        let saved = sessions.get(&shard[0]).filter(|s| s.shard == shard)?;
        Some(Session::new(
            saved.session_id.clone(),
            saved.resume_gateway_url.clone(),
            saved.seq,
        ))
    }

    /// Records where shard `[id, count]` stands (`None`: it has no session to resume) and
    /// rewrites the file when that changed.
    pub fn record(&self, shard: [u32; 2], session: Option<&Session>) -> Result<()> {
        let mut sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        let saved = session.map(|s| Saved {
            shard,
            session_id: s.id.clone(),
            seq: s.seq,
            resume_gateway_url: s.resume_url.clone(),
        });
        if sessions.get(&shard[0]) == saved.as_ref() {
            return Ok(());
        }
        match saved {
            Some(s) => sessions.insert(shard[0], s),
            None => sessions.remove(&shard[0]),
        };
        let contents = FileContents {
            sessions: sessions.values().cloned().collect(),
        };
        self.write(&contents)
    }

    fn write(&self, contents: &FileContents) -> Result<()> {
        let fail = |e: std::io::Error| {
            Error::runtime(format!(
                "cannot write the session file {}: {e}",
                self.path.display()
            ))
        };
        let tmp = PathBuf::from(format!("{}.tmp", self.path.display()));
        let mut file = create_private(&tmp).map_err(fail)?;
        file.set_len(0).map_err(fail)?;
        let text = serde_json::to_vec_pretty(contents)
            .map_err(|e| Error::runtime(format!("cannot encode the session file: {e}")))?;
        file.write_all(&text)
            .and_then(|()| file.sync_all())
            .map_err(fail)?;
        fs::rename(&tmp, &self.path).map_err(fail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_survive_a_reopen_and_the_file_is_held_by_one_process() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let store = SessionStore::open(&path).unwrap();
        assert!(store.session([0, 1]).is_none());
        let s = Session::new("abc".into(), Some("ws://r".into()), Some(42));
        store.record([0, 1], Some(&s)).unwrap();
        assert!(
            SessionStore::open(&path).is_err(),
            "a second holder is refused"
        );
        drop(store);
        let again = SessionStore::open(&path).unwrap();
        assert_eq!(again.session([0, 1]), Some(s));
        assert_eq!(
            again.session([0, 2]),
            None,
            "another shard count starts afresh"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        again.record([0, 1], None).unwrap();
        drop(again);
        assert_eq!(SessionStore::open(&path).unwrap().session([0, 1]), None);
    }

    #[test]
    fn a_corrupt_file_is_refused_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        fs::write(&path, "not json").unwrap();
        let err = SessionStore::open(&path).unwrap_err();
        assert!(err.message.contains("delete it"), "{}", err.message);
        assert_eq!(fs::read_to_string(&path).unwrap(), "not json");
    }
}
