//! End-to-end: what a new user meets in the first hour (issue 15): suggestions for mistyped
//! commands and values, send-message's body options, threads, DMs and mention safety, stdin
//! and neighbouring tools' habits on the raw commands, auth status and profiles, `discord man`.

mod common;

use common::{json, output_with_stdin, stderr, stdout, Sandbox};
use serde_json::{json, Value};

/// The body of the last request the sandbox received for `method` `path`.
fn last_body(sb: &Sandbox, method: &str, path: &str) -> Value {
    sb.requests()
        .into_iter()
        .rev()
        .find(|r| r["method"] == method && r["path"] == path)
        .map(|r| r["body"].clone())
        .unwrap_or_else(|| panic!("no {method} {path} in the sandbox's log"))
}

/// A member of the seeded guild other than the bot.
fn some_user(sb: &Sandbox) -> String {
    let guild = sb.guild_id();
    let members = json(&sb.run(&["get", &format!("/guilds/{guild}/members"), "-q", "limit=5"]));
    members[1]["user"]["id"]
        .as_str()
        .expect("user id")
        .to_string()
}

#[test]
fn mistyped_commands_suggest_typed_ones_and_a_search() {
    let sb = Sandbox::start();
    for (typed, expected, search) in [
        ("kick", "remove-guild-member", "member"),
        ("ban", "create-guild-ban", "ban"),
        ("edit-channel", "modify-channel", "channel"),
        ("create-role", "create-guild-role", "role"),
        ("get-chanel", "get-channel", "channel"),
        ("create-mesage", "create-message", "message"),
    ] {
        let out = sb.run(&[typed, "123"]);
        assert_eq!(out.status.code(), Some(2), "{typed}");
        let err = stderr(&out);
        assert!(
            err.contains(&format!("did you mean {expected}?")),
            "{typed}: {err}"
        );
        assert!(
            err.trim_end()
                .ends_with(&format!("search with 'discord endpoints {search}'")),
            "{typed}: {err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    // The suggested search really finds the command.
    let out = sb.run(&["endpoints", "member"]);
    assert!(stdout(&out).contains("remove-guild-member"));
    assert!(sb.requests().iter().all(|r| r["method"] == "GET"));
}

#[test]
fn batch_lines_get_the_same_suggestions() {
    let sb = Sandbox::start();
    let out = output_with_stdin(
        sb.cmd().arg("batch"),
        br#"{"command":"create-role","args":["1","--name","x"]}
"#,
    );
    let line: Value = serde_json::from_slice(&out.stdout).expect("one JSON result line");
    let error = line["error"].as_str().unwrap_or_default().to_string() + &line.to_string();
    assert!(error.contains("did you mean create-guild-role?"), "{line}");
    assert!(error.contains("discord endpoints role"), "{line}");
}

#[test]
fn mistyped_intents_events_and_permissions_say_did_you_mean() {
    let sb = Sandbox::start();
    let out = sb.run(&[
        "listen",
        "--intents",
        "GUILDS,GUILD_MESAGES",
        "--max-events",
        "1",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("did you mean GUILD_MESSAGES?"), "{err}");
    assert!(
        !err.contains("DIRECT_MESSAGE_POLLS"),
        "no dump of every name: {err}"
    );

    let out = sb.run(&["listen", "--events", "MESSAGE_CREAT", "--max-events", "1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("did you mean MESSAGE_CREATE?"),
        "{}",
        stderr(&out)
    );

    let guild = sb.guild_id();
    let out = sb.run(&[
        "create-guild-role",
        &guild,
        "--name",
        "m",
        "--permissions",
        "KICK_MEMBER",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("did you mean KICK_MEMBERS?"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn listen_warns_once_when_message_content_is_missing() {
    let sb = Sandbox::start();
    let out = sb.run(&[
        "listen",
        "--intents",
        "GUILDS,GUILD_MESSAGES",
        "--events",
        "MESSAGE_CREATE",
        "--dry-run",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(err.matches("MESSAGE_CONTENT intent").count(), 1, "{err}");
    let out = sb.run(&[
        "listen",
        "--intents",
        "GUILDS,GUILD_MESSAGES,MESSAGE_CONTENT",
        "--events",
        "MESSAGE_CREATE",
        "--dry-run",
    ]);
    assert!(!stderr(&out).contains("MESSAGE_CONTENT intent"));
}

#[test]
fn send_message_takes_body_options_components_poll_stickers_and_threads() {
    let sb = Sandbox::start();
    let channel = sb.general_channel();
    // Discord's Create Message: components is an array of action rows, poll a poll request
    // object, sticker_ids up to 3 ids; a thread is a channel and is posted to directly.
    let out = sb.run(&[
        "send-message",
        &channel,
        "vote",
        "--components",
        r#"[{"type":1,"components":[{"type":2,"style":1,"label":"ok","custom_id":"ok"}]}]"#,
        "--poll",
        r#"{"question":{"text":"Lunch?"},"answers":[{"poll_media":{"text":"Pizza"}}]}"#,
        "-f",
        "nonce=n1",
        "-F",
        "enforce_nonce=true",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let body = last_body(&sb, "POST", &format!("/channels/{channel}/messages"));
    assert_eq!(body["content"], "vote");
    assert_eq!(body["components"][0]["components"][0]["custom_id"], "ok");
    assert_eq!(body["poll"]["question"]["text"], "Lunch?");
    assert_eq!(body["nonce"], "n1");
    assert_eq!(body["enforce_nonce"], true);

    let out = sb.run(&[
        "send-message",
        &channel,
        "--thread",
        "222222222222222222",
        "--sticker",
        "111111111111111111",
        "--body",
        r#"{"flags":4}"#,
        "--dry-run",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("/channels/222222222222222222/messages"),
        "{text}"
    );
    assert!(
        text.contains(r#""sticker_ids":["111111111111111111"]"#),
        "{text}"
    );
    assert!(text.contains(r#""flags":4"#), "{text}");

    let four = [
        "--sticker",
        "1",
        "--sticker",
        "2",
        "--sticker",
        "3",
        "--sticker",
        "4",
    ];
    let out = sb.run(&[&["send-message", &channel][..], &four[..]].concat());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("at most 3 stickers"));
    let out = sb.run(&["send-message", &channel, "--components", "{}"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--components"), "{}", stderr(&out));
}

#[test]
fn content_from_stdin_or_a_file_pings_nobody_unless_allowed() {
    let sb = Sandbox::start();
    let channel = sb.general_channel();
    let path = format!("/channels/{channel}/messages");
    // Discord's Allowed Mentions: "parse": [] suppresses every mention in the content.
    let out = output_with_stdin(
        sb.cmd().args(["send-message", &channel, "-"]),
        b"deploy done @everyone\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let body = last_body(&sb, "POST", &path);
    assert_eq!(body["content"], "deploy done @everyone");
    assert_eq!(body["allowed_mentions"], json!({"parse": []}));

    // A pipe with nothing else to send is the content too.
    let out = output_with_stdin(sb.cmd().args(["send-message", &channel]), b"piped @here\n");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        last_body(&sb, "POST", &path)["allowed_mentions"],
        json!({"parse": []})
    );

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("m.json");
    std::fs::write(&file, r#"{"content":"@everyone from a file"}"#).unwrap();
    let data = format!("@{}", file.display());
    let out = sb.run(&["send-message", &channel, "--body", &data]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        last_body(&sb, "POST", &path)["allowed_mentions"],
        json!({"parse": []})
    );

    let out = output_with_stdin(
        sb.cmd()
            .args(["send-message", &channel, "-", "--allow-mentions"]),
        b"@everyone meant\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(last_body(&sb, "POST", &path)
        .get("allowed_mentions")
        .is_none());

    // Typed on the command line: Discord's default (parse everything) is kept.
    let out = sb.run(&["send-message", &channel, "hi @everyone"]);
    assert!(out.status.success());
    assert!(last_body(&sb, "POST", &path)
        .get("allowed_mentions")
        .is_none());
}

#[test]
fn replies_ping_unless_no_reply_ping() {
    let sb = Sandbox::start();
    let channel = sb.general_channel();
    let path = format!("/channels/{channel}/messages");
    let first = json(&sb.run(&["send-message", &channel, "first"]));
    let id = first["id"].as_str().unwrap();
    let out = sb.run(&[
        "send-message",
        &channel,
        "re",
        "--reply-to",
        id,
        "--no-reply-ping",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let body = last_body(&sb, "POST", &path);
    assert_eq!(body["message_reference"]["message_id"], id);
    // Discord's Allowed Mentions: replied_user false keeps the author from being pinged; the
    // other mentions keep Discord's default of parsing everything.
    assert_eq!(body["allowed_mentions"]["replied_user"], false);
    assert_eq!(
        body["allowed_mentions"]["parse"],
        json!(["users", "roles", "everyone"])
    );
    // Piped content in a reply: nothing parsed, but the reply still pings (sending the object
    // would otherwise turn replied_user off, its documented default).
    let out = output_with_stdin(
        sb.cmd()
            .args(["send-message", &channel, "-", "--reply-to", id]),
        b"log\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        last_body(&sb, "POST", &path)["allowed_mentions"],
        json!({"parse": [], "replied_user": true})
    );
    let out = sb.run(&["send-message", &channel, "x", "--no-reply-ping"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "--no-reply-ping needs --reply-to"
    );
}

#[test]
fn send_message_dm_opens_or_reuses_the_dm_channel() {
    let sb = Sandbox::start();
    let user = some_user(&sb);
    let first = json(&sb.run(&["send-message", "--dm", &user, "hello"]));
    assert_eq!(first["content"], "hello");
    let second = json(&sb.run(&["send-message", "--dm", &user, "again"]));
    assert_eq!(first["channel_id"], second["channel_id"]);
    let opens: Vec<Value> = sb
        .requests()
        .into_iter()
        .filter(|r| r["method"] == "POST" && r["path"] == "/users/@me/channels")
        .collect();
    assert_eq!(opens.len(), 2);
    // Discord's Create DM: the body is {"recipient_id": snowflake}.
    assert_eq!(opens[0]["body"], json!({"recipient_id": user}));
    let dm = first["channel_id"].as_str().unwrap();
    let channel = json(&sb.run(&["get", &format!("/channels/{dm}")]));
    assert_eq!(channel["type"], 1);

    let out = sb.run(&["send-message", "--dm", "not-an-id", "x"]);
    assert_eq!(out.status.code(), Some(2));
    let out = sb.run(&["send-message", "123", "--dm", &user, "x"]);
    assert_eq!(out.status.code(), Some(2), "a channel and --dm");
}

#[test]
fn piped_stdin_and_dash_are_the_body_of_post_patch_put() {
    let sb = Sandbox::start();
    let channel = sb.general_channel();
    let path = format!("/channels/{channel}/messages");
    let out = output_with_stdin(
        sb.cmd().args(["post", &path]),
        br#"{"content":"from a pipe"}"#,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(last_body(&sb, "POST", &path)["content"], "from a pipe");

    let out = output_with_stdin(
        sb.cmd().args(["post", &path, "-"]),
        br#"{"content":"dash"}"#,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let sent = json(&out);
    assert_eq!(last_body(&sb, "POST", &path)["content"], "dash");

    let edit = format!("{path}/{}", sent["id"].as_str().unwrap());
    let out = output_with_stdin(sb.cmd().args(["patch", &edit]), br#"{"content":"edited"}"#);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["content"], "edited");

    // --ignore-stdin leaves a pipe alone (a 'while read' loop keeps its lines).
    sb.clear_requests();
    let typing = format!("/channels/{channel}/typing");
    let out = output_with_stdin(
        sb.cmd().args(["post", &typing, "--ignore-stdin"]),
        b"next line of a loop\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(last_body(&sb, "POST", &typing), Value::Null);
    // Invalid JSON on stdin is refused before anything is sent.
    sb.clear_requests();
    let out = output_with_stdin(sb.cmd().args(["post", &path]), b"not json");
    assert_eq!(out.status.code(), Some(2));
    assert!(sb.requests().is_empty());
}

#[test]
fn httpie_items_and_get_bodies_are_refused_with_the_right_flag() {
    let sb = Sandbox::start();
    let channel = sb.general_channel();
    let path = format!("/channels/{channel}/messages");
    sb.clear_requests();
    for (args, hint) in [
        (vec!["post", &path, "content=hi"], "-f 'content=hi'"),
        (vec!["get", &path, "limit==5"], "-q 'limit=5'"),
        (vec!["post", &path, "tts:=true"], "-F 'tts=true'"),
        (
            vec!["get", &path, r#"{"limit":5}"#],
            "a GET request has no body",
        ),
        (
            vec!["get", &path, "--body", r#"{"limit":5}"#],
            "a GET request has no body",
        ),
        (
            vec!["get", &path, "--file", "Cargo.toml"],
            "a GET request cannot upload files",
        ),
    ] {
        let out = sb.run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(hint), "{args:?}: {}", stderr(&out));
    }
    assert!(sb.requests().is_empty(), "nothing was sent");
    // -f on a GET is still a query parameter, as in gh api.
    let out = sb.run(&["get", &path, "-f", "limit=2"]);
    assert!(out.status.success());
    assert_eq!(json(&out).as_array().map(Vec::len), Some(2));
}

#[test]
fn profiles_keep_their_api_base_and_auth_shows_and_lists_them() {
    let sb = Sandbox::start();
    let dir = sb.config_dir.path();
    // Logged in against the sandbox: the profile remembers the sandbox's base.
    let out = output_with_stdin(
        common::base_cmd(dir).args(["--profile", "sb", "--api-url", &sb.api_url, "login"]),
        format!("{}\n", sb.token).as_bytes(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let config = std::fs::read_to_string(dir.join("config.json")).unwrap();
    assert!(config.contains(&sb.api_url), "{config}");

    // No --api-url and no DISCORD_API_URL: the profile alone points at the sandbox.
    let out = common::base_cmd(dir)
        .args(["--profile", "sb", "auth", "status"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let status = json(&out);
    assert_eq!(status["user"]["username"], "Sandbox Bot");
    assert_eq!(status["profile"], "sb");
    assert_eq!(status["api_url"], sb.api_url.as_str());
    assert_eq!(status["token_type"], "bot");
    assert!(status["token_from"]
        .as_str()
        .unwrap()
        .contains("profile 'sb'"));
    assert!(
        !stdout(&out).contains(&sb.token),
        "the token is never printed"
    );

    let out = sb.run(&["auth", "status"]);
    let status = json(&out);
    assert_eq!(status["token_from"], "DISCORD_TOKEN");
    assert_eq!(status["api_url_from"], "DISCORD_API_URL");

    let out = common::base_cmd(dir)
        .args(["auth", "list"])
        .output()
        .unwrap();
    assert_eq!(stdout(&out), format!("sb\t{}\n", sb.api_url));

    // A token from elsewhere does not go to a base some profile stored, unless it is named.
    let out = common::base_cmd(dir)
        .env("DISCORD_TOKEN", "other-token")
        .args(["--profile", "sb", "--dry-run", "get", "/users/@me"])
        .output()
        .unwrap();
    assert!(stdout(&out).starts_with(&format!("GET {}/users/@me", sb.api_url)));
    let out = output_with_stdin(
        common::base_cmd(dir).args(["--api-url", &sb.api_url, "login"]),
        format!("{}\n", sb.token).as_bytes(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = common::base_cmd(dir)
        .env("DISCORD_TOKEN", "other-token")
        .args(["--dry-run", "get", "/users/@me"])
        .output()
        .unwrap();
    assert!(
        stdout(&out).starts_with("GET https://discord.com/api/v10/users/@me"),
        "{}",
        stdout(&out)
    );

    // A profile that does not exist names those that do.
    let out = common::base_cmd(dir)
        .args(["--profile", "nope", "get", "/users/@me"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("profile 'nope' does not exist"), "{err}");
    assert!(err.contains("stored profiles: default, sb"), "{err}");
}

#[test]
fn missing_and_refused_tokens_say_what_to_do() {
    let sb = Sandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let out = common::base_cmd(dir.path())
        .args(["--api-url", &sb.api_url, "get", "/users/@me"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    for hint in ["discord login", "DISCORD_TOKEN", "--sandbox"] {
        assert!(err.contains(hint), "{hint}: {err}");
    }
    let out = output_with_stdin(
        common::base_cmd(dir.path()).args(["--api-url", &sb.api_url, "login"]),
        b"not-the-token\n",
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("the token was refused (401 Unauthorized"),
        "{err}"
    );
    assert!(!err.contains("DISCORD_TOKEN"), "{err}");
    assert!(!dir.path().join("config.json").exists(), "nothing stored");
}

#[test]
fn man_says_where_the_pages_went_and_how_many() {
    let dir = tempfile::tempdir().unwrap();
    let man1 = dir.path().join("share").join("man").join("man1");
    let out = common::base_cmd(dir.path())
        .arg("man")
        .arg(&man1)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let written = std::fs::read_dir(&man1).unwrap().count();
    let err = stderr(&out);
    let shown = std::fs::canonicalize(&man1).unwrap();
    assert!(
        err.contains(&format!("wrote {written} man pages to {}", shown.display())),
        "{err}"
    );
    assert!(err.contains("MANPATH="), "{err}");
    assert!(written > 200 && man1.join("discord-send-message.1").exists());
}

#[test]
fn download_saves_a_messages_attachments_without_sending_the_token() {
    let sb = Sandbox::start();
    let channel = sb.general_channel();
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("report.txt");
    let b = dir.path().join("data.bin");
    std::fs::write(&a, "all green\n").unwrap();
    std::fs::write(&b, [0u8, 1, 2, 255]).unwrap();
    // URLs that expire at once (Discord's signed CDN URLs expire; the sandbox's can at once).
    sb.admin("post", "/_sandbox/cdn", Some(r#"{"ttl_seconds":0}"#));
    let out = sb.run(&[
        "send-message",
        &channel,
        "files",
        "--file",
        a.to_str().unwrap(),
        "--file",
        b.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let message = json(&out)["id"].as_str().unwrap().to_string();
    let into = dir.path().join("saved");
    let link = format!("https://discord.com/channels/1/{channel}/{message}");
    sb.clear_requests();
    let out = sb.run(&["download", &link, "--out", into.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read(into.join("report.txt")).unwrap(),
        b"all green\n"
    );
    assert_eq!(
        std::fs::read(into.join("data.bin")).unwrap(),
        [0u8, 1, 2, 255]
    );
    assert_eq!(stdout(&out).lines().count(), 2, "one path per file");
    // The message was fetched, and its expired URLs renewed through refresh-urls (Discord's
    // docs: "Signed Attachment CDN URLs") with the token; the CDN itself gets none.
    let log = sb.requests();
    assert!(log
        .iter()
        .any(|r| r["path"] == format!("/channels/{channel}/messages/{message}")));
    let refresh = log
        .iter()
        .find(|r| r["path"] == "/attachments/refresh-urls")
        .expect("expired URLs were refreshed");
    assert_eq!(refresh["method"], "POST");
    assert!(refresh["body"]["attachment_urls"][0]
        .as_str()
        .is_some_and(|u| u.contains("ex=")));
    // Again with CHANNEL MESSAGE: nothing is overwritten, the id goes in front.
    let out = sb.run(&["download", &channel, &message, "-o", into.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read_dir(&into).unwrap().count(), 4);
    let out = sb.run(&["download", "not-a-link"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn short_help_shows_own_arguments_and_examples_and_globals_are_listed_once() {
    let dir = tempfile::tempdir().unwrap();
    let help = |args: &[&str]| {
        let out = common::base_cmd(dir.path()).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        stdout(&out)
    };
    let short = help(&["send-message", "-h"]);
    assert!(short.contains("--components <JSON>") && short.contains("--dm <USER_ID>"));
    assert!(!short.contains("--connect-timeout"), "{short}");
    assert!(
        short.matches("\n  discord send-message").count() >= 2,
        "{short}"
    );
    assert!(short.contains("'discord --help'"));
    for cmd in [
        "get",
        "post",
        "listen",
        "login",
        "auth",
        "download",
        "batch",
        "endpoints",
    ] {
        let text = help(&[cmd, "-h"]);
        assert!(text.contains("discord "), "{cmd}");
        assert!(text.contains("Example"), "{cmd}: {text}");
        assert!(!text.contains("--no-rate-limit-cache"), "{cmd}: {text}");
    }
    // --help keeps everything, the global options under their own heading.
    let long = help(&["send-message", "--help"]);
    assert!(long.contains("Global options:") && long.contains("--connect-timeout"));
    // `discord --help` describes each global option once; `discord -h` names them on one line.
    let root = help(&["--help"]);
    assert_eq!(root.matches("--no-rate-limit-cache").count(), 1, "{root}");
    let root_short = help(&["-h"]);
    assert!(
        root_short.contains("--token --token-file --bearer --profile"),
        "{root_short}"
    );
}

#[test]
fn jq_takes_minus_c_format_strings_env_and_streams() {
    let sb = Sandbox::start();
    let guild = sb.guild_id();
    let path = format!("/guilds/{guild}/channels");
    let out = sb.run(&["get", &path, "-r", "--jq", ".[] | [.id, .name] | @tsv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.lines().any(|l| l.ends_with("\tgeneral")), "{text}");
    let out = sb.run(&["get", &path, "-r", "--jq", ".[0] | [.name, 1, null] | @csv"]);
    assert!(stdout(&out).ends_with("\",1,\n"), "{}", stdout(&out));
    let out = sb.run(&["get", "/users/@me", "-r", "--jq", ".username | @sh"]);
    assert_eq!(stdout(&out), "'Sandbox Bot'\n");
    let out = sb.run(&["get", "/users/@me", "-r", "--jq", ".username | @base64"]);
    assert_eq!(stdout(&out), "U2FuZGJveCBCb3Q=\n");
    let out = sb
        .cmd()
        .env("FIRST_HOUR", "yes")
        .args(["get", "/users/@me", "-r", "--jq", "$ENV.FIRST_HOUR"])
        .output()
        .unwrap();
    assert_eq!(stdout(&out), "yes\n");
    let out = sb.run(&["get", "/users/@me", "-c", "--jq", "[tostream] | length > 0"]);
    assert_eq!(stdout(&out), "true\n");
    // -c is jq's --compact-output, and ours.
    let out = sb.run(&["get", "/users/@me", "-c", "--jq", "{id}"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 1);
}

#[test]
fn listen_colours_on_a_terminal_and_pipes_stay_raw() {
    let dir = tempfile::tempdir().unwrap();
    let run = |tty: bool| {
        let mut cmd = common::base_cmd(dir.path());
        cmd.env_remove("NO_COLOR")
            .args(["--sandbox", "listen", "--max-events", "1"]);
        if tty {
            cmd.env("DISCORD_FORCE_TTY", "1");
        }
        cmd.output().unwrap()
    };
    let coloured = run(true);
    assert!(coloured.status.success(), "{}", stderr(&coloured));
    let text = stdout(&coloured);
    assert!(text.contains("\u{1b}["), "coloured on a terminal: {text}");
    assert_eq!(text.lines().count(), 1, "still one event per line");
    let raw = run(false);
    let line = stdout(&raw);
    assert!(!line.contains('\u{1b}'), "{line}");
    let event: Value = serde_json::from_str(line.trim()).expect("a pipe gets plain JSON");
    assert_eq!(event["t"], "READY");
}

#[test]
fn batch_on_a_terminal_folds_rate_limit_waits_into_one_line_and_sums_up_once() {
    // Discord's message limit (5 per 5 s per channel) at half the window: 12 posts must wait.
    let sb = Sandbox::start_with(&["--rate-limit-scale", "0.5"]);
    let channel = sb.general_channel();
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("lines.jsonl");
    let lines: Vec<String> = (0..12)
        .map(|i| {
            json!({"command": "create-message", "args": [channel, "--content", format!("m{i}")]})
                .to_string()
        })
        .collect();
    std::fs::write(&input, lines.join("\n")).unwrap();
    let inner = format!(
        "stty cols 200; '{}' batch < '{}' > /dev/null",
        common::BIN,
        input.display()
    );
    // On a pseudo-terminal (util-linux `script`), with the sandbox's environment.
    let mut cmd = std::process::Command::new("script");
    for (k, v) in sb.cmd().get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    let out = cmd
        .args(["-qec", &inner, "/dev/null"])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run script (util-linux)");
    let shown = String::from_utf8_lossy(&out.stdout).into_owned();
    // No line of its own per wait: the waits are in the progress line, with the route.
    assert!(!shown.contains("rate limited on"), "{shown}");
    assert!(
        shown.contains(&format!("on POST /channels/{channel}/messages")),
        "{shown}"
    );
    assert_eq!(shown.matches("batch: 12 requests in").count(), 1, "{shown}");
    assert!(shown.contains("held back for rate limits"), "{shown}");
    // Rates are shown with a few digits, not four decimals.
    let summary = shown.split("batch: ").nth(1).unwrap_or_default();
    let rate = summary.split('(').nth(1).unwrap_or_default();
    let number = rate.split("/s").next().unwrap_or_default();
    assert!(number.len() <= 4, "{summary}");
    assert_eq!(
        sb.requests()
            .iter()
            .filter(|r| r["method"] == "POST")
            .count(),
        12
    );
}
