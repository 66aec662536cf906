//! A message link stands for several ids: `create-reaction https://discord.com/channels/G/C/M
//! '<:party:123>'` fills the channel and message positionals with C and M. Before clap sees the
//! command line, a link in the place of a positional is spread over the positionals it fills
//! (where it fills only one, [`super::resolve_id`] takes the right part later).

use std::ffi::OsString;

use super::notation::{self, Notation};
use crate::endpoints::{self, Endpoint};

/// Spreads links over positionals in a whole command line (program name first).
pub fn expand(args: Vec<OsString>) -> Vec<OsString> {
    let found = args
        .iter()
        .enumerate()
        .skip(1)
        .find_map(|(i, a)| Some((i, endpoints::find(a.to_str()?)?)));
    let Some((at, endpoint)) = found else {
        return args;
    };
    let mut out = args[..=at].to_vec();
    out.extend(expand_words(endpoint, &args[at + 1..]));
    out
}

/// Spreads links over positionals in the words after a typed command's name.
pub fn expand_words(endpoint: &'static Endpoint, rest: &[OsString]) -> Vec<OsString> {
    if !rest
        .iter()
        .any(|w| w.to_str().is_some_and(notation::is_link))
    {
        return rest.to_vec();
    }
    let places = endpoints::clap::positionals(endpoint, rest);
    let mut out = Vec::with_capacity(rest.len() + 2);
    for (i, word) in rest.iter().enumerate() {
        let spread = places
            .iter()
            .position(|&p| p == i)
            .and_then(|k| spread(endpoint, k, word.to_str()?));
        match spread {
            Some(parts) => out.extend(parts.into_iter().map(OsString::from)),
            None => out.push(word.clone()),
        }
    }
    out
}

/// The ids a link gives to the positionals from the `k`th on, when it fills two or more.
fn spread(endpoint: &Endpoint, k: usize, word: &str) -> Option<Vec<String>> {
    let Ok(Notation::Link {
        guild,
        channel,
        message,
    }) = notation::parse(word)
    else {
        return None;
    };
    let parts = [
        ("guild_id", guild),
        ("channel_id", Some(channel)),
        ("message_id", message),
    ];
    let params = endpoint.path_params.get(k..)?;
    let first = params.first()?.name;
    let start = parts.iter().position(|(n, _)| *n == first)?;
    let mut out = Vec::new();
    for (p, (name, value)) in params.iter().zip(&parts[start..]) {
        match value {
            Some(v) if p.name == *name => out.push(v.to_string()),
            _ => break,
        }
    }
    (out.len() >= 2).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(words: &[&str]) -> Vec<String> {
        let args: Vec<OsString> = words.iter().map(OsString::from).collect();
        expand(args)
            .into_iter()
            .map(|a| a.into_string().unwrap())
            .collect()
    }

    #[test]
    fn a_message_link_fills_channel_and_message() {
        assert_eq!(
            run(&[
                "discord",
                "create-reaction",
                "https://discord.com/channels/1/2/3",
                "x"
            ]),
            ["discord", "create-reaction", "2", "3", "x"]
        );
        // A channel link where one id goes is left for the resolver.
        assert_eq!(
            run(&["discord", "get-channel", "https://discord.com/channels/1/2"]),
            ["discord", "get-channel", "https://discord.com/channels/1/2"]
        );
        // A flag's value is not a positional.
        let with_flag = [
            "discord",
            "list-messages",
            "5",
            "--around",
            "https://discord.com/channels/1/2/3",
        ];
        assert_eq!(run(&with_flag), with_flag);
    }
}
