//! `discord export` end to end against the sandbox: files match what the API serves, every
//! message once and oldest first; a second run fetches only what is new (one messages request
//! per channel when nothing is); `kill -9` mid-export then the same command loses and repeats
//! nothing; an unreadable channel is skipped and reported (exit 1); media is stored once per
//! content and expired signed URLs are refreshed through Discord's refresh-urls endpoint.

mod common;

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{json, stderr, Sandbox};
use serde_json::Value;

/// The ids in a channel's export file, in file order.
fn file_ids(dir: &Path, channel: &str) -> Vec<u64> {
    let text = std::fs::read_to_string(dir.join("channels").join(format!("{channel}.jsonl")))
        .unwrap_or_default();
    text.lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("each line is one JSON value");
            v["id"].as_str().expect("id").parse().expect("snowflake")
        })
        .collect()
}

/// Every message of a channel as the API lists it, oldest first.
fn api_messages(sb: &Sandbox, channel: &str) -> Vec<Value> {
    let out = sb.run(&[
        "get",
        &format!("/channels/{channel}/messages"),
        "--paginate",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut list = json(&out).as_array().expect("array").clone();
    list.sort_by_key(|m| m["id"].as_str().unwrap().parse::<u64>().unwrap());
    list
}

fn channel_named(sb: &Sandbox, name: &str) -> String {
    let guild = sb.guild_id();
    let channels = json(&sb.run(&["get", &format!("/guilds/{guild}/channels")]));
    channels
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

fn message_gets(sb: &Sandbox) -> usize {
    sb.requests()
        .iter()
        .filter(|r| r["method"] == "GET" && r["path"].as_str().unwrap_or("").ends_with("/messages"))
        .count()
}

#[test]
fn a_guild_export_matches_the_api_and_a_second_run_fetches_only_what_is_new() {
    let sb = Sandbox::start();
    let guild = sb.guild_id();
    let general = sb.general_channel();
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("archive");
    let out = sb.run(&[
        "export",
        &guild,
        "--out",
        out_dir.to_str().unwrap(),
        "--include-threads",
        "none",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let summary = json(&out);

    // Every line is the message object exactly as the API serves it, oldest first, once.
    let expected = api_messages(&sb, &general);
    assert!(expected.len() > 100, "the seed should take several pages");
    let text = std::fs::read_to_string(out_dir.join(format!("channels/{general}.jsonl"))).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines, expected);
    assert_eq!(
        summary["messages"]["total"].as_u64(),
        Some(expected.len() as u64)
    );
    assert!(out_dir.join("guild.json").exists() && out_dir.join("channels.jsonl").exists());

    // The index answers full-text queries.
    let db = rusqlite::Connection::open(out_dir.join("archive.sqlite")).unwrap();
    let hits: i64 = db
        .query_row(
            "select count(*) from messages_fts where messages_fts match 'seeded'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(hits as usize, expected.len());

    // Nothing new: one messages request per exported channel, nothing appended.
    sb.clear_requests();
    let again = sb.run(&[
        "export",
        &guild,
        "--out",
        out_dir.to_str().unwrap(),
        "--include-threads",
        "none",
    ]);
    assert!(again.status.success(), "{}", stderr(&again));
    let channels = summary["channels"].as_u64().unwrap() as usize;
    assert_eq!(message_gets(&sb), channels);
    assert_eq!(json(&again)["messages"]["new"], 0);

    // New messages are appended after the old ones.
    for word in ["deploy started", "deploy finished"] {
        assert!(sb.run(&["send-message", &general, word]).status.success());
    }
    let third = sb.run(&[
        "export",
        &guild,
        "--out",
        out_dir.to_str().unwrap(),
        "--include-threads",
        "none",
    ]);
    assert!(third.status.success(), "{}", stderr(&third));
    assert_eq!(json(&third)["messages"]["new"], 2);
    let ids = file_ids(&out_dir, &general);
    let api_ids: Vec<u64> = api_messages(&sb, &general)
        .iter()
        .map(|m| m["id"].as_str().unwrap().parse().unwrap())
        .collect();
    assert_eq!(ids, api_ids);
}

#[test]
fn kill_9_mid_export_then_the_same_command_loses_and_repeats_nothing() {
    let sb = Sandbox::start();
    let random = channel_named(&sb, "random");
    sb.admin(
        "post",
        "/_sandbox/seed-messages",
        Some(&format!(r#"{{"channel_id":"{random}","count":6000}}"#)),
    );
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("archive");
    let file = out_dir.join(format!("channels/{random}.jsonl"));
    let args = [
        "export",
        &random,
        "--out",
        out_dir.to_str().unwrap(),
        "--include-threads",
        "none",
    ];
    let mut kills = 0;
    // Kill it a few times at different points, each once it has written something more.
    while kills < 3 {
        let before = std::fs::metadata(&file).map_or(0, |m| m.len());
        let mut child = sb
            .cmd()
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut finished = false;
        loop {
            if child.try_wait().unwrap().is_some() {
                finished = true;
                break;
            }
            if std::fs::metadata(&file).map_or(0, |m| m.len()) > before + 20_000 {
                break;
            }
            assert!(Instant::now() < deadline, "export made no progress");
            std::thread::sleep(Duration::from_millis(5));
        }
        if finished {
            break;
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        kills += 1;
    }
    assert!(kills > 0, "the export finished before it could be killed");
    let out = sb.run(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    let ids = file_ids(&out_dir, &random);
    let api_ids: Vec<u64> = api_messages(&sb, &random)
        .iter()
        .map(|m| m["id"].as_str().unwrap().parse().unwrap())
        .collect();
    assert_eq!(ids.len(), 6000);
    assert_eq!(ids, api_ids, "every message exactly once, oldest first");
}

#[test]
fn an_unreadable_channel_is_skipped_reported_and_the_rest_exported() {
    let sb = Sandbox::start();
    let guild = sb.guild_id();
    let general = sb.general_channel();
    let random = channel_named(&sb, "random");
    // Discord's answer to reading a channel the bot cannot see (docs: JSON error code 50001).
    sb.admin(
        "post",
        "/_sandbox/faults",
        Some(&format!(
            r#"{{"method":"GET","path":"/channels/{random}/messages","status":403,"count":1000,"body":"{{\"message\": \"Missing Access\", \"code\": 50001}}"}}"#
        )),
    );
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("a");
    let out = sb.run(&[
        "export",
        &guild,
        "--out",
        out_dir.to_str().unwrap(),
        "--include-threads",
        "none",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&random) && err.contains("Missing Access"),
        "{err}"
    );
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("summary.json")).unwrap())
            .unwrap();
    assert_eq!(summary["skipped"][0]["id"], random.as_str());
    assert_eq!(
        file_ids(&out_dir, &general).len(),
        api_messages(&sb, &general).len()
    );
}

#[test]
fn media_is_stored_once_per_content_and_expired_urls_are_refreshed() {
    let sb = Sandbox::start();
    let random = channel_named(&sb, "random");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.txt");
    std::fs::write(&file, "the same bytes twice").unwrap();
    // URLs of these uploads are born expired, so the export must refresh them to download.
    sb.admin("post", "/_sandbox/cdn", Some(r#"{"ttl_seconds":0}"#));
    for text in ["first", "second"] {
        let out = sb.run(&[
            "send-message",
            &random,
            text,
            "--file",
            file.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let out_dir = dir.path().join("archive");
    sb.clear_requests();
    let out = sb.run(&[
        "export",
        &random,
        "--out",
        out_dir.to_str().unwrap(),
        "--media",
        "--include-threads",
        "none",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let refreshes = sb
        .requests()
        .iter()
        .filter(|r| r["path"] == "/attachments/refresh-urls")
        .count();
    assert!(refreshes >= 1, "expired URLs were not refreshed");
    let stored: Vec<_> = walk(&out_dir.join("media"));
    assert_eq!(stored.len(), 1, "one file for one content: {stored:?}");
    assert_eq!(
        std::fs::read_to_string(&stored[0]).unwrap(),
        "the same bytes twice"
    );
    let db = rusqlite::Connection::open(out_dir.join("archive.sqlite")).unwrap();
    let mapped: i64 = db
        .query_row(
            "select count(*) from attachments a join media m on m.key = a.media_key where m.path is not null",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(mapped, 2, "both attachments map to the stored file");

    // A second run fetches no file again.
    let again = sb.run(&[
        "export",
        &random,
        "--out",
        out_dir.to_str().unwrap(),
        "--media",
        "--include-threads",
        "none",
    ]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(json(&again)["media"]["fetched"], 0);
}

#[test]
fn a_folder_keeps_its_selection_and_bad_times_are_usage_errors() {
    let sb = Sandbox::start();
    let general = sb.general_channel();
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("a");
    let path = out_dir.to_str().unwrap();
    let first = sb.run(&[
        "export",
        &general,
        "--out",
        path,
        "--after",
        "2024-06-01T00:00:00Z",
        "--include-threads",
        "none",
    ]);
    assert!(first.status.success(), "{}", stderr(&first));
    let other = sb.run(&[
        "export",
        &general,
        "--out",
        path,
        "--include-threads",
        "none",
    ]);
    assert_eq!(other.status.code(), Some(2));
    assert!(stderr(&other).contains("--after"), "{}", stderr(&other));
    let bad = sb.run(&[
        "export",
        &general,
        "--out",
        path,
        "--before",
        "next-tuesday",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(stderr(&bad).lines().count(), 1, "{}", stderr(&bad));
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "tmp") {
                out.extend(walk(&path));
            }
        } else {
            out.push(path);
        }
    }
    out
}
