//! The Ed25519 key pair `listen --forward-to` signs deliveries with, as Discord signs HTTP
//! interactions with an application's key. It is made once and kept in the config dir
//! (`forward-key`, mode 0600, the secret seed in hex), so the public key a bot is configured
//! with stays the same across restarts. `discord forward-key` prints the public key.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use ed25519_dalek::{Signer, SigningKey};

use crate::sandbox::apps::hex;
use crate::{Error, Result};

/// The key file's name in the config dir.
const FILE_NAME: &str = "forward-key";

/// The forwarder's signing key.
pub struct ForwardKey {
    key: SigningKey,
}

impl std::fmt::Debug for ForwardKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ForwardKey({})", self.public_hex())
    }
}

impl ForwardKey {
    /// The key kept in the config dir, made on first use.
    pub fn load_or_create() -> Result<ForwardKey> {
        Self::load_or_create_at(&crate::config::config_dir()?.join(FILE_NAME))
    }

    /// The key kept at `path`, made when there is none. Two processes starting at once end
    /// up with the same key: the new file is written aside and linked into place only if
    /// nothing is there yet.
    pub fn load_or_create_at(path: &Path) -> Result<ForwardKey> {
        match fs::read_to_string(path) {
            Ok(text) => {
                warn_if_readable_by_others(path);
                return parse(&text, path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(cannot(path, "read", &e)),
        }
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| {
            Error::runtime(format!(
                "cannot make a forward key: the system gave no randomness ({e})"
            ))
        })?;
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| cannot(dir, "create", &e))?;
        }
        let tmp = aside(path);
        write_private(&tmp, &hex(&seed)).map_err(|e| cannot(&tmp, "write", &e))?;
        let linked = fs::hard_link(&tmp, path);
        let _ = fs::remove_file(&tmp);
        match linked {
            Ok(()) => Ok(ForwardKey {
                key: SigningKey::from_bytes(&seed),
            }),
            // Another process made it first: use theirs.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let text = fs::read_to_string(path).map_err(|e| cannot(path, "read", &e))?;
                parse(&text, path)
            }
            Err(e) => Err(cannot(path, "write", &e)),
        }
    }

    /// The public key as Discord shows an application's `verify_key`: 64 hex digits.
    pub fn public_hex(&self) -> String {
        hex(self.key.verifying_key().as_bytes())
    }

    /// Discord's HTTP interaction signature (Receiving and Responding > Security and
    /// Authorization): Ed25519 over the timestamp followed by the body, in hex.
    pub fn sign(&self, timestamp: &str, body: &[u8]) -> String {
        let mut message = Vec::with_capacity(timestamp.len() + body.len());
        message.extend_from_slice(timestamp.as_bytes());
        message.extend_from_slice(body);
        hex(&self.key.sign(&message).to_bytes())
    }
}

/// A private name beside `path` for the file being written.
fn aside(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{}.tmp", std::process::id()));
    path.with_file_name(name)
}

/// Writes `text` to a new file readable by its owner only.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.write_all(b"\n")?;
    file.sync_all()
}

/// Reads the seed back; anything but 64 hex digits is a corrupt file, which is never
/// replaced silently since bots trust its public key.
fn parse(text: &str, path: &Path) -> Result<ForwardKey> {
    let text = text.trim();
    let seed: Option<[u8; 32]> = (text.len() == 64)
        .then(|| {
            (0..32)
                .map(|i| u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok())
                .collect::<Option<Vec<u8>>>()
        })
        .flatten()
        .and_then(|bytes| bytes.try_into().ok());
    match seed {
        Some(seed) => Ok(ForwardKey {
            key: SigningKey::from_bytes(&seed),
        }),
        None => Err(Error::runtime(format!(
            "the forward key file {} is corrupt (it should hold 64 hex digits); remove it to make a new key, then give your bot the new public key ('discord forward-key')",
            path.display()
        ))),
    }
}

/// Anyone who can read the seed can sign as this forwarder.
fn warn_if_readable_by_others(path: &Path) {
    if crate::config::readable_by_others(path) {
        crate::output::diag(&format!(
            "warning: the forward key file {} can be read by other users (run: chmod 600 '{}')",
            path.display(),
            path.display()
        ));
    }
}

fn cannot(path: &Path, what: &str, e: &std::io::Error) -> Error {
    Error::runtime(format!(
        "cannot {what} the forward key file {}: {e}",
        path.display()
    ))
}

/// Runs `discord forward-key`: prints the public key, making the pair on first use.
pub fn print_public() -> Result<()> {
    let key = ForwardKey::load_or_create()?;
    crate::output::write_stdout(format!("{}\n", key.public_hex()).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signature, Verifier};

    #[test]
    fn the_key_is_made_once_kept_private_and_signs_timestamp_then_body() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join(FILE_NAME);
        let first = ForwardKey::load_or_create_at(&path).unwrap();
        let again = ForwardKey::load_or_create_at(&path).unwrap();
        assert_eq!(first.public_hex(), again.public_hex());
        assert_eq!(first.public_hex().len(), 64);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let sig = first.sign("1700000000", b"{\"type\":1}");
        let bytes: Vec<u8> = (0..64)
            .map(|i| u8::from_str_radix(&sig[2 * i..2 * i + 2], 16).unwrap())
            .collect();
        let sig = Signature::from_bytes(&bytes.try_into().unwrap());
        let public = first.key.verifying_key();
        assert!(public.verify(b"1700000000{\"type\":1}", &sig).is_ok());
        assert!(public.verify(b"1700000001{\"type\":1}", &sig).is_err());
    }

    #[test]
    fn a_corrupt_file_is_an_error_not_a_new_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        fs::write(&path, "not hex").unwrap();
        let err = ForwardKey::load_or_create_at(&path).unwrap_err();
        assert!(err.message.contains("corrupt"), "{}", err.message);
        assert_eq!(fs::read_to_string(&path).unwrap(), "not hex");
    }
}
