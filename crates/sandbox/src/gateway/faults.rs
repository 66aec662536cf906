//! Faults an admin call can inject into live gateway sessions (`POST /_sandbox/gateway/faults`
//! with `{"kind": ...}`), as a type: a kind the sandbox does not know is refused with a 400
//! rather than silently doing nothing.

use serde::Deserialize;

/// One gateway fault, read from the admin call's body (`kind` names the variant; the other
/// fields are its settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum GatewayFault {
    /// Op 7 Reconnect: the client should resume elsewhere.
    Reconnect,
    /// Op 9 with `d: false`: the session is gone, the client must identify afresh.
    InvalidSession,
    /// Op 9 with `d: true`: the client may resume.
    InvalidSessionResumable,
    /// The TCP connection is dropped without a close frame.
    Drop {
        /// Dispatches produced meanwhile, which a resume must replay.
        #[serde(default)]
        unsent: u64,
        /// Dispatches already sent that the resume replays again.
        #[serde(default)]
        replay_overlap: u64,
    },
    /// Heartbeats go unanswered from now on (a zombied connection).
    StopAcks,
    /// An op 1 the client must answer at once.
    HeartbeatRequest,
    /// A close frame with this code.
    Close {
        /// The close code (default 4000, unknown error, resumable).
        #[serde(default = "default_close_code")]
        code: u16,
    },
    /// The next payloads are sent in pieces.
    Fragment {
        /// How many payloads (default 10).
        #[serde(default = "default_fragment_count")]
        count: u64,
        /// Pieces per payload (default 3).
        #[serde(default = "default_pieces")]
        pieces: u64,
        /// Milliseconds between pieces (default 0).
        #[serde(default)]
        delay_ms: u64,
    },
}

fn default_close_code() -> u16 {
    4000
}

fn default_fragment_count() -> u64 {
    10
}

fn default_pieces() -> u64 {
    3
}

/// Reads an admin call's body as a fault; the error says what was wrong and which kinds exist.
pub fn parse(body: &serde_json::Value) -> Result<GatewayFault, String> {
    serde_json::from_value(body.clone()).map_err(|e| format!("bad gateway fault: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kinds_and_settings_are_read_with_defaults() {
        assert_eq!(
            parse(&json!({"kind": "reconnect", "session_id": "x"})),
            Ok(GatewayFault::Reconnect)
        );
        assert_eq!(
            parse(&json!({"kind": "close"})),
            Ok(GatewayFault::Close { code: 4000 })
        );
        assert_eq!(
            parse(&json!({"kind": "drop", "unsent": 3})),
            Ok(GatewayFault::Drop {
                unsent: 3,
                replay_overlap: 0
            })
        );
        assert_eq!(
            parse(&json!({"kind": "fragment", "pieces": 5})),
            Ok(GatewayFault::Fragment {
                count: 10,
                pieces: 5,
                delay_ms: 0
            })
        );
    }

    #[test]
    fn unknown_or_missing_kinds_are_errors_naming_the_known_ones() {
        let err = parse(&json!({"kind": "explode"})).unwrap_err();
        assert!(
            err.contains("explode") && err.contains("reconnect"),
            "{err}"
        );
        assert!(parse(&json!({})).is_err());
        assert!(parse(&json!({"kind": "close", "code": 70000})).is_err());
    }
}
