//! End-to-end: the typed endpoint commands. Every route table entry is run with `--dry-run` and
//! its method, URL (ids substituted and encoded, query in order) and body checked; each kind of
//! validation error exits 2 before anything is sent; a few commands run against the sandbox.

mod common;

use std::process::{Output, Stdio};

use common::{json, stderr, stdout, Sandbox};
use discord_cli::endpoints::{Auth, Body, Endpoint, Field, Kind, ENDPOINTS};
use serde_json::{json, Map, Value};

/// A base URL nothing listens on: a command that tried to send would fail with exit 1.
const DEAD_API: &str = "http://127.0.0.1:9/api/v10";

fn offline(args: &[&str]) -> Output {
    let dir = tempfile::tempdir().expect("tempdir");
    common::base_cmd(dir.path())
        .env("DISCORD_TOKEN", "abc.def.ghi")
        .args(["--api-url", DEAD_API])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run discord")
}

/// A sample argument of each kind and the JSON Discord should receive for it, written out here
/// rather than derived from the code under test.
fn sample(kind: Kind, n: usize) -> (String, Value) {
    match kind {
        Kind::Snowflake => {
            let id = format!("{}", 100_000 + n);
            (id.clone(), Value::String(id))
        }
        // -7 where Discord allows it (a negative number must not be taken for a flag), else
        // the lowest value it accepts.
        Kind::Integer { min, .. } => {
            let n = min.map_or(-7, |m| m.max(-7));
            (n.to_string(), json!(n))
        }
        Kind::Number { min, max } => {
            let n = min.unwrap_or(0.25).max(0.25).min(max.unwrap_or(0.25));
            (n.to_string(), json!(n))
        }
        Kind::Bool => ("false".into(), json!(false)),
        // Long enough for any minLength in the spec (2 at most for these fields).
        Kind::String { min_len, .. } => {
            let text = "hi".repeat((min_len.unwrap_or(1) as usize).div_ceil(2));
            (text.clone(), json!(text))
        }
        Kind::DateTime => ("2026-01-31T18:00:00Z".into(), json!("2026-01-31T18:00:00Z")),
        Kind::Enum(values) => {
            let (name, value) = values[values.len() - 1];
            (
                name.into(),
                serde_json::from_str(value).expect("table enum value"),
            )
        }
        Kind::Permissions { .. } => ("KICK_MEMBERS,ADMINISTRATOR".into(), json!("10")),
        Kind::Colour => ("#0000ff".into(), json!(255)),
        Kind::List(item) => sample(*item, n),
        Kind::Json | Kind::JsonObject => (r#"{"k":[1]}"#.into(), json!({"k": [1]})),
        Kind::JsonArray => (r#"[{"k":1}]"#.into(), json!([{"k": 1}])),
    }
}

/// The naming rule: a field's flag is its name in kebab-case, except a query parameter that
/// shares its name with a body field of the same operation.
fn flag_for(endpoint: &Endpoint, field: &Field, query: bool) -> String {
    let flag = field.name.replace('_', "-");
    if query && endpoint.fields.iter().any(|f| f.name == field.name) {
        format!("--{flag}-param")
    } else {
        format!("--{flag}")
    }
}

struct Case {
    args: Vec<String>,
    url: String,
    body: Option<Value>,
}

fn case(endpoint: &Endpoint) -> Case {
    let mut args = vec!["--dry-run".to_string(), endpoint.name.to_string()];
    let mut path = endpoint.path.to_string();
    for (i, p) in endpoint.path_params.iter().enumerate() {
        let (arg, encoded) = match p.kind {
            Kind::Snowflake => sample(p.kind, i).0.clone(),
            Kind::Integer { .. } => "7".to_string(),
            _ => "a b/c".to_string(),
        }
        .pipe(|a| {
            // A webhook's or interaction's token lets anyone who reads it act as the webhook
            // (Discord's docs, Webhook resource): --dry-run shows it hidden, like the bot token.
            let e = if p.name.ends_with("token") {
                "████".to_string()
            } else {
                a.replace(' ', "%20").replace('/', "%2F")
            };
            (a, e)
        });
        // A webhook's or interaction's token is a secret: --dry-run hides it.
        let shown = if p.name.ends_with("_token") {
            "████".to_string()
        } else {
            encoded
        };
        path = path.replace(&format!("{{{}}}", p.name), &shown);
        args.push(arg);
    }
    let mut query = Vec::new();
    for (i, f) in endpoint.query.iter().enumerate() {
        let (arg, value) = sample(f.kind, 10 + i);
        args.push(flag_for(endpoint, f, true));
        args.push(arg);
        let text = match value {
            Value::String(s) => s,
            other => other.to_string(),
        };
        query.push(format!("{}={}", f.name, text));
    }
    let mut body = Map::new();
    for (i, f) in endpoint.fields.iter().enumerate() {
        // A JSON field is checked against its nested schema, so it takes the table's example
        // (tests/spec_schema.rs checks each against Discord's spec); it is sent as given.
        let nested = discord_cli::endpoints::nested::find(endpoint.name, f.name);
        let (arg, value) = match nested {
            Some(n) => (
                n.example.to_string(),
                serde_json::from_str(n.example).expect("json"),
            ),
            None => sample(f.kind, 50 + i),
        };
        args.push(flag_for(endpoint, f, false));
        args.push(arg);
        body.insert(f.name.to_string(), value);
    }
    if endpoint.body == Some(Body::Json) {
        args.push("--body".into());
        args.push("[1,2]".into());
    }
    if endpoint.reason {
        args.extend(["--reason".to_string(), "why".to_string()]);
    }
    let mut url = format!("{DEAD_API}{path}");
    if !query.is_empty() {
        url.push('?');
        url.push_str(&query.join("&"));
    }
    let body = match endpoint.body {
        Some(Body::Json) => Some(json!([1, 2])),
        _ if body.is_empty() => None,
        _ => Some(Value::Object(body)),
    };
    Case { args, url, body }
}

trait Pipe: Sized {
    fn pipe<T>(self, f: impl FnOnce(Self) -> T) -> T {
        f(self)
    }
}
impl<T> Pipe for T {}

fn check(endpoint: &Endpoint) -> Result<(), String> {
    let c = case(endpoint);
    let args: Vec<&str> = c.args.iter().map(String::as_str).collect();
    let out = offline(&args);
    let text = stdout(&out);
    if endpoint.form.is_some_and(|f| f.file_required) {
        // Its file is required: without --file nothing is sent (the form test sends one).
        let err = stderr(&out);
        if out.status.code() != Some(2) || !err.contains("add --file") {
            return Err(format!(
                "{}: a missing file should be a usage error: {err}",
                endpoint.name
            ));
        }
        return Ok(());
    }
    if !out.status.success() {
        return Err(format!(
            "{}: exit {:?}: {}",
            endpoint.name,
            out.status.code(),
            stderr(&out)
        ));
    }
    let (head, body) = text.split_once("\n\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let first = lines.next().unwrap_or_default();
    let want = format!("{} {}", endpoint.method.as_str(), c.url);
    if first != want {
        return Err(format!(
            "{}: request line\n  got  {first}\n  want {want}",
            endpoint.name
        ));
    }
    let headers: Vec<&str> = lines.collect();
    let has_auth = headers.iter().any(|h| h.starts_with("Authorization:"));
    if has_auth != (endpoint.auth != Auth::Never) {
        return Err(format!("{}: Authorization sent: {has_auth}", endpoint.name));
    }
    let has_reason = headers.contains(&"X-Audit-Log-Reason: why");
    if has_reason != endpoint.reason {
        return Err(format!("{}: reason header: {has_reason}", endpoint.name));
    }
    let got: Option<Value> = if body.trim().is_empty() {
        None
    } else {
        Some(
            serde_json::from_str(body.trim())
                .map_err(|e| format!("{}: body: {e}", endpoint.name))?,
        )
    };
    if got != c.body {
        return Err(format!(
            "{}: body\n  got  {got:?}\n  want {:?}",
            endpoint.name, c.body
        ));
    }
    Ok(())
}

#[test]
fn every_endpoint_builds_its_request() {
    let chunks: Vec<&[Endpoint]> = ENDPOINTS.chunks(ENDPOINTS.len().div_ceil(4)).collect();
    let failures: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .iter()
                        .filter_map(|e| check(e).err())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("thread"))
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn endpoints_lists_one_line_per_entry() {
    let out = offline(&["endpoints"]);
    assert!(out.status.success());
    let text = stdout(&out);
    assert_eq!(text.lines().count(), ENDPOINTS.len());
    assert!(text
        .lines()
        .any(|l| l == "get-channel\tGET\t/channels/{channel_id}"));
    let filtered = stdout(&offline(&["endpoints", "ban"]));
    assert!(filtered.lines().count() >= 3);
    assert!(filtered.lines().all(|l| l.contains("ban")));
}

fn usage_error(args: &[&str], mentions: &str) {
    let out = offline(args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert_eq!(err.lines().count(), 1, "{args:?}: one line: {err}");
    assert!(
        err.contains(mentions),
        "{args:?}: {err} should mention {mentions}"
    );
    assert!(stdout(&out).is_empty());
}

#[test]
fn validation_errors_exit_2_before_sending() {
    usage_error(&["get-channel", "12x"], "<CHANNEL_ID>");
    usage_error(&["get-channel", "99999999999999999999"], "<CHANNEL_ID>");
    usage_error(&["get-channel-messages", "1", "--limit", "ten"], "--limit");
    usage_error(&["create-message", "1", "--tts", "maybe"], "--tts");
    usage_error(
        &[
            "create-guild-channel",
            "1",
            "--name",
            "x",
            "--type",
            "garden",
        ],
        "--type",
    );
    usage_error(&["create-guild-role", "1", "--permissions", "FLY"], "FLY");
    usage_error(&["create-guild-role", "1", "--color", "#12"], "--color");
    usage_error(&["create-message", "1", "--embeds", "{"], "--embeds");
    let long = "x".repeat(101);
    usage_error(&["create-guild-channel", "1", "--name", &long], "--name");
    usage_error(&["create-guild-channel", "1"], "--name");
    usage_error(&["get-channel", "1", "--reason", "x"], "--reason");
    usage_error(&["get-guild-embed", "1"], "get-guild-widget-settings");
    usage_error(&["delete-guild", "1"], "leave-guild");
}

#[test]
fn typed_values_and_raw_fields_merge() {
    let out = offline(&[
        "--dry-run",
        "create-guild-channel",
        "5",
        "--name",
        "news",
        "--type",
        "forum",
        "-F",
        "position=3",
        "-f",
        "topic=hello",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let body: Value =
        serde_json::from_str(text.split_once("\n\n").expect("body").1.trim()).expect("json");
    assert_eq!(
        body,
        json!({"name": "news", "type": 15, "position": 3, "topic": "hello"})
    );
    // A required field given through -f satisfies the check.
    let out = offline(&["--dry-run", "create-guild-channel", "5", "-f", "name=x"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Aliases from the original library work.
    let out = offline(&["--dry-run", "get-channel-messages", "5"]);
    let alias = offline(&["--dry-run", "list-messages", "5"]);
    assert_eq!(stdout(&out), stdout(&alias));
}

#[test]
fn destructive_commands_never_block_a_script() {
    // No terminal: no question, the request goes ahead (here to a dead port: exit 1, not 2).
    let out = offline(&["delete-channel", "5"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn help_is_grouped_and_per_command() {
    let out = offline(&["--help"]);
    let text = stdout(&out);
    assert!(text.contains("discord endpoints"));
    assert!(
        !text.contains("get-channel-messages"),
        "242 commands are not listed"
    );
    let out = offline(&["create-guild-role", "--help"]);
    let text = stdout(&out);
    // The request line is kept whole with no-break spaces.
    assert!(text
        .replace('\u{a0}', " ")
        .contains("Request: POST /guilds/{guild_id}/roles"));
    assert!(text.contains("--permissions <PERMS>"));
    assert!(text.contains("Examples:"));
    assert!(text.contains(
        "Discord's docs: https://discord.com/developers/docs/resources/guild#create-guild-role"
    ));
    // The about is the operation's, not a shared flag group's doc comment.
    for args in [
        &["get-channel", "--help"][..],
        &["get-channel", "-h"],
        &["help", "get-channel"],
    ] {
        let text = stdout(&offline(args));
        assert!(text.starts_with("Get Channel\n"), "{args:?}: {text}");
    }
    for (name, first) in [
        ("create-message", "Create Message\n"),
        ("get-channel-messages", "Get Channel Messages\n"),
    ] {
        let text = stdout(&offline(&[name, "-h"]));
        assert!(text.starts_with(first), "{name}: {text}");
    }
    // The operation's own flags have their own headings, before the global flags (which -h
    // leaves out, pointing at --help).
    let short = stdout(&offline(&["get-channel-messages", "-h"]));
    assert!(
        !short.contains("Global options:") && !short.contains("--max-wait"),
        "{short}"
    );
    assert!(!short.contains("--raw-field"), "{short}");
    assert!(
        short.contains("--limit <INT>") && short.contains("'discord --help'"),
        "{short}"
    );
    let text = stdout(&offline(&["get-channel-messages", "--help"]));
    let at = |heading: &str| {
        text.find(heading)
            .unwrap_or_else(|| panic!("{heading}: {text}"))
    };
    assert!(at("Path parameters:") < at("Query parameters:"));
    assert!(at("Query parameters:") < at("Global options:"));
    assert!(at("--limit <INT>") < at("Global options:"));
    let text = stdout(&offline(&["create-message", "--help"]));
    assert!(text.find("Body fields:") < text.find("Global options:"));
    assert!(text.find("--content") < text.find("Request options:"));
}

// Against the sandbox.

#[test]
fn sandbox_get_channel_and_create_message() {
    let sb = Sandbox::start();
    let channel = sb.general_channel();
    let got = json(&sb.run(&["get-channel", &channel]));
    assert_eq!(got["id"], json!(channel));
    assert_eq!(got["name"], "general");
    let out = sb.run(&[
        "create-message",
        &channel,
        "--content",
        "typed hello",
        "--tts",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let msg = json(&out);
    assert_eq!(msg["content"], "typed hello");
    let id = msg["id"].as_str().expect("id").to_string();
    let back = json(&sb.run(&["get-channel-message", &channel, &id]));
    assert_eq!(back["content"], "typed hello");
}

#[test]
fn sandbox_list_guild_members_paginates() {
    let sb = Sandbox::start();
    let guild = sb.guild_id();
    let out = sb.run(&[
        "list-guild-members",
        &guild,
        "--limit",
        "1000",
        "--paginate",
        "--lines",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let ids: Vec<String> = text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("json line")["user"]["id"].to_string())
        .collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "each member once");
    assert!(ids.len() > 1000, "more than one page: {}", ids.len());
}

#[test]
fn sandbox_send_message_split_in_order() {
    let sb = Sandbox::start();
    let channel = sb.general_channel();
    let words: Vec<String> = (0..900).map(|i| format!("w{i:04}")).collect();
    let text = words.join(" ");
    assert!(text.len() > 4000);
    let refused = sb.run(&["send-message", &channel, &text]);
    assert_eq!(refused.status.code(), Some(2));
    let mut child = sb
        .cmd()
        .args(["send-message", &channel, "-", "--split"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(text.as_bytes()).expect("write");
    }
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success(), "{}", stderr(&out));
    let sent: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(sent.len(), 3);
    let joined: Vec<&str> = sent
        .iter()
        .map(|m| m["content"].as_str().expect("content"))
        .collect();
    assert!(joined.iter().all(|c| c.chars().count() <= 2000));
    assert_eq!(joined.join(" "), text);
    let recent = json(&sb.run(&["get-channel-messages", &channel, "--limit", "3"]));
    let newest_first: Vec<&str> = recent
        .as_array()
        .expect("list")
        .iter()
        .map(|m| m["content"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        newest_first,
        joined.iter().rev().copied().collect::<Vec<_>>()
    );
}

/// The JSON body a `--dry-run` of `args` would send.
fn dry_body(args: &[&str]) -> Value {
    let mut all = vec!["--dry-run"];
    all.extend_from_slice(args);
    let out = offline(&all);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    let text = stdout(&out);
    let body = text.split_once("\n\n").map(|(_, b)| b.trim()).unwrap_or("");
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{args:?}: body {body:?}: {e}"))
}

#[test]
fn union_body_enums_accept_every_variant() {
    // (command and the other required arguments, the flag, value typed, JSON sent)
    let reply = ["create-interaction-response", "1", "tok"];
    let reply_with_data = [
        "create-interaction-response",
        "1",
        "tok",
        "--data",
        r#"{"custom_id":"m","title":"t","components":[]}"#,
    ];
    let rule = [
        "create-auto-moderation-rule",
        "1",
        "--name",
        "r",
        "--event-type",
        "message-send",
    ];
    let edit_rule = ["modify-auto-moderation-rule", "1", "2"];
    let event = [
        "create-guild-scheduled-event",
        "1",
        "--name",
        "e",
        "--scheduled-start-time",
        "2030-01-01T00:00:00Z",
        "--privacy-level",
        "guild-only",
    ];
    // An external event needs its location (the spec's ExternalScheduledEventCreateRequest).
    let external_event = [
        "create-guild-scheduled-event",
        "1",
        "--name",
        "e",
        "--scheduled-start-time",
        "2030-01-01T00:00:00Z",
        "--privacy-level",
        "guild-only",
        "--entity-metadata",
        r#"{"location":"here"}"#,
    ];
    let edit_event = ["modify-guild-scheduled-event", "1", "2"];
    let cases: &[(&[&str], &str, &str, i64)] = &[
        (&reply, "--type", "4", 4),
        (&reply, "--type", "channel-message-with-source", 4),
        (&reply, "--type", "pong", 1),
        (&reply, "--type", "deferred-update-message", 6),
        // A modal needs its data (the spec's ModalInteractionCallbackRequest requires it).
        (&reply_with_data, "--type", "modal", 9),
        (
            &reply_with_data,
            "--type",
            "application-command-autocomplete-result",
            8,
        ),
        (&rule, "--trigger-type", "keyword", 1),
        (&rule, "--trigger-type", "ml-spam", 3),
        (&rule, "--trigger-type", "mention-spam", 5),
        (&edit_rule, "--trigger-type", "keyword", 1),
        (&event, "--entity-type", "voice", 2),
        (&event, "--entity-type", "stage-instance", 1),
        (&external_event, "--entity-type", "external", 3),
        (&edit_event, "--entity-type", "voice", 2),
    ];
    for (base, flag, value, want) in cases {
        let mut args = base.to_vec();
        args.extend([*flag, *value]);
        let body = dry_body(&args);
        let field = flag.trim_start_matches("--").replace('-', "_");
        assert_eq!(body[&field], json!(want), "{args:?}");
    }
    // Every value the table lists for these fields is accepted, not only the last one.
    for (name, field) in [
        ("create-interaction-response", "type"),
        ("create-auto-moderation-rule", "trigger_type"),
        ("modify-guild-scheduled-event", "entity_type"),
    ] {
        let endpoint = ENDPOINTS.iter().find(|e| e.name == name).expect(name);
        let f = endpoint
            .fields
            .iter()
            .find(|f| f.name == field)
            .expect(field);
        let Kind::Enum(values) = f.kind else {
            panic!("{name} {field} is not an enum")
        };
        assert!(values.len() >= 3, "{name} {field}: {values:?}");
    }
}

/// Like [`offline`], with no token anywhere.
fn offline_without_token(args: &[&str]) -> Output {
    let dir = tempfile::tempdir().expect("tempdir");
    common::base_cmd(dir.path())
        .args(["--api-url", DEAD_API])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run discord")
}

#[test]
fn integer_ranges_from_the_spec_are_checked() {
    usage_error(&["list-guild-members", "1", "--limit", "5000"], "1 to 1000");
    usage_error(&["list-guild-members", "1", "--limit", "0"], "--limit");
    usage_error(&["get-channel-messages", "1", "--limit", "-5"], "1 to 100");
    usage_error(&["get-channel-messages", "1", "--limit", "101"], "--limit");
    // Values inside the range are sent; the help states the range.
    let out = offline(&["--dry-run", "list-guild-members", "1", "--limit", "1000"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("limit=1000"));
    let help = stdout(&offline(&["get-channel-messages", "-h"]));
    assert!(help.contains("integer, from 1 to 100"), "{help}");
}

#[test]
fn a_required_whole_body_must_be_given() {
    usage_error(&["modify-guild-role-positions", "1"], "--body");
    let wanting: Vec<&Endpoint> = ENDPOINTS
        .iter()
        .filter(|e| e.body == Some(Body::Json) && e.body_required)
        .collect();
    assert!(wanting.len() >= 5, "{}", wanting.len());
    for e in wanting {
        let mut args = vec!["--dry-run".to_string(), e.name.to_string()];
        args.extend(e.path_params.iter().map(|_| "1".to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        usage_error(&args, "--body");
        let help = stdout(&offline(&[e.name, "-h"]));
        let example = help.split("Examples:").nth(1).unwrap_or_default();
        assert!(example.contains(" --body"), "{}: {example}", e.name);
    }
}

#[test]
fn delete_invite_takes_a_reason() {
    let out = offline(&["--dry-run", "delete-invite", "abc", "--reason", "spam"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("X-Audit-Log-Reason: spam"));
}

#[test]
fn github_compatible_webhook_is_named_as_one_word() {
    let body = r#"{"sender":{"id":1,"login":"octocat","html_url":"https://github.com/octocat","avatar_url":"https://github.com/octocat.png"}}"#;
    let out = offline(&[
        "--dry-run",
        "execute-github-compatible-webhook",
        "1",
        "t",
        "--body",
        body,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("POST http://127.0.0.1:9/api/v10/webhooks/1/████/github"));
    // The name published before still works.
    let old = offline(&[
        "--dry-run",
        "execute-git-hub-compatible-webhook",
        "1",
        "t",
        "--body",
        body,
    ]);
    assert_eq!(stdout(&old), stdout(&out));
    let list = stdout(&offline(&["endpoints", "github"]));
    assert!(
        list.starts_with("execute-github-compatible-webhook"),
        "{list}"
    );
}

#[test]
fn webhook_overloads_route_by_the_number_of_ids() {
    let first_line = |args: &[&str]| {
        let out = offline(args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        let text = stdout(&out);
        (
            text.lines().next().unwrap_or_default().to_string(),
            text.contains("Authorization:"),
        )
    };
    // The webhook's token is shown hidden, like the bot token.
    let base = "http://127.0.0.1:9/api/v10/webhooks/1";
    assert_eq!(
        first_line(&["--dry-run", "get-webhook", "1", "tok"]),
        (format!("GET {base}/████"), false)
    );
    assert_eq!(
        first_line(&["--dry-run", "get-webhook", "1"]),
        (format!("GET {base}"), true)
    );
    assert_eq!(
        first_line(&["--dry-run", "delete-webhook", "--yes", "1", "tok"]),
        (format!("DELETE {base}/████"), false)
    );
    assert_eq!(
        first_line(&["delete-webhook", "1", "--dry-run", "--timeout", "5", "tok"]),
        (format!("DELETE {base}/████"), false)
    );
    assert_eq!(
        first_line(&["--dry-run", "delete-webhook", "1", "--reason", "x"]),
        (format!("DELETE {base}"), true)
    );
    // The original library's names of the same overloads.
    assert_eq!(
        first_line(&["--dry-run", "get-webhook", "1", "tok", "--jq", "."]),
        (format!("GET {base}/████"), false)
    );
}

#[test]
fn no_token_is_needed_where_discord_needs_none_or_nothing_is_sent() {
    // Discord answers these without a token: none is needed, none is sent.
    for args in [
        &["--dry-run", "get-gateway"][..],
        &["--dry-run", "get-invite", "abc"],
        &["--dry-run", "get-guild-widget", "1"],
    ] {
        let out = offline_without_token(args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert!(!stdout(&out).contains("Authorization"), "{args:?}");
        assert!(stderr(&out).is_empty(), "{args:?}: {}", stderr(&out));
    }
    // With a token they send it.
    let out = offline(&["--dry-run", "get-gateway"]);
    assert!(stdout(&out).contains("Authorization: Bot"));
    // A dry run shows the request without a token, typed or raw, and says one is needed to send.
    for args in [
        &["--dry-run", "get-channel", "1"][..],
        &["get", "/users/@me", "--dry-run"],
    ] {
        let out = offline_without_token(args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert!(!stdout(&out).contains("Authorization"), "{args:?}");
        assert!(stderr(&out).contains("no token"), "{args:?}");
    }
    // Sending still needs one.
    let out = offline_without_token(&["get-channel", "1"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--token"));
}

#[test]
fn sandbox_get_gateway_without_a_token() {
    let sb = Sandbox::start();
    let out = sb
        .cmd()
        .env_remove("DISCORD_TOKEN")
        .arg("get-gateway")
        .output()
        .expect("run discord");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(json(&out)["url"]
        .as_str()
        .is_some_and(|u| u.starts_with("ws")));
}

#[test]
fn yes_is_accepted_everywhere() {
    let out = offline(&["--dry-run", "get-channel", "1", "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = offline(&["--dry-run", "delete-own-reaction", "1", "2", "x", "-y"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Only commands that ask show it in their help.
    assert!(!stdout(&offline(&["get-channel", "-h"])).contains("--yes"));
    assert!(stdout(&offline(&["delete-channel", "-h"])).contains("--yes"));
}

/// Runs `discord ARGS` on a pseudo-terminal 60 columns wide (util-linux `script`), so that
/// questions wrap, typing `answer` once it has had time to ask; returns what the terminal
/// showed and the exit status.
fn on_terminal(args: &[&str], answer: &str) -> (String, Option<i32>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let template = common::base_cmd(dir.path());
    let mut cmd = std::process::Command::new("sh");
    for (k, v) in template.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    let inner = format!(
        "'{}' --token abc.def.ghi --api-url {DEAD_API} --connect-timeout 1 {}",
        common::BIN,
        quoted.join(" ")
    );
    let shell = format!(
        "(sleep 2; printf '{answer}') | script -qec \"stty cols 60; {}\" /dev/null",
        inner.replace('"', "\\\"")
    );
    let out = cmd
        .args(["-c", &shell])
        .stdin(Stdio::null())
        .output()
        .expect("run script (util-linux)");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code(),
    )
}

#[test]
fn destructive_questions_name_what_is_destroyed() {
    let (shown, code) = on_terminal(&["delete-channel", "123"], "n\\n");
    assert!(
        shown.contains("Delete channel 123 (DELETE /channels/123)?"),
        "{shown}"
    );
    assert!(shown.contains("cancelled"), "{shown}");
    assert_eq!(code, Some(2), "{shown}");
    // Wider than the 60-column terminal, and drawn once (a redraw used to repeat it).
    assert_eq!(shown.matches("Delete channel 123").count(), 1, "{shown}");
    let (shown, _) = on_terminal(&["delete-message", "1", "2"], "n\\n");
    assert!(
        shown.contains(
            "Delete message 2 in channel 1 (DELETE /channels/1/messages/2)? This cannot be undone."
        ),
        "{shown}"
    );
    let (shown, _) = on_terminal(&["create-guild-ban", "123", "456"], "n\\n");
    assert!(
        shown.contains("Ban user 456 from guild 123 (PUT /guilds/123/bans/456)?"),
        "{shown}"
    );
    assert!(!shown.contains("undone"), "{shown}");
    // Taking back one's own reaction or leaving a thread does not ask: the request goes out
    // (here to a dead port: exit 1).
    for args in [
        &["delete-own-reaction", "1", "2", "x"][..],
        &["leave-thread", "1"],
    ] {
        let (shown, code) = on_terminal(args, "n\\n");
        assert!(!shown.contains('?'), "{args:?}: {shown}");
        assert_eq!(code, Some(1), "{args:?}: {shown}");
    }
}

#[test]
fn every_destructive_question_fills_its_ids() {
    for e in ENDPOINTS {
        let Some(q) = e.confirm else { continue };
        let mut rest = q.replace("{request}", "");
        for p in e.path_params {
            rest = rest.replace(&format!("{{{}}}", p.name), "");
        }
        assert!(!rest.contains('{'), "{}: {q}", e.name);
        assert!(q.contains("{request}"), "{}: {q}", e.name);
    }
    let confirming: Vec<&str> = ENDPOINTS
        .iter()
        .filter(|e| e.confirm.is_some())
        .map(|e| e.name)
        .collect();
    for name in [
        "delete-channel",
        "delete-message",
        "bulk-delete-messages",
        "delete-guild-role",
        "delete-webhook",
        "delete-guild-emoji",
        "delete-guild-sticker",
        "create-guild-ban",
        "remove-guild-member",
        "begin-guild-prune",
        "delete-guild-integration",
        "delete-guild-scheduled-event",
        "delete-invite",
    ] {
        assert!(confirming.contains(&name), "{name} should ask");
    }
    for name in ["delete-own-reaction", "leave-thread", "unpin-message"] {
        assert!(!confirming.contains(&name), "{name} should not ask");
    }
}

#[test]
fn sandbox_channel_pins_paginate_before_the_last_pin_time() {
    let sb = Sandbox::start();
    let channel = sb.general_channel();
    let recent = json(&sb.run(&[
        "get",
        &format!("/channels/{channel}/messages"),
        "-q",
        "limit=5",
    ]));
    let ids: Vec<String> = recent
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| m["id"].as_str().expect("id").to_string())
        .collect();
    assert_eq!(ids.len(), 5);
    for id in &ids {
        let out = sb.run(&["put", &format!("/channels/{channel}/messages/pins/{id}")]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    // Pinned in order ids[0..5], so newest pin first is ids reversed.
    let expected: Vec<String> = ids.iter().rev().cloned().collect();
    let out = sb.run(&[
        "get-channel-pins",
        &channel,
        "--limit",
        "2",
        "--paginate",
        "--lines",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let got: Vec<String> = stdout(&out)
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).expect("json line")["message"]["id"]
                .as_str()
                .expect("message id")
                .to_string()
        })
        .collect();
    assert_eq!(got, expected, "every pin once, newest pin first");
    // Three pages of 2, 2 and 1, each after the first `before` the last pinned_at.
    let log = sb.admin("get", "/_sandbox/requests", None);
    let pages: Vec<&Value> = log
        .as_array()
        .expect("log")
        .iter()
        .filter(|r| {
            r["method"] == "GET"
                && r["path"]
                    .as_str()
                    .is_some_and(|p| p.ends_with("/messages/pins"))
        })
        .collect();
    assert_eq!(pages.len(), 3, "{pages:?}");
    assert!(pages[0]["query"].get("before").is_none(), "{pages:?}");
    assert_eq!(pages[0]["query"]["limit"], "2");
    let before = pages[1]["query"]["before"].as_str().unwrap_or_default();
    assert!(before.contains('T'), "a timestamp cursor: {pages:?}");

    // The raw route knows the list too, and gives one JSON array.
    let raw = sb.run(&[
        "get",
        &format!("/channels/{channel}/messages/pins"),
        "--paginate",
        "-q",
        "limit=3",
    ]);
    assert!(raw.status.success(), "{}", stderr(&raw));
    assert_eq!(json(&raw).as_array().map(Vec::len), Some(5));
    let bad = sb.run(&[
        "get-channel-pins",
        &channel,
        "--paginate",
        "-q",
        "before=12345",
    ]);
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
    assert!(stderr(&bad).contains("ISO8601"), "{}", stderr(&bad));
}

#[test]
fn form_uploads_send_plain_fields_and_the_named_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let png = dir.path().join("s.png");
    std::fs::write(&png, vec![1u8; 321]).expect("write");
    let png = png.to_string_lossy().into_owned();
    let out = offline(&[
        "--dry-run",
        "create-guild-sticker",
        "1",
        "--name",
        "st",
        "--tags",
        "x",
        "--file",
        &png,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let parts = text.split_once("\n\n").expect("parts").1;
    assert_eq!(
        parts,
        "name: st\ntags: x\nfile: s.png (321 bytes, image/png)\n"
    );
    assert!(text.contains("Content-Type: multipart/form-data"), "{text}");

    // The file is required: a usage error before anything is sent, dry run or not.
    usage_error(
        &["create-guild-sticker", "1", "--name", "st", "--tags", "x"],
        "add --file",
    );
    usage_error(
        &["--dry-run", "upload-application-attachment", "1"],
        "'file'",
    );
    let out = offline(&[
        "--dry-run",
        "create-guild-sticker",
        "1",
        "--name",
        "st",
        "--tags",
        "x",
        "--file",
        &png,
        "--file",
        &png,
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("takes one file"), "{}", stderr(&out));

    // Invites: JSON fields stay in payload_json, the CSV goes under target_users_file.
    let csv = dir.path().join("users.csv");
    std::fs::write(&csv, "123\n456\n").expect("write");
    let csv = csv.to_string_lossy().into_owned();
    let out = offline(&["--dry-run", "update-target-users", "abc", "--file", &csv]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out)
            .ends_with("\n\ntarget_users_file: users.csv (8 bytes, application/octet-stream)\n"),
        "{}",
        stdout(&out)
    );
    let out = offline(&[
        "--dry-run",
        "create-channel-invite",
        "5",
        "--max-age",
        "0",
        "--file",
        &csv,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("payload_json: {\"max_age\":0}\n"), "{text}");
    assert!(text.contains("target_users_file: users.csv"), "{text}");
    assert!(!text.contains("files[0]"), "{text}");
}

#[test]
fn sandbox_records_the_sticker_form_parts() {
    let sb = Sandbox::start();
    let guild = sb.guild_id();
    let dir = tempfile::tempdir().expect("tempdir");
    let png = dir.path().join("s.png");
    std::fs::write(&png, vec![9u8; 2048]).expect("write");
    let png = png.to_string_lossy().into_owned();
    sb.run(&[
        "create-guild-sticker",
        &guild,
        "--name",
        "st",
        "--tags",
        "x",
        "--description",
        "a sticker",
        "--file",
        &png,
    ]);
    let log = sb.admin("get", "/_sandbox/requests", None);
    let sent = log
        .as_array()
        .expect("log")
        .iter()
        .rev()
        .find(|r| {
            r["method"] == "POST" && r["path"].as_str().is_some_and(|p| p.ends_with("/stickers"))
        })
        .expect("the sticker request reached the sandbox")
        .clone();
    let parts: Vec<(String, Value, u64)> = sent["multipart"]
        .as_array()
        .expect("multipart parts")
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap_or_default().to_string(),
                p["filename"].clone(),
                p["size"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        parts,
        vec![
            ("name".to_string(), Value::Null, 2),
            ("tags".to_string(), Value::Null, 1),
            ("description".to_string(), Value::Null, 9),
            ("file".to_string(), json!("s.png"), 2048),
        ]
    );
}
