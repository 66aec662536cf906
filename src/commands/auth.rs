//! `discord auth status` and `discord auth list`: which identity and API a command would use,
//! and the stored profiles, without ever printing a token.

use std::io::{self, IsTerminal, Write};

use serde_json::{json, Value};

use crate::cli::{AuthArgs, AuthCommand};
use crate::config::{config_path, ConfigFile, Settings, Source, DEFAULT_API_URL};
use crate::rest::{Method, RequestSpec};
use crate::token::TokenKind;
use crate::{Error, ErrorKind, Result};

/// Runs `discord auth SUBCOMMAND`.
pub fn run(settings: &Settings, args: &AuthArgs) -> Result<()> {
    match args.command {
        AuthCommand::Status => status(settings),
        AuthCommand::List => list(settings),
    }
}

/// Checks the token with `GET /users/@me` and prints who it belongs to, with the profile, API
/// base, token type and where the token and the base came from.
fn status(settings: &Settings) -> Result<()> {
    let token = settings.require_token()?;
    let response = settings
        .client()?
        .send_raw(&RequestSpec::new(Method::Get, "/users/@me"))?;
    if response.status == 401 {
        return Err(Error::new(
            ErrorKind::Api,
            format!(
                "the {} token ({}) is refused by {} (401 Unauthorized); store a new one with 'discord --profile {} login'",
                kind_name(token.kind()),
                describe_source(settings),
                settings.api_url,
                settings.profile
            ),
        ));
    }
    if response.status >= 400 {
        return Err(crate::rest::errors::api_error(
            response.status,
            &response.body,
        ));
    }
    let me = response.json()?;
    let report = json!({
        "user": {
            "id": me.get("id").cloned().unwrap_or(Value::Null),
            "username": me.get("username").cloned().unwrap_or(Value::Null),
            "bot": me.get("bot").cloned().unwrap_or(Value::Bool(false)),
        },
        "profile": settings.profile,
        "api_url": settings.api_url,
        "api_url_from": api_url_source(settings),
        "token_type": kind_name(token.kind()),
        "token_from": describe_source(settings),
    });
    settings.printer.print_value(&report)
}

fn kind_name(kind: TokenKind) -> &'static str {
    match kind {
        TokenKind::Bot => "bot",
        TokenKind::Bearer => "bearer",
    }
}

fn describe_source(settings: &Settings) -> String {
    match settings.token_source {
        Source::Env => "DISCORD_TOKEN".to_string(),
        Source::Flag => "--token".to_string(),
        Source::Sandbox => "the --sandbox stand-in".to_string(),
        Source::Profile | Source::Default => {
            format!("profile '{}' in the config file", settings.profile)
        }
    }
}

fn api_url_source(settings: &Settings) -> String {
    match settings.api_url_source {
        Source::Sandbox => "--sandbox".to_string(),
        Source::Flag => "--api-url".to_string(),
        Source::Env => "DISCORD_API_URL".to_string(),
        Source::Profile => format!("profile '{}'", settings.profile),
        Source::Default => "default".to_string(),
    }
}

/// Prints the stored profiles, one a line: name and API base (tab-separated when piped; on a
/// terminal aligned, with the profile in use marked `*`).
fn list(settings: &Settings) -> Result<()> {
    let path = config_path()?;
    let file = ConfigFile::load(&path)?.unwrap_or_default();
    if file.profiles.is_empty() {
        crate::output::diag(&format!(
            "no profiles stored in {}; run 'discord login' (or 'discord --profile NAME login')",
            path.display()
        ));
        return Ok(());
    }
    let stdout = io::stdout();
    let tty = stdout.is_terminal();
    let mut out = io::BufWriter::new(stdout.lock());
    let width = file.profiles.keys().map(String::len).max().unwrap_or(0);
    for (name, profile) in &file.profiles {
        let url = profile.api_url.as_deref().unwrap_or(DEFAULT_API_URL);
        if tty {
            let mark = if *name == settings.profile { '*' } else { ' ' };
            writeln!(out, "{mark} {name:<width$}  {url}")?;
        } else {
            writeln!(out, "{name}\t{url}")?;
        }
    }
    out.flush()?;
    Ok(())
}
