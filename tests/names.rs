//! Names, not numbers, end to end against the sandbox: every notation an id argument takes
//! (Discord's mention forms and message links from docs/reference.md "Message Formatting",
//! `#channel`, `guild/#channel`, guild and role names, `@user`, `@me`), ambiguity and misses
//! as usage errors, the names cache (warm hits ask Discord nothing, a deleted channel's stale
//! name is looked up again, two processes fill it at once, listen keeps it current), times as
//! cursors, `discord snowflake` and `--names`.

mod common;

use std::process::Stdio;

use common::{json, stderr, stdout, Sandbox};
use serde_json::Value;

/// The API requests the sandbox logged, as "METHOD /path" (attempts refused with 429 and sent
/// again by the rate-limit rules left out).
fn lines(sb: &Sandbox) -> Vec<String> {
    sb.requests()
        .iter()
        .filter(|r| r["status"] != 429)
        .map(|r| {
            format!(
                "{} {}",
                r["method"].as_str().unwrap_or(""),
                r["path"].as_str().unwrap_or("")
            )
        })
        .collect()
}

fn ok(out: &std::process::Output) -> Value {
    assert!(out.status.success(), "failed: {}", stderr(out));
    json(out)
}

fn bot_id(sb: &Sandbox) -> String {
    ok(&sb.run(&["get", "/users/@me"]))["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn channel_notations_all_reach_the_same_channel() {
    let sb = Sandbox::start();
    let guild = sb.guild_id();
    let general = sb.general_channel();
    for text in [
        "#general".to_string(),
        "#GENERAL".to_string(),
        "Sandbox Guild/#general".to_string(),
        format!("{guild}/#general"),
        format!("<#{general}>"),
        format!("https://discord.com/channels/{guild}/{general}"),
        general.clone(),
    ] {
        let out = sb.run(&["get-channel", &text]);
        assert_eq!(ok(&out)["id"], general.as_str(), "{text}");
    }
    let out = sb.run(&["get-guild", "Sandbox Guild"]);
    assert_eq!(ok(&out)["id"], guild.as_str());
    // A bare word where a channel goes is taken for a mistyped id: nothing is looked up.
    sb.clear_requests();
    let out = sb.run(&["get-channel", "general"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("#name"), "{}", stderr(&out));
    assert!(sb.requests().is_empty());
}

#[test]
fn users_members_roles_and_me() {
    let sb = Sandbox::start();
    let me = bot_id(&sb);
    assert_eq!(ok(&sb.run(&["get-user", "@me"]))["id"], me.as_str());
    let member = ok(&sb.run(&["get-guild-member", "Sandbox Guild", "@member0001"]));
    assert_eq!(member["user"]["username"], "member0001");
    let uid = member["user"]["id"].as_str().unwrap().to_string();
    // Without a guild a user is searched for in every guild the bot is in.
    assert_eq!(
        ok(&sb.run(&["get-user", "@member0001"]))["id"],
        uid.as_str()
    );
    for mention in [format!("<@{uid}>"), format!("<@!{uid}>")] {
        assert_eq!(ok(&sb.run(&["get-user", &mention]))["id"], uid.as_str());
    }
    let me_member = ok(&sb.run(&["get-guild-member", "Sandbox Guild", "@me"]));
    assert_eq!(me_member["user"]["id"], me.as_str());
    let role = ok(&sb.run(&["get-guild-role", "Sandbox Guild", "moderators"]));
    assert_eq!(role["name"], "moderators");
    let rid = role["id"].as_str().unwrap();
    let by_mention = ok(&sb.run(&["get-guild-role", "Sandbox Guild", &format!("<@&{rid}>")]));
    assert_eq!(by_mention["id"], rid);
    // Member search asked Discord for the name (Search Guild Members: username prefix).
    assert!(sb.requests().iter().any(|r| r["path"]
        .as_str()
        .is_some_and(|p| p.ends_with("/members/search"))
        && r["query"]["query"] == "member0001"));
}

#[test]
fn a_mention_of_the_wrong_kind_is_refused_before_sending() {
    let sb = Sandbox::start();
    let general = sb.general_channel();
    sb.clear_requests();
    let out = sb.run(&["get-user", &format!("<#{general}>")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("channel mention"), "{}", stderr(&out));
    assert!(sb.requests().is_empty());
}

#[test]
fn ambiguity_lists_candidates_and_a_miss_says_what_was_searched() {
    let sb = Sandbox::start();
    let out = sb.run(&["create-guild-channel", "Sandbox Guild", "--name", "random"]);
    let second = ok(&out)["id"].as_str().unwrap().to_string();
    sb.clear_requests();
    let out = sb.run(&["send-message", "#random", "hi"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("matches 2 channels") && err.contains(&second),
        "{err}"
    );
    assert!(err.contains("in Sandbox Guild"), "{err}");
    // Nothing was posted anywhere.
    assert!(!lines(&sb).iter().any(|l| l.starts_with("POST")));
    let out = sb.run(&["get-channel", "#no-such-channel"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no channel named '#no-such-channel'"));
    assert!(stderr(&out).contains("searched"));
    let out = sb.run(&["get-guild-member", "Sandbox Guild", "@nobody-here"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no member named"), "{}", stderr(&out));
}

#[test]
fn a_warm_cache_asks_discord_nothing_and_is_private() {
    let sb = Sandbox::start();
    let general = sb.general_channel();
    ok(&sb.run(&["get-channel", "#general"]));
    sb.clear_requests();
    ok(&sb.run(&["get-channel", "#general"]));
    assert_eq!(lines(&sb), [format!("GET /channels/{general}")]);
    let dir = sb.config_dir.path().join("cache");
    let db = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .find(|e| e.file_name().to_string_lossy().ends_with(".sqlite"))
        .expect("a names database");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = db.metadata().unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // With an empty cache, --dry-run does not ask Discord to look a name up.
    let out = sb
        .cmd()
        .env("DISCORD_CACHE_DIR", sb.config_dir.path().join("other"))
        .args(["--dry-run", "get-channel", "#general"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "--dry-run asks Discord nothing");
    assert!(stderr(&out).contains("cache sync"));
}

#[test]
fn a_deleted_channel_whose_cached_name_is_stale_is_looked_up_again() {
    let sb = Sandbox::start();
    let old = ok(&sb.run(&["create-guild-channel", "Sandbox Guild", "--name", "temp"]));
    let old = old["id"].as_str().unwrap().to_string();
    ok(&sb.run(&["get-channel", "#temp"]));
    // Someone else (another cache) deletes it and makes a new #temp.
    let elsewhere = |args: &[&str]| {
        sb.cmd()
            .env("DISCORD_CACHE_DIR", sb.config_dir.path().join("elsewhere"))
            .args(args)
            .output()
            .unwrap()
    };
    ok(&elsewhere(&["delete-channel", &old, "--yes"]));
    let new = ok(&elsewhere(&[
        "create-guild-channel",
        "Sandbox Guild",
        "--name",
        "temp",
    ]));
    let new = new["id"].as_str().unwrap().to_string();
    sb.clear_requests();
    let sent = ok(&sb.run(&["send-message", "#temp", "hello"]));
    assert_eq!(sent["channel_id"], new.as_str());
    let log = lines(&sb);
    // The stale id got Discord's 404 (nothing created), the list was fetched again, and the
    // message went out once, to the new channel.
    assert_eq!(log.first(), Some(&format!("POST /channels/{old}/messages")));
    assert_eq!(
        log.iter().filter(|l| l.starts_with("POST")).count(),
        2,
        "{log:?}"
    );
    assert_eq!(log.last(), Some(&format!("POST /channels/{new}/messages")));
    // Once it is gone for good, the name is a miss.
    ok(&elsewhere(&["delete-channel", &new, "--yes"]));
    let out = sb.run(&["send-message", "#temp", "hello"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("no channel named"));
}

#[test]
fn two_processes_fill_the_cache_at_once() {
    let sb = Sandbox::start_with(&["--no-rate-limits"]);
    let spawn = || {
        sb.cmd()
            .args(["cache", "sync", "--members"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    for child in [a, b] {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(summary["members"], 3000);
    }
    let shown = stdout(&sb.run(&["cache", "show", "member2997"]));
    assert!(shown.contains("member\t"), "{shown}");
    sb.clear_requests();
    ok(&sb.run(&["get-guild-member", "Sandbox Guild", "@member2997"]));
    assert_eq!(lines(&sb).len(), 1, "names came from the cache");
    assert!(sb.run(&["cache", "clear"]).status.success());
    assert!(stdout(&sb.run(&["cache", "show"])).is_empty());
}

#[test]
fn done_when_commands_work_from_a_fresh_home() {
    let sb = Sandbox::start();
    let guild = sb.guild_id();
    let general = sb.general_channel();
    // A fresh cache: nothing known yet.
    assert!(sb.run(&["cache", "clear"]).status.success());
    let sent = ok(&sb.run(&["send-message", "#general", "hi"]));
    assert_eq!(sent["channel_id"], general.as_str());
    let mid = sent["id"].as_str().unwrap();
    let link = format!("https://discord.com/channels/{guild}/{general}/{mid}");
    sb.clear_requests();
    let out = sb.run(&["create-reaction", &link, "<:party:123>"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Create Reaction takes a custom emoji as name:id in the path (docs/resources/message.md).
    assert_eq!(
        lines(&sb),
        [format!(
            "PUT /channels/{general}/messages/{mid}/reactions/party:123/@me"
        )]
    );
    // An animated emoji's mention is sent the same way.
    sb.clear_requests();
    let out = sb.run(&["delete-own-reaction", &link, "<a:party:123>"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        lines(&sb),
        [format!(
            "DELETE /channels/{general}/messages/{mid}/reactions/party:123/@me"
        )]
    );
    let member = ok(&sb.run(&["get-guild-member", "Sandbox Guild", "@sandbox-owner"]));
    assert_eq!(member["user"]["username"], "sandbox-owner");
    let out = sb.run(&[
        "get",
        &format!("/channels/{general}/messages"),
        "-q",
        "after=2h",
        "--paginate",
    ]);
    let items = ok(&out);
    let items = items.as_array().unwrap();
    // Only messages of the last two hours, the one just sent among them (the seed also has
    // messages from 2024, which must not be listed).
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    assert!(items.len() > 1);
    for item in items {
        let id: u64 = item["id"].as_str().unwrap().parse().unwrap();
        let ms = (id >> 22) + 1_420_070_400_000;
        assert!(ms + 7_200_000 + 60_000 >= now_ms, "{id} is older than 2h");
    }
    assert!(items.iter().any(|m| m["id"] == mid));
}

#[test]
fn times_become_cursors_in_typed_flags_and_raw_queries() {
    let sb = Sandbox::start();
    let general = sb.general_channel();
    sb.clear_requests();
    let out = sb.run(&[
        "get-channel-messages",
        "#general",
        "--after",
        "2h",
        "--limit",
        "5",
    ]);
    ok(&out);
    let req = sb.requests().pop().unwrap();
    let after: u64 = req["query"]["after"].as_str().unwrap().parse().unwrap();
    // docs/reference.md "Snowflake IDs in Pagination": (ms since the Discord epoch) << 22.
    let ms = (after >> 22) as i64 + 1_420_070_400_000;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    assert!((now - ms - 7_200_000).abs() < 60_000, "{ms} vs {now}");
    assert_eq!(after & ((1 << 22) - 1), 0);
    let out = sb.run(&[
        "get",
        &format!("/channels/{general}/messages"),
        "-q",
        "before=2024-01-31T12:00:00Z",
        "-q",
        "limit=1",
    ]);
    ok(&out);
    let req = sb.requests().pop().unwrap();
    assert_eq!(req["query"]["before"], "1202221744128000000");
}

#[test]
fn snowflake_explains_ids_and_makes_boundaries() {
    let sb = Sandbox::start();
    // The example of docs/reference.md#snowflakes.
    let out = sb.run(&["snowflake", "175928847299117063"]);
    let v = ok(&out);
    assert_eq!(v["time"], "2016-04-30T11:18:25.796Z");
    assert_eq!(
        (v["worker"].as_u64(), v["process"].as_u64()),
        (Some(1), Some(0))
    );
    assert_eq!(v["increment"], 7);
    assert!(v["age"].as_str().unwrap().ends_with("ago"));
    let out = sb.run(&["snowflake", "--at", "2016-04-30T11:18:25.796Z"]);
    assert_eq!(
        ok(&out)["id"],
        (175928847299117063u64 >> 22 << 22).to_string()
    );
    let out = sb.run(&["snowflake", "--ago", "soon"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--ago"));
}

#[test]
fn names_annotate_output_and_listen_fills_the_cache() {
    let sb = Sandbox::start();
    let general = sb.general_channel();
    assert!(sb.run(&["cache", "clear"]).status.success());
    let out = sb.run(&[
        "listen",
        "--max-events",
        "1",
        "--names",
        "--events",
        "GUILD_CREATE",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let event: Value = serde_json::from_str(stdout(&out).lines().next().unwrap()).unwrap();
    assert_eq!(event["t"], "GUILD_CREATE");
    // READY was not printed (--events) but the cache learned the guild from GUILD_CREATE.
    assert_eq!(event["d"]["system_channel_id_name"], "#general");
    sb.clear_requests();
    let v = ok(&sb.run(&["get-channel", "#general", "--names"]));
    assert_eq!(v["guild_id_name"], "Sandbox Guild");
    assert_eq!(lines(&sb), [format!("GET /channels/{general}")]);
    // --no-cache: nothing is stored.
    let fresh = sb.config_dir.path().join("nocache");
    let out = sb
        .cmd()
        .env("DISCORD_CACHE_DIR", &fresh)
        .args(["listen", "--max-events", "2", "--no-cache"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let dbs = std::fs::read_dir(&fresh)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter(|e| e.file_name().to_string_lossy().starts_with("names-"))
                .count()
        })
        .unwrap_or(0);
    assert_eq!(dbs, 0);
}

#[test]
fn batch_lines_take_names() {
    let sb = Sandbox::start();
    let general = sb.general_channel();
    let guild = sb.guild_id();
    let mut cmd = sb.cmd();
    cmd.arg("batch");
    let input = format!(
        "{}\n{}\n{}\n",
        r##"{"command":"send-message","args":["#general","from batch"]}"##,
        r##"{"command":"get-channel","args":["Sandbox Guild/#general"]}"##,
        serde_json::json!({"method": "GET", "path": format!("/guilds/{guild}/roles")}),
    );
    assert!(!stdout(&sb.run(&["cache", "show", "moderators"])).contains("role"));
    let out = common::output_with_stdin(&mut cmd, input.as_bytes());
    assert!(out.status.success(), "{}", stderr(&out));
    let results: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(results[0]["body"]["channel_id"], general.as_str());
    assert_eq!(results[1]["body"]["id"], general.as_str());
    // The roles a batch line fetched are in the cache.
    assert!(stdout(&sb.run(&["cache", "show", "moderators"])).contains("role\t"));
}

#[test]
fn at_me_is_the_bots_application_where_an_application_id_goes() {
    let sb = Sandbox::start();
    let me = bot_id(&sb);
    sb.clear_requests();
    // The sandbox serves no application commands; what matters is where the request went.
    let _ = sb.run(&["get-global-application-commands", "@me"]);
    let log = lines(&sb);
    assert_eq!(
        log.first().map(String::as_str),
        Some("GET /applications/@me")
    );
    assert!(
        log.contains(&format!("GET /applications/{me}/commands")),
        "{log:?}"
    );
    // Remembered: the next run asks only for the commands.
    sb.clear_requests();
    let _ = sb.run(&["get-global-application-commands", "@me"]);
    assert_eq!(lines(&sb), [format!("GET /applications/{me}/commands")]);
}

/// A MESSAGE_CREATE dispatch from `username` (user id 424242424242424242), sent by the sandbox.
fn message_from(sb: &Sandbox, username: &str, n: u32) {
    let event = serde_json::json!({"t": "MESSAGE_CREATE", "d": {
        "id": format!("90000000000000000{n}"), "channel_id": "1", "content": format!("m{n}"),
        "author": {"id": "424242424242424242", "username": username, "discriminator": "0"},
    }});
    sb.admin(
        "post",
        "/_sandbox/gateway/dispatch",
        Some(&event.to_string()),
    );
}

#[test]
fn listen_learns_message_authors_and_their_renames() {
    let sb = Sandbox::start();
    let listen = sb
        .cmd()
        .args(["listen", "--events", "MESSAGE_CREATE", "--max-events", "3"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while sb.live_session().is_null() {
        assert!(
            std::time::Instant::now() < deadline,
            "listen never connected"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // The same author twice (stored once), then under a new name (stored again).
    message_from(&sb, "first_name", 1);
    message_from(&sb, "first_name", 2);
    message_from(&sb, "second_name", 3);
    let out = listen.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 3);
    let renamed = stdout(&sb.run(&["cache", "show", "second_name"]));
    assert!(renamed.contains("424242424242424242"), "{renamed}");
    let old = stdout(&sb.run(&["cache", "show", "first_name"]));
    assert!(!old.contains("424242424242424242"), "{old}");
}

#[test]
fn listen_learns_a_big_guilds_members_from_its_guild_create() {
    let sb = Sandbox::start();
    let listen = sb
        .cmd()
        .args(["listen", "--events", "GUILD_CREATE", "--max-events", "2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while sb.live_session().is_null() {
        assert!(
            std::time::Instant::now() < deadline,
            "listen never connected"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // More members than one write takes, so the list is learned in several batches.
    let members: Vec<Value> = (0..2500)
        .map(|i| {
            serde_json::json!({"user": {"id": format!("{}", 610000000000000000u64 + i),
                "username": format!("member_{i}")}, "nick": format!("nick_{i}"), "roles": []})
        })
        .collect();
    let event = serde_json::json!({"t": "GUILD_CREATE", "d": {
        "id": "620000000000000000", "name": "Big Guild", "roles": [],
        "channels": [{"id": "630000000000000000", "name": "big-general", "type": 0}],
        "members": members,
    }});
    // Too long for a command-line argument: the body goes in on stdin.
    let mut post = sb.cmd();
    post.args([
        "--api-url",
        &sb.root_url(),
        "post",
        "/_sandbox/gateway/dispatch",
        "-",
    ]);
    let posted = common::output_with_stdin(&mut post, event.to_string().as_bytes());
    assert!(posted.status.success(), "{}", stderr(&posted));
    let out = listen.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    for (name, id) in [
        ("member_0", "610000000000000000"),
        ("member_2499", "610000000000002499"),
        ("nick_1234", "610000000000001234"),
        ("big-general", "630000000000000000"),
        ("Big Guild", "620000000000000000"),
    ] {
        let shown = stdout(&sb.run(&["cache", "show", name]));
        assert!(shown.contains(id), "{name}: {shown}");
    }
}
