//! End-to-end: webhook URLs as Discord hands them out (`https://discord.com/api/webhooks/ID/TOKEN`)
//! work as the path of a raw command and as the positional of the webhook commands, against
//! the sandbox; no bot token travels with a webhook token (Discord's docs, Execute Webhook:
//! the token in the path authorizes, no Authorization header is needed), and the webhook token
//! is never printed.

mod common;

use common::{json, stderr, stdout, Sandbox};

fn webhook(sb: &Sandbox) -> (String, String) {
    let channel = sb.general_channel();
    let hook = json(&sb.run(&["create-webhook", &channel, "--name", "ci"]));
    let id = hook["id"].as_str().expect("webhook id").to_string();
    let token = hook["token"].as_str().expect("webhook token").to_string();
    (id, token)
}

#[test]
fn a_webhook_url_is_a_raw_path_and_a_typed_positional() {
    let sb = Sandbox::start();
    let (id, token) = webhook(&sb);
    let url = format!("https://discord.com/api/webhooks/{id}/{token}");
    sb.clear_requests();
    let raw = sb.run(&["post", &format!("{url}?wait=true"), "-f", "content=raw"]);
    assert!(raw.status.success(), "{}", stderr(&raw));
    assert_eq!(json(&raw)["content"], "raw");
    let typed = sb.run(&["execute-webhook", &url, "--content", "typed", "--wait"]);
    assert!(typed.status.success(), "{}", stderr(&typed));
    assert_eq!(json(&typed)["content"], "typed");
    let got = sb.run(&["get-webhook", &url]);
    assert_eq!(json(&got)["id"], id.as_str());
    let requests = sb.requests();
    assert_eq!(requests.len(), 3, "{requests:?}");
    for r in requests {
        let path = r["path"].as_str().unwrap_or_default();
        assert!(path.starts_with(&format!("/webhooks/{id}/")), "{r}");
        // The sandbox logs the auth scheme it saw: none with a webhook token.
        assert!(r["auth_scheme"].is_null(), "a bot token went along: {r}");
    }
}

#[test]
fn the_webhook_token_is_never_printed() {
    let sb = Sandbox::start();
    let (_, token) = webhook(&sb);
    let url = format!("https://discord.com/api/webhooks/1/{token}");
    for args in [
        vec!["post", url.as_str(), "-f", "content=x", "--dry-run"],
        vec!["execute-webhook", url.as_str(), "--content", "x", "-v"],
        vec!["get-webhook-with-token", url.as_str(), "-i"],
    ] {
        let out = sb.run(&args);
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert!(!all.contains(&token), "{args:?} printed the token: {all}");
        if !args.contains(&"-i") {
            assert!(all.contains("/webhooks/1/████"), "{args:?}: {all}");
        }
    }
}
