//! `discord login` and `discord logout`: storing a checked token in the config file (mode 0600)
//! under a profile, and removing it.

use std::io::{self, BufRead, IsTerminal};

use crate::cli::LoginArgs;
use crate::config::{config_path, ConfigFile, Profile, Settings};
use crate::rest::{Client, Method, RequestSpec};
use crate::token::Token;
use crate::{Error, Result};

/// Reads a token (hidden prompt on a terminal, else one line of stdin), checks it with
/// `GET /users/@me`, and stores it for the profile.
pub fn login(settings: &Settings, args: &LoginArgs, bearer: bool) -> Result<()> {
    // The other profiles' tokens must survive: a file that cannot be read is refused before a
    // token is asked for, never replaced by one holding only the new profile.
    let path = config_path()?;
    let mut file = ConfigFile::load(&path)?.unwrap_or_default();
    let raw = if args.with_token || !io::stdin().is_terminal() {
        let mut line = String::new();
        io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| Error::usage(format!("cannot read the token from stdin: {e}")))?;
        if line.trim().is_empty() {
            return Err(Error::usage(
                "no token on stdin: pipe it in, e.g. 'discord login --with-token < token.txt'",
            ));
        }
        line
    } else {
        dialoguer::Password::new()
            .with_prompt(format!("Bot token for profile '{}'", settings.profile))
            .interact()
            .map_err(|e| Error::usage(format!("cannot read the token: {e}")))?
    };
    let token = Token::parse(&raw, bearer)?;
    let mut checking = settings.client_options();
    checking.token = Some(token.clone());
    let client = Client::new(&checking)?;
    let me = client
        .send(&RequestSpec::new(Method::Get, "/users/@me"))
        .map_err(|e| e.context("the token was not accepted (nothing stored)"))?
        .json()?;
    let name = me
        .get("username")
        .and_then(|v| v.as_str())
        .unwrap_or("unknown");
    let id = me.get("id").and_then(|v| v.as_str()).unwrap_or("?");
    file.profiles.insert(
        settings.profile.clone(),
        Profile {
            token: token.authorization_for_storage(),
        },
    );
    file.save(&path)?;
    crate::output::diag(&format!(
        "logged in as {name} ({id}); token stored for profile '{}' in {}",
        settings.profile,
        path.display()
    ));
    Ok(())
}

/// Removes the profile's stored token.
pub fn logout(settings: &Settings) -> Result<()> {
    let path = config_path()?;
    let Some(mut file) = ConfigFile::load(&path)? else {
        crate::output::diag(&format!(
            "no config file at {}: nothing to remove",
            path.display()
        ));
        return Ok(());
    };
    if file.profiles.remove(&settings.profile).is_none() {
        crate::output::diag(&format!(
            "no token stored for profile '{}'",
            settings.profile
        ));
        return Ok(());
    }
    file.save(&path)?;
    crate::output::diag(&format!(
        "removed the token of profile '{}'",
        settings.profile
    ));
    Ok(())
}
