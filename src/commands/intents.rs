//! `discord intents`: the intents table (name, value, privileged, events), as text or JSON.

use std::io::Write;

use serde_json::json;

use crate::cli::IntentsArgs;
use crate::config::Settings;
use crate::gateway::intents::{self, ALIASES, INTENTS};
use crate::Result;

/// Prints every intent.
pub fn run(settings: &Settings, args: &IntentsArgs) -> Result<()> {
    if args.json {
        let rows: Vec<_> = INTENTS
            .iter()
            .map(|i| {
                let aliases: Vec<&str> = ALIASES
                    .iter()
                    .filter(|(_, to)| *to == i.name)
                    .map(|(a, _)| *a)
                    .collect();
                json!({
                    "name": i.name,
                    "bit": i.bit,
                    "value": i.value(),
                    "privileged": i.privileged,
                    "events": i.events,
                    "aliases": aliases,
                })
            })
            .collect();
        return settings.printer.print_value(&json!(rows));
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    out.write_all(table().as_bytes())?;
    out.flush()?;
    Ok(())
}

/// The table as text.
pub fn table() -> String {
    let width = INTENTS.iter().map(|i| i.name.len()).max().unwrap_or(0);
    let mut text = format!(
        "{:<width$}  {:>8}  {:<10}  EVENTS\n",
        "INTENT", "VALUE", "PRIVILEGED"
    );
    for i in INTENTS {
        let events = if i.events.is_empty() {
            "(none: fills message content, embeds, attachments, components, polls)".to_string()
        } else {
            i.events.join(", ")
        };
        text.push_str(&format!(
            "{:<width$}  {:>8}  {:<10}  {}\n",
            i.name,
            i.value(),
            if i.privileged { "yes" } else { "no" },
            events
        ));
    }
    let aliases: Vec<String> = ALIASES
        .iter()
        .map(|(a, to)| format!("{a} = {to}"))
        .collect();
    text.push_str(&format!(
        "\nall = {}, unprivileged (the default) = {}, privileged = {}\naliases: {}\n",
        intents::all(),
        intents::unprivileged(),
        intents::privileged(),
        aliases.join(", ")
    ));
    text
}

#[cfg(test)]
mod tests {
    #[test]
    fn table_has_every_intent_and_alias() {
        let t = super::table();
        for i in crate::gateway::intents::INTENTS {
            assert!(t.contains(i.name));
        }
        assert!(t.contains("GUILD_EMOJIS_AND_STICKERS = GUILD_EXPRESSIONS"));
        assert!(t.contains("MESSAGE_CONTENT                   32768  yes"));
    }
}
