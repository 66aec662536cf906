//! Discord's permission bits by name, and parsing `--permissions KICK_MEMBERS,BAN_MEMBERS` (or a
//! number) into the decimal string Discord expects. The one place the permission table lives.

/// Every permission Discord documents (Permissions > Bitwise Permission Flags), by bit.
pub const PERMISSIONS: &[(&str, u32)] = &[
    ("CREATE_INSTANT_INVITE", 0),
    ("KICK_MEMBERS", 1),
    ("BAN_MEMBERS", 2),
    ("ADMINISTRATOR", 3),
    ("MANAGE_CHANNELS", 4),
    ("MANAGE_GUILD", 5),
    ("ADD_REACTIONS", 6),
    ("VIEW_AUDIT_LOG", 7),
    ("PRIORITY_SPEAKER", 8),
    ("STREAM", 9),
    ("VIEW_CHANNEL", 10),
    ("SEND_MESSAGES", 11),
    ("SEND_TTS_MESSAGES", 12),
    ("MANAGE_MESSAGES", 13),
    ("EMBED_LINKS", 14),
    ("ATTACH_FILES", 15),
    ("READ_MESSAGE_HISTORY", 16),
    ("MENTION_EVERYONE", 17),
    ("USE_EXTERNAL_EMOJIS", 18),
    ("VIEW_GUILD_INSIGHTS", 19),
    ("CONNECT", 20),
    ("SPEAK", 21),
    ("MUTE_MEMBERS", 22),
    ("DEAFEN_MEMBERS", 23),
    ("MOVE_MEMBERS", 24),
    ("USE_VAD", 25),
    ("CHANGE_NICKNAME", 26),
    ("MANAGE_NICKNAMES", 27),
    ("MANAGE_ROLES", 28),
    ("MANAGE_WEBHOOKS", 29),
    ("MANAGE_GUILD_EXPRESSIONS", 30),
    ("USE_APPLICATION_COMMANDS", 31),
    ("REQUEST_TO_SPEAK", 32),
    ("MANAGE_EVENTS", 33),
    ("MANAGE_THREADS", 34),
    ("CREATE_PUBLIC_THREADS", 35),
    ("CREATE_PRIVATE_THREADS", 36),
    ("USE_EXTERNAL_STICKERS", 37),
    ("SEND_MESSAGES_IN_THREADS", 38),
    ("USE_EMBEDDED_ACTIVITIES", 39),
    ("MODERATE_MEMBERS", 40),
    ("VIEW_CREATOR_MONETIZATION_ANALYTICS", 41),
    ("USE_SOUNDBOARD", 42),
    ("CREATE_GUILD_EXPRESSIONS", 43),
    ("CREATE_EVENTS", 44),
    ("USE_EXTERNAL_SOUNDS", 45),
    ("SEND_VOICE_MESSAGES", 46),
    ("SEND_POLLS", 49),
    ("USE_EXTERNAL_APPS", 50),
    ("PIN_MESSAGES", 51),
    ("BYPASS_SLOWMODE", 52),
];

/// Parses comma-separated permission names (any case, `-` or `_`) or a decimal number into the
/// permission bits. The error names the unknown permission.
pub fn parse(text: &str) -> Result<u64, String> {
    let text = text.trim();
    if let Ok(n) = text.parse::<u64>() {
        return Ok(n);
    }
    let mut bits = 0u64;
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let wanted = part.to_ascii_uppercase().replace('-', "_");
        match PERMISSIONS.iter().find(|(name, _)| *name == wanted) {
            Some((_, bit)) => bits |= 1u64 << bit,
            None => {
                return Err(format!(
                    "unknown permission {} (use names like KICK_MEMBERS,BAN_MEMBERS or a number)",
                    crate::error::shown(part)
                ))
            }
        }
    }
    if bits == 0 && !text.is_empty() && !text.split(',').any(|p| !p.trim().is_empty()) {
        return Err("no permission given".to_string());
    }
    Ok(bits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_numbers() {
        assert_eq!(parse("KICK_MEMBERS,BAN_MEMBERS"), Ok(6));
        assert_eq!(parse("administrator"), Ok(8));
        assert_eq!(parse("send-polls"), Ok(1 << 49));
        assert_eq!(parse("1024"), Ok(1024));
        assert!(parse("KICK_MEMBERS,FLY").is_err_and(|e| e.contains("FLY")));
    }

    #[test]
    fn bits_are_unique() {
        let mut bits: Vec<u32> = PERMISSIONS.iter().map(|p| p.1).collect();
        bits.sort_unstable();
        bits.dedup();
        assert_eq!(bits.len(), PERMISSIONS.len());
    }
}
