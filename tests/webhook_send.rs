//! End-to-end: `send-message --webhook URL` and `DISCORD_WEBHOOK_URL` post through the webhook
//! (Discord's docs, Webhook resource, "Execute Webhook": `POST /webhooks/{id}/{token}`, the
//! token in the path authorizes, and `wait=true` makes Discord answer with the message). No bot
//! token is needed or sent, the webhook token is never printed, and `--split` and `--file` work
//! through the webhook as they do to a channel.

mod common;

use common::{json, output_with_stdin, stderr, stdout, Sandbox};
use serde_json::Value;

/// A webhook on the seeded channel: (channel id, webhook URL as Discord gives it, its token).
fn webhook(sb: &Sandbox) -> (String, String, String) {
    let channel = sb.general_channel();
    let hook = json(&sb.run(&["create-webhook", &channel, "--name", "ci"]));
    let id = hook["id"].as_str().expect("webhook id");
    let token = hook["token"].as_str().expect("webhook token").to_string();
    let url = format!("https://discord.com/api/webhooks/{id}/{token}");
    (channel, url, token)
}

/// A command against the sandbox with no bot token anywhere.
fn tokenless(sb: &Sandbox) -> std::process::Command {
    let mut cmd = sb.cmd();
    cmd.env_remove("DISCORD_TOKEN");
    cmd
}

/// The requests the sandbox received, each checked to be an Execute Webhook without any
/// Authorization header.
fn webhook_posts(sb: &Sandbox, token: &str) -> Vec<Value> {
    let requests = sb.requests();
    for r in &requests {
        assert_eq!(r["method"], "POST", "{r}");
        let path = r["path"].as_str().unwrap_or_default();
        assert!(
            path.starts_with("/webhooks/") && path.ends_with(token),
            "{r}"
        );
        assert!(
            r["auth_scheme"].is_null(),
            "an Authorization header went along: {r}"
        );
        let headers = r["headers"].as_object().expect("headers");
        assert!(
            !headers
                .keys()
                .any(|h| h.eq_ignore_ascii_case("authorization")),
            "{r}"
        );
        assert_eq!(r["query"]["wait"], "true", "{r}");
    }
    requests
}

/// The channel's messages, newest first (read with the bot token).
fn messages(sb: &Sandbox, channel: &str) -> Vec<Value> {
    let out = sb.run(&["get-channel-messages", channel, "--limit", "10"]);
    json(&out).as_array().cloned().unwrap_or_default()
}

#[test]
fn webhook_flag_posts_without_a_bot_token() {
    let sb = Sandbox::start();
    let (channel, url, token) = webhook(&sb);
    sb.clear_requests();
    let out = tokenless(&sb)
        .args(["send-message", "--webhook", &url, "deploy finished"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["content"], "deploy finished");
    assert_eq!(webhook_posts(&sb, &token).len(), 1);
    assert_eq!(messages(&sb, &channel)[0]["content"], "deploy finished");
    // Even with a bot token at hand, none travels with the webhook's.
    sb.clear_requests();
    let out = sb.run(&["send-message", "--webhook", &url, "again"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(webhook_posts(&sb, &token).len(), 1);
}

#[test]
fn the_environment_variable_is_the_target_when_none_is_given() {
    let sb = Sandbox::start();
    let (channel, url, token) = webhook(&sb);
    sb.clear_requests();
    let out = tokenless(&sb)
        .env("DISCORD_WEBHOOK_URL", &url)
        .args(["send-message", "from the environment"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    let mut piped = tokenless(&sb);
    piped.env("DISCORD_WEBHOOK_URL", &url).arg("send-message");
    let out = output_with_stdin(&mut piped, b"from a pipe\n");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(webhook_posts(&sb, &token).len(), 2);
    let got = messages(&sb, &channel);
    assert_eq!(got[0]["content"], "from a pipe");
    assert_eq!(got[1]["content"], "from the environment");
    // A channel and a message given: the channel is the target, the variable is not used.
    sb.clear_requests();
    let out = sb
        .cmd()
        .env("DISCORD_WEBHOOK_URL", &url)
        .args(["send-message", &channel, "to the channel"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    let r = &sb.requests()[0];
    assert_eq!(r["path"], format!("/channels/{channel}/messages").as_str());
    // One id alone could be the channel or the message: refused, naming both readings.
    let out = tokenless(&sb)
        .env("DISCORD_WEBHOOK_URL", &url)
        .args(["send-message", &channel])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.contains("channel") && err.contains("--webhook"),
        "{err}"
    );
    assert!(!err.contains(&token), "{err}");
}

#[test]
fn split_and_files_go_through_the_webhook() {
    let sb = Sandbox::start();
    let (channel, url, token) = webhook(&sb);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("log.txt");
    std::fs::write(&file, "build log\n").expect("write");
    sb.clear_requests();
    // Discord's limit is 2000 characters per message: 2500 go as two, in order.
    let text = format!("{} {}", "a".repeat(1500), "b".repeat(999));
    let out = tokenless(&sb)
        .args(["send-message", "--webhook", &url, &text, "--split"])
        .args(["--file", file.to_str().expect("path")])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(webhook_posts(&sb, &token).len(), 2);
    let got = messages(&sb, &channel);
    assert_eq!(got[1]["content"], "a".repeat(1500).as_str());
    assert_eq!(got[0]["content"], "b".repeat(999).as_str());
    let attachments = got[0]["attachments"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(attachments.len(), 1, "{}", got[0]);
    assert_eq!(attachments[0]["filename"], "log.txt");
}

#[test]
fn the_webhook_token_is_never_printed() {
    let sb = Sandbox::start();
    let (_, url, token) = webhook(&sb);
    let runs: Vec<Vec<&str>> = vec![
        vec!["send-message", "--webhook", &url, "x", "--dry-run"],
        vec!["send-message", "--webhook", &url, "x", "-v"],
        // Refusals: a reply through a webhook, a URL with a path after the token, an embed
        // over Discord's limits.
        vec!["send-message", "--webhook", &url, "x", "--reply-to", "1"],
    ];
    let with_path = format!("{url}/slack");
    let long_title = format!("{{\"title\":\"{}\"}}", "t".repeat(257));
    let mut runs = runs;
    runs.push(vec!["send-message", "--webhook", &with_path, "x"]);
    runs.push(vec![
        "send-message",
        "--webhook",
        &url,
        "--embed",
        &long_title,
    ]);
    for args in &runs {
        let out = tokenless(&sb).args(args).output().expect("run");
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert!(!all.contains(&token), "{args:?} printed the token: {all}");
        if args.contains(&"--dry-run") {
            assert!(out.status.success(), "{all}");
            assert!(all.contains("/webhooks/") && all.contains("████"), "{all}");
            assert!(!all.contains("Authorization"), "{all}");
        } else if !args.contains(&"-v") {
            assert_eq!(out.status.code(), Some(2), "{args:?}: {all}");
            assert!(out.stdout.is_empty(), "{args:?}");
            assert_eq!(stderr(&out).trim_end().lines().count(), 1, "{all}");
        }
    }
    // Discord's Embed Limits: a title is at most 256 characters; the error points inside.
    let out = tokenless(&sb)
        .args(["send-message", "--webhook", &url, "--embed", &long_title])
        .output()
        .expect("run");
    assert!(
        stderr(&out).contains("--embed[0].title"),
        "{}",
        stderr(&out)
    );
    // Discord's answer to a wrong token (404 Unknown Webhook) is shown without the token.
    let wrong = "wrong-token-0123456789abcdef";
    let out = tokenless(&sb)
        .args(["send-message", "-v", "--webhook"])
        .arg(format!("https://discord.com/api/webhooks/1/{wrong}"))
        .arg("x")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(all.contains("10015") && !all.contains(wrong), "{all}");
    // A bad value in the environment is named without echoing it.
    let out = tokenless(&sb)
        .env(
            "DISCORD_WEBHOOK_URL",
            format!("https://example.com/hooks/{token}"),
        )
        .args(["send-message", "hi"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("DISCORD_WEBHOOK_URL") && !err.contains(&token),
        "{err}"
    );
}
