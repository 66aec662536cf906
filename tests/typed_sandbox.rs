//! End-to-end: every typed command whose operation the sandbox implements, run as a user would
//! (the binary against `discord sandbox`), in one scenario that feeds ids from one answer into
//! the next. Each answer is checked, and at the end the sandbox's request log must hold exactly
//! one request per command, with the method and path (ids filled in) of its route table entry.

mod common;

use common::{json, stderr, stdout, Sandbox};
use serde_json::Value;

/// Runs one typed command, which must succeed; returns its JSON answer (`Null` for none) and
/// records the request it must have sent.
struct Scenario {
    sb: Sandbox,
    expected: Vec<(String, String)>,
}

impl Scenario {
    fn run(&mut self, method: &str, path: &str, args: &[&str]) -> Value {
        let out = self.sb.run(args);
        assert!(out.status.success(), "{args:?} failed: {}", stderr(&out));
        self.expected.push((method.to_string(), path.to_string()));
        if stdout(&out).trim().is_empty() {
            Value::Null
        } else {
            json(&out)
        }
    }
}

#[test]
fn every_operation_the_sandbox_implements_works_as_a_typed_command() {
    let sb = Sandbox::start();
    let guild = sb.guild_id();
    let general = sb.general_channel();
    sb.admin("delete", "/_sandbox/requests", None);
    let mut s = Scenario {
        sb,
        expected: Vec::new(),
    };
    let g = guild.as_str();
    let c = general.as_str();

    // Users and the gateway.
    let me = s.run("GET", "/users/@me", &["get-current-user"]);
    let bot = me["id"].as_str().expect("bot id").to_string();
    assert_eq!(me["bot"], true);
    let user = s.run("GET", &format!("/users/{bot}"), &["get-user", &bot]);
    assert_eq!(user["id"], bot.as_str());
    let renamed = s.run(
        "PATCH",
        "/users/@me",
        &["modify-current-user", "--username", "typed-bot"],
    );
    assert_eq!(renamed["username"], "typed-bot");
    let guilds = s.run("GET", "/users/@me/guilds", &["get-current-user-guilds"]);
    assert_eq!(guilds[0]["id"], g);
    let gateway = s.run("GET", "/gateway", &["get-gateway"]);
    assert!(gateway["url"].as_str().is_some_and(|u| u.starts_with("ws")));
    let gateway_bot = s.run("GET", "/gateway/bot", &["get-gateway-bot"]);
    assert!(gateway_bot["session_start_limit"]["remaining"].is_u64());

    // The guild, its channels and one channel's life.
    let guild_json = s.run("GET", &format!("/guilds/{g}"), &["get-guild", g]);
    assert_eq!(guild_json["id"], g);
    let modified = s.run(
        "PATCH",
        &format!("/guilds/{g}"),
        &[
            "modify-guild",
            g,
            "--name",
            "Typed Guild",
            "--reason",
            "e2e",
        ],
    );
    assert_eq!(modified["name"], "Typed Guild");
    let channels = s.run(
        "GET",
        &format!("/guilds/{g}/channels"),
        &["get-guild-channels", g],
    );
    assert!(channels.as_array().is_some_and(|a| a.len() >= 3));
    let forum = s.run(
        "POST",
        &format!("/guilds/{g}/channels"),
        &[
            "create-guild-channel",
            g,
            "--name",
            "scratch",
            "--type",
            "text",
        ],
    );
    let scratch = forum["id"].as_str().expect("channel id").to_string();
    assert_eq!(forum["type"], 0);
    let got = s.run(
        "GET",
        &format!("/channels/{scratch}"),
        &["get-channel", &scratch],
    );
    assert_eq!(got["name"], "scratch");
    let topic = s.run(
        "PATCH",
        &format!("/channels/{scratch}"),
        &["modify-channel", &scratch, "--topic", "for tests"],
    );
    assert_eq!(topic["topic"], "for tests");
    s.run(
        "DELETE",
        &format!("/channels/{scratch}"),
        &["delete-channel", &scratch, "--yes"],
    );

    // Messages, pins, reactions, typing.
    let page = s.run(
        "GET",
        &format!("/channels/{c}/messages"),
        &["get-channel-messages", c, "--limit", "3"],
    );
    assert_eq!(page.as_array().map(Vec::len), Some(3));
    let msg = s.run(
        "POST",
        &format!("/channels/{c}/messages"),
        &["create-message", c, "--content", "typed hello", "--tts"],
    );
    let m = msg["id"].as_str().expect("message id").to_string();
    assert_eq!(
        (msg["content"].as_str(), msg["tts"].as_bool()),
        (Some("typed hello"), Some(true))
    );
    let fetched = s.run(
        "GET",
        &format!("/channels/{c}/messages/{m}"),
        &["get-channel-message", c, &m],
    );
    assert_eq!(fetched["id"], m.as_str());
    let edited = s.run(
        "PATCH",
        &format!("/channels/{c}/messages/{m}"),
        &["edit-message", c, &m, "--content", "typed edit"],
    );
    assert_eq!(edited["content"], "typed edit");
    s.run(
        "PUT",
        &format!("/channels/{c}/messages/pins/{m}"),
        &["pin-message", c, &m],
    );
    let pins = s.run(
        "GET",
        &format!("/channels/{c}/messages/pins"),
        &["get-channel-pins", c],
    );
    assert_eq!(pins["items"][0]["message"]["id"], m.as_str());
    s.run(
        "DELETE",
        &format!("/channels/{c}/messages/pins/{m}"),
        &["unpin-message", c, &m],
    );
    s.run(
        "PUT",
        &format!("/channels/{c}/pins/{m}"),
        &["pin-message-deprecated", c, &m],
    );
    let old_pins = s.run(
        "GET",
        &format!("/channels/{c}/pins"),
        &["get-pinned-messages-deprecated", c],
    );
    assert_eq!(old_pins[0]["id"], m.as_str());
    s.run(
        "DELETE",
        &format!("/channels/{c}/pins/{m}"),
        &["unpin-message-deprecated", c, &m],
    );
    // An emoji path segment is percent-encoded once; the sandbox decodes it once.
    let thumbs = "%F0%9F%91%8D";
    let reaction = format!("/channels/{c}/messages/{m}/reactions/{thumbs}");
    s.run(
        "PUT",
        &format!("{reaction}/@me"),
        &["create-reaction", c, &m, "👍"],
    );
    let users = s.run("GET", &reaction, &["get-reactions", c, &m, "👍"]);
    assert_eq!(users[0]["id"], bot.as_str());
    s.run(
        "DELETE",
        &format!("{reaction}/@me"),
        &["delete-own-reaction", c, &m, "👍"],
    );
    s.run(
        "PUT",
        &format!("{reaction}/@me"),
        &["create-reaction", c, &m, "👍"],
    );
    s.run(
        "DELETE",
        &format!("{reaction}/{bot}"),
        &["delete-user-reaction", c, &m, "👍", &bot, "--yes"],
    );
    s.run(
        "PUT",
        &format!("{reaction}/@me"),
        &["create-reaction", c, &m, "👍"],
    );
    s.run(
        "DELETE",
        &reaction,
        &["delete-all-reactions-for-emoji", c, &m, "👍", "--yes"],
    );
    s.run(
        "PUT",
        &format!("{reaction}/@me"),
        &["create-reaction", c, &m, "👍"],
    );
    s.run(
        "DELETE",
        &format!("/channels/{c}/messages/{m}/reactions"),
        &["delete-all-reactions", c, &m, "--yes"],
    );
    let after = s.run(
        "GET",
        &format!("/channels/{c}/messages/{m}"),
        &["get-channel-message", c, &m],
    );
    assert!(
        after["reactions"].as_array().is_none_or(Vec::is_empty),
        "{after}"
    );
    s.run(
        "POST",
        &format!("/channels/{c}/typing"),
        &["trigger-typing-indicator", c],
    );
    let two: Vec<String> = (0..2)
        .map(|i| {
            let text = format!("bulk {i}");
            let made = s.run(
                "POST",
                &format!("/channels/{c}/messages"),
                &["create-message", c, "--content", &text],
            );
            made["id"].as_str().expect("id").to_string()
        })
        .collect();
    let ids = serde_json::json!(two).to_string();
    s.run(
        "POST",
        &format!("/channels/{c}/messages/bulk-delete"),
        &["bulk-delete-messages", c, "--messages", &ids, "--yes"],
    );
    s.run(
        "DELETE",
        &format!("/channels/{c}/messages/{m}"),
        &["delete-message", c, &m, "--yes"],
    );

    // Members and roles.
    let members = s.run(
        "GET",
        &format!("/guilds/{g}/members"),
        &["list-guild-members", g, "--limit", "4"],
    );
    // Plain members: the first two are the bot and the owner, whom Discord's role hierarchy
    // protects from kicks and bans.
    let member = members[2]["user"]["id"]
        .as_str()
        .expect("member")
        .to_string();
    let u = member.as_str();
    let one = s.run(
        "GET",
        &format!("/guilds/{g}/members/{u}"),
        &["get-guild-member", g, u],
    );
    assert_eq!(one["user"]["id"], u);
    let nick = s.run(
        "PATCH",
        &format!("/guilds/{g}/members/{u}"),
        &["modify-guild-member", g, u, "--nick", "typed"],
    );
    assert_eq!(nick["nick"], "typed");
    let role = s.run(
        "POST",
        &format!("/guilds/{g}/roles"),
        &[
            "create-guild-role",
            g,
            "--name",
            "mods",
            "--color",
            "#3498db",
            "--permissions",
            "KICK_MEMBERS,BAN_MEMBERS",
            "--hoist",
        ],
    );
    let r = role["id"].as_str().expect("role id").to_string();
    assert_eq!(
        (
            role["color"].as_u64(),
            role["permissions"].as_str(),
            role["hoist"].as_bool()
        ),
        (Some(0x3498db), Some("6"), Some(true))
    );
    let roles = s.run(
        "GET",
        &format!("/guilds/{g}/roles"),
        &["get-guild-roles", g],
    );
    assert!(roles
        .as_array()
        .is_some_and(|a| a.iter().any(|x| x["id"] == r.as_str())));
    let fetched_role = s.run(
        "GET",
        &format!("/guilds/{g}/roles/{r}"),
        &["get-guild-role", g, &r],
    );
    assert_eq!(fetched_role["name"], "mods");
    let renamed_role = s.run(
        "PATCH",
        &format!("/guilds/{g}/roles/{r}"),
        &["modify-guild-role", g, &r, "--name", "moderators"],
    );
    assert_eq!(renamed_role["name"], "moderators");
    s.run(
        "PUT",
        &format!("/guilds/{g}/members/{u}/roles/{r}"),
        &["add-guild-member-role", g, u, &r],
    );
    let with_role = s.run(
        "GET",
        &format!("/guilds/{g}/members/{u}"),
        &["get-guild-member", g, u],
    );
    assert!(with_role["roles"]
        .as_array()
        .is_some_and(|a| a.iter().any(|x| x == r.as_str())));
    s.run(
        "DELETE",
        &format!("/guilds/{g}/members/{u}/roles/{r}"),
        &["remove-guild-member-role", g, u, &r],
    );
    s.run(
        "DELETE",
        &format!("/guilds/{g}/roles/{r}"),
        &["delete-guild-role", g, &r, "--yes"],
    );

    // Bans, then the member leaves.
    let banned = members[3]["user"]["id"]
        .as_str()
        .expect("member")
        .to_string();
    let b = banned.as_str();
    s.run(
        "PUT",
        &format!("/guilds/{g}/bans/{b}"),
        &["create-guild-ban", g, b, "--reason", "e2e", "--yes"],
    );
    let ban = s.run(
        "GET",
        &format!("/guilds/{g}/bans/{b}"),
        &["get-guild-ban", g, b],
    );
    assert_eq!(ban["user"]["id"], b);
    let bans = s.run("GET", &format!("/guilds/{g}/bans"), &["get-guild-bans", g]);
    assert_eq!(bans.as_array().map(Vec::len), Some(1));
    s.run(
        "DELETE",
        &format!("/guilds/{g}/bans/{b}"),
        &["remove-guild-ban", g, b],
    );
    s.run(
        "DELETE",
        &format!("/guilds/{g}/members/{u}"),
        &["remove-guild-member", g, u, "--yes"],
    );

    // Invites.
    let invite = s.run(
        "POST",
        &format!("/channels/{c}/invites"),
        &["create-channel-invite", c, "--max-age", "60"],
    );
    let code = invite["code"].as_str().expect("invite code").to_string();
    let listed = s.run(
        "GET",
        &format!("/channels/{c}/invites"),
        &["get-channel-invites", c],
    );
    assert_eq!(listed[0]["code"], code.as_str());
    let in_guild = s.run(
        "GET",
        &format!("/guilds/{g}/invites"),
        &["get-guild-invites", g],
    );
    assert_eq!(in_guild[0]["code"], code.as_str());
    let got_invite = s.run("GET", &format!("/invites/{code}"), &["get-invite", &code]);
    assert_eq!(got_invite["code"], code.as_str());
    s.run(
        "DELETE",
        &format!("/invites/{code}"),
        &["delete-invite", &code, "--yes"],
    );

    // Webhooks, with and without their token.
    let hook = s.run(
        "POST",
        &format!("/channels/{c}/webhooks"),
        &["create-webhook", c, "--name", "ci"],
    );
    let w = hook["id"].as_str().expect("webhook id").to_string();
    let t = hook["token"].as_str().expect("webhook token").to_string();
    let in_channel = s.run(
        "GET",
        &format!("/channels/{c}/webhooks"),
        &["get-channel-webhooks", c],
    );
    assert_eq!(in_channel[0]["id"], w.as_str());
    let in_guild = s.run(
        "GET",
        &format!("/guilds/{g}/webhooks"),
        &["get-guild-webhooks", g],
    );
    assert_eq!(in_guild[0]["id"], w.as_str());
    let got = s.run("GET", &format!("/webhooks/{w}"), &["get-webhook", &w]);
    assert_eq!(got["name"], "ci");
    let renamed = s.run(
        "PATCH",
        &format!("/webhooks/{w}"),
        &["modify-webhook", &w, "--name", "ci2"],
    );
    assert_eq!(renamed["name"], "ci2");
    let by_token = s.run(
        "GET",
        &format!("/webhooks/{w}/{t}"),
        &["get-webhook-with-token", &w, &t],
    );
    assert_eq!(by_token["name"], "ci2");
    let renamed = s.run(
        "PATCH",
        &format!("/webhooks/{w}/{t}"),
        &["modify-webhook-with-token", &w, &t, "--name", "ci3"],
    );
    assert_eq!(renamed["name"], "ci3");
    let posted = s.run(
        "POST",
        &format!("/webhooks/{w}/{t}"),
        &[
            "execute-webhook",
            &w,
            &t,
            "--wait",
            "--content",
            "from a hook",
        ],
    );
    assert_eq!(posted["content"], "from a hook");
    s.run(
        "DELETE",
        &format!("/webhooks/{w}/{t}"),
        &["delete-webhook-with-token", &w, &t, "--yes"],
    );
    let second = s.run(
        "POST",
        &format!("/channels/{c}/webhooks"),
        &["create-webhook", c, "--name", "ci-b"],
    );
    let w2 = second["id"].as_str().expect("webhook id").to_string();
    s.run(
        "DELETE",
        &format!("/webhooks/{w2}"),
        &["delete-webhook", &w2, "--yes"],
    );

    // Exactly one request per command, each with its route's method and path (besides the
    // ones the sandbox's rate limits answered with 429, which the client waits out and sends
    // again: reactions are limited to one per 250 ms).
    let log = s.sb.admin("get", "/_sandbox/requests", None);
    let sent: Vec<(String, String)> = log
        .as_array()
        .expect("request log")
        .iter()
        .filter(|r| r["status"] != 429)
        .map(|r| {
            (
                r["method"].as_str().unwrap_or_default().to_string(),
                r["path"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let decoded: Vec<(String, String)> = s
        .expected
        .iter()
        .map(|(m, p)| (m.clone(), p.replace(thumbs, "👍")))
        .collect();
    assert!(
        sent == s.expected || sent == decoded,
        "sent {sent:#?}\nexpected {:#?}",
        s.expected
    );
}
