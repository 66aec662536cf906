//! The gateway close codes: what each means, whether the session can be resumed, must be
//! started afresh, or is over for good (fatal), and the one-line message shown for it.
//! Source: Discord docs, "Opcodes and Status Codes > Gateway Close Event Codes".

/// What a client does after the gateway closed with a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recovery {
    /// Reconnect to `resume_gateway_url` and RESUME.
    Resume,
    /// The session is gone: reconnect and IDENTIFY afresh.
    Identify,
    /// Give up: the cause needs a change by the user.
    Fatal,
}

/// One close code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CloseCode {
    /// The numeric code.
    pub code: u16,
    /// Discord's name for it.
    pub name: &'static str,
    /// What to do next.
    pub recovery: Recovery,
    /// The cause and, for fatal codes, the fix.
    pub message: &'static str,
}

impl CloseCode {
    /// Whether the tool stops for good on this code.
    pub fn fatal(&self) -> bool {
        self.recovery == Recovery::Fatal
    }
}

/// Every documented close code.
pub const CLOSE_CODES: &[CloseCode] = &[
    CloseCode {
        code: 4000,
        name: "unknown error",
        recovery: Recovery::Resume,
        message: "the gateway hit an unknown error",
    },
    CloseCode {
        code: 4001,
        name: "unknown opcode",
        recovery: Recovery::Resume,
        message: "the gateway did not understand an opcode sent to it (check --stdin commands)",
    },
    CloseCode {
        code: 4002,
        name: "decode error",
        recovery: Recovery::Resume,
        message: "the gateway could not decode a payload sent to it (check --stdin commands)",
    },
    CloseCode {
        code: 4003,
        name: "not authenticated",
        recovery: Recovery::Identify,
        message: "a payload was sent before the session was identified",
    },
    CloseCode {
        code: 4004,
        name: "authentication failed",
        recovery: Recovery::Fatal,
        message: "the gateway rejected the token (close 4004): the token is wrong or was reset; copy the bot token from the Developer Portal and pass --token or run 'discord login'",
    },
    CloseCode {
        code: 4005,
        name: "already authenticated",
        recovery: Recovery::Resume,
        message: "the session was identified twice",
    },
    CloseCode {
        code: 4007,
        name: "invalid seq",
        recovery: Recovery::Identify,
        message: "the sequence number sent when resuming was invalid",
    },
    CloseCode {
        code: 4008,
        name: "rate limited",
        recovery: Recovery::Resume,
        message: "too many payloads were sent (over 120 in 60 s)",
    },
    CloseCode {
        code: 4009,
        name: "session timed out",
        recovery: Recovery::Identify,
        message: "the session timed out",
    },
    CloseCode {
        code: 4010,
        name: "invalid shard",
        recovery: Recovery::Fatal,
        message: "the gateway rejected the shard (close 4010): the shard id must be below the shard count; fix --shard ID/COUNT",
    },
    CloseCode {
        code: 4011,
        name: "sharding required",
        recovery: Recovery::Fatal,
        message: "the bot is in too many guilds for one connection (close 4011): run with --shards auto or --shard ID/COUNT",
    },
    CloseCode {
        code: 4012,
        name: "invalid API version",
        recovery: Recovery::Fatal,
        message: "the gateway rejected API version 10 (close 4012): check that DISCORD_API_URL points at Discord's v10 API",
    },
    CloseCode {
        code: 4013,
        name: "invalid intents",
        recovery: Recovery::Fatal,
        message: "the gateway rejected the intents bitfield (close 4013): pass names from 'discord intents' to --intents",
    },
    CloseCode {
        code: 4014,
        name: "disallowed intents",
        recovery: Recovery::Fatal,
        message: "the gateway refused a privileged intent (close 4014): enable it (e.g. MESSAGE_CONTENT, GUILD_MEMBERS, GUILD_PRESENCES) for this bot under Bot > Privileged Gateway Intents in the Developer Portal, or drop it from --intents",
    },
];

/// The table row for `code`, if it is documented.
pub fn lookup(code: u16) -> Option<&'static CloseCode> {
    CLOSE_CODES.iter().find(|c| c.code == code)
}

/// What to do after the connection ended with `code` (`None`: dropped without a close frame).
/// Undocumented codes, including 1000/1001 from the server, are treated as resumable.
pub fn recovery(code: Option<u16>) -> Recovery {
    code.and_then(lookup)
        .map_or(Recovery::Resume, |c| c.recovery)
}

/// A short description of how the connection ended, for stderr.
pub fn describe(code: Option<u16>) -> String {
    match code {
        None => "the connection dropped".to_string(),
        Some(c) => match lookup(c) {
            Some(row) => format!("the gateway closed the connection with {c} ({})", row.name),
            None => format!("the gateway closed the connection with {c}"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fatal_codes_are_exactly_the_documented_ones() {
        let fatal: Vec<u16> = CLOSE_CODES
            .iter()
            .filter(|c| c.fatal())
            .map(|c| c.code)
            .collect();
        assert_eq!(fatal, vec![4004, 4010, 4011, 4012, 4013, 4014]);
    }

    #[test]
    fn fatal_messages_name_the_code_and_a_fix() {
        for c in CLOSE_CODES.iter().filter(|c| c.fatal()) {
            assert!(c.message.contains(&c.code.to_string()), "{}", c.code);
            assert!(c.message.starts_with(char::is_lowercase), "{}", c.code);
        }
        assert!(lookup(4014).unwrap().message.contains("MESSAGE_CONTENT"));
        assert!(lookup(4004).unwrap().message.contains("token is wrong"));
    }

    #[test]
    fn recovery_by_code() {
        assert_eq!(recovery(None), Recovery::Resume);
        assert_eq!(recovery(Some(1000)), Recovery::Resume);
        assert_eq!(recovery(Some(4000)), Recovery::Resume);
        assert_eq!(recovery(Some(4007)), Recovery::Identify);
        assert_eq!(recovery(Some(4009)), Recovery::Identify);
        assert_eq!(recovery(Some(4014)), Recovery::Fatal);
    }
}
