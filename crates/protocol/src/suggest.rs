//! "Did you mean": the nearest names to a mistyped one, by edit distance. Used for intent,
//! event and permission names here, and by [`crate::commands::suggest`] for command names.

/// Names within a few edits of `word` (ignoring case, and `-` against `_`), nearest first.
/// A word gets one edit per four characters it has, so `ban` is never
/// "corrected" to `man` but `GUILD_MESAGES` finds `GUILD_MESSAGES`.
pub fn nearest<'a>(word: &str, names: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    scored(word, names).into_iter().map(|(_, n)| n).collect()
}

/// [`nearest`] with each name's edit distance.
pub fn scored<'a>(word: &str, names: impl IntoIterator<Item = &'a str>) -> Vec<(usize, &'a str)> {
    let wanted = normalise(word);
    let allowed = wanted.chars().count() / 4;
    let mut scored: Vec<(usize, &str)> = names
        .into_iter()
        .map(|n| (strsim::levenshtein(&wanted, &normalise(n)), n))
        .filter(|(d, _)| *d <= allowed)
        .collect();
    scored.sort_by_key(|(d, n)| (*d, n.len()));
    scored.dedup_by_key(|(_, n)| *n);
    scored
}

/// `" (did you mean X?)"` for the nearest name, or `""` when none is near.
pub fn did_you_mean<'a>(word: &str, names: impl IntoIterator<Item = &'a str>) -> String {
    match nearest(word, names).first() {
        Some(best) => format!(" (did you mean {best}?)"),
        None => String::new(),
    }
}

fn normalise(word: &str) -> String {
    word.trim().to_ascii_lowercase().replace('_', "-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_names_are_found_and_short_words_are_not_forced() {
        let names = ["GUILD_MESSAGES", "GUILD_MEMBERS", "MESSAGE_CONTENT"];
        assert_eq!(nearest("GUILD_MESAGES", names)[0], "GUILD_MESSAGES");
        assert_eq!(nearest("guild-messages", names), ["GUILD_MESSAGES"]);
        assert!(nearest("ban", ["man", "get"]).is_empty());
        assert_eq!(
            nearest("get-chanel", ["get-channel", "get"]),
            ["get-channel"]
        );
        assert_eq!(
            did_you_mean("KICK_MEMBER", ["KICK_MEMBERS", "BAN_MEMBERS"]),
            " (did you mean KICK_MEMBERS?)"
        );
        assert_eq!(did_you_mean("zzzz", names), "");
    }
}
