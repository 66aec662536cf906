//! The sandbox's application: its object (`/applications/@me`, with the Ed25519 `verify_key`
//! Discord signs HTTP interactions with), its global and guild commands, the daily create
//! count, and the interactions in flight. Kept apart from [`super::state::State`] behind its
//! own lock, so waiting for an interaction's answer never holds up the rest of the world.

use std::collections::BTreeMap;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;

use ed25519_dalek::{Signer, SigningKey};
use serde_json::{json, Value};

/// Discord counts application command creates per day (per guild, and globally): 200.
pub const DAILY_CREATES: usize = 200;
/// One day, in milliseconds.
pub const DAY_MS: u64 = 86_400_000;

/// An interaction the sandbox sent and what the application did with it.
#[derive(Debug, Clone)]
pub struct Interaction {
    /// The INTERACTION_CREATE payload as sent.
    pub payload: Value,
    /// Its token (checked on callbacks and follow-ups).
    pub token: String,
    /// When it was created (Unix ms).
    pub created_ms: u64,
    /// The initial response's type, once there is one.
    pub response_type: Option<u64>,
    /// What the initial response carried (message data, modal, choices).
    pub response_data: Value,
    /// The original response message (`@original`), once there is one.
    pub original: Option<Value>,
    /// Whether `original` is visible only to the invoking user.
    pub ephemeral: bool,
    /// Follow-up messages, in order.
    pub followups: Vec<Value>,
    /// Set when the HTTP endpoint failed (status, bad body), with why.
    pub failure: Option<String>,
}

/// Everything about the application that changes.
#[derive(Debug, Default)]
pub struct AppState {
    /// Fields set with `PATCH /applications/@me` (on top of the defaults).
    pub edits: serde_json::Map<String, Value>,
    /// Commands by id: (guild id or None for global, command object).
    pub commands: BTreeMap<u64, (Option<u64>, Value)>,
    /// When each command create happened (Unix ms) and in which guild (None: global).
    pub creates: Vec<(u64, Option<u64>)>,
    /// Interactions by id.
    pub interactions: BTreeMap<u64, Interaction>,
}

impl AppState {
    /// The commands of one scope, in id order.
    pub fn scope(&self, guild: Option<u64>) -> Vec<Value> {
        self.commands
            .values()
            .filter(|(g, _)| *g == guild)
            .map(|(_, c)| c.clone())
            .collect()
    }

    /// Creates in `guild`'s scope in the last day, after dropping older ones.
    pub fn creates_today(&mut self, guild: Option<u64>, now: u64) -> usize {
        self.creates.retain(|(at, _)| at + DAY_MS > now);
        self.creates.iter().filter(|(_, g)| *g == guild).count()
    }
}

/// The application, its key, and a condition variable woken whenever an interaction changes.
pub struct Apps {
    state: Mutex<AppState>,
    /// Notified on every interaction change (callbacks, edits), for `invoke` to wait on.
    pub changed: Condvar,
    key: SigningKey,
}

impl std::fmt::Debug for Apps {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Apps { .. }")
    }
}

impl Default for Apps {
    fn default() -> Apps {
        let mut seed = [0u8; 32];
        // A sandbox key needs no secrecy from the user, only a fresh one per sandbox; if the
        // OS cannot give randomness the time-seeded generator still makes it differ.
        if getrandom::fill(&mut seed).is_err() {
            for b in &mut seed {
                *b = fastrand::u8(..);
            }
        }
        Apps {
            state: Mutex::new(AppState::default()),
            changed: Condvar::new(),
            key: SigningKey::from_bytes(&seed),
        }
    }
}

impl Apps {
    /// The state, locked.
    pub fn lock(&self) -> MutexGuard<'_, AppState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits on `changed` up to `timeout`, returning the lock again.
    pub fn wait<'a>(
        &self,
        guard: MutexGuard<'a, AppState>,
        timeout: Duration,
    ) -> MutexGuard<'a, AppState> {
        match self.changed.wait_timeout(guard, timeout) {
            Ok((g, _)) => g,
            Err(e) => e.into_inner().0,
        }
    }

    /// The public key as Discord shows it in `verify_key`: 64 hex digits.
    pub fn verify_key(&self) -> String {
        hex(self.key.verifying_key().as_bytes())
    }

    /// Discord's HTTP interaction signature: Ed25519 over the timestamp followed by the body,
    /// hex-encoded (Receiving and Responding > Security and Authorization).
    pub fn sign(&self, timestamp: &str, body: &[u8]) -> String {
        let mut message = timestamp.as_bytes().to_vec();
        message.extend_from_slice(body);
        hex(&self.key.sign(&message).to_bytes())
    }

    /// The application object for a bot user, with any edits applied.
    pub fn application(&self, bot: &Value) -> Value {
        let id = bot["id"].clone();
        let mut app = json!({"id": id, "name": bot["username"], "icon": null, "description": "The sandbox's application",
            "type": null, "bot": bot, "summary": "", "bot_public": true, "bot_require_code_grant": false,
            "verify_key": self.verify_key(), "flags": 0, "hook": true, "is_monetized": false,
            "interactions_endpoint_url": null, "redirect_uris": [], "tags": [], "install_params": null,
            "integration_types_config": {"0": {}}, "approximate_guild_count": 1});
        for (k, v) in &self.lock().edits {
            app[k] = v.clone();
        }
        app
    }
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signature, Verifier, VerifyingKey};

    #[test]
    fn signatures_verify_with_the_published_key() {
        let apps = Apps::default();
        let key_hex = apps.verify_key();
        assert_eq!(key_hex.len(), 64);
        let key_bytes: Vec<u8> = (0..32)
            .map(|i| u8::from_str_radix(&key_hex[2 * i..2 * i + 2], 16).unwrap())
            .collect();
        let key = VerifyingKey::from_bytes(&key_bytes.try_into().unwrap()).unwrap();
        let sig_hex = apps.sign("1700000000", b"{\"type\":1}");
        let sig: Vec<u8> = (0..64)
            .map(|i| u8::from_str_radix(&sig_hex[2 * i..2 * i + 2], 16).unwrap())
            .collect();
        let sig = Signature::from_bytes(&sig.try_into().unwrap());
        assert!(key.verify(b"1700000000{\"type\":1}", &sig).is_ok());
        assert!(key.verify(b"1700000001{\"type\":1}", &sig).is_err());
    }
}
