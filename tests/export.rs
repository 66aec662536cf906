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

/// Runs the command and `kill -9`s it, up to three times, each time once `watched` has grown
/// by 20 kB more than it had when that run started; how many times it was killed (it may
/// finish first).
fn kill_while_growing(sb: &Sandbox, args: &[&str], watched: &Path) -> usize {
    let mut kills = 0;
    while kills < 3 {
        let before = std::fs::metadata(watched).map_or(0, |m| m.len());
        let mut child = sb
            .cmd()
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if child.try_wait().unwrap().is_some() {
                return kills;
            }
            if std::fs::metadata(watched).map_or(0, |m| m.len()) > before + 20_000 {
                break;
            }
            assert!(Instant::now() < deadline, "export made no progress");
            std::thread::sleep(Duration::from_millis(5));
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        kills += 1;
    }
    kills
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
    let kills = kill_while_growing(&sb, &args, &file);
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
    let bad = sb.run(&[
        "export",
        &general,
        "--out",
        path,
        "--refresh-since",
        "yesterday",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    let err = stderr(&bad);
    assert!(
        err.contains("--refresh-since") && err.lines().count() == 1,
        "{err}"
    );
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

/// Threads are part of a guild's archive: an active public thread, an archived public one and
/// an archived private one each get their own file, every message once, oldest first; a second
/// run fetches nothing old and picks up what was posted in a thread since.
#[test]
fn a_guild_export_includes_active_and_archived_threads() {
    let sb = Sandbox::start();
    let guild = sb.guild_id();
    let general = sb.general_channel();
    let ok = |args: &[&str]| {
        let out = sb.run(args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        json(&out)
    };
    let id = |v: Value| v["id"].as_str().unwrap().to_string();
    let topic = id(ok(&["create-message", &general, "--content", "topic"]));
    let active = id(ok(&[
        "start-thread-from-message",
        &general,
        &topic,
        "--name",
        "live",
    ]));
    let old = id(ok(&[
        "start-thread-without-message",
        &general,
        "--name",
        "old",
        "--type",
        "11",
    ]));
    let secret = id(ok(&[
        "start-thread-without-message",
        &general,
        "--name",
        "secret",
    ]));
    for (thread, n) in [(&active, 3), (&old, 2), (&secret, 2)] {
        for i in 0..n {
            ok(&["send-message", thread, &format!("in thread {i}")]);
        }
    }
    ok(&["modify-channel", &old, "--archived", "true"]);
    ok(&["modify-channel", &secret, "--archived", "true"]);

    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("archive");
    let out = sb.run(&["export", &guild, "--out", out_dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let summary = json(&out);
    assert_eq!(summary["threads"], 3, "{summary}");
    let thread_ids = |t: &str| -> Vec<u64> {
        std::fs::read_to_string(out_dir.join(format!("threads/{t}.jsonl")))
            .unwrap_or_default()
            .lines()
            .map(|l| {
                serde_json::from_str::<Value>(l).unwrap()["id"]
                    .as_str()
                    .unwrap()
                    .parse()
                    .unwrap()
            })
            .collect()
    };
    for thread in [&active, &old, &secret] {
        let expected: Vec<u64> = api_messages(&sb, thread)
            .iter()
            .map(|m| m["id"].as_str().unwrap().parse().unwrap())
            .collect();
        assert!(!expected.is_empty());
        assert_eq!(thread_ids(thread), expected, "thread {thread}");
    }
    let structure = std::fs::read_to_string(out_dir.join("channels.jsonl")).unwrap();
    for thread in [&active, &old, &secret] {
        assert!(
            structure.contains(thread.as_str()),
            "channels.jsonl lists thread {thread}"
        );
    }

    ok(&["send-message", &active, "later"]);
    let again = sb.run(&["export", &guild, "--out", out_dir.to_str().unwrap()]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(json(&again)["messages"]["new"], 1);
    assert_eq!(thread_ids(&active).len(), 4);
}

/// The lines of a channel's export file, parsed.
fn file_messages(dir: &Path, channel: &str) -> Vec<Value> {
    std::fs::read_to_string(dir.join("channels").join(format!("{channel}.jsonl")))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn id_of(m: &Value) -> u64 {
    m["id"].as_str().unwrap().parse().unwrap()
}

/// `--refresh-since` re-walks the window and the archive then shows what Discord shows for it:
/// an edited message's line replaced in place, a deleted message's line gone from the file but
/// kept in the index with `deleted_at`; before the window nothing changes. Discord's docs
/// ("Get Channel Messages") page with `after`, so only the window is fetched again.
#[test]
fn refresh_since_rewrites_edits_and_records_deletions_in_its_window() {
    let sb = Sandbox::start();
    let general = sb.general_channel();
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("archive");
    let plain = [
        "export",
        general.as_str(),
        "--out",
        out_dir.to_str().unwrap(),
        "--include-threads",
        "none",
    ];
    // A bot may edit only its own messages (docs: "Edit Message"), so the edits are on five
    // the bot sends after the 300 seeded ones.
    for i in 0..5 {
        let out = sb.run(&["send-message", &general, &format!("status {i}")]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    assert!(sb.run(&plain).status.success());
    let before = file_messages(&out_dir, &general);
    assert_eq!(before.len(), 305);
    let (old_edit, window, edited, deleted) =
        (&before[300], &before[301], &before[302], &before[303]);
    let edit = |m: &Value, text: &str| {
        let out = sb.run(&[
            "edit-message",
            &general,
            m["id"].as_str().unwrap(),
            "--content",
            text,
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
    };
    edit(old_edit, "edited before the window");
    edit(edited, "edited within the window: rollback");
    let out = sb.run(&[
        "delete-message",
        &general,
        deleted["id"].as_str().unwrap(),
        "--yes",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));

    // A plain rerun fetches nothing old: one request, the file as it was.
    sb.clear_requests();
    let again = sb.run(&plain);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(message_gets(&sb), 1);
    assert_eq!(file_messages(&out_dir, &general), before);

    // The window from the second status's time, as Discord wrote it on the message.
    let since = window["timestamp"].as_str().unwrap();
    let mut args = plain.to_vec();
    args.extend(["--refresh-since", since]);
    sb.clear_requests();
    let out = sb.run(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    let summary = json(&out);
    assert_eq!(summary["refreshed"]["deleted"], 1);
    assert_eq!(summary["refreshed"]["messages"], 3);
    assert_eq!(summary["messages"]["new"], 0);
    assert!(message_gets(&sb) <= 3, "the window and the tail only");
    let api = api_messages(&sb, &general);
    let mut expected: Vec<Value> = before[..301].to_vec();
    expected.extend(api.iter().filter(|m| id_of(m) >= id_of(window)).cloned());
    let after = file_messages(&out_dir, &general);
    assert_eq!(
        after, expected,
        "before the window as it was, the window as Discord has it"
    );
    assert_eq!(after[300]["content"], "status 0");
    assert_eq!(after[302]["content"], "edited within the window: rollback");
    assert!(after.iter().all(|m| m["id"] != deleted["id"]));

    let db = rusqlite::Connection::open(out_dir.join("archive.sqlite")).unwrap();
    let row = |id: &Value| -> (String, Option<String>) {
        db.query_row(
            "select content, deleted_at from messages where id = ?1",
            [id.as_str().unwrap().parse::<i64>().unwrap()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    };
    let (text, gone) = row(&deleted["id"]);
    assert_eq!(
        text,
        deleted["content"].as_str().unwrap(),
        "the index keeps it"
    );
    assert!(
        gone.is_some_and(|t| t.ends_with('Z')),
        "deleted_at is a UTC time"
    );
    assert_eq!(row(&edited["id"]).0, "edited within the window: rollback");
    assert_eq!(row(&edited["id"]).1, None);
    let hits = |word: &str| -> i64 {
        db.query_row(
            "select count(*) from messages_fts where messages_fts match ?1",
            [word],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(hits("rollback"), 1, "full-text search sees the edit");
    assert_eq!(
        summary["messages"]["total"].as_u64(),
        Some(api.len() as u64)
    );

    // And a plain rerun after it still fetches nothing old.
    sb.clear_requests();
    let last = sb.run(&plain);
    assert!(last.status.success(), "{}", stderr(&last));
    assert_eq!(message_gets(&sb), 1);
    assert_eq!(file_messages(&out_dir, &general), after);
}

/// A `--refresh-since` run killed with SIGKILL at any moment, then run again, leaves the file
/// as Discord serves the channel (every message once, oldest first) and the index agreeing.
#[test]
fn kill_9_mid_refresh_then_the_same_command_finishes_it() {
    let sb = Sandbox::start();
    let random = channel_named(&sb, "random");
    sb.admin(
        "post",
        "/_sandbox/seed-messages",
        Some(&format!(r#"{{"channel_id":"{random}","count":6000}}"#)),
    );
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("archive");
    let mut args = vec![
        "export",
        random.as_str(),
        "--out",
        out_dir.to_str().unwrap(),
        "--include-threads",
        "none",
    ];
    assert!(sb.run(&args).status.success());
    let before = file_ids(&out_dir, &random);
    for i in [3000, 4000] {
        let out = sb.run(&["delete-message", &random, &before[i].to_string(), "--yes"]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let since = before[1].to_string();
    args.extend(["--refresh-since", since.as_str()]);
    let staged = out_dir.join(format!("channels/{random}.jsonl.refresh"));
    let kills = kill_while_growing(&sb, &args, &staged);
    assert!(kills > 0, "the refresh finished before it could be killed");
    let out = sb.run(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    let api_ids: Vec<u64> = api_messages(&sb, &random).iter().map(id_of).collect();
    assert_eq!(api_ids.len(), 5998);
    assert_eq!(
        file_ids(&out_dir, &random),
        api_ids,
        "every message once, oldest first"
    );
    assert!(!staged.exists());
    let db = rusqlite::Connection::open(out_dir.join("archive.sqlite")).unwrap();
    let gone: i64 = db
        .query_row(
            "select count(*) from messages where deleted_at is not null",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(gone, 2);
}

/// Progress is drawn on a terminal only: under util-linux `script` stderr is a pseudo-terminal
/// (stdout goes to a file) and shows a line per channel and an overall line; in a pipe stderr
/// stays empty.
#[test]
fn progress_per_channel_and_overall_on_a_terminal_only() {
    let sb = Sandbox::start();
    let random = channel_named(&sb, "random");
    sb.admin(
        "post",
        "/_sandbox/seed-messages",
        Some(&format!(r#"{{"channel_id":"{random}","count":2000}}"#)),
    );
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.json");
    let template = sb.cmd();
    let mut cmd = std::process::Command::new("script");
    for (k, v) in template.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    // A lower global limit keeps the 20 pages on screen long enough to be drawn.
    let shell = format!(
        "'{}' --global-limit 10 export {random} --include-threads none --out '{}' > '{}'",
        common::BIN,
        dir.path().join("tty").display(),
        summary.display()
    );
    let out = cmd
        .args(["-qec", &shell, "/dev/null"])
        .stdin(Stdio::null())
        .output()
        .expect("run script (util-linux)");
    assert!(out.status.success(), "{}", stderr(&out));
    let terminal = String::from_utf8_lossy(&out.stdout);
    assert!(
        terminal.contains("export: 0 of 1 channels") && terminal.contains(" pages"),
        "no overall line on the terminal: {terminal:?}"
    );
    assert!(
        terminal.contains("#random: ") && terminal.contains(" messages, "),
        "no channel line on the terminal: {terminal:?}"
    );
    let printed: Value = serde_json::from_str(&std::fs::read_to_string(&summary).unwrap())
        .expect("stdout is the summary");
    assert_eq!(printed["messages"]["new"], 2000);

    let piped = sb.run(&[
        "export",
        &random,
        "--include-threads",
        "none",
        "--out",
        dir.path().join("pipe").to_str().unwrap(),
    ]);
    assert!(piped.status.success());
    assert!(piped.stderr.is_empty(), "{}", stderr(&piped));
}
