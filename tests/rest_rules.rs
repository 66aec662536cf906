//! End-to-end: the REST client's rules, checked with the binary against `discord sandbox` and
//! its request log: what a 401 stops, how tokens are chosen and sent, which methods are retried
//! on which failures, global rate limits, the User-Agent, query and header passing, pagination
//! of bans and reaction users, and the sandbox routes and Discord error shapes behind them.

mod common;

use std::time::Instant;

use common::{json, stderr, stdout, Sandbox};
use serde_json::{json, Value};

const TOKEN: &str = "Rules.TokenValue-0987654321";

fn sandbox() -> Sandbox {
    Sandbox::start_with(&["--token", TOKEN])
}

fn fault(sb: &Sandbox, fault: Value) {
    let added = sb.admin("post", "/_sandbox/faults", Some(&fault.to_string()));
    assert!(added["id"].as_u64().is_some(), "{added}");
}

/// Logged requests to one method and path, in order.
fn logged(sb: &Sandbox, method: &str, path: &str) -> Vec<Value> {
    sb.requests()
        .into_iter()
        .filter(|r| r["method"] == method && r["path"] == path)
        .collect()
}

fn statuses(entries: &[Value]) -> Vec<u64> {
    entries
        .iter()
        .filter_map(|r| r["status"].as_u64())
        .collect()
}

/// Adds `count` fresh bot-authored messages to the channel and returns their ids, oldest first.
fn fresh_messages(sb: &Sandbox, channel: &str, count: usize) -> Vec<String> {
    sb.admin(
        "post",
        "/_sandbox/seed-messages",
        Some(&json!({"channel_id": channel, "count": count}).to_string()),
    );
    let listed = json(&sb.run(&[
        "get",
        &format!("/channels/{channel}/messages"),
        "-q",
        &format!("limit={count}"),
    ]));
    let mut ids: Vec<String> = listed
        .as_array()
        .expect("message list")
        .iter()
        .filter_map(|m| m["id"].as_str().map(str::to_string))
        .collect();
    ids.reverse();
    assert_eq!(ids.len(), count);
    ids
}

#[test]
fn after_a_401_nothing_more_is_sent_in_that_run() {
    let sb = sandbox();
    sb.clear_requests();
    let input = "{\"method\":\"GET\",\"path\":\"/users/@me\"}\n".repeat(3);
    let out = common::output_with_stdin(
        sb.cmd()
            .env("DISCORD_TOKEN", "not-the-token")
            .args(["batch", "--jobs", "1"]),
        input.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let lines: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("result line is JSON"))
        .collect();
    assert_eq!(lines.len(), 3, "{}", stdout(&out));
    assert_eq!(lines[0]["status"], 401, "{}", lines[0]);
    for line in &lines[1..] {
        let error = line["error"].as_str().unwrap_or("");
        assert!(error.contains("not sending"), "{line}");
    }
    let log = sb.requests();
    assert_eq!(log.len(), 1, "only the first request went out: {log:?}");
    assert_eq!(log[0]["status"], 401);
}

#[test]
fn bearer_flag_and_bearer_prefix_send_the_bearer_scheme() {
    let sb = sandbox();
    sb.clear_requests();
    let bot = sb.run(&["get", "/users/@me"]);
    assert!(bot.status.success(), "{}", stderr(&bot));
    let flag = sb.run(&["--bearer", "get", "/users/@me"]);
    assert!(flag.status.success(), "{}", stderr(&flag));
    let prefixed = sb
        .cmd()
        .env("DISCORD_TOKEN", format!("Bearer {TOKEN}"))
        .args(["get", "/users/@me"])
        .output()
        .expect("run discord");
    assert!(prefixed.status.success(), "{}", stderr(&prefixed));
    let log = sb.requests();
    let schemes: Vec<&Value> = log.iter().map(|r| &r["auth_scheme"]).collect();
    assert_eq!(schemes, [&json!("Bot"), &json!("Bearer"), &json!("Bearer")]);
    for entry in &log {
        assert_eq!(entry["headers"]["authorization"], "<present>");
    }
    assert!(!json!(log).to_string().contains(TOKEN), "token in the log");
}

/// Writes `config.json` in the sandbox's config dir with these profiles (mode 0600).
fn write_profiles(sb: &Sandbox, profiles: Value) {
    let path = sb.config_dir.path().join("config.json");
    std::fs::write(&path, json!({ "profiles": profiles }).to_string()).expect("write config");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
            .expect("chmod config");
    }
}

#[test]
fn token_order_flag_then_env_then_config_and_the_profile_env() {
    let sb = sandbox();
    write_profiles(
        &sb,
        json!({"default": {"token": "wrong-default"}, "work": {"token": TOKEN}}),
    );
    // (--token, DISCORD_TOKEN, DISCORD_PROFILE, --profile) -> succeeds
    type Case<'a> = (
        Option<&'a str>,
        Option<&'a str>,
        Option<&'a str>,
        Option<&'a str>,
        bool,
    );
    let cases: &[Case] = &[
        (Some(TOKEN), Some("wrong-env"), None, None, true),
        (Some("wrong-flag"), Some(TOKEN), None, None, false),
        (None, Some(TOKEN), None, None, true),
        (None, Some("wrong-env"), Some("work"), None, false),
        (None, None, None, None, false),
        (None, None, Some("work"), None, true),
        (None, None, Some("work"), Some("default"), false),
        (None, None, None, Some("work"), true),
    ];
    for (flag, env, profile_env, profile_flag, good) in cases {
        let mut cmd = common::base_cmd(sb.config_dir.path());
        cmd.env("DISCORD_API_URL", &sb.api_url);
        if let Some(t) = env {
            cmd.env("DISCORD_TOKEN", t);
        }
        if let Some(p) = profile_env {
            cmd.env("DISCORD_PROFILE", p);
        }
        if let Some(t) = flag {
            cmd.args(["--token", t]);
        }
        if let Some(p) = profile_flag {
            cmd.args(["--profile", p]);
        }
        let out = cmd
            .args(["get", "/users/@me"])
            .output()
            .expect("run discord");
        let case = format!("--token {flag:?} DISCORD_TOKEN {env:?} DISCORD_PROFILE {profile_env:?} --profile {profile_flag:?}");
        if *good {
            assert!(out.status.success(), "{case}: {}", stderr(&out));
        } else {
            assert_eq!(out.status.code(), Some(1), "{case}: {}", stderr(&out));
            assert!(stderr(&out).contains("401"), "{case}: {}", stderr(&out));
        }
    }
}

#[test]
fn a_get_is_retried_after_503_and_504() {
    let sb = sandbox();
    for status in [503, 504] {
        fault(
            &sb,
            json!({"method": "GET", "path": "/users/@me", "status": status}),
        );
    }
    sb.clear_requests();
    let out = sb.run(&["get", "/users/@me"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["bot"], true);
    assert_eq!(statuses(&logged(&sb, "GET", "/users/@me")), [503, 504, 200]);
}

#[test]
fn put_patch_and_delete_are_retried_after_502_503_and_a_dropped_connection() {
    let sb = sandbox();
    let channel = sb.general_channel();
    let ids = fresh_messages(&sb, &channel, 9);
    let failures = [
        json!({"status": 502}),
        json!({"status": 503}),
        json!({"close": true}),
    ];
    let mut runs = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let (method, path, args): (&str, String, Vec<String>) = match i / 3 {
            0 => {
                let p = format!("/channels/{channel}/pins/{id}");
                ("PUT", p.clone(), vec!["put".into(), p])
            }
            1 => {
                let p = format!("/channels/{channel}/messages/{id}");
                (
                    "PATCH",
                    p.clone(),
                    vec![
                        "patch".into(),
                        p,
                        "-f".into(),
                        format!("content=edited {i}"),
                    ],
                )
            }
            _ => {
                let p = format!("/channels/{channel}/messages/{id}");
                ("DELETE", p.clone(), vec!["delete".into(), p])
            }
        };
        let mut f = failures[i % 3].clone();
        f["method"] = json!(method);
        f["path"] = json!(path);
        fault(&sb, f);
        runs.push((method, path, args));
    }
    sb.clear_requests();
    // Each run waits one backoff; run them side by side.
    std::thread::scope(|s| {
        let handles: Vec<_> = runs
            .iter()
            .map(|(_, _, args)| {
                let sb = &sb;
                s.spawn(move || {
                    let args: Vec<&str> = args.iter().map(String::as_str).collect();
                    sb.run(&args)
                })
            })
            .collect();
        for (h, (method, path, _)) in handles.into_iter().zip(&runs) {
            let out = h.join().expect("thread");
            assert!(out.status.success(), "{method} {path}: {}", stderr(&out));
        }
    });
    for (i, (method, path, _)) in runs.iter().enumerate() {
        let seen = statuses(&logged(&sb, method, path));
        assert_eq!(
            seen.len(),
            2,
            "{method} {path}: one failure, one retry: {seen:?}"
        );
        assert!(seen[1] < 300, "{method} {path}: {seen:?}");
        if i % 3 < 2 {
            assert_eq!(seen[0], [502, 503][i % 3], "{method} {path}");
        }
    }
    // The retried writes took effect once.
    let pins = json(&sb.run(&["get", &format!("/channels/{channel}/pins")]));
    let pinned: Vec<&str> = pins
        .as_array()
        .expect("pins")
        .iter()
        .filter_map(|m| m["id"].as_str())
        .collect();
    for id in &ids[..3] {
        assert!(pinned.contains(&id.as_str()), "{id} pinned: {pinned:?}");
    }
    for (i, id) in ids.iter().enumerate().skip(3).take(3) {
        let m = json(&sb.run(&["get", &format!("/channels/{channel}/messages/{id}")]));
        assert_eq!(m["content"], format!("edited {i}"));
    }
    for id in &ids[6..] {
        let out = sb.run(&["get", &format!("/channels/{channel}/messages/{id}")]);
        assert!(
            stderr(&out).contains("10008"),
            "{id} deleted: {}",
            stderr(&out)
        );
    }
}

#[test]
fn a_post_is_not_retried_after_502_or_a_connection_dropped_after_sending() {
    let sb = sandbox();
    let channel = sb.general_channel();
    let path = format!("/channels/{channel}/messages");
    for (i, failure) in [json!({"status": 502}), json!({"close": true})]
        .into_iter()
        .enumerate()
    {
        let mut f = failure;
        f["method"] = json!("POST");
        f["path"] = json!(path);
        fault(&sb, f);
        sb.clear_requests();
        let content = format!("post-once-{i}");
        let out = sb.run(&["post", &path, "-f", &format!("content={content}")]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert_eq!(logged(&sb, "POST", &path).len(), 1, "sent once");
        // The failed POST created nothing and nothing else created it.
        let recent = json(&sb.run(&["get", &path, "-q", "limit=10"]));
        let copies = recent
            .as_array()
            .expect("messages")
            .iter()
            .filter(|m| m["content"] == content.as_str())
            .count();
        assert_eq!(copies, 0);
    }
    // The route works again once the faults are used up: exactly one message per POST.
    let out = sb.run(&["post", &path, "-f", "content=post-once-ok"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let recent = json(&sb.run(&["get", &path, "-q", "limit=10"]));
    let copies = recent
        .as_array()
        .expect("messages")
        .iter()
        .filter(|m| m["content"] == "post-once-ok")
        .count();
    assert_eq!(copies, 1);
}

#[test]
fn a_global_429_is_waited_out_with_a_notice() {
    let sb = sandbox();
    fault(
        &sb,
        json!({"method": "GET", "path": "/users/@me", "status": 429, "global": true, "retry_after": 1.2}),
    );
    sb.clear_requests();
    let started = Instant::now();
    let out = sb.run(&["get", "/users/@me"]);
    let took = started.elapsed().as_secs_f64();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(took >= 1.2, "waited {took} s");
    let notice = stderr(&out);
    assert!(
        notice.contains("rate limited on GET /users/@me; waiting"),
        "a wait over a second is announced: {notice}"
    );
    assert_eq!(statuses(&logged(&sb, "GET", "/users/@me")), [429, 200]);
}

#[test]
fn the_full_user_agent_arrives() {
    let sb = sandbox();
    sb.clear_requests();
    assert!(sb.run(&["get", "/users/@me"]).status.success());
    let log = sb.requests();
    assert_eq!(
        log[0]["headers"]["user-agent"],
        format!(
            "DiscordBot (https://github.com/discord-cli/discord, {})",
            env!("CARGO_PKG_VERSION")
        )
    );
}

#[test]
fn repeated_queries_and_custom_headers_arrive_as_sent() {
    let sb = sandbox();
    let channel = sb.general_channel();
    let path = format!("/channels/{channel}/messages");
    sb.clear_requests();
    let out = sb.run(&[
        "get",
        &path,
        "-q",
        "limit=2",
        "-q",
        "tag=a",
        "-q",
        "tag=b&c=d",
        "-q",
        "note=héllo wörld",
        "-H",
        "X-First: one",
        "-H",
        "X-Second: two words; and=more",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out).as_array().map(Vec::len), Some(2));
    let log = logged(&sb, "GET", &path);
    assert_eq!(log.len(), 1);
    assert_eq!(
        log[0]["query_pairs"],
        json!([
            ["limit", "2"],
            ["tag", "a"],
            ["tag", "b&c=d"],
            ["note", "héllo wörld"]
        ])
    );
    assert_eq!(log[0]["headers"]["x-first"], "one");
    assert_eq!(log[0]["headers"]["x-second"], "two words; and=more");
}

#[test]
fn pins_add_list_and_remove() {
    let sb = sandbox();
    let channel = sb.general_channel();
    let ids = fresh_messages(&sb, &channel, 2);
    for id in &ids {
        let out = sb.run(&["pin-message", &channel, id]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let listed = json(&sb.run(&["get-channel-pins", &channel]));
    let items: Vec<&str> = listed["items"]
        .as_array()
        .expect("pins items")
        .iter()
        .filter_map(|i| i["message"]["id"].as_str())
        .collect();
    // Newest pin first.
    assert_eq!(items, [ids[1].as_str(), ids[0].as_str()]);
    assert_eq!(listed["items"][0]["message"]["pinned"], true);
    let out = sb.run(&["unpin-message", &channel, &ids[1]]);
    assert!(out.status.success(), "{}", stderr(&out));
    let old = json(&sb.run(&["get-pinned-messages-deprecated", &channel]));
    let left: Vec<&str> = old
        .as_array()
        .expect("pins")
        .iter()
        .filter_map(|m| m["id"].as_str())
        .collect();
    assert_eq!(left, [ids[0].as_str()]);
}

#[test]
fn bulk_delete_rules() {
    let sb = sandbox();
    let channel = sb.general_channel();
    let fresh = fresh_messages(&sb, &channel, 3);
    let bulk = |ids: Value| {
        sb.run(&[
            "bulk-delete-messages",
            &channel,
            "--messages",
            &ids.to_string(),
        ])
    };
    // The oldest seeded message is from 2024: Discord's 14-day rule refuses the whole request.
    let all = json(&sb.run(&[
        "get",
        &format!("/channels/{channel}/messages"),
        "-q",
        "after=0",
        "-q",
        "limit=1",
    ]));
    let oldest = all[0]["id"].as_str().expect("oldest message").to_string();
    let out = bulk(json!([fresh[0], oldest]));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("under 14 days old. (50034)"),
        "{}",
        stderr(&out)
    );
    // A repeated id and a single id break the spec's own schema (uniqueItems, minItems 2): the
    // typed command refuses them before sending; sent raw, the sandbox answers as Discord does.
    for ids in [json!([fresh[0], fresh[0]]), json!([fresh[0]])] {
        let out = bulk(ids);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(stderr(&out).contains("--messages"), "{}", stderr(&out));
    }
    let raw_bulk = |ids: Value| {
        sb.run(&[
            "post",
            &format!("/channels/{channel}/messages/bulk-delete"),
            "-F",
            &format!("messages={ids}"),
        ])
    };
    let out = raw_bulk(json!([fresh[0], fresh[0]]));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("(50035)"), "{}", stderr(&out));
    assert!(stderr(&out).contains("messages.1:"), "{}", stderr(&out));
    let out = raw_bulk(json!([fresh[0]]));
    assert!(
        stderr(&out).contains("messages: Must be between 2 and 100 in length."),
        "{}",
        stderr(&out)
    );
    // Nothing was deleted by the refused requests; a good one deletes both.
    let out = bulk(json!([fresh[0], fresh[1]]));
    assert!(out.status.success(), "{}", stderr(&out));
    for (id, gone) in [(&fresh[0], true), (&fresh[1], true), (&fresh[2], false)] {
        let out = sb.run(&["get", &format!("/channels/{channel}/messages/{id}")]);
        assert_eq!(!out.status.success(), gone, "{id}: {}", stderr(&out));
    }
    let still = sb.run(&["get", &format!("/channels/{channel}/messages/{oldest}")]);
    assert!(still.status.success(), "{}", stderr(&still));
    // The newest seeded messages are recent enough to bulk delete.
    let seeded = json(&sb.run(&[
        "get",
        &format!("/channels/{channel}/messages"),
        "-q",
        &format!("before={}", fresh[0]),
        "-q",
        "limit=2",
    ]));
    let seeded: Vec<&str> = seeded
        .as_array()
        .expect("messages")
        .iter()
        .filter_map(|m| m["id"].as_str())
        .collect();
    assert!(bulk(json!(seeded)).status.success());
}

#[test]
fn typing_invites_and_a_guild_role() {
    let sb = sandbox();
    let channel = sb.general_channel();
    let guild = sb.guild_id();
    sb.clear_requests();
    let out = sb.run(&["trigger-typing-indicator", &channel]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        statuses(&logged(&sb, "POST", &format!("/channels/{channel}/typing"))),
        [204]
    );

    let created = json(&sb.run(&["create-channel-invite", &channel, "--max-age", "600"]));
    let code = created["code"].as_str().expect("invite code").to_string();
    assert_eq!(created["max_age"], 600);
    let got = json(&sb.run(&["get-invite", &code]));
    assert_eq!(got["channel"]["id"], channel.as_str());
    for listing in [
        json(&sb.run(&["get-channel-invites", &channel])),
        json(&sb.run(&["get-guild-invites", &guild])),
    ] {
        let codes: Vec<&str> = listing
            .as_array()
            .expect("invites")
            .iter()
            .filter_map(|i| i["code"].as_str())
            .collect();
        assert_eq!(codes, [code.as_str()]);
    }
    let out = sb.run(&["delete-invite", &code]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = sb.run(&["get-invite", &code]);
    assert!(
        stderr(&out).contains("Unknown Invite (10006)"),
        "{}",
        stderr(&out)
    );

    let roles = json(&sb.run(&["get-guild-roles", &guild]));
    let role = roles
        .as_array()
        .expect("roles")
        .iter()
        .find(|r| r["name"] == "moderators")
        .expect("seeded role")
        .clone();
    let role_id = role["id"].as_str().expect("role id");
    assert_eq!(json(&sb.run(&["get-guild-role", &guild, role_id])), role);
    let out = sb.run(&["get-guild-role", &guild, "1"]);
    assert!(
        stderr(&out).contains("Unknown Role (10011)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn messages_around_an_id() {
    let sb = sandbox();
    let channel = sb.general_channel();
    let path = format!("/channels/{channel}/messages");
    let page = json(&sb.run(&["get", &path, "-q", "limit=20"]));
    let ids: Vec<u64> = page
        .as_array()
        .expect("messages")
        .iter()
        .filter_map(|m| m["id"].as_str()?.parse().ok())
        .collect();
    let middle = ids[10];
    let around = json(&sb.run(&[
        "get",
        &path,
        "-q",
        &format!("around={middle}"),
        "-q",
        "limit=5",
    ]));
    let got: Vec<u64> = around
        .as_array()
        .expect("messages")
        .iter()
        .filter_map(|m| m["id"].as_str()?.parse().ok())
        .collect();
    // Newest first, the message itself with its neighbours on both sides.
    assert_eq!(got, ids[8..13]);
}

#[test]
fn paginate_bans_and_reaction_users() {
    let sb = sandbox();
    let guild = sb.guild_id();
    let members = json(&sb.run(&["get", &format!("/guilds/{guild}/members"), "-q", "limit=12"]));
    // The owner cannot be banned (Permissions > Permission Hierarchy).
    let owner = json(&sb.run(&["get", &format!("/guilds/{guild}")]))["owner_id"].clone();
    let mut banned: Vec<String> = members
        .as_array()
        .expect("members")
        .iter()
        .filter(|m| m["user"]["bot"] == false && m["user"]["id"] != owner)
        .filter_map(|m| m["user"]["id"].as_str().map(str::to_string))
        .take(5)
        .collect();
    assert_eq!(banned.len(), 5);
    for user in &banned {
        let out = sb.run(&["put", &format!("/guilds/{guild}/bans/{user}")]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    sb.clear_requests();
    let bans_path = format!("/guilds/{guild}/bans");
    let out = sb.run(&["get", &bans_path, "--paginate", "-q", "limit=2"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let listed: Vec<String> = stdout(&out)
        .lines()
        .flat_map(|l| {
            let v: Value = serde_json::from_str(l).expect("JSON line");
            match v {
                Value::Array(items) => items,
                other => vec![other],
            }
        })
        .filter_map(|b| b["user"]["id"].as_str().map(str::to_string))
        .collect();
    banned.sort_by_key(|id| id.parse::<u64>().unwrap_or(0));
    assert_eq!(listed, banned, "every ban once, in id order");
    assert_eq!(logged(&sb, "GET", &bans_path).len(), 3, "pages of 2, 2, 1");

    let channel = sb.general_channel();
    let message = fresh_messages(&sb, &channel, 1).remove(0);
    let reaction = format!("/channels/{channel}/messages/{message}/reactions/%F0%9F%91%8D");
    let out = sb.run(&["put", &format!("{reaction}/@me")]);
    assert!(out.status.success(), "{}", stderr(&out));
    sb.clear_requests();
    let out = sb.run(&["get", &reaction, "--paginate", "-q", "limit=1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let me = json(&sb.run(&["get", "/users/@me"]));
    assert!(stdout(&out).contains(me["id"].as_str().expect("bot id")));
    let pages = logged(&sb, "GET", &reaction);
    // A full page of one, then an empty page after the bot's id ends the walk.
    assert_eq!(pages.len(), 2, "{pages:?}");
    assert_eq!(pages[0]["query"]["after"], "0");
    assert_eq!(pages[1]["query"]["after"], me["id"]);
}

#[test]
fn sandbox_validation_answers_in_discords_shapes() {
    let sb = sandbox();
    let channel = sb.general_channel();
    let guild = sb.guild_id();
    let messages = format!("/channels/{channel}/messages");
    let cases: &[(&str, String, &str, &[&str])] = &[
        (
            "post",
            messages.clone(),
            r#"{"content":5}"#,
            &["(50035)", "content: Could not interpret \"5\" as string."],
        ),
        (
            "post",
            messages.clone(),
            &format!(r#"{{"embeds":[{{"title":"{}"}}]}}"#, "t".repeat(257)),
            &["(50035)", "embeds.0.title: Must be 256 or fewer in length."],
        ),
        (
            "post",
            messages.clone(),
            r#"{"embeds":"notarray"}"#,
            &[
                "(50035)",
                "embeds: Only iterables may be used in a ListType.",
            ],
        ),
        (
            "post",
            format!("/guilds/{guild}/roles"),
            r#"{"name":123}"#,
            &["(50035)", "name: Could not interpret \"123\" as string."],
        ),
    ];
    for (method, path, body, wanted) in cases {
        let out = sb.run(&[method, path, body]);
        assert_eq!(out.status.code(), Some(1), "{body}: {}", stderr(&out));
        for w in *wanted {
            assert!(stderr(&out).contains(w), "{body}: {}", stderr(&out));
        }
    }
    let out = sb.run(&["get", &messages, "-q", "limit=abc"]);
    assert!(
        stderr(&out).contains("limit: Value \"abc\" is not int."),
        "{}",
        stderr(&out)
    );
    // Nothing was created by the refused writes.
    let roles = json(&sb.run(&["get", &format!("/guilds/{guild}/roles")]));
    assert_eq!(roles.as_array().map(Vec::len), Some(3));

    // Queued faults can be cleared.
    fault(
        &sb,
        json!({"method": "GET", "path": "/users/@me", "status": 500, "count": 5}),
    );
    let cleared = sb.admin("delete", "/_sandbox/faults", None);
    assert_eq!(cleared["cleared"], 5);
    assert!(sb.run(&["get", "/users/@me"]).status.success());
}
