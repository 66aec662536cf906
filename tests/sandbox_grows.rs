//! End-to-end: the sandbox routed by the endpoint table (implemented operations listed, every
//! other one a 501 naming it) and the operations it grew for a user's first hour: member
//! search, DMs, threads, guild emojis, the audit log, the permission model, replies and the
//! upload limit. Each runs the typed commands (the binary against `discord sandbox`) and checks
//! the answers against Discord's documented behaviour, cited per test.

mod common;

use common::{json, stderr, stdout, Sandbox};
use serde_json::Value;

/// Runs a command that must succeed; its JSON answer (`Null` for none).
fn ok(sb: &Sandbox, args: &[&str]) -> Value {
    let out = sb.run(args);
    assert!(out.status.success(), "{args:?} failed: {}", stderr(&out));
    if stdout(&out).trim().is_empty() {
        Value::Null
    } else {
        json(&out)
    }
}

/// Runs a command that must fail with exit code 1 (a Discord error); its stderr.
fn fails(sb: &Sandbox, args: &[&str]) -> String {
    let out = sb.run(args);
    assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stdout(&out));
    stderr(&out)
}

/// The bot's user id.
fn bot_id(sb: &Sandbox) -> String {
    ok(sb, &["get-current-user"])["id"]
        .as_str()
        .expect("bot id")
        .to_string()
}

/// The ids of `n` seeded members other than the bot and the owner.
fn plain_members(sb: &Sandbox, guild: &str, n: usize) -> Vec<String> {
    let limit = (n + 2).to_string();
    let members = ok(sb, &["list-guild-members", guild, "--limit", &limit]);
    members.as_array().expect("members")[2..]
        .iter()
        .map(|m| m["user"]["id"].as_str().expect("id").to_string())
        .collect()
}

#[test]
fn implemented_operations_are_listed_and_the_rest_answer_501() {
    let sb = Sandbox::start();
    let out = sb.cmd().args(["sandbox", "--list"]).output().expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<String> = stdout(&out).lines().map(str::to_string).collect();
    assert!(lines
        .iter()
        .any(|l| l.split_whitespace().collect::<Vec<_>>()
            == ["create-message", "POST", "/channels/{channel_id}/messages"]));
    let listed = sb.admin("get", "/_sandbox/operations", None);
    let implemented = listed["implemented"].as_array().expect("implemented");
    assert_eq!(implemented.len(), lines.len());
    assert_eq!(listed["operations"], 242);
    assert!(stderr(&out).contains(&format!("{} of 242 operations", lines.len())));
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let stated = format!(
        "{} of the table's 242 operations are implemented",
        lines.len()
    );
    assert!(readme.contains(&stated), "README must say: {stated}");
    // An operation Discord has that the sandbox lacks says so, distinct from a wrong id.
    let guild = sb.guild_id();
    let err = fails(&sb, &["list-guild-stickers", &guild]);
    assert!(err.contains("501"), "{err}");
    assert!(
        err.contains(
            "the sandbox does not implement list-guild-stickers (GET /guilds/{guild_id}/stickers)"
        ),
        "{err}"
    );
    assert!(!implemented
        .iter()
        .any(|e| e["name"] == "list-guild-stickers"));
    // A path no operation has stays a 404.
    let err = fails(&sb, &["get", "/guilds/1/no-such-thing"]);
    assert!(err.contains("404"), "{err}");
}

/// The slash-command routes are operations of the table like every other: listed, and an
/// operation of theirs the sandbox lacks answers the 501 naming it, not a 404 that looks like
/// a wrong id (Discord's "Get Guild Application Command Permissions" is a real route).
#[test]
fn slash_command_routes_are_table_operations() {
    let sb = Sandbox::start();
    let out = sb.cmd().args(["sandbox", "--list"]).output().expect("run");
    let listed: Vec<String> = stdout(&out)
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect();
    for name in [
        "get-current-application",
        "create-global-application-command",
        "bulk-overwrite-guild-application-commands",
        "create-interaction-response",
        "edit-original-interaction-response",
        "execute-webhook",
    ] {
        assert!(listed.iter().any(|l| l == name), "{name} is not listed");
    }
    let app = bot_id(&sb);
    let guild = sb.guild_id();
    let err = fails(
        &sb,
        &["get-guild-application-command-permissions", &app, &guild],
    );
    assert!(
        err.contains("501")
            && err.contains("does not implement get-guild-application-command-permissions"),
        "{err}"
    );
    // Commands are answered by their named handlers, through the table's path captures.
    let made = ok(
        &sb,
        &[
            "create-guild-application-command",
            &app,
            &guild,
            "--name",
            "ping",
            "--description",
            "pong",
        ],
    );
    let id = made["id"].as_str().expect("command id");
    let got = ok(&sb, &["get-guild-application-command", &app, &guild, id]);
    assert_eq!(got["name"], "ping");
    assert_eq!(got["guild_id"].as_str(), Some(guild.as_str()));
    // Another application's commands: Discord's Unknown Application (10002).
    let err = fails(&sb, &["get-global-application-commands", "1"]);
    assert!(err.contains("10002"), "{err}");
    // A channel webhook's message routes are not kept by the sandbox: 501, not a 404.
    let channel = ok(&sb, &["get-guild-channels", &guild])[0]["id"]
        .as_str()
        .expect("channel")
        .to_string();
    let hook = ok(&sb, &["create-webhook", &channel, "--name", "ci"]);
    let (hid, token) = (
        hook["id"].as_str().expect("id"),
        hook["token"].as_str().expect("token"),
    );
    let err = fails(&sb, &["get-webhook-message", hid, token, "1"]);
    assert!(err.contains("501"), "{err}");
}

#[test]
fn an_unknown_gateway_fault_is_a_400() {
    let sb = Sandbox::start();
    let out = sb
        .cmd()
        .args([
            "--api-url",
            &sb.root_url(),
            "post",
            "/_sandbox/gateway/faults",
        ])
        .arg(r#"{"kind":"explode"}"#)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("400") && err.contains("explode"), "{err}");
    let applied = sb.admin(
        "post",
        "/_sandbox/gateway/faults",
        Some(r#"{"kind":"reconnect"}"#),
    );
    assert_eq!(applied["applied"], 0);
}

/// Guild > Search Guild Members: members whose username or nickname starts with `query`,
/// `limit` 1 to 1000 (default 1); `query` is required.
#[test]
fn member_search_matches_username_and_nickname_prefixes() {
    let sb = Sandbox::start();
    let g = sb.guild_id();
    let found = ok(
        &sb,
        &[
            "search-guild-members",
            &g,
            "--query",
            "MEMBER001",
            "--limit",
            "20",
        ],
    );
    let names: Vec<&str> = found
        .as_array()
        .expect("list")
        .iter()
        .map(|m| m["user"]["username"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(names.len(), 10, "{names:?}");
    assert!(names.iter().all(|n| n.starts_with("member001")));
    let one = ok(&sb, &["search-guild-members", &g, "--query", "member"]);
    assert_eq!(one.as_array().map(Vec::len), Some(1));
    let u = plain_members(&sb, &g, 1).remove(0);
    ok(&sb, &["modify-guild-member", &g, &u, "--nick", "Zebra"]);
    let by_nick = ok(&sb, &["search-guild-members", &g, "--query", "zeb"]);
    assert_eq!(by_nick[0]["user"]["id"], u.as_str());
    // Guild > Modify Current Member: the bot's own nickname, found by search like any.
    let me = ok(&sb, &["modify-current-member", &g, "--nick", "Botty"]);
    assert_eq!(me["user"]["id"], bot_id(&sb).as_str());
    let found = ok(&sb, &["search-guild-members", &g, "--query", "bott"]);
    assert_eq!(found[0]["nick"], "Botty");
    let err = fails(&sb, &["get", &format!("/guilds/{g}/members/search")]);
    assert!(err.contains("query") && err.contains("50035"), "{err}");
}

/// User > Create DM: a DM channel (type 1) with the recipient; the same one again for the
/// same recipient; messages can be sent to it.
#[test]
fn dms_are_created_once_and_take_messages() {
    let sb = Sandbox::start();
    let g = sb.guild_id();
    let u = plain_members(&sb, &g, 1).remove(0);
    let dm = ok(&sb, &["create-dm", "--recipient-id", &u]);
    assert_eq!(dm["type"], 1);
    assert_eq!(dm["recipients"][0]["id"], u.as_str());
    let again = ok(&sb, &["create-dm", "--recipient-id", &u]);
    assert_eq!(again["id"], dm["id"]);
    let d = dm["id"].as_str().expect("dm id");
    let sent = ok(&sb, &["send-message", d, "hello in private"]);
    assert_eq!(sent["channel_id"], d);
    assert!(sent.get("guild_id").is_none());
    let listed = ok(&sb, &["get-channel-messages", d]);
    assert_eq!(listed[0]["content"], "hello in private");
    let err = fails(&sb, &["create-dm", "--recipient-id", "42"]);
    assert!(err.contains("50033"), "{err}");
}

/// Threads (Channel > Start Thread from Message / without Message, List Active Guild
/// Threads, List Public/Private/Joined Private Archived Threads, thread members): a thread
/// from a message has the message's id; without one it defaults to a private thread.
#[test]
fn threads_start_archive_list_and_have_members() {
    let sb = Sandbox::start();
    let g = sb.guild_id();
    let c = sb.general_channel();
    let m = ok(&sb, &["create-message", &c, "--content", "topic"])["id"]
        .as_str()
        .expect("id")
        .to_string();
    let public = ok(
        &sb,
        &[
            "start-thread-from-message",
            &c,
            &m,
            "--name",
            "from-message",
        ],
    );
    assert_eq!(public["id"], m.as_str());
    assert_eq!(
        (public["type"].as_u64(), public["parent_id"].as_str()),
        (Some(11), Some(c.as_str()))
    );
    let message = ok(&sb, &["get-channel-message", &c, &m]);
    assert_eq!(message["thread"]["id"], m.as_str());
    let err = fails(
        &sb,
        &["start-thread-from-message", &c, &m, "--name", "again"],
    );
    assert!(err.contains("160004"), "{err}");
    let private = ok(
        &sb,
        &["start-thread-without-message", &c, "--name", "quiet"],
    );
    assert_eq!(private["type"], 12);
    let p = private["id"].as_str().expect("id").to_string();
    let active = ok(&sb, &["list-active-guild-threads", &g]);
    let ids: Vec<&str> = active["threads"]
        .as_array()
        .expect("threads")
        .iter()
        .filter_map(|t| t["id"].as_str())
        .collect();
    assert!(
        ids.contains(&m.as_str()) && ids.contains(&p.as_str()),
        "{ids:?}"
    );
    assert_eq!(active["members"].as_array().map(Vec::len), Some(2));
    ok(&sb, &["send-message", &m, "in the thread"]);
    assert_eq!(ok(&sb, &["get-channel", &m])["message_count"], 1);

    // Members: the creator is one; others join and leave.
    let u = plain_members(&sb, &g, 1).remove(0);
    ok(&sb, &["add-thread-member", &m, &u]);
    let one = ok(&sb, &["get-thread-member", &m, &u, "--with-member"]);
    assert_eq!(
        (
            one["user_id"].as_str(),
            one["member"]["user"]["id"].as_str()
        ),
        (Some(u.as_str()), Some(u.as_str()))
    );
    let all = ok(&sb, &["list-thread-members", &m]);
    assert_eq!(all.as_array().map(Vec::len), Some(2));
    ok(&sb, &["remove-thread-member", &m, &u]);
    ok(&sb, &["leave-thread", &m]);
    assert!(fails(&sb, &["get-thread-member", &m, &bot_id(&sb)]).contains("10007"));
    ok(&sb, &["join-thread", &m]);
    assert_eq!(ok(&sb, &["get-channel", &m])["member_count"], 1);

    // Archived threads are listed by their parent, public and private apart.
    ok(&sb, &["modify-channel", &m, "--archived"]);
    ok(&sb, &["modify-channel", &p, "--archived", "true"]);
    let archived = ok(&sb, &["list-public-archived-threads", &c]);
    assert_eq!(archived["threads"][0]["id"], m.as_str());
    assert_eq!(archived["threads"][0]["thread_metadata"]["archived"], true);
    assert_eq!(archived["has_more"], false);
    let private_list = ok(&sb, &["list-private-archived-threads", &c]);
    assert_eq!(private_list["threads"].as_array().map(Vec::len), Some(1));
    assert_eq!(private_list["threads"][0]["id"], p.as_str());
    let joined = ok(&sb, &["list-joined-private-archived-threads", &c]);
    assert_eq!(joined["threads"][0]["id"], p.as_str());
    let active = ok(&sb, &["list-active-guild-threads", &g]);
    assert_eq!(active["threads"].as_array().map(Vec::len), Some(0));
}

/// Emoji > Create/Modify/Delete Guild Emoji: name 2 to 32 characters, image a data URI.
#[test]
fn guild_emojis_are_created_listed_renamed_and_deleted() {
    let sb = Sandbox::start();
    let g = sb.guild_id();
    let image = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
    let made = ok(
        &sb,
        &[
            "create-guild-emoji",
            &g,
            "--name",
            "party",
            "--image",
            image,
        ],
    );
    let e = made["id"].as_str().expect("emoji id").to_string();
    assert_eq!(
        (made["name"].as_str(), made["animated"].as_bool()),
        (Some("party"), Some(false))
    );
    let listed = ok(&sb, &["list-guild-emojis", &g]);
    assert_eq!(listed[0]["id"], e.as_str());
    let renamed = ok(&sb, &["modify-guild-emoji", &g, &e, "--name", "party_on"]);
    assert_eq!(renamed["name"], "party_on");
    assert_eq!(ok(&sb, &["get-guild-emoji", &g, &e])["name"], "party_on");
    assert_eq!(ok(&sb, &["get-guild", &g])["emojis"][0]["id"], e.as_str());
    ok(&sb, &["delete-guild-emoji", &g, &e, "--yes"]);
    assert!(fails(&sb, &["get-guild-emoji", &g, &e]).contains("10014"));
    // Sent raw: the typed command itself refuses a name that short.
    let short = format!(r#"{{"name":"x","image":"{image}"}}"#);
    let err = fails(&sb, &["post", &format!("/guilds/{g}/emojis"), &short]);
    assert!(err.contains("50035") && err.contains("name"), "{err}");
    let err = fails(
        &sb,
        &[
            "create-guild-emoji",
            &g,
            "--name",
            "plain",
            "--image",
            "not-a-data-uri",
        ],
    );
    assert!(err.contains("image"), "{err}");
}

/// Audit Logs > Get Guild Audit Log: the sandbox's own writes are entries (newest first), by
/// the bot, carrying the `X-Audit-Log-Reason` that `--reason` sends; `action_type` and
/// `user_id` filter.
#[test]
fn writes_leave_audit_log_entries_with_their_reason() {
    let sb = Sandbox::start();
    let g = sb.guild_id();
    let bot = bot_id(&sb);
    ok(
        &sb,
        &[
            "modify-guild",
            &g,
            "--name",
            "Audited",
            "--reason",
            "tidy up: names",
        ],
    );
    let made = ok(
        &sb,
        &[
            "create-guild-role",
            &g,
            "--name",
            "helpers",
            "--reason",
            "more hands",
        ],
    );
    let u = plain_members(&sb, &g, 1).remove(0);
    ok(
        &sb,
        &["create-guild-ban", &g, &u, "--reason", "spam", "--yes"],
    );
    let log = ok(&sb, &["get-guild-audit-log", &g]);
    let entries = log["audit_log_entries"].as_array().expect("entries");
    // MEMBER_BAN_ADD 22, ROLE_CREATE 30, GUILD_UPDATE 1, newest first.
    let kinds: Vec<u64> = entries
        .iter()
        .filter_map(|e| e["action_type"].as_u64())
        .collect();
    assert_eq!(kinds, [22, 30, 1]);
    assert_eq!(entries[0]["reason"], "spam");
    assert_eq!(entries[0]["target_id"], u.as_str());
    assert_eq!(entries[1]["reason"], "more hands");
    assert_eq!(entries[1]["target_id"], made["id"]);
    assert_eq!(entries[2]["reason"], "tidy up: names");
    let change = &entries[2]["changes"][0];
    assert_eq!(
        (change["key"].as_str(), change["new_value"].as_str()),
        (Some("name"), Some("Audited"))
    );
    assert!(entries.iter().all(|e| e["user_id"] == bot.as_str()));
    assert_eq!(log["users"][0]["id"], bot.as_str());
    let only_roles = ok(&sb, &["get-guild-audit-log", &g, "--action-type", "30"]);
    assert_eq!(
        only_roles["audit_log_entries"].as_array().map(Vec::len),
        Some(1)
    );
    let limited = ok(&sb, &["get-guild-audit-log", &g, "--limit", "1"]);
    assert_eq!(limited["audit_log_entries"][0]["action_type"], 22);
    let before = entries[0]["id"].as_str().expect("id");
    let older = ok(&sb, &["get-guild-audit-log", &g, "--before", before]);
    assert_eq!(older["audit_log_entries"].as_array().map(Vec::len), Some(2));
    let nobody = ok(&sb, &["get-guild-audit-log", &g, "--user-id", &u]);
    assert_eq!(
        nobody["audit_log_entries"].as_array().map(Vec::len),
        Some(0)
    );
    // Deleting someone else's message is MESSAGE_DELETE (72), its target the author; the
    // bot's own message leaves no entry.
    let c = sb.general_channel();
    let seeded = ok(&sb, &["get-channel-messages", &c, "--limit", "1"]);
    let (m, author) = (
        seeded[0]["id"].as_str().expect("id"),
        &seeded[0]["author"]["id"],
    );
    assert_ne!(author, bot.as_str());
    ok(
        &sb,
        &["delete-message", &c, m, "--reason", "off topic", "--yes"],
    );
    let own = ok(&sb, &["send-message", &c, "mine"]);
    ok(
        &sb,
        &[
            "delete-message",
            &c,
            own["id"].as_str().expect("id"),
            "--yes",
        ],
    );
    let newest = &ok(&sb, &["get-guild-audit-log", &g])["audit_log_entries"][0];
    assert_eq!(
        (newest["action_type"].as_u64(), newest["reason"].as_str()),
        (Some(72), Some("off topic"))
    );
    assert_eq!(&newest["target_id"], author);
    assert_eq!(newest["options"]["channel_id"], c.as_str());
}

/// Permissions > Permission Overwrites: base permissions from @everyone and the member's
/// roles (ADMINISTRATOR overrides everything), then the channel's @everyone overwrite, the
/// roles' overwrites, the member's own, each deny before allow. Sending needs SEND_MESSAGES;
/// without it Discord answers 403 Missing Permissions (50013).
#[test]
fn roles_and_overwrites_decide_who_may_send() {
    let sb = Sandbox::start();
    let g = sb.guild_id();
    let c = sb.general_channel();
    let bot = bot_id(&sb);
    let roles = ok(&sb, &["get-guild-roles", &g]);
    let moderators = roles
        .as_array()
        .expect("roles")
        .iter()
        .find(|r| r["name"] == "moderators")
        .and_then(|r| r["id"].as_str())
        .expect("the bot's role")
        .to_string();
    // Nobody outranks the owner (Permissions > Permission Hierarchy), not even an admin.
    let owner = ok(&sb, &["get-guild", &g])["owner_id"]
        .as_str()
        .expect("owner")
        .to_string();
    let err = fails(&sb, &["create-guild-ban", &g, &owner, "--yes"]);
    assert!(err.contains("Missing Permissions (50013)"), "{err}");
    // While the bot's role has ADMINISTRATOR, overwrites do not apply to it.
    ok(
        &sb,
        &[
            "edit-channel-permissions",
            &c,
            &g,
            "--type",
            "role",
            "--deny",
            "SEND_MESSAGES",
        ],
    );
    ok(&sb, &["send-message", &c, "admins ignore overwrites"]);
    // Without it, @everyone's deny in the channel stops the bot...
    ok(
        &sb,
        &[
            "modify-guild-role",
            &g,
            &moderators,
            "--permissions",
            "MANAGE_ROLES",
        ],
    );
    let err = fails(&sb, &["send-message", &c, "denied"]);
    assert!(
        err.contains("403") && err.contains("Missing Permissions (50013)"),
        "{err}"
    );
    // ...a role's allow outweighs @everyone's deny...
    ok(
        &sb,
        &[
            "edit-channel-permissions",
            &c,
            &moderators,
            "--type",
            "role",
            "--allow",
            "SEND_MESSAGES",
        ],
    );
    ok(&sb, &["send-message", &c, "allowed by role"]);
    // ...and the member's own deny outweighs both.
    ok(
        &sb,
        &[
            "edit-channel-permissions",
            &c,
            &bot,
            "--type",
            "member",
            "--deny",
            "SEND_MESSAGES",
        ],
    );
    assert!(fails(&sb, &["send-message", &c, "denied again"]).contains("50013"));
    let other = sb.run(&["get", &format!("/guilds/{g}/channels")]);
    let random = json(&other)
        .as_array()
        .expect("channels")
        .iter()
        .find(|ch| ch["name"] == "random")
        .and_then(|ch| ch["id"].as_str())
        .expect("#random")
        .to_string();
    ok(
        &sb,
        &["send-message", &random, "other channels are untouched"],
    );
    ok(&sb, &["delete-channel-permission", &c, &bot]);
    ok(&sb, &["send-message", &c, "allowed once more"]);
    // Deleting another's message takes MANAGE_MESSAGES; the bot's own it may always delete.
    let recent = ok(&sb, &["get-channel-messages", &c, "--limit", "20"]);
    let theirs = recent
        .as_array()
        .expect("messages")
        .iter()
        .find(|m| m["author"]["id"] != bot.as_str())
        .and_then(|m| m["id"].as_str())
        .expect("a member's message");
    assert!(fails(&sb, &["delete-message", &c, theirs, "--yes"]).contains("50013"));
    let mine = ok(&sb, &["send-message", &c, "mine to delete"]);
    ok(
        &sb,
        &[
            "delete-message",
            &c,
            mine["id"].as_str().expect("id"),
            "--yes",
        ],
    );
    // Guild-wide permissions are checked too: banning takes BAN_MEMBERS.
    let u = plain_members(&sb, &g, 1).remove(0);
    assert!(fails(&sb, &["create-guild-ban", &g, &u, "--yes"]).contains("50013"));
}

/// Message > Message Reference: a reply (type 19) carries the message it replies to as
/// `referenced_message`; a reference to no message is refused unless `fail_if_not_exists` is
/// false, which sends a plain message.
#[test]
fn replies_carry_the_referenced_message() {
    let sb = Sandbox::start();
    let c = sb.general_channel();
    let first = ok(&sb, &["create-message", &c, "--content", "question"]);
    let id = first["id"].as_str().expect("id");
    let reference = format!(r#"{{"message_id":"{id}"}}"#);
    let reply = ok(
        &sb,
        &[
            "create-message",
            &c,
            "--content",
            "answer",
            "--message-reference",
            &reference,
        ],
    );
    assert_eq!(reply["type"], 19);
    assert_eq!(reply["referenced_message"]["id"], id);
    assert_eq!(reply["referenced_message"]["content"], "question");
    assert_eq!(reply["message_reference"]["message_id"], id);
    let fetched = ok(
        &sb,
        &["get-channel-message", &c, reply["id"].as_str().expect("id")],
    );
    assert_eq!(fetched["referenced_message"]["id"], id);
    let missing = r#"{"message_id":"42"}"#;
    let err = fails(
        &sb,
        &[
            "create-message",
            &c,
            "--content",
            "x",
            "--message-reference",
            missing,
        ],
    );
    assert!(
        err.contains("50035") && err.contains("message_reference"),
        "{err}"
    );
    let lenient = r#"{"message_id":"42","fail_if_not_exists":false}"#;
    let plain = ok(
        &sb,
        &[
            "create-message",
            &c,
            "--content",
            "x",
            "--message-reference",
            lenient,
        ],
    );
    assert_eq!(plain["type"], 0);
    assert!(plain.get("referenced_message").is_none());
}

/// Reference > Uploading Files: a bot may upload 10 MiB per request by default; more is 413
/// with code 40005 (Request entity too large).
#[test]
fn uploads_over_ten_mebibytes_are_refused() {
    let sb = Sandbox::start();
    let c = sb.general_channel();
    let dir = tempfile::tempdir().expect("tempdir");
    let exact = dir.path().join("exact.bin");
    std::fs::write(&exact, vec![b'a'; 10 * 1024 * 1024]).expect("write");
    let exact = exact.to_string_lossy().into_owned();
    let sent = ok(&sb, &["create-message", &c, "--file", &exact]);
    assert_eq!(sent["attachments"][0]["size"], 10 * 1024 * 1024);
    let small = dir.path().join("one-byte.bin");
    std::fs::write(&small, b"b").expect("write");
    let small = small.to_string_lossy().into_owned();
    let err = fails(
        &sb,
        &["create-message", &c, "--file", &exact, "--file", &small],
    );
    assert!(err.contains("413") && err.contains("40005"), "{err}");
}
