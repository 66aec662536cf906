//! `discord download MESSAGE [--out DIR]`: saves a message's attachments. The message is
//! fetched first, and Discord signs the attachment URLs in every answer afresh (the `ex`, `is`
//! and `hm` query parameters), so an old link or an expired URL never has to be refreshed.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::typed;
use crate::cli::DownloadArgs;
use crate::config::Settings;
use crate::endpoints::Kind;
use crate::rest::{Method, RequestSpec};
use crate::{Error, ErrorKind, Result};

/// Fetches the message and saves each attachment into the folder, printing each path.
pub fn run(settings: &Settings, args: &DownloadArgs) -> Result<()> {
    let (channel, message) = message_ids(&args.message, args.message_id.as_deref())?;
    let spec = RequestSpec::new(
        Method::Get,
        format!("/channels/{channel}/messages/{message}"),
    );
    let client = settings.client()?;
    if settings.dry_run {
        return crate::output::write_stdout(client.describe(&spec)?.as_bytes());
    }
    let found = client.send(&spec)?.json()?;
    let attachments = found
        .get("attachments")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if attachments.is_empty() {
        crate::output::diag(&format!("message {message} has no attachments"));
        return Ok(());
    }
    fs::create_dir_all(&args.out)
        .map_err(|e| Error::usage(format!("cannot create {}: {e}", args.out.display())))?;
    let http = reqwest::blocking::Client::builder()
        .connect_timeout(settings.connect_timeout)
        .timeout(settings.timeout)
        .user_agent(crate::user_agent())
        .build()
        .map_err(|e| Error::runtime(format!("cannot start the HTTP client: {e}")))?;
    let mut saved = Vec::new();
    for attachment in &attachments {
        let path = save(&http, attachment, &args.out)?;
        crate::output::write_stdout(format!("{}\n", path.display()).as_bytes())?;
        saved.push(path);
    }
    crate::output::diag(&format!(
        "saved {} attachment(s) to {}",
        saved.len(),
        args.out.display()
    ));
    Ok(())
}

/// The channel and message ids from a message link (`https://discord.com/channels/G/C/M`,
/// also `ptb.`/`canary.` and `@me` for DMs) or from a channel id and a message id.
pub fn message_ids(first: &str, second: Option<&str>) -> Result<(String, String)> {
    let id = |label: &str, text: &str| -> Result<String> {
        let v = typed::parse_value(Kind::Snowflake, label, text)?;
        Ok(v.as_str().unwrap_or_default().to_string())
    };
    if let Some(message) = second {
        return Ok((id("<CHANNEL_ID>", first)?, id("<MESSAGE_ID>", message)?));
    }
    let parts: Vec<&str> = first.trim_end_matches('/').split('/').collect();
    match parts.as_slice() {
        [.., "channels", _guild, channel, message] if first.contains("://") => Ok((
            id("the link's channel", channel)?,
            id("the link's message", message)?,
        )),
        _ => Err(Error::usage(format!(
            "{} is not a message link; give the link (Copy Message Link) or CHANNEL_ID MESSAGE_ID",
            crate::error::shown(first)
        ))),
    }
}

/// Downloads one attachment into `dir` (no token is sent to the CDN) and returns its path.
/// An existing file is never overwritten: the attachment id is put in front of the name.
fn save(http: &reqwest::blocking::Client, attachment: &Value, dir: &Path) -> Result<PathBuf> {
    let url = attachment
        .get("url")
        .and_then(Value::as_str)
        .unwrap_or_default();
    check_url(url)?;
    let id = attachment
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or("attachment");
    // The name comes from the server: keep only its last component.
    let name = attachment
        .get("filename")
        .and_then(Value::as_str)
        .and_then(|n| Path::new(n).file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .unwrap_or_else(|| id.to_string());
    let mut path = dir.join(&name);
    if path.exists() {
        path = dir.join(format!("{id}-{name}"));
    }
    if path.exists() {
        return Err(Error::usage(format!(
            "{} already exists; choose another folder with --out",
            path.display()
        )));
    }
    let failed = |e: &dyn std::fmt::Display| {
        Error::new(ErrorKind::Network, format!("cannot download {name}: {e}"))
    };
    let response = http.get(url).send().map_err(|e| failed(&e))?;
    let status = response.status();
    if !status.is_success() {
        return Err(failed(&format!("the CDN answered {status}")));
    }
    let bytes = response.bytes().map_err(|e| failed(&e))?;
    // Written whole or not at all: a cut download does not leave a file that looks complete.
    let tmp = dir.join(format!(".{id}.part"));
    let write = || -> std::io::Result<()> {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(&bytes)?;
        file.sync_all()?;
        fs::rename(&tmp, &path)
    };
    write().map_err(|e| {
        let _ = fs::remove_file(&tmp);
        Error::runtime(format!("cannot write {}: {e}", path.display()))
    })?;
    Ok(path)
}

/// Attachments come over https; plain http only from this machine (the sandbox).
fn check_url(url: &str) -> Result<()> {
    let parsed = reqwest::Url::parse(url).map_err(|e| {
        Error::new(
            ErrorKind::Api,
            format!("attachment URL {url:?} is invalid: {e}"),
        )
    })?;
    let loopback = matches!(parsed.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        _ => Err(Error::new(
            ErrorKind::Api,
            format!("not downloading {url:?}: attachments are fetched over https only"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_and_id_pairs_name_the_message() {
        let link =
            "https://discord.com/channels/81384788765712384/381870553235193857/1108811591453294612";
        assert_eq!(
            message_ids(link, None).unwrap(),
            ("381870553235193857".into(), "1108811591453294612".into())
        );
        let dm = "https://canary.discord.com/channels/@me/381870553235193857/1108811591453294612/";
        assert_eq!(message_ids(dm, None).unwrap().0, "381870553235193857");
        assert_eq!(
            message_ids("1", Some("2")).unwrap(),
            ("1".into(), "2".into())
        );
        assert!(message_ids("123", None).is_err());
        assert!(message_ids("1", Some("x")).is_err());
        assert!(check_url("http://cdn.example.com/a").is_err());
        assert!(check_url("https://cdn.discordapp.com/a").is_ok());
        assert!(check_url("http://127.0.0.1:5/a").is_ok());
    }
}
