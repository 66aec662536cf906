//! Rate-limit state shared across invocations: `for id in ...; do discord post ...; done` starts
//! one process per request, and each would otherwise start blind to the buckets the previous one
//! drained. The [`LimiterState`] lives in one small JSON file per API base and token (named by a
//! hash of the token, never the token) in the cache directory, and every read-decide-write of
//! the limiter happens under an exclusive lock on that file, so concurrent invocations (and
//! `batch` threads) reserve slots one at a time instead of spending the same one twice.
//!
//! The cache is only an aid: a file that cannot be opened is skipped (the process falls back to
//! its own limiter), and one that is corrupt or from another version is ignored and rewritten.
//!
//! Its directory may be shared with nobody: it is created 0700, and one that another user owns
//! or can write is not used (another user could otherwise plant a symbolic link there and have
//! this process overwrite any file its user can write). The file is created 0600, opened without
//! following a symbolic link, and used only if it is a regular file of this user's with no
//! other name. Route keys in it hold webhook and interaction tokens only as hashes.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha1::{Digest, Sha1};

use super::ratelimit::{now_epoch, LimiterState, RateLimiter};
use crate::token::Token;
use crate::Notice;

/// Bumped when [`LimiterState`]'s shape changes, so an old file is ignored, not misread.
/// Version 2: webhook and interaction tokens in route keys are hashed (version 1 files, which
/// held them in clear, are overwritten).
const VERSION: u32 = 2;

#[derive(Serialize, Deserialize)]
struct CacheFile {
    version: u32,
    state: LimiterState,
}

/// The on-disk rate-limit state for one API base and token.
#[derive(Debug, Clone)]
pub struct RateCache {
    path: PathBuf,
    /// Where to say that the cache is not used because using it would be unsafe.
    notice: Option<Notice>,
}

impl RateCache {
    /// The cache directory: `$DISCORD_CACHE_DIR`, else the platform's (`~/.cache/discord` on
    /// Linux). `None` when neither exists.
    pub fn default_dir() -> Option<PathBuf> {
        if let Some(dir) = std::env::var_os("DISCORD_CACHE_DIR") {
            return Some(PathBuf::from(dir));
        }
        directories::ProjectDirs::from("", "", "discord").map(|d| d.cache_dir().to_path_buf())
    }

    /// The cache for `api_base` and `token` inside `dir`.
    pub fn new(dir: &Path, api_base: &str, token: Option<&Token>) -> RateCache {
        // Buckets belong to a token on an API; the file name says which without revealing
        // either (the base may carry a port or a path, so it is hashed too).
        let mut hash = Sha1::new();
        hash.update(api_base.as_bytes());
        hash.update([0]);
        if let Some(t) = token {
            hash.update(t.secret().as_bytes());
        }
        let digest = hash.finalize();
        let name: String = digest[..10].iter().map(|b| format!("{b:02x}")).collect();
        RateCache {
            path: dir.join(format!("ratelimit-{name}.json")),
            notice: None,
        }
    }

    /// The same cache, reporting through `notice` when it refuses an unsafe directory or file.
    pub fn with_notice(mut self, notice: Notice) -> RateCache {
        self.notice = Some(notice);
        self
    }

    /// The file the state is kept in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` on `limiter` holding the file lock, with the limiter first brought up to date
    /// from the file and the result written back, so `f`'s decision accounts for every other
    /// process. When the file cannot be used, `f` runs on the limiter alone.
    pub fn with_locked<T>(&self, limiter: &RateLimiter, f: impl FnOnce(&RateLimiter) -> T) -> T {
        let Some(mut file) = self.open_locked() else {
            return f(limiter);
        };
        let now = now_epoch();
        let (state, old_len) = read_state(&mut file);
        limiter.replace(state.unwrap_or_default());
        limiter.prune(now);
        let result = f(limiter);
        // A failed write only means the next process starts less informed.
        let _ = write_state(&mut file, &limiter.snapshot(), old_len);
        // Dropping the file releases the lock.
        drop(file);
        result
    }

    fn open_locked(&self) -> Option<File> {
        let dir = self.path.parent()?;
        let file = match private_dir(dir).and_then(|()| open_private(&self.path)) {
            Ok(file) => file,
            Err(Refused::Quietly) => return None,
            Err(Refused::Unsafe(why)) => {
                if let Some(notice) = &self.notice {
                    warn_once(notice, &why);
                }
                return None;
            }
        };
        file.lock().ok()?;
        Some(file)
    }
}

/// Why the cache is not used this time.
pub(crate) enum Refused {
    /// It cannot be (no such directory and none can be made, a read-only disk): nothing to say.
    Quietly,
    /// Using it would be unsafe: said once on stderr, with the fix.
    Unsafe(String),
}

/// Says once per process that the cache is not used, and why.
fn warn_once(notice: &Notice, why: &str) {
    static WARNED: std::sync::Once = std::sync::Once::new();
    WARNED.call_once(|| {
        notice.say(&format!(
            "warning: not sharing rate-limit state between commands: {why}"
        ));
    });
}

/// Creates `dir` (0700) if it is missing, and checks that no other user owns it or can write
/// to it.
#[cfg(unix)]
pub(crate) fn private_dir(dir: &Path) -> Result<(), Refused> {
    use std::os::unix::fs::{DirBuilderExt, MetadataExt};
    if !dir.exists() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|_| Refused::Quietly)?;
    }
    let meta = std::fs::metadata(dir).map_err(|_| Refused::Quietly)?;
    if !meta.is_dir() {
        return Err(Refused::Quietly);
    }
    let shown = dir.display();
    // SAFETY: geteuid has no preconditions and cannot fail.
    if meta.uid() != unsafe { libc::geteuid() } {
        return Err(Refused::Unsafe(format!(
            "the cache directory {shown} belongs to another user (set DISCORD_CACHE_DIR to a directory of your own)"
        )));
    }
    if meta.mode() & 0o022 != 0 {
        return Err(Refused::Unsafe(format!(
            "other users can write to the cache directory {shown} (run: chmod 700 '{shown}')"
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
pub(crate) fn private_dir(dir: &Path) -> Result<(), Refused> {
    std::fs::create_dir_all(dir).map_err(|_| Refused::Quietly)
}

/// Opens (creating, 0600) the state file without following a symbolic link, and checks that
/// it is a regular file of this user's with one name; a looser mode is tightened.
#[cfg(unix)]
pub(crate) fn open_private(path: &Path) -> Result<File, Refused> {
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
    let shown = path.display();
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| match e.raw_os_error() {
            Some(libc::ELOOP) => Refused::Unsafe(format!("{shown} is a symbolic link (remove it)")),
            _ => Refused::Quietly,
        })?;
    let meta = file.metadata().map_err(|_| Refused::Quietly)?;
    // SAFETY: geteuid has no preconditions and cannot fail.
    if !meta.is_file() || meta.uid() != unsafe { libc::geteuid() } || meta.nlink() != 1 {
        return Err(Refused::Unsafe(format!(
            "{shown} is not a plain file of your own (remove it)"
        )));
    }
    if meta.mode() & 0o077 != 0 {
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(|_| Refused::Quietly)?;
    }
    Ok(file)
}

#[cfg(not(unix))]
pub(crate) fn open_private(path: &Path) -> Result<File, Refused> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|_| Refused::Quietly)
}

/// The state in the file, if it holds a valid one, and the file's length.
fn read_state(file: &mut File) -> (Option<LimiterState>, u64) {
    let mut text = Vec::new();
    if file.seek(SeekFrom::Start(0)).is_err() {
        return (None, 0);
    }
    // A state file is a few kilobytes; anything far bigger is not ours.
    if file.take(4 << 20).read_to_end(&mut text).is_err() {
        return (None, 0);
    }
    let len = file.metadata().map_or(text.len() as u64, |m| m.len());
    let state = serde_json::from_slice::<CacheFile>(&text)
        .ok()
        .filter(|cached| cached.version == VERSION)
        .map(|cached| cached.state);
    (state, len)
}

/// Files up to this long are overwritten in place, padded with spaces, and never truncated.
const PAD_UP_TO: u64 = 64 * 1024;

/// Writes `state` over the file's `old_len` bytes. A shorter text is padded with spaces
/// (which JSON ignores) rather than truncating the file: on ext4 a truncate cost a third of a
/// millisecond, twice per request, most of what the cache cost an invocation.
fn write_state(file: &mut File, state: &LimiterState, old_len: u64) -> std::io::Result<()> {
    let mut text = serde_json::to_vec(&CacheFile {
        version: VERSION,
        state: state.clone(),
    })
    .map_err(std::io::Error::other)?;
    let new_len = text.len() as u64;
    if new_len < old_len && old_len <= PAD_UP_TO {
        text.resize(old_len as usize, b' ');
    }
    file.seek(SeekFrom::Start(0))?;
    file.write_all(&text)?;
    if (text.len() as u64) < old_len {
        file.set_len(text.len() as u64)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rest::ratelimit::{RateLimitHeaders, RouteKey};

    fn headers(limit: u32, remaining: u32) -> RateLimitHeaders {
        RateLimitHeaders {
            limit: Some(limit),
            remaining: Some(remaining),
            reset_after: Some(30.0),
            bucket: Some("b1".into()),
            ..Default::default()
        }
    }

    #[test]
    fn separate_limiters_share_the_bucket_through_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let cache = RateCache::new(dir.path(), "http://127.0.0.1:1/api", None);
        let key = RouteKey::new("POST", "/channels/1/messages");
        let first = RateLimiter::new(u32::MAX);
        cache.with_locked(&first, |l| l.update(&key, &headers(5, 2)));
        // A second "process": fresh limiter, same file.
        let second = RateLimiter::new(u32::MAX);
        assert_eq!(cache.with_locked(&second, |l| l.try_acquire(&key)), None);
        assert_eq!(cache.with_locked(&second, |l| l.try_acquire(&key)), None);
        let third = RateLimiter::new(u32::MAX);
        let wait = cache.with_locked(&third, |l| l.try_acquire(&key));
        assert!(wait.is_some_and(|w| w.as_secs_f64() > 20.0), "{wait:?}");
    }

    #[test]
    fn corrupt_or_foreign_files_are_ignored_and_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let cache = RateCache::new(dir.path(), "http://127.0.0.1:1/api", None);
        let key = RouteKey::new("GET", "/users/@me");
        for junk in [
            &b"{not json"[..],
            b"",
            br#"{"version":999,"state":{}}"#,
            b"\xff\xfe",
        ] {
            std::fs::write(cache.path(), junk).unwrap();
            let limiter = RateLimiter::new(u32::MAX);
            assert_eq!(cache.with_locked(&limiter, |l| l.try_acquire(&key)), None);
            let text = std::fs::read(cache.path()).unwrap();
            let back: CacheFile = serde_json::from_slice(&text).unwrap();
            assert_eq!(back.version, VERSION);
        }
    }

    #[test]
    fn a_shorter_state_is_padded_in_place_and_a_huge_file_cut_down() {
        let dir = tempfile::tempdir().unwrap();
        let cache = RateCache::new(dir.path(), "http://127.0.0.1:1/api", None);
        let key = RouteKey::new("GET", "/users/@me");
        // A valid state with a long tail of spaces, then one far longer than any state.
        for (old_len, kept) in [(5000, 5000), (PAD_UP_TO as usize + 10, 0)] {
            let _ = std::fs::remove_file(cache.path());
            let limiter = RateLimiter::new(u32::MAX);
            cache.with_locked(&limiter, |l| l.update(&key, &headers(5, 4)));
            let mut text = std::fs::read(cache.path()).unwrap();
            text.resize(old_len, b' ');
            std::fs::write(cache.path(), &text).unwrap();
            let limiter = RateLimiter::new(u32::MAX);
            assert_eq!(cache.with_locked(&limiter, |l| l.try_acquire(&key)), None);
            let text = std::fs::read(cache.path()).unwrap();
            if kept > 0 {
                assert_eq!(text.len(), kept);
            } else {
                assert!(text.len() < 4096, "{}", text.len());
            }
            let back: CacheFile = serde_json::from_slice(&text).unwrap();
            assert_eq!(back.version, VERSION);
            // The slot just taken was written back: 3 of 5 left.
            let limiter = RateLimiter::new(u32::MAX);
            limiter.replace(back.state);
            assert_eq!(
                limiter
                    .snapshot()
                    .buckets
                    .values()
                    .next()
                    .map(|b| b.remaining),
                Some(3)
            );
        }
    }

    #[test]
    fn the_file_name_hides_the_token_and_differs_per_token_and_base() {
        let dir = Path::new("/tmp/x");
        let a = Token::parse("Secret.Token-AAAA", false).unwrap();
        let b = Token::parse("Secret.Token-BBBB", false).unwrap();
        let pa = RateCache::new(dir, "http://h/api", Some(&a));
        let pb = RateCache::new(dir, "http://h/api", Some(&b));
        let pc = RateCache::new(dir, "http://other/api", Some(&a));
        assert_ne!(pa.path(), pb.path());
        assert_ne!(pa.path(), pc.path());
        assert!(!pa.path().to_string_lossy().contains("Secret"));
    }

    #[test]
    fn an_unusable_directory_falls_back_to_the_process_limiter() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, b"x").unwrap();
        let cache = RateCache::new(&blocker.join("sub"), "http://h/api", None);
        let key = RouteKey::new("GET", "/users/@me");
        let limiter = RateLimiter::new(u32::MAX);
        assert_eq!(cache.with_locked(&limiter, |l| l.try_acquire(&key)), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_planted_symlink_or_a_shared_directory_is_not_used() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let cache_dir = dir.path().join("cache");
        let cache = RateCache::new(&cache_dir, "http://h/api", None);
        let key = RouteKey::new("GET", "/users/@me");
        let limiter = RateLimiter::new(u32::MAX);
        cache.with_locked(&limiter, |l| l.update(&key, &headers(5, 4)));
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&cache_dir), 0o700);
        assert_eq!(mode(cache.path()), 0o600);
        // Another user's link in place of the file: the file it points to stays as it was.
        let victim = dir.path().join("victim");
        std::fs::write(&victim, b"precious").unwrap();
        std::fs::remove_file(cache.path()).unwrap();
        std::os::unix::fs::symlink(&victim, cache.path()).unwrap();
        cache.with_locked(&limiter, |l| l.update(&key, &headers(5, 3)));
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
        // A directory others can write is not used at all.
        std::fs::remove_file(cache.path()).unwrap();
        std::fs::set_permissions(&cache_dir, std::fs::Permissions::from_mode(0o777)).unwrap();
        cache.with_locked(&limiter, |l| l.update(&key, &headers(5, 3)));
        assert!(!cache.path().exists());
        // A file left readable by others (an older version made them 0644) is tightened.
        std::fs::set_permissions(&cache_dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        std::fs::write(cache.path(), b"{}").unwrap();
        std::fs::set_permissions(cache.path(), std::fs::Permissions::from_mode(0o644)).unwrap();
        cache.with_locked(&limiter, |l| l.update(&key, &headers(5, 3)));
        assert_eq!(mode(cache.path()), 0o600);
    }
}
