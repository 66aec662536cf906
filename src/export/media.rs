//! `--media`: the files exported messages reference (attachments, embed images, authors'
//! avatars, custom emojis, stickers), each downloaded once and stored by the SHA-256 of its
//! bytes under `DIR/media/ab/abcdef….ext`, so two messages sharing a file share one copy and a
//! later run fetches nothing already stored.
//!
//! Discord signs attachment URLs and lets them expire (the `ex` query parameter is the expiry,
//! in hex Unix seconds; docs: "Reference > Signed Attachment CDN URLs"). An expired URL, or one
//! the CDN refuses, is refreshed through `POST /attachments/refresh-urls` and tried once more.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::index::{Index, PendingMedia};
use super::walk::lock;
use crate::rest::{Client, Download, Method, RequestSpec};
use crate::{Error, Result};

/// URLs Discord refreshes per request.
const REFRESH_BATCH: usize = 50;

/// The CDN that serves avatars, emojis and stickers for an API base: Discord's for Discord,
/// and for anything else (the sandbox) the same origin under `/cdn`.
pub fn cdn_base(api_url: &str) -> String {
    let origin = match reqwest::Url::parse(api_url) {
        Ok(url) => url.origin().ascii_serialization(),
        Err(_) => return "https://cdn.discordapp.com".into(),
    };
    let discord = ["discord.com", "discordapp.com"];
    let host = reqwest::Url::parse(api_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default();
    if discord
        .iter()
        .any(|d| host == *d || host.ends_with(&format!(".{d}")))
    {
        "https://cdn.discordapp.com".into()
    } else {
        format!("{origin}/cdn")
    }
}

/// The media a message references besides its attachments: (key, kind, URL), the URL relative
/// to the CDN (`/avatars/…`) for what is built from ids, absolute for embeds.
pub fn referenced(message: &Value, author: Option<&Value>) -> Vec<(String, &'static str, String)> {
    let mut out = Vec::new();
    if let Some(a) = author {
        if let (Some(id), Some(hash)) = (
            a.get("id").and_then(Value::as_str),
            a.get("avatar").and_then(Value::as_str),
        ) {
            let ext = if hash.starts_with("a_") { "gif" } else { "png" };
            let path = format!("/avatars/{id}/{hash}.{ext}");
            out.push((format!("cdn:{path}"), "avatar", path));
        }
    }
    for embed in message
        .get("embeds")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        for part in ["image", "thumbnail"] {
            if let Some(url) = embed
                .pointer(&format!("/{part}/url"))
                .and_then(Value::as_str)
            {
                let key = url.split('?').next().unwrap_or(url);
                out.push((format!("embed:{key}"), "embed", url.to_string()));
            }
        }
    }
    let content = message.get("content").and_then(Value::as_str).unwrap_or("");
    for (id, animated) in custom_emojis(content) {
        let path = format!("/emojis/{id}.{}", if animated { "gif" } else { "png" });
        out.push((format!("cdn:{path}"), "emoji", path));
    }
    for sticker in message
        .get("sticker_items")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(id) = sticker.get("id").and_then(Value::as_str) {
            let path = format!("/stickers/{id}.png");
            out.push((format!("cdn:{path}"), "sticker", path));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Custom emojis in message text: `<:name:id>` and `<a:name:id>`.
fn custom_emojis(content: &str) -> Vec<(String, bool)> {
    let mut found = Vec::new();
    for piece in content.split('<').skip(1) {
        let Some(inner) = piece.split('>').next() else {
            continue;
        };
        let parts: Vec<&str> = inner.split(':').collect();
        if let [flag, name, id] = parts[..] {
            let animated = flag == "a";
            let id_ok = !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit());
            if (flag.is_empty() || animated) && !name.is_empty() && id_ok {
                found.push((id.to_string(), animated));
            }
        }
    }
    found
}

/// What the media step did.
#[derive(Debug, Default)]
pub struct MediaTotals {
    /// Files fetched in this run.
    pub fetched: u64,
    /// Bytes fetched in this run.
    pub bytes: u64,
    /// Files skipped (too large, refused): key and reason.
    pub skipped: Vec<(String, String)>,
}

/// Downloads every pending media file, refreshing expired attachment URLs first.
pub fn download_all(
    client: &Client,
    index: &Mutex<Index>,
    dir: &Path,
    max_size: u64,
    on_file: &dyn Fn(u64),
) -> Result<MediaTotals> {
    let mut totals = MediaTotals::default();
    let cdn = cdn_base(client.base());
    let store = dir.join("media");
    fs::create_dir_all(store.join("tmp"))
        .map_err(|e| Error::runtime(format!("cannot create {}: {e}", store.display())))?;
    loop {
        let batch = lock(index).pending_media(REFRESH_BATCH)?;
        if batch.is_empty() {
            return Ok(totals);
        }
        let expired: Vec<&PendingMedia> = batch
            .iter()
            .filter(|m| m.attachment && is_expired(&m.url))
            .collect();
        refresh(client, index, &expired)?;
        // Read again: some URLs were just refreshed. (Bound first, so the lock is let go.)
        let batch = lock(index).pending_media(REFRESH_BATCH)?;
        for item in batch {
            let outcome = fetch_one(client, index, &store, &cdn, &item, max_size)?;
            match outcome {
                Ok(size) => {
                    totals.fetched += 1;
                    totals.bytes += size;
                    on_file(size);
                }
                Err(why) => totals.skipped.push((item.key.clone(), why)),
            }
        }
    }
}

/// One file: download (refreshing once if the CDN refuses an attachment), hash, store.
/// The outer error is fatal; the inner one is why this file was skipped (recorded in the index).
fn fetch_one(
    client: &Client,
    index: &Mutex<Index>,
    store: &Path,
    cdn: &str,
    item: &PendingMedia,
    max_size: u64,
) -> Result<std::result::Result<u64, String>> {
    if item.size.is_some_and(|s| s > max_size) {
        let why = format!("larger than --max-media-size ({max_size} bytes)");
        lock(index).set_media(&item.key, Err(&why))?;
        return Ok(Err(why));
    }
    let url = if item.url.starts_with('/') {
        format!("{cdn}{}", item.url)
    } else {
        item.url.clone()
    };
    let tmp = store
        .join("tmp")
        .join(format!("{}.part", std::process::id()));
    let mut attempt = download_to(client, &url, &tmp, max_size)?;
    if let (Download::Refused(403 | 404 | 410), true) = (attempt.0, item.attachment) {
        if let Some(fresh) = refresh(client, index, &[item])?.into_iter().next() {
            attempt = download_to(client, &fresh, &tmp, max_size)?;
        }
    }
    let (outcome, digest) = attempt;
    let why = match outcome {
        Download::Saved(size) => {
            let hash = hex(&digest);
            let ext = extension(&url);
            let rel = format!("media/{}/{hash}{ext}", &hash[..2]);
            let target = store.parent().unwrap_or(store).join(&rel);
            if let Some(parent) = target.parent() {
                fs::create_dir_all(parent).map_err(|e| {
                    Error::runtime(format!("cannot create {}: {e}", parent.display()))
                })?;
            }
            // Stored by content: the same bytes from another message land on the same name.
            fs::rename(&tmp, &target)
                .map_err(|e| Error::runtime(format!("cannot store {}: {e}", target.display())))?;
            lock(index).set_media(&item.key, Ok((&hash, &rel, size)))?;
            return Ok(Ok(size));
        }
        Download::TooLarge => format!("larger than --max-media-size ({max_size} bytes)"),
        Download::Refused(status) => format!("the CDN answered {status}"),
    };
    let _ = fs::remove_file(&tmp);
    lock(index).set_media(&item.key, Err(&why))?;
    Ok(Err(why))
}

/// Downloads into `tmp`, hashing as it goes.
fn download_to(
    client: &Client,
    url: &str,
    tmp: &Path,
    max_size: u64,
) -> Result<(Download, [u8; 32])> {
    struct Hashing<W: Write> {
        out: W,
        hash: Sha256,
    }
    impl<W: Write> Write for Hashing<W> {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let n = self.out.write(buf)?;
            self.hash.update(&buf[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            self.out.flush()
        }
    }
    let file = fs::File::create(tmp)
        .map_err(|e| Error::runtime(format!("cannot write {}: {e}", tmp.display())))?;
    let mut out = Hashing {
        out: std::io::BufWriter::new(file),
        hash: Sha256::new(),
    };
    let outcome = client.download(url, max_size, &mut out)?;
    out.flush()
        .map_err(|e| Error::runtime(format!("cannot write {}: {e}", tmp.display())))?;
    Ok((outcome, out.hash.finalize().into()))
}

/// Asks Discord for fresh URLs of these attachments and stores them; returns the new URLs in
/// the order given.
fn refresh(client: &Client, index: &Mutex<Index>, items: &[&PendingMedia]) -> Result<Vec<String>> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let mut spec = RequestSpec::new(Method::Post, "/attachments/refresh-urls");
    spec.body =
        Some(json!({ "attachment_urls": items.iter().map(|m| &m.url).collect::<Vec<_>>() }));
    let answer = client.send(&spec)?.json()?;
    let mut fresh = Vec::new();
    for item in items {
        let refreshed = answer
            .get("refreshed_urls")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|r| r.get("original").and_then(Value::as_str) == Some(item.url.as_str()))
            .and_then(|r| r.get("refreshed").and_then(Value::as_str));
        if let Some(url) = refreshed {
            lock(index).refresh_media_url(&item.key, url)?;
            fresh.push(url.to_string());
        }
    }
    Ok(fresh)
}

/// Whether a signed CDN URL's `ex` (hex Unix seconds) has passed.
fn is_expired(url: &str) -> bool {
    let Some(query) = url.split_once('?').map(|(_, q)| q) else {
        return false;
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    query
        .split('&')
        .filter_map(|p| p.strip_prefix("ex="))
        .filter_map(|hex| u64::from_str_radix(hex, 16).ok())
        .any(|ex| ex <= now)
}

/// The file name's extension (with its dot), or none.
fn extension(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let name = path.rsplit('/').next().unwrap_or("");
    match name.rsplit_once('.') {
        Some((_, ext))
            if !ext.is_empty()
                && ext.len() <= 8
                && ext.bytes().all(|b| b.is_ascii_alphanumeric()) =>
        {
            format!(".{}", ext.to_ascii_lowercase())
        }
        _ => String::new(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_emojis_are_found_in_text() {
        let found = custom_emojis("hi <:party:123> and <a:spin:456> not <@789> or <:x:y>");
        assert_eq!(found, vec![("123".into(), false), ("456".into(), true)]);
    }

    #[test]
    fn expiry_is_read_from_the_ex_parameter() {
        assert!(is_expired("https://cdn/x.png?ex=10&is=0&hm=ab"));
        assert!(!is_expired("https://cdn/x.png?ex=ffffffffff&is=0"));
        assert!(!is_expired("https://cdn/x.png"));
    }

    #[test]
    fn cdn_follows_the_api_host() {
        assert_eq!(
            cdn_base("https://discord.com/api/v10"),
            "https://cdn.discordapp.com"
        );
        assert_eq!(
            cdn_base("https://canary.discord.com/api/v10"),
            "https://cdn.discordapp.com"
        );
        assert_eq!(
            cdn_base("http://127.0.0.1:8080/api/v10"),
            "http://127.0.0.1:8080/cdn"
        );
    }

    #[test]
    fn extensions_are_short_and_plain() {
        assert_eq!(extension("https://c/a/b/photo.PNG?ex=1"), ".png");
        assert_eq!(extension("https://c/a/b/noext"), "");
        assert_eq!(extension("https://c/a/b/x.tar.gz"), ".gz");
        assert_eq!(extension("https://c/a/b/x.<script>"), "");
    }
}
