//! `discord download MESSAGE [--out DIR]`: saves a message's attachments. The message is
//! fetched first, so its attachment URLs are as fresh as Discord signs them; a URL the CDN
//! refuses anyway (expired: Discord's docs, "Signed Attachment CDN URLs") is renewed through
//! `POST /attachments/refresh-urls` and tried once more.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::typed;
use crate::cli::DownloadArgs;
use crate::config::Settings;
use crate::endpoints::Kind;
use crate::export::media::refreshed_urls;
use crate::rest::{Client, Download, Method, RequestSpec};
use crate::{Error, ErrorKind, Result};

/// The most bytes one attachment may have (Discord's largest upload limit is 500 MiB).
const MAX_BYTES: u64 = 1 << 30;

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
    let mut saved = 0;
    for attachment in &attachments {
        let path = save(client, attachment, &args.out)?;
        crate::output::write_stdout(format!("{}\n", path.display()).as_bytes())?;
        saved += 1;
    }
    crate::output::diag(&format!(
        "saved {saved} attachment(s) to {}",
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

/// Downloads one attachment into `dir` (the client sends no token to the CDN) and returns
/// its path. An existing file is never overwritten: the attachment id is put in front of the
/// name. The file appears whole or not at all.
fn save(client: &Client, attachment: &Value, dir: &Path) -> Result<PathBuf> {
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
    let tmp = dir.join(format!(".{id}.part"));
    let result = fetch(client, url, &tmp).and_then(|()| {
        fs::rename(&tmp, &path)
            .map_err(|e| Error::runtime(format!("cannot write {}: {e}", path.display())))
    });
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map(|()| path)
}

/// Downloads `url` into `tmp`; a refusal (an expired signature) gets one fresh URL.
fn fetch(client: &Client, url: &str, tmp: &Path) -> Result<()> {
    let mut outcome = download_to(client, url, tmp)?;
    if let Download::Refused(403 | 404 | 410) = outcome {
        let fresh = refreshed_urls(client, &[url])?.into_iter().flatten().next();
        if let Some(fresh) = fresh {
            check_url(&fresh)?;
            outcome = download_to(client, &fresh, tmp)?;
        }
    }
    match outcome {
        Download::Saved(_) => Ok(()),
        Download::TooLarge => Err(Error::runtime("the attachment is larger than expected")),
        Download::Refused(status) => Err(Error::new(
            ErrorKind::Api,
            format!("the CDN refused the attachment ({status}), even after refreshing its URL"),
        )),
    }
}

fn download_to(client: &Client, url: &str, tmp: &Path) -> Result<Download> {
    let write_error =
        |e: std::io::Error| Error::runtime(format!("cannot write {}: {e}", tmp.display()));
    let mut file = std::io::BufWriter::new(fs::File::create(tmp).map_err(write_error)?);
    // Discord caps uploads far below this; the cap only guards against a runaway answer.
    let outcome = client.download(url, MAX_BYTES, &mut file)?;
    file.flush().map_err(write_error)?;
    file.into_inner()
        .map_err(|e| write_error(e.into_error()))?
        .sync_all()
        .map_err(write_error)?;
    Ok(outcome)
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
