//! What a user may type where an id is taken, read without any lookup: a plain snowflake,
//! Discord's mention forms (`<#id>`, `<@id>`, `<@!id>`, `<@&id>`, `<:name:id>`, `<a:name:id>`),
//! message and channel links, `@me`, `#channel`, `guild/#channel`, `@name` and a bare name.
//!
//! The forms are Discord's "Message Formatting" table (docs/reference.md#message-formatting)
//! and the links the client's "Copy Message Link" gives.

/// One argument, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notation {
    /// Digits: an id, used as it is.
    Id(u64),
    /// `<#id>`: a channel mention.
    ChannelMention(u64),
    /// `<@id>` or `<@!id>`: a user mention.
    UserMention(u64),
    /// `<@&id>`: a role mention.
    RoleMention(u64),
    /// `<:name:id>` or `<a:name:id>`: a custom emoji.
    Emoji {
        /// The emoji's name.
        name: String,
        /// Its id.
        id: u64,
    },
    /// `https://discord.com/channels/G/C[/M]` (`@me` in place of G for a DM).
    Link {
        /// The guild, or `None` for a DM link.
        guild: Option<u64>,
        /// The channel.
        channel: u64,
        /// The message, in a message link.
        message: Option<u64>,
    },
    /// `@me`: the current user (or the bot's own application).
    Me,
    /// `#name` or `guild/#name`.
    Channel {
        /// The guild's name or id, when given.
        guild: Option<String>,
        /// The channel's name, without `#`.
        name: String,
    },
    /// `@name`: a user or member (by username, global name or nickname) or a role.
    At(String),
    /// Any other text: a guild's or role's name.
    Name(String),
}

/// The hosts Discord's links come from.
const LINK_PREFIXES: &[&str] = &[
    "https://discord.com/channels/",
    "https://ptb.discord.com/channels/",
    "https://canary.discord.com/channels/",
    "https://discordapp.com/channels/",
];

/// Reads one argument. Only malformed links and mentions are errors; anything else that is not
/// a known form is a name.
pub fn parse(text: &str) -> Result<Notation, String> {
    let t = text.trim();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return t
            .parse()
            .map(Notation::Id)
            .map_err(|_| "a snowflake id must fit in 64 bits".to_string());
    }
    if let Some(inner) = t.strip_prefix('<').and_then(|s| s.strip_suffix('>')) {
        return mention(inner);
    }
    if let Some(rest) = LINK_PREFIXES.iter().find_map(|p| t.strip_prefix(p)) {
        return link(rest);
    }
    if t.eq_ignore_ascii_case("@me") {
        return Ok(Notation::Me);
    }
    if let Some(name) = t.strip_prefix('#') {
        return nonempty(name).map(|name| Notation::Channel { guild: None, name });
    }
    if let Some((guild, name)) = t.rsplit_once("/#") {
        let guild = nonempty(guild)?;
        return nonempty(name).map(|name| Notation::Channel {
            guild: Some(guild),
            name,
        });
    }
    if let Some(name) = t.strip_prefix('@') {
        return nonempty(name).map(Notation::At);
    }
    nonempty(t).map(Notation::Name)
}

fn nonempty(s: &str) -> Result<String, String> {
    let s = s.trim();
    if s.is_empty() {
        Err("a name is empty".into())
    } else {
        Ok(s.to_string())
    }
}

fn number(s: &str, what: &str) -> Result<u64, String> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{what} must be a snowflake id (digits)"));
    }
    s.parse().map_err(|_| format!("{what} must fit in 64 bits"))
}

/// The inside of `<...>`.
fn mention(inner: &str) -> Result<Notation, String> {
    if let Some(id) = inner.strip_prefix("@&") {
        return number(id, "a role mention's id").map(Notation::RoleMention);
    }
    if let Some(id) = inner.strip_prefix("@!").or_else(|| inner.strip_prefix('@')) {
        return number(id, "a user mention's id").map(Notation::UserMention);
    }
    if let Some(id) = inner.strip_prefix('#') {
        return number(id, "a channel mention's id").map(Notation::ChannelMention);
    }
    let emoji = inner.strip_prefix("a:").or_else(|| inner.strip_prefix(':'));
    if let Some((name, id)) = emoji.and_then(|e| e.split_once(':')) {
        let id = number(id, "a custom emoji's id")?;
        return nonempty(name).map(|name| Notation::Emoji { name, id });
    }
    Err("is not one of Discord's mention forms <#id>, <@id>, <@!id>, <@&id>, <:name:id>, <a:name:id>".into())
}

/// What follows `/channels/` in a link: `G/C` or `G/C/M`, G being `@me` for a DM.
fn link(rest: &str) -> Result<Notation, String> {
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let parts: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
    let bad = || "a Discord link looks like https://discord.com/channels/GUILD/CHANNEL[/MESSAGE]";
    if !(2..=3).contains(&parts.len()) {
        return Err(bad().into());
    }
    let guild = match parts[0] {
        "@me" => None,
        g => Some(number(g, "the link's guild").map_err(|_| bad())?),
    };
    let channel = number(parts[1], "the link's channel").map_err(|_| bad())?;
    let message = parts
        .get(2)
        .map(|m| number(m, "the link's message").map_err(|_| bad()))
        .transpose()?;
    Ok(Notation::Link {
        guild,
        channel,
        message,
    })
}

/// Whether `text` is a Discord message or channel link.
pub fn is_link(text: &str) -> bool {
    LINK_PREFIXES.iter().any(|p| text.trim().starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_is_read() {
        let p = |t: &str| parse(t).unwrap();
        assert_eq!(p("123"), Notation::Id(123));
        assert_eq!(p("<#12>"), Notation::ChannelMention(12));
        assert_eq!(p("<@34>"), Notation::UserMention(34));
        assert_eq!(p("<@!34>"), Notation::UserMention(34));
        assert_eq!(p("<@&56>"), Notation::RoleMention(56));
        let party = Notation::Emoji {
            name: "party".into(),
            id: 78,
        };
        assert_eq!(p("<:party:78>"), party);
        assert_eq!(p("<a:party:78>"), party);
        assert_eq!(
            p("https://discord.com/channels/1/2/3"),
            Notation::Link {
                guild: Some(1),
                channel: 2,
                message: Some(3)
            }
        );
        assert_eq!(
            p("https://canary.discord.com/channels/@me/2"),
            Notation::Link {
                guild: None,
                channel: 2,
                message: None
            }
        );
        assert_eq!(p("@me"), Notation::Me);
        assert_eq!(
            p("#general"),
            Notation::Channel {
                guild: None,
                name: "general".into()
            }
        );
        assert_eq!(
            p("Sandbox Guild/#general"),
            Notation::Channel {
                guild: Some("Sandbox Guild".into()),
                name: "general".into()
            }
        );
        assert_eq!(p("@alice"), Notation::At("alice".into()));
        assert_eq!(p("Sandbox Guild"), Notation::Name("Sandbox Guild".into()));
    }

    #[test]
    fn malformed_forms_say_so() {
        for bad in [
            "<#x>",
            "<@>",
            "<:party:>",
            "<hello>",
            "https://discord.com/channels/1",
            "https://discord.com/channels/a/b",
            "https://discord.com/channels/1/2/3/4",
            "#",
            "99999999999999999999",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
