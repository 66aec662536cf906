//! End-to-end: the sandbox itself: seeded state, statefulness, Discord's error shapes, real
//! rate limits with 429s, and the admin routes tests rely on.

mod common;

use common::{json, stderr, Sandbox};
use serde_json::Value;

#[test]
fn seeded_world_with_real_snowflakes() {
    let sb = Sandbox::start();
    let me = json(&sb.run(&["get", "/users/@me"]));
    let id: u64 = me["id"].as_str().unwrap().parse().unwrap();
    // A snowflake's top bits are milliseconds since 2015; the seed is dated 2024.
    let ms = (id >> 22) + 1_420_070_400_000;
    assert!(ms >= 1_704_067_200_000, "{ms}");
    let guilds = json(&sb.run(&["get", "/users/@me/guilds"]));
    let guild = guilds[0]["id"].as_str().unwrap();
    let g = json(&sb.run(&["get", &format!("/guilds/{guild}"), "-q", "with_counts=true"]));
    assert!(g["approximate_member_count"].as_u64().unwrap() >= 1000);
    assert!(g["roles"].as_array().unwrap().len() >= 2);
}

#[test]
fn state_persists_across_requests() {
    let sb = Sandbox::start();
    let channel = sb.general_channel();
    let created = json(&sb.run(&[
        "post",
        &format!("/channels/{channel}/messages"),
        "-f",
        "content=hello",
    ]));
    let mid = created["id"].as_str().unwrap();
    let edited = json(&sb.run(&[
        "patch",
        &format!("/channels/{channel}/messages/{mid}"),
        "-f",
        "content=edited",
    ]));
    assert_eq!(edited["content"], "edited");
    assert!(edited["edited_timestamp"].is_string());
    let newest = json(&sb.run(&[
        "get",
        &format!("/channels/{channel}/messages"),
        "-q",
        "limit=1",
    ]));
    assert_eq!(newest[0]["id"], mid);
    assert_eq!(newest[0]["content"], "edited");
    assert!(sb
        .run(&["delete", &format!("/channels/{channel}/messages/{mid}")])
        .status
        .success());
    let gone = sb.run(&["get", &format!("/channels/{channel}/messages/{mid}")]);
    assert_eq!(gone.status.code(), Some(1));
    assert!(stderr(&gone).contains("Unknown Message (10008)"));
}

#[test]
fn roles_members_and_bans() {
    let sb = Sandbox::start();
    let guild = json(&sb.run(&["get", "/users/@me/guilds"]))[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let role = json(&sb.run(&[
        "post",
        &format!("/guilds/{guild}/roles"),
        "-f",
        "name=mods",
        "-F",
        "color=3447003",
    ]));
    let rid = role["id"].as_str().unwrap();
    let members = json(&sb.run(&["get", &format!("/guilds/{guild}/members"), "-q", "limit=5"]));
    let uid = members[4]["user"]["id"].as_str().unwrap().to_string();
    assert!(sb
        .run(&["put", &format!("/guilds/{guild}/members/{uid}/roles/{rid}")])
        .status
        .success());
    let member = json(&sb.run(&["get", &format!("/guilds/{guild}/members/{uid}")]));
    assert!(member["roles"]
        .as_array()
        .unwrap()
        .contains(&Value::String(rid.to_string())));
    assert!(sb
        .run(&[
            "put",
            &format!("/guilds/{guild}/bans/{uid}"),
            "--reason",
            "spam"
        ])
        .status
        .success());
    let ban = json(&sb.run(&["get", &format!("/guilds/{guild}/bans/{uid}")]));
    assert_eq!(ban["reason"], "spam");
    let gone = sb.run(&["get", &format!("/guilds/{guild}/members/{uid}")]);
    assert!(stderr(&gone).contains("Unknown Member (10007)"));
}

#[test]
fn too_fast_gets_429_and_the_client_recovers() {
    // Windows a fifth of Discord's: 5 messages per second per channel.
    let sb = Sandbox::start_with(&["--rate-limit-scale", "0.2"]);
    let channel = sb.general_channel();
    sb.admin("delete", "/_sandbox/requests", None);
    // Separate invocations that keep their buckets to themselves (no shared cache).
    for i in 0..8 {
        let out = sb.run(&[
            "--no-rate-limit-cache",
            "post",
            &format!("/channels/{channel}/messages"),
            "-f",
            &format!("content=burst {i}"),
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let log = sb.admin("get", "/_sandbox/requests", None);
    let posts: Vec<&Value> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["method"] == "POST")
        .collect();
    let limited = posts.iter().filter(|r| r["status"] == 429).count();
    assert!(limited >= 1, "the sandbox enforced the limit");
    assert_eq!(posts.len() - limited, 8, "every message created once");
    let recent = json(&sb.run(&[
        "get",
        &format!("/channels/{channel}/messages"),
        "-q",
        "limit=8",
    ]));
    let mut contents: Vec<String> = recent
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["content"].as_str().unwrap().to_string())
        .collect();
    contents.reverse();
    let expected: Vec<String> = (0..8).map(|i| format!("burst {i}")).collect();
    assert_eq!(contents, expected);
}

#[test]
fn rate_limit_headers_on_every_answer() {
    let sb = Sandbox::start();
    let out = sb.run(&["get", "/users/@me", "-i"]);
    let err = stderr(&out).to_ascii_lowercase();
    for h in [
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
        "x-ratelimit-reset-after",
        "x-ratelimit-bucket",
    ] {
        assert!(err.contains(h), "{h} missing: {err}");
    }
}

#[test]
fn unknown_routes_and_empty_messages() {
    let sb = Sandbox::start();
    let out = sb.run(&["get", "/nope/nothing"]);
    assert!(
        stderr(&out).contains("404 Not Found: 404: Not Found (0)"),
        "{}",
        stderr(&out)
    );
    let channel = sb.general_channel();
    let out = sb.run(&["post", &format!("/channels/{channel}/messages"), "{}"]);
    assert!(
        stderr(&out).contains("Cannot send an empty message (50006)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn injected_faults_replace_handling_and_every_request_is_logged() {
    let sb = Sandbox::start();
    let channel = sb.general_channel();
    let path = format!("/channels/{channel}/messages");
    let before = json(&sb.run(&["get", &path, "-q", "limit=1"]));
    sb.admin("delete", "/_sandbox/requests", None);
    let fault = format!(r#"{{"method":"POST","path":"{path}","status":502,"count":1}}"#);
    let added = sb.admin("post", "/_sandbox/faults", Some(&fault));
    assert!(added["id"].as_u64().is_some(), "{added}");
    // A POST that met a 502 is not retried, and the 502 created nothing.
    let out = sb.run(&["post", &path, "-f", "content=never stored"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let after = json(&sb.run(&["get", &path, "-q", "limit=1"]));
    assert_eq!(before, after);
    let log = sb.admin("get", "/_sandbox/requests", None);
    let entries = log.as_array().unwrap();
    let posts: Vec<&Value> = entries.iter().filter(|e| e["method"] == "POST").collect();
    assert_eq!(posts.len(), 1, "{log}");
    assert_eq!(posts[0]["path"], path.as_str());
    assert_eq!(posts[0]["status"], 502);
    assert_eq!(posts[0]["body"]["content"], "never stored");
    assert_eq!(posts[0]["headers"]["authorization"], "<present>");
    assert!(!log.to_string().contains(&sb.token));
}
