//! `discord endpoints [WORD]`: the typed commands, one per line (name, method, path), for people
//! (aligned) and scripts (tab-separated when stdout is not a terminal).

use std::io::{self, IsTerminal, Write};

use crate::cli::EndpointsArgs;
use crate::endpoints::{Endpoint, ENDPOINTS};
use crate::Result;

/// Prints the typed commands matching the filter.
pub fn run(args: &EndpointsArgs) -> Result<()> {
    let word = args.word.as_deref().map(str::to_ascii_lowercase);
    let rows: Vec<&Endpoint> = ENDPOINTS
        .iter()
        .filter(|e| word.as_deref().is_none_or(|w| matches(e, w)))
        .collect();
    let stdout = io::stdout();
    let tty = stdout.is_terminal();
    let mut out = io::BufWriter::new(stdout.lock());
    let width = rows.iter().map(|e| e.name.len()).max().unwrap_or(0);
    for e in rows {
        let method = e.method.as_str();
        if tty {
            writeln!(out, "{:<width$}  {method:<6}  {}", e.name, e.path)?;
        } else {
            writeln!(out, "{}\t{method}\t{}", e.name, e.path)?;
        }
    }
    out.flush()?;
    Ok(())
}

fn matches(e: &Endpoint, word: &str) -> bool {
    e.name.contains(word)
        || e.aliases.iter().any(|a| a.contains(word))
        || e.path.to_ascii_lowercase().contains(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_matches_name_alias_and_path() {
        let count = |w: &str| ENDPOINTS.iter().filter(|e| matches(e, w)).count();
        assert!(count("get-channel") >= 1);
        assert!(count("upload-file") == 1);
        assert!(count("/webhooks/") >= 10);
        assert_eq!(count("no-such-thing"), 0);
    }
}
