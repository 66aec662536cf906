//! Thin glue, one module per subcommand, and [`run`]: parse, resolve settings, dispatch.

pub mod app_commands;
pub mod auth;
pub mod batch;
pub mod cache;
pub mod download;
pub mod export;
pub mod generate;
pub mod intents;
pub mod list_endpoints;
pub mod listen;
pub mod login;
pub mod raw;
pub mod respond;
pub mod sandbox;
pub mod sandbox_tools;
pub mod send_message;
pub mod snowflake;
pub mod suggest;
pub mod typed;

use std::ffi::OsString;

use clap::{CommandFactory, FromArgMatches};

use crate::cli::{Cli, Command, GlobalArgs};
use crate::config::Settings;
use crate::endpoints;
use crate::rest::Method;
use crate::sandbox::{Sandbox, SandboxOptions, DEFAULT_TOKEN};
use crate::{Error, ErrorKind, Result};

/// The whole clap command: the fixed subcommands plus one (hidden) per typed endpoint, as
/// completions and man pages need.
pub fn clap_command() -> clap::Command {
    root().subcommands(endpoints::clap::all())
}

/// The fixed subcommands, with the typed ones summarised by group in the help.
/// Its short help (`-h`) names the global options in one line; `--help` describes each.
fn root() -> clap::Command {
    let cmd = Cli::command();
    let after = cmd
        .get_after_help()
        .map(|h| h.to_string())
        .unwrap_or_default();
    let globals: Vec<String> = cmd
        .get_arguments()
        .filter(|a| a.is_global_set())
        .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
        .collect();
    let summary = endpoints::clap::summary();
    let short = format!(
        "{summary}\n\nGlobal options, for every command ('discord --help' describes them):\n  {}\n\n{after}",
        globals.join(" ")
    );
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    // Every global option is left out of -h (here and, propagated, in every subcommand's).
    let global_ids: Vec<String> = cmd
        .get_arguments()
        .filter(|a| a.is_global_set())
        .map(|a| a.get_id().to_string())
        .collect();
    let mut cmd = cmd
        .after_help(short)
        .after_long_help(format!("{summary}\n\n{after}"));
    for id in global_ids {
        cmd = cmd.mut_arg(id, |a| a.hide_short_help(true));
    }
    for name in names {
        cmd = cmd.mut_subcommand(name, crate::cli::with_globals_note);
    }
    cmd
}

/// Parses `args` and runs the chosen subcommand, then closes the names cache.
pub fn run(args: Vec<OsString>) -> Result<()> {
    let result = run_command(args);
    crate::names::close();
    result
}

fn run_command(args: Vec<OsString>) -> Result<()> {
    let args = crate::names::links::expand(endpoints::clap::disambiguate(args));
    // Only the typed commands named on the command line are built: building all of them on
    // every run would slow down start-up.
    let typed = endpoints::clap::named_in(args.iter().skip(1).filter_map(|a| a.to_str()));
    let matches = match root().subcommands(typed).try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) => return Err(clap_error(e)),
    };
    let mut global = GlobalArgs::from_arg_matches(&matches).map_err(clap_error)?;
    global.token_from_env =
        matches.value_source("token") == Some(clap::parser::ValueSource::EnvVariable);
    // `discord sandbox` shows the token it accepts, so it takes one only from its own command
    // line: a real token in $DISCORD_TOKEN or the stored login must never be printed.
    let own_token =
        global.token_file.is_some() || (global.token.is_some() && !global.token_from_env);
    // Keeps the in-process sandbox alive for the whole run.
    let mut sandbox = None;
    if global.sandbox {
        let sb = Sandbox::start(SandboxOptions {
            global_limit: global.global_limit,
            ..SandboxOptions::new(DEFAULT_TOKEN)
        })?;
        global.token = Some(DEFAULT_TOKEN.to_string());
        global.token_file = None;
        global.token_from_env = false;
        global.bearer = false;
        sandbox = Some(sb);
    }
    let settings = Settings::resolve(&global, sandbox.as_ref().map(|s| s.api_url().to_string()))?;
    let listen_no_cache = matches
        .subcommand_matches("listen")
        .is_some_and(|m| m.get_flag("no_cache"));
    crate::names::install(&settings, !listen_no_cache, global.names);

    let Some((name, sub)) = matches.subcommand() else {
        clap_command().print_help()?;
        return Ok(());
    };
    if let Some(endpoint) = endpoints::find(name) {
        return typed::run(&settings, endpoint, sub);
    }
    if let Some(removed) = endpoints::find_removed(name) {
        return Err(Error::usage(removed.message));
    }
    let command = Command::from_arg_matches(&matches).map_err(clap_error)?;
    if settings.dry_run {
        if let Some(name) = match &command {
            Command::Login(_) => Some("login"),
            Command::Logout => Some("logout"),
            Command::Sandbox(a) if a.action.is_none() => Some("sandbox"),
            Command::Cache(_) => Some("cache"),
            _ => None,
        } {
            return Err(Error::usage(format!(
                "--dry-run does not apply to '{name}', which manages local state (the stored token, or a local server); run it without --dry-run"
            )));
        }
    }
    if global.pretty && matches!(command, Command::Listen(_)) {
        return Err(Error::usage(
            "listen writes one JSON object per line, so --pretty does not apply; pipe it through 'jq .' to read events indented",
        ));
    }
    match command {
        Command::Get(a) => raw::run(&settings, Method::Get, a),
        Command::Post(a) => raw::run(&settings, Method::Post, a),
        Command::Put(a) => raw::run(&settings, Method::Put, a),
        Command::Patch(a) => raw::run(&settings, Method::Patch, a),
        Command::Delete(a) => raw::run(&settings, Method::Delete, a),
        Command::Login(a) => login::login(&settings, &a, global.bearer),
        Command::Logout => login::logout(&settings),
        Command::Auth(a) => auth::run(&settings, &a),
        Command::Sandbox(a) => match a.action {
            Some(action) => sandbox_tools::run(&settings, action),
            None => sandbox::run(
                &a,
                settings.token.as_ref().filter(|_| own_token),
                global.global_limit,
            ),
        },
        Command::Commands(a) => app_commands::run(&settings, a),
        Command::Respond(a) => respond::respond(&settings, a),
        Command::Followup(a) => respond::followup(&settings, a),
        Command::ForwardKey => crate::listen::key::print_public(),
        Command::Listen(a) => listen::run(&settings, a),
        Command::Intents(a) => intents::run(&settings, &a),
        Command::Endpoints(a) => list_endpoints::run(&a),
        Command::SendMessage(a) => send_message::run(&settings, a),
        Command::Download(a) => download::run(&settings, &a),
        Command::Batch(a) => batch::run(&settings, &a),
        Command::Cache(a) => cache::run(&settings, a),
        Command::Snowflake(a) => snowflake::run(&settings, &a),
        Command::Completions(a) => generate::completions(&a),
        Command::Man(a) => generate::man(&a),
        Command::Export(a) => export::run(&settings, &a),
    }
}

/// Turns a clap error into ours: help and version print and succeed; anything else becomes a
/// one-line usage error.
fn clap_error(err: clap::Error) -> Error {
    use clap::error::ErrorKind as K;
    match err.kind() {
        K::DisplayHelp | K::DisplayVersion | K::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = err.print();
            Error::new(ErrorKind::Help, "")
        }
        K::InvalidSubcommand => match err.get(clap::error::ContextKind::InvalidSubcommand) {
            Some(clap::error::ContextValue::String(word)) => {
                Error::usage(suggest::unknown_command(word))
            }
            _ => Error::usage(format!("{}; see --help", clap_message(&err))),
        },
        _ => Error::usage(format!("{}; see --help", clap_message(&err))),
    }
}

/// A clap parse error as one line: the message with its continuations and clap's tip, without
/// the usage block.
pub fn clap_message(err: &clap::Error) -> String {
    let rendered = err.render().to_string();
    // clap spreads one error over several lines (the message, indented continuations,
    // a tip, the usage); keep the message and its continuations on one line.
    let mut first = String::new();
    for line in rendered.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty()
            || trimmed.starts_with("tip:")
            || trimmed.starts_with("Usage:")
            || trimmed.starts_with("For more information")
        {
            if !first.is_empty() {
                break;
            }
            continue;
        }
        if !first.is_empty() {
            first.push(' ');
        }
        first.push_str(trimmed.trim_start_matches("error: "));
    }
    let tip = rendered
        .lines()
        .find_map(|l| l.trim().strip_prefix("tip: "))
        .map(|t| format!(" ({t})"))
        .unwrap_or_default();
    format!("{first}{tip}")
}
