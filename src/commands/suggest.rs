//! Suggestions for a mistyped command name, from every command (fixed and typed, aliases too):
//! by edit distance (`create-mesage`), by the words it shares with a command (`create-role` is
//! `create-guild-role`), through the verbs people carry over from other tools (`edit` is
//! `modify`, `kick` is `remove-guild-member`). The message always ends with the
//! `discord endpoints WORD` search.

use clap::CommandFactory;

use crate::cli::Cli;
use crate::endpoints::ENDPOINTS;

/// Whole words that name one operation in Discord's vocabulary.
const PHRASES: &[(&str, &str)] = &[
    ("kick", "remove-guild-member"),
    ("ban", "create-guild-ban"),
    ("unban", "remove-guild-ban"),
    ("pin", "pin-message"),
    ("unpin", "unpin-message"),
    ("react", "create-reaction"),
    ("dm", "create-dm"),
    ("whoami", "get-current-user"),
    ("me", "get-current-user"),
];

/// Words of other tools and libraries, and the words Discord's operation names use instead.
const SYNONYMS: &[(&str, &[&str])] = &[
    ("edit", &["modify", "update"]),
    ("update", &["modify", "update"]),
    ("change", &["modify", "update"]),
    ("set", &["modify", "update", "put"]),
    ("send", &["create", "execute"]),
    ("post", &["create"]),
    ("make", &["create"]),
    ("new", &["create"]),
    ("add", &["add", "create"]),
    ("remove", &["remove", "delete"]),
    ("delete", &["delete", "remove"]),
    ("rm", &["delete", "remove"]),
    ("fetch", &["get", "list"]),
    ("show", &["get", "list"]),
    ("read", &["get", "list"]),
    ("list", &["list", "get"]),
    ("get", &["get", "list"]),
    ("kick", &["remove"]),
    ("ban", &["ban"]),
    ("msg", &["message"]),
    ("dm", &["dm"]),
    ("server", &["guild"]),
];

/// Verbs: a search for one of them would list half the table.
const VERBS: &[&str] = &[
    "get", "list", "create", "modify", "update", "delete", "remove", "add", "edit", "send", "post",
    "put", "patch", "set", "my",
];

/// The usage message for an unknown command: the best few suggestions and the search to run.
pub fn unknown_command(word: &str) -> String {
    let found = suggestions(word, 3);
    let mut message = format!("unknown command '{word}'");
    match found.as_slice() {
        [] => {}
        [one] => message.push_str(&format!(" (did you mean {one}?)")),
        [first, rest @ ..] => {
            message.push_str(&format!(" (did you mean {first}? or: {})", rest.join(", ")))
        }
    }
    message.push_str(&format!(
        "; search with 'discord endpoints {}'",
        search_word(word, found.first().map(String::as_str))
    ));
    message
}

/// Up to `max` command names for `word`, best first.
pub fn suggestions(word: &str, max: usize) -> Vec<String> {
    let word = word.trim().to_ascii_lowercase().replace('_', "-");
    let fixed = Cli::command();
    let fixed_names: Vec<String> = fixed
        .get_subcommands()
        .filter(|c| !c.is_hide_set())
        .map(|c| c.get_name().to_string())
        .collect();
    // Scores: a phrase 0, a word match the number of its other words, a typo its edit distance.
    let mut scored: Vec<(usize, String)> = PHRASES
        .iter()
        .filter(|(w, _)| *w == word)
        .map(|(_, name)| (0, name.to_string()))
        .collect();
    let every_name = fixed_names
        .iter()
        .map(String::as_str)
        .chain(ENDPOINTS.iter().map(|e| e.name))
        .chain(ENDPOINTS.iter().flat_map(|e| e.aliases.iter().copied()));
    for (distance, name) in crate::suggest::scored(&word, every_name) {
        // An alias stands for its operation, which is what the user should learn.
        let name = crate::endpoints::find(name).map_or(name, |e| e.name);
        scored.push((distance, name.to_string()));
    }
    scored.extend(by_words(&word));
    scored.sort_by_key(|(score, _)| *score);
    let mut out: Vec<String> = Vec::new();
    for (_, name) in scored {
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out.truncate(max);
    out
}

/// Typed commands whose name holds every word of `word` (or a synonym of it), those with the
/// fewest other words first.
fn by_words(word: &str) -> Vec<(usize, String)> {
    let wanted: Vec<Vec<String>> = word
        .split('-')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let w = singular(w);
            let mut alternatives = vec![w.to_string()];
            if let Some((_, other)) = SYNONYMS.iter().find(|(s, _)| *s == w) {
                alternatives.extend(other.iter().map(|o| o.to_string()));
            }
            alternatives
        })
        .collect();
    if wanted.is_empty() {
        return Vec::new();
    }
    let mut scored: Vec<(usize, &str)> = ENDPOINTS
        .iter()
        .filter_map(|e| {
            let words: Vec<&str> = e.name.split('-').map(singular).collect();
            let all = wanted
                .iter()
                .all(|alts| alts.iter().any(|a| words.contains(&a.as_str())));
            all.then(|| (words.len().saturating_sub(wanted.len()), e.name))
        })
        .collect();
    scored.sort_by_key(|(extra, name)| (*extra, name.len()));
    scored
        .into_iter()
        .map(|(extra, n)| (extra, n.to_string()))
        .collect()
}

/// The word to search `discord endpoints` for: the last word of what was typed (or of the best
/// suggestion) that is not a verb and finds something; `WORD` when none does.
fn search_word(typed: &str, best: Option<&str>) -> String {
    let typed = typed.to_ascii_lowercase().replace('_', "-");
    let candidates = typed
        .rsplit('-')
        .chain(best.into_iter().flat_map(|b| b.rsplit('-')))
        .map(singular)
        .filter(|w| w.len() > 2 && !VERBS.contains(w));
    for w in candidates {
        if ENDPOINTS.iter().any(|e| e.name.contains(w)) {
            return w.to_string();
        }
    }
    "WORD".to_string()
}

/// A word without its plural `s` (`channels` is `channel`), so plural and singular match.
fn singular(word: &str) -> &str {
    match word.strip_suffix('s') {
        Some(stem) if stem.len() > 2 && !stem.ends_with('s') => stem,
        _ => word,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_verbs_from_other_tools_find_the_operation() {
        let first = |w: &str| suggestions(w, 3).first().cloned().unwrap_or_default();
        assert_eq!(first("kick"), "remove-guild-member");
        assert_eq!(first("ban"), "create-guild-ban");
        assert_eq!(first("edit-channel"), "modify-channel");
        assert_eq!(first("create-role"), "create-guild-role");
        assert_eq!(first("create-ban"), "create-guild-ban");
        assert_eq!(first("get-chanel"), "get-channel");
        assert_eq!(first("create-mesage"), "create-message");
        assert!(
            suggestions("list-channels", 3).contains(&"list-guild-channels".to_string())
                || suggestions("list-channels", 3).contains(&"get-guild-channels".to_string())
        );
        assert!(!suggestions("ban", 3).contains(&"man".to_string()));
        assert_eq!(first("sendmessage"), "send-message");
    }

    #[test]
    fn the_message_ends_with_a_search_that_finds_something() {
        let m = unknown_command("kick");
        assert!(
            m.ends_with("; search with 'discord endpoints member'"),
            "{m}"
        );
        let m = unknown_command("edit-channel");
        assert!(m.contains("did you mean modify-channel?"), "{m}");
        assert!(m.contains("discord endpoints channel"), "{m}");
        let m = unknown_command("zzzzzz");
        assert!(m.ends_with("; search with 'discord endpoints WORD'"), "{m}");
    }
}
