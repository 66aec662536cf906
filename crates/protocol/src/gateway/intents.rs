//! The gateway intents table (every intent in Discord's current docs with its bit, whether it is
//! privileged, and the events it carries), the old names kept as aliases, and `--intents`
//! parsing. Source: Discord docs, "Gateway > List of Intents".

use crate::{Error, Result};

/// One gateway intent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Intent {
    /// The name as Discord's docs spell it.
    pub name: &'static str,
    /// The bit number; the value is `1 << bit`.
    pub bit: u8,
    /// Whether it must be enabled in the Developer Portal (else close 4014).
    pub privileged: bool,
    /// The dispatch events it carries.
    pub events: &'static [&'static str],
}

impl Intent {
    /// The intent's value in the bitfield.
    pub fn value(&self) -> u64 {
        1u64 << self.bit
    }

    /// Whether the intent covers direct messages rather than guild traffic.
    pub fn is_direct(&self) -> bool {
        self.name.starts_with("DIRECT_")
    }
}

const MESSAGE_EVENTS: &[&str] = &[
    "MESSAGE_CREATE",
    "MESSAGE_UPDATE",
    "MESSAGE_DELETE",
    "MESSAGE_DELETE_BULK",
];
const REACTION_EVENTS: &[&str] = &[
    "MESSAGE_REACTION_ADD",
    "MESSAGE_REACTION_REMOVE",
    "MESSAGE_REACTION_REMOVE_ALL",
    "MESSAGE_REACTION_REMOVE_EMOJI",
];
const POLL_EVENTS: &[&str] = &["MESSAGE_POLL_VOTE_ADD", "MESSAGE_POLL_VOTE_REMOVE"];

/// Every documented intent, in bit order.
pub const INTENTS: &[Intent] = &[
    Intent {
        name: "GUILDS",
        bit: 0,
        privileged: false,
        events: &[
            "GUILD_CREATE",
            "GUILD_UPDATE",
            "GUILD_DELETE",
            "GUILD_ROLE_CREATE",
            "GUILD_ROLE_UPDATE",
            "GUILD_ROLE_DELETE",
            "CHANNEL_CREATE",
            "CHANNEL_UPDATE",
            "CHANNEL_DELETE",
            "CHANNEL_PINS_UPDATE",
            "THREAD_CREATE",
            "THREAD_UPDATE",
            "THREAD_DELETE",
            "THREAD_LIST_SYNC",
            "THREAD_MEMBER_UPDATE",
            "THREAD_MEMBERS_UPDATE",
            "STAGE_INSTANCE_CREATE",
            "STAGE_INSTANCE_UPDATE",
            "STAGE_INSTANCE_DELETE",
            "VOICE_CHANNEL_STATUS_UPDATE",
            "VOICE_CHANNEL_START_TIME_UPDATE",
        ],
    },
    Intent {
        name: "GUILD_MEMBERS",
        bit: 1,
        privileged: true,
        events: &[
            "GUILD_MEMBER_ADD",
            "GUILD_MEMBER_UPDATE",
            "GUILD_MEMBER_REMOVE",
            "THREAD_MEMBERS_UPDATE",
        ],
    },
    Intent {
        name: "GUILD_MODERATION",
        bit: 2,
        privileged: false,
        events: &[
            "GUILD_AUDIT_LOG_ENTRY_CREATE",
            "GUILD_BAN_ADD",
            "GUILD_BAN_REMOVE",
        ],
    },
    Intent {
        name: "GUILD_EXPRESSIONS",
        bit: 3,
        privileged: false,
        events: &[
            "GUILD_EMOJIS_UPDATE",
            "GUILD_STICKERS_UPDATE",
            "GUILD_SOUNDBOARD_SOUND_CREATE",
            "GUILD_SOUNDBOARD_SOUND_UPDATE",
            "GUILD_SOUNDBOARD_SOUND_DELETE",
            "GUILD_SOUNDBOARD_SOUNDS_UPDATE",
        ],
    },
    Intent {
        name: "GUILD_INTEGRATIONS",
        bit: 4,
        privileged: false,
        events: &[
            "GUILD_INTEGRATIONS_UPDATE",
            "INTEGRATION_CREATE",
            "INTEGRATION_UPDATE",
            "INTEGRATION_DELETE",
        ],
    },
    Intent {
        name: "GUILD_WEBHOOKS",
        bit: 5,
        privileged: false,
        events: &["WEBHOOKS_UPDATE"],
    },
    Intent {
        name: "GUILD_INVITES",
        bit: 6,
        privileged: false,
        events: &["INVITE_CREATE", "INVITE_DELETE"],
    },
    Intent {
        name: "GUILD_VOICE_STATES",
        bit: 7,
        privileged: false,
        events: &["VOICE_CHANNEL_EFFECT_SEND", "VOICE_STATE_UPDATE"],
    },
    Intent {
        name: "GUILD_PRESENCES",
        bit: 8,
        privileged: true,
        events: &["PRESENCE_UPDATE"],
    },
    Intent {
        name: "GUILD_MESSAGES",
        bit: 9,
        privileged: false,
        events: MESSAGE_EVENTS,
    },
    Intent {
        name: "GUILD_MESSAGE_REACTIONS",
        bit: 10,
        privileged: false,
        events: REACTION_EVENTS,
    },
    Intent {
        name: "GUILD_MESSAGE_TYPING",
        bit: 11,
        privileged: false,
        events: &["TYPING_START"],
    },
    Intent {
        name: "DIRECT_MESSAGES",
        bit: 12,
        privileged: false,
        events: &[
            "MESSAGE_CREATE",
            "MESSAGE_UPDATE",
            "MESSAGE_DELETE",
            "CHANNEL_PINS_UPDATE",
        ],
    },
    Intent {
        name: "DIRECT_MESSAGE_REACTIONS",
        bit: 13,
        privileged: false,
        events: REACTION_EVENTS,
    },
    Intent {
        name: "DIRECT_MESSAGE_TYPING",
        bit: 14,
        privileged: false,
        events: &["TYPING_START"],
    },
    Intent {
        name: "MESSAGE_CONTENT",
        bit: 15,
        privileged: true,
        events: &[],
    },
    Intent {
        name: "GUILD_SCHEDULED_EVENTS",
        bit: 16,
        privileged: false,
        events: &[
            "GUILD_SCHEDULED_EVENT_CREATE",
            "GUILD_SCHEDULED_EVENT_UPDATE",
            "GUILD_SCHEDULED_EVENT_DELETE",
            "GUILD_SCHEDULED_EVENT_USER_ADD",
            "GUILD_SCHEDULED_EVENT_USER_REMOVE",
        ],
    },
    Intent {
        name: "AUTO_MODERATION_CONFIGURATION",
        bit: 20,
        privileged: false,
        events: &[
            "AUTO_MODERATION_RULE_CREATE",
            "AUTO_MODERATION_RULE_UPDATE",
            "AUTO_MODERATION_RULE_DELETE",
        ],
    },
    Intent {
        name: "AUTO_MODERATION_EXECUTION",
        bit: 21,
        privileged: false,
        events: &["AUTO_MODERATION_ACTION_EXECUTION"],
    },
    Intent {
        name: "GUILD_MESSAGE_POLLS",
        bit: 24,
        privileged: false,
        events: POLL_EVENTS,
    },
    Intent {
        name: "DIRECT_MESSAGE_POLLS",
        bit: 25,
        privileged: false,
        events: POLL_EVENTS,
    },
];

/// Dispatches no intent governs: Discord sends them whatever the intents (READY and RESUMED,
/// replies to commands, interactions, app-wide events).
pub const UNGATED_EVENTS: &[&str] = &[
    "READY",
    "RESUMED",
    "APPLICATION_COMMAND_PERMISSIONS_UPDATE",
    "CHANNEL_INFO",
    "ENTITLEMENT_CREATE",
    "ENTITLEMENT_UPDATE",
    "ENTITLEMENT_DELETE",
    "GUILD_MEMBERS_CHUNK",
    "INTERACTION_CREATE",
    "RATE_LIMITED",
    "SOUNDBOARD_SOUNDS",
    "SUBSCRIPTION_CREATE",
    "SUBSCRIPTION_UPDATE",
    "SUBSCRIPTION_DELETE",
    "USER_UPDATE",
    "VOICE_SERVER_UPDATE",
];

/// Every dispatch name Discord documents, sorted: those the intents carry and the ungated ones.
pub fn event_names() -> Vec<&'static str> {
    let mut events: Vec<&'static str> = INTENTS
        .iter()
        .flat_map(|i| i.events.iter().copied())
        .chain(UNGATED_EVENTS.iter().copied())
        .collect();
    events.sort_unstable();
    events.dedup();
    events
}

/// Older names from Discord's and the first libraries' docs, accepted as today's intents.
pub const ALIASES: &[(&str, &str)] = &[
    ("GUILD_BANS", "GUILD_MODERATION"),
    ("GUILD_EMOJIS", "GUILD_EXPRESSIONS"),
    ("GUILD_EMOJIS_AND_STICKERS", "GUILD_EXPRESSIONS"),
];

/// Every documented intent.
pub fn all() -> u64 {
    INTENTS.iter().fold(0, |acc, i| acc | i.value())
}

/// The privileged intents (GUILD_MEMBERS, GUILD_PRESENCES, MESSAGE_CONTENT).
pub fn privileged() -> u64 {
    INTENTS
        .iter()
        .filter(|i| i.privileged)
        .fold(0, |acc, i| acc | i.value())
}

/// Every documented intent that needs no approval: the default of `discord listen`.
pub fn unprivileged() -> u64 {
    all() & !privileged()
}

/// Looks an intent up by name or alias, ignoring case.
pub fn find(name: &str) -> Option<&'static Intent> {
    let upper = name.trim().to_ascii_uppercase();
    let canonical = ALIASES
        .iter()
        .find(|(alias, _)| *alias == upper)
        .map_or(upper.as_str(), |(_, to)| *to);
    INTENTS.iter().find(|i| i.name == canonical)
}

/// Parses `--intents`: a comma list of names (any case, aliases too), numbers (decimal or
/// `0x` hex), `all`, `unprivileged` and `none`, OR-ed together.
pub fn parse(text: &str) -> Result<u64> {
    let parts = text.split(',').map(str::trim).filter(|p| !p.is_empty());
    if parts.clone().next().is_none() {
        return Err(Error::usage(
            "--intents is empty: give names or numbers, or all, unprivileged (the default) or none",
        ));
    }
    let mut bits = 0u64;
    for part in parts {
        let lower = part.to_ascii_lowercase();
        bits |= match lower.as_str() {
            "all" => all(),
            "unprivileged" | "default" => unprivileged(),
            "none" => 0,
            _ => {
                if let Some(n) = parse_number(&lower) {
                    // Undocumented bits would only earn a 4013 close from Discord.
                    let unknown_bits = n & !all();
                    if unknown_bits != 0 {
                        return Err(Error::usage(format!(
                            "--intents {part}: bits {unknown_bits:#x} are not intents Discord documents; run 'discord intents' for the list"
                        )));
                    }
                    n
                } else if let Some(intent) = find(part) {
                    intent.value()
                } else {
                    return Err(unknown(part));
                }
            }
        };
    }
    Ok(bits)
}

fn parse_number(text: &str) -> Option<u64> {
    match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None if text.bytes().all(|b| b.is_ascii_digit()) => text.parse().ok(),
        None => None,
    }
}

fn unknown(name: &str) -> Error {
    let names = INTENTS.iter().map(|i| i.name);
    let hint = match crate::suggest::nearest(name, names).first() {
        Some(best) => format!("did you mean {best}? "),
        None => String::new(),
    };
    Error::usage(format!(
        "unknown intent '{name}': {hint}use names from 'discord intents', numbers, all, unprivileged or none"
    ))
}

/// The names of the documented intents set in `bits`.
pub fn names(bits: u64) -> Vec<&'static str> {
    INTENTS
        .iter()
        .filter(|i| bits & i.value() != 0)
        .map(|i| i.name)
        .collect()
}

/// The intents that carry event `t`, for a guild event or a direct-message one. `None` when no
/// intent governs it (READY, RESUMED, INTERACTION_CREATE, ...): such events are always sent.
/// An event only guild intents carry is a guild event even when its data has no `guild_id`
/// (GUILD_CREATE and GUILD_UPDATE carry the guild itself).
pub fn required_for(t: &str, in_guild: bool) -> Option<u64> {
    let (mut guild, mut direct) = (0, 0);
    let mut governed = false;
    for intent in INTENTS.iter().filter(|i| i.events.contains(&t)) {
        governed = true;
        if intent.is_direct() {
            direct |= intent.value();
        } else {
            guild |= intent.value();
        }
    }
    let mask = if in_guild || direct == 0 {
        guild
    } else {
        direct
    };
    governed.then_some(mask)
}

/// The intents that carry `events` (in guilds and in DMs), plus GUILDS, which the names
/// cache and `--guild`/`--channel` names learn from, and MESSAGE_CONTENT when `content` is
/// asked for. Events no intent governs (INTERACTION_CREATE, READY, ...) need none.
pub fn for_events(events: &[String], content: bool) -> u64 {
    let bit = |name: &str| find(name).map_or(0, |i| i.value());
    let mut bits = bit("GUILDS");
    for t in events {
        bits |= required_for(t, true).unwrap_or(0) | required_for(t, false).unwrap_or(0);
    }
    if content {
        bits |= bit("MESSAGE_CONTENT");
    }
    bits
}

/// Why `--events` names in `events` could never match with `intents`, one warning each: a
/// name Discord does not document, or an event none of the chosen intents carries. A name a
/// typo away from a documented event is an error naming that event, since it would wait
/// forever for nothing.
pub fn event_warnings(events: &[String], intents: u64) -> Result<Vec<String>> {
    let known = event_names();
    let mut warnings = Vec::new();
    for t in events {
        if !known.contains(&t.as_str()) {
            if let Some(best) = crate::suggest::nearest(t, known.iter().copied()).first() {
                return Err(Error::usage(format!(
                    "--events {t}: not an event Discord documents; did you mean {best}?"
                )));
            }
            warnings.push(format!(
                "--events {t}: not an event Discord documents (see 'discord intents'); it will only match if Discord sends it"
            ));
            continue;
        }
        let needed = required_for(t, true).unwrap_or(0) | required_for(t, false).unwrap_or(0);
        if needed != 0 && needed & intents == 0 {
            warnings.push(format!(
                "--events {t}: carried only by {}, which --intents does not include, so it will not arrive",
                names(needed).join(" or ")
            ));
        }
    }
    let wants_content = events
        .iter()
        .any(|t| t == "MESSAGE_CREATE" || t == "MESSAGE_UPDATE");
    let content = find("MESSAGE_CONTENT").map_or(0, |i| i.value());
    if wants_content && intents & content == 0 {
        // Discord's docs (Message Content Intent): without it, content, embeds, attachments,
        // components and poll are empty except in DMs, in messages that mention the bot and
        // in the bot's own messages.
        warnings.push(
            "MESSAGE_CREATE/MESSAGE_UPDATE without the MESSAGE_CONTENT intent: content will be empty for other users' messages in guilds (add --intents ...,MESSAGE_CONTENT and enable it in the Developer Portal)".to_string(),
        );
    }
    Ok(warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intents_follow_the_events() {
        let events = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        // Docs (List of Intents): MESSAGE_CREATE comes with GUILD_MESSAGES (1 << 9) in guilds
        // and DIRECT_MESSAGES (1 << 12) in DMs; INTERACTION_CREATE needs no intent.
        assert_eq!(for_events(&events(&["INTERACTION_CREATE"]), false), 1);
        assert_eq!(
            for_events(&events(&["MESSAGE_CREATE"]), true),
            1 | 1 << 9 | 1 << 12 | 1 << 15
        );
        assert_eq!(
            for_events(&events(&["MESSAGE_REACTION_ADD"]), false),
            1 | 1 << 10 | 1 << 13
        );
    }

    #[test]
    fn events_that_cannot_match_are_warned_about() {
        let events = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(
            event_warnings(&events(&["READY", "MESSAGE_CREATE"]), 512 | 32768)
                .unwrap()
                .is_empty()
        );
        let no_content = event_warnings(&events(&["MESSAGE_CREATE"]), 512).unwrap();
        assert_eq!(no_content.len(), 1);
        assert!(
            no_content[0].contains("MESSAGE_CONTENT"),
            "{}",
            no_content[0]
        );
        assert!(event_warnings(&events(&["GUILD_CREATE"]), 1)
            .unwrap()
            .is_empty());
        let w = event_warnings(&events(&["MESSAGE_CREATE", "NOT_AN_EVENT"]), 1 | 32768).unwrap();
        let typo = event_warnings(&events(&["MESSAGE_CREAT"]), 512).unwrap_err();
        assert!(
            typo.message.contains("did you mean MESSAGE_CREATE?"),
            "{}",
            typo.message
        );
        assert_eq!(w.len(), 2);
        assert!(
            w[0].contains("GUILD_MESSAGES or DIRECT_MESSAGES"),
            "{}",
            w[0]
        );
        assert!(w[1].contains("not an event Discord documents"), "{}", w[1]);
        assert!(event_names().contains(&"INTERACTION_CREATE"));
        assert!(parse("").is_err() && parse(" , ").is_err());
    }

    #[test]
    fn documented_totals() {
        assert_eq!(all(), 53_608_447);
        assert_eq!(privileged(), 33_026);
        assert_eq!(unprivileged(), 53_575_421);
    }

    #[test]
    fn every_row_is_distinct_and_named_upper_case() {
        for (i, a) in INTENTS.iter().enumerate() {
            assert_eq!(a.name, a.name.to_ascii_uppercase());
            assert_eq!(find(a.name), Some(a));
            for b in &INTENTS[i + 1..] {
                assert_ne!(a.bit, b.bit);
            }
        }
        for (alias, to) in ALIASES {
            assert_eq!(find(alias).map(|i| i.name), Some(*to));
        }
    }

    #[test]
    fn parses_names_numbers_and_keywords() {
        assert_eq!(
            parse("guild_messages,MESSAGE_CONTENT").unwrap(),
            512 | 32768
        );
        assert_eq!(parse("guilds, 512").unwrap(), 513);
        assert_eq!(parse("0x3").unwrap(), 3);
        assert_eq!(parse("none").unwrap(), 0);
        assert_eq!(parse("all").unwrap(), all());
        assert_eq!(
            parse("unprivileged,message_content").unwrap(),
            unprivileged() | 32768
        );
        assert_eq!(parse("guild_bans").unwrap(), 4);
        assert_eq!(parse("GUILD_EMOJIS_AND_STICKERS").unwrap(), 8);
    }

    #[test]
    fn unknown_name_suggests_the_nearest_one() {
        let err = parse("GUILDS,GUILD_MESAGES").unwrap_err();
        assert_eq!(err.kind, crate::ErrorKind::Usage);
        assert!(err.message.contains("'GUILD_MESAGES'"));
        assert!(
            err.message.contains("did you mean GUILD_MESSAGES?"),
            "{}",
            err.message
        );
        assert!(
            !err.message.contains("DIRECT_MESSAGE_POLLS"),
            "{}",
            err.message
        );
    }

    #[test]
    fn events_map_to_guild_or_direct_intents() {
        assert_eq!(required_for("MESSAGE_CREATE", true), Some(512));
        assert_eq!(required_for("MESSAGE_CREATE", false), Some(4096));
        assert_eq!(required_for("GUILD_MEMBER_ADD", true), Some(2));
        assert_eq!(required_for("READY", true), None);
        // The guild object itself has no guild_id, and is still a GUILDS event.
        assert_eq!(required_for("GUILD_CREATE", false), Some(1));
        assert_eq!(required_for("GUILD_UPDATE", false), Some(1));
        assert_eq!(names(512 | 1), vec!["GUILDS", "GUILD_MESSAGES"]);
    }

    #[test]
    fn undocumented_bits_are_refused() {
        // Found by fuzzing (fuzz/fuzz_targets/intents.rs): 303303 has bits 17-19 set.
        assert!(parse("303303").is_err());
        assert!(parse("0x40000").is_err());
        assert_eq!(parse(&all().to_string()).unwrap(), all());
    }
}
