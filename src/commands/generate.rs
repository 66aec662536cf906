//! `discord completions SHELL` and `discord man DIR`: shell completion scripts and man pages,
//! both generated from [`crate::commands::clap_command`] so they cover every typed endpoint.
//! The results are committed under `completions/` and `man/`; `tests/generated.rs` fails when
//! they drift (refresh with `scripts/regenerate.sh`).

use std::io::Write;
use std::path::Path;

use clap::builder::PossibleValuesParser;

use crate::cli::{CompletionsArgs, ManArgs};
use crate::gateway::intents::{ALIASES, INTENTS};
use crate::{Error, Result};

/// The file name each shell's script is committed under in `completions/`.
pub fn script_file_name(shell: clap_complete::Shell) -> &'static str {
    use clap_complete::Shell;
    match shell {
        Shell::Bash => "discord.bash",
        Shell::Zsh => "_discord",
        Shell::Fish => "discord.fish",
        Shell::Elvish => "discord.elv",
        Shell::PowerShell => "_discord.ps1",
        _ => "discord.completion",
    }
}

/// The clap command used for generation only: like the parsing one, but `listen --intents`
/// and `--events` list their names as possible values so the scripts can complete them.
/// Parsing keeps free-form values (comma lists, numbers, `all`), hence a separate copy.
pub fn completion_command() -> clap::Command {
    let mut intents: Vec<&'static str> = INTENTS.iter().map(|i| i.name).collect();
    intents.extend(ALIASES.iter().map(|(from, _)| *from));
    intents.extend(["all", "unprivileged", "none"]);
    let events = crate::gateway::intents::event_names();
    super::clap_command().mut_subcommand("listen", |c| {
        c.mut_arg("intents", |a| {
            a.value_parser(PossibleValuesParser::new(intents))
        })
        .mut_arg("events", |a| {
            a.value_parser(PossibleValuesParser::new(events))
        })
    })
}

/// Writes the completion script for `shell` to `out`.
pub fn write_completions(shell: clap_complete::Shell, out: &mut dyn Write) {
    let mut cmd = completion_command();
    clap_complete::generate(shell, &mut cmd, "discord", out);
}

/// Writes `discord.1` and one `discord-SUB.1` page per subcommand (nested ones joined by `-`)
/// into `dir`, creating it if needed.
/// Returns how many pages were written.
pub fn write_man_pages(dir: &Path) -> Result<usize> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::usage(format!("cannot create {}: {e}", dir.display())))?;
    let mut cmd = completion_command();
    cmd.build();
    let mut count = 0;
    write_page(&cmd, "discord", dir, &mut count)?;
    Ok(count)
}

fn write_page(cmd: &clap::Command, name: &str, dir: &Path, count: &mut usize) -> Result<()> {
    let page = cmd.clone().name(name.to_string());
    let mut buf = Vec::new();
    clap_mangen::Man::new(page).render(&mut buf)?;
    let path = dir.join(format!("{name}.1"));
    std::fs::write(&path, buf)
        .map_err(|e| Error::runtime(format!("cannot write {}: {e}", path.display())))?;
    *count += 1;
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        write_page(sub, &format!("{name}-{}", sub.get_name()), dir, count)?;
    }
    Ok(())
}

/// `discord completions SHELL`.
pub fn completions(args: &CompletionsArgs) -> Result<()> {
    // Rendered into memory first: clap_complete panics when a write fails, and stdout may be a
    // pipe already closed (`| head -1`); `write_stdout` turns that into a quiet exit 0.
    let mut script = Vec::new();
    write_completions(args.shell, &mut script);
    crate::output::write_stdout(&script)
}

/// `discord man DIR`.
/// Says where the pages went and how many, and how `man` finds them when the folder is not
/// on its path.
pub fn man(args: &ManArgs) -> Result<()> {
    let count = write_man_pages(&args.dir)?;
    let shown = std::fs::canonicalize(&args.dir).unwrap_or_else(|_| args.dir.clone());
    crate::output::diag(&format!("wrote {count} man pages to {}", shown.display()));
    // man looks in DIR/man1 under each MANPATH entry; a folder named man1 is found through
    // its parent.
    if shown.file_name().is_some_and(|n| n == "man1") {
        if let Some(parent) = shown.parent() {
            crate::output::diag(&format!(
                "if 'man discord' does not find them: export MANPATH=\"{}:$MANPATH\"",
                parent.display()
            ));
        }
    }
    Ok(())
}
