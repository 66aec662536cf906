//! End-to-end: raw requests (`discord get|post|...`) against `discord sandbox`: bodies,
//! fields, output modes, errors and exit codes, retries, pagination, uploads, auth and the token
//! never leaking.

mod common;

use common::{json, stderr, stdout, Sandbox};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;

const TOKEN: &str = "Sekrit.TokenValue-1234567890";

fn sandbox() -> Sandbox {
    Sandbox::start_with(&["--token", TOKEN])
}

fn assert_no_token(out: &std::process::Output) {
    assert!(!stdout(out).contains(TOKEN), "token on stdout");
    assert!(!stderr(out).contains(TOKEN), "token on stderr");
}

#[test]
fn get_current_user_in_every_path_form() {
    let sb = sandbox();
    let a = sb.run(&["get", "/users/@me"]);
    assert!(a.status.success(), "{}", stderr(&a));
    let me = json(&a);
    assert_eq!(me["bot"], true);
    // Not a terminal: compact JSON on one line.
    assert_eq!(stdout(&a).lines().count(), 1);
    let b = sb.run(&["get", "users/@me"]);
    let full = format!("{}/users/@me", sb.api_url);
    let c = sb.run(&["get", &full]);
    assert_eq!(json(&b), me);
    assert_eq!(json(&c), me);
}

#[test]
fn output_modes_pretty_colour_and_compact() {
    let sb = sandbox();
    let tty = sb
        .cmd()
        .env("DISCORD_FORCE_TTY", "1")
        .args(["get", "/users/@me"])
        .output()
        .unwrap();
    assert!(stdout(&tty).lines().count() > 3, "pretty on a terminal");
    assert!(!stdout(&tty).contains('\u{1b}'), "NO_COLOR honoured");
    let colour = sb.run(&["get", "/users/@me", "--output-color", "always"]);
    assert!(stdout(&colour).contains('\u{1b}'));
    let pretty = sb.run(&["get", "/users/@me", "--pretty"]);
    assert!(stdout(&pretty).lines().count() > 3);
    let compact = sb
        .cmd()
        .env("DISCORD_FORCE_TTY", "1")
        .args(["get", "/users/@me", "--compact"])
        .output()
        .unwrap();
    assert_eq!(stdout(&compact).lines().count(), 1);
}

#[test]
fn json_argument_fields_query_headers_and_reason_arrive() {
    let sb = sandbox();
    let channel = sb.general_channel();
    sb.clear_requests();
    let out = sb.run(&[
        "post",
        &format!("/channels/{channel}/messages"),
        r#"{"content": "from json", "tts": false}"#,
        "-f",
        "embeds[0][title]=Hi",
        "-F",
        "embeds[0][color]=255",
        "-H",
        "X-Extra: yes",
        "--reason",
        "tidy up ünïcode",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let msg = json(&out);
    assert_eq!(msg["content"], "from json");
    let log = sb.requests();
    let post = log.iter().find(|r| r["method"] == "POST").unwrap();
    assert_eq!(
        post["body"],
        json!({"content": "from json", "tts": false, "embeds": [{"title": "Hi", "color": 255}]})
    );
    assert_eq!(post["headers"]["x-extra"], "yes");
    assert_eq!(
        post["headers"]["x-audit-log-reason"],
        "tidy%20up%20%C3%BCn%C3%AFcode"
    );
    assert!(post["headers"]["user-agent"]
        .as_str()
        .unwrap()
        .starts_with("DiscordBot ("));

    let listed = sb.run(&[
        "get",
        &format!("/channels/{channel}/messages"),
        "-q",
        "limit=3",
    ]);
    assert_eq!(json(&listed).as_array().unwrap().len(), 3);
}

#[test]
fn data_from_file_and_stdin() {
    let sb = sandbox();
    let channel = sb.general_channel();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("body.json");
    std::fs::write(&file, r#"{"content":"from file"}"#).unwrap();
    let out = sb.run(&[
        "post",
        &format!("/channels/{channel}/messages"),
        "--body",
        &format!("@{}", file.display()),
    ]);
    assert_eq!(json(&out)["content"], "from file");

    let out = common::output_with_stdin(
        sb.cmd().args([
            "post",
            &format!("/channels/{channel}/messages"),
            "--body",
            "@-",
        ]),
        br#"{"content":"from stdin"}"#,
    );
    assert_eq!(json(&out)["content"], "from stdin");
}

#[test]
fn bad_input_is_a_usage_error_and_nothing_is_sent() {
    let sb = sandbox();
    let channel = sb.general_channel();
    sb.clear_requests();
    let path = format!("/channels/{channel}/messages");
    let cases: Vec<Vec<&str>> = vec![
        vec!["post", &path, "{not json"],
        vec!["post", &path, "-f", "a=1", "-f", "a[b]=2"],
        vec!["post", &path, "-F", "x={bad"],
        vec!["post", &path, "-f", "novalue"],
        vec!["post", &path, "-H", "no colon"],
        vec!["post", &path, "--body", "@/nonexistent/file.json"],
        vec!["post", &path, "--file", "/nonexistent/upload.bin"],
        vec!["get", "/channels/../../oauth2/applications/@me"],
        vec!["get", "/users/@me", "--timeout", "-1"],
    ];
    for args in cases {
        let out = sb.run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{args:?}: one line: {err}");
        assert!(err.starts_with("error: "), "{err}");
        assert!(stdout(&out).is_empty());
    }
    assert_eq!(sb.requests().len(), 0, "nothing was sent");
}

#[test]
fn no_token_anywhere_exits_2_and_sends_nothing() {
    let sb = sandbox();
    sb.clear_requests();
    let out = common::base_cmd(sb.config_dir.path())
        .env("DISCORD_API_URL", &sb.api_url)
        .args(["get", "/users/@me"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("--token") && err.contains("DISCORD_TOKEN") && err.contains("discord login")
    );
    assert_eq!(sb.requests().len(), 0);
}

#[test]
fn discord_errors_are_one_line_with_code_and_field_errors() {
    let sb = sandbox();
    let out = sb.run(&["get", "/channels/1234"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).is_empty(), "stdout stays empty on an error");
    assert_eq!(
        stderr(&out).trim(),
        "error: 404 Not Found: Unknown Channel (10003)"
    );

    let channel = sb.general_channel();
    let long = "x".repeat(2001);
    let out = sb.run(&[
        "post",
        &format!("/channels/{channel}/messages"),
        "-f",
        &format!("content={long}"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines[0],
        "error: 400 Bad Request: Invalid Form Body (50035)"
    );
    assert_eq!(lines[1], "content: Must be 2000 or fewer in length.");
}

#[test]
fn wrong_token_is_401_and_never_printed() {
    let sb = sandbox();
    let out = sb
        .cmd()
        .env("DISCORD_TOKEN", "Bot Bot wrong.token.here")
        .args(["get", "/users/@me", "-v", "-i"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let last = stderr(&out).lines().last().unwrap_or("").to_string();
    assert!(
        last.starts_with("error: 401 Unauthorized")
            && last.contains("check --token, DISCORD_TOKEN"),
        "{last}"
    );
    assert!(!stderr(&out).contains("wrong.token.here"));
    assert!(!stdout(&out).contains("wrong.token.here"));
}

#[test]
fn verbose_include_and_dry_run_redact_the_token() {
    let sb = sandbox();
    let out = sb.run(&["get", "/users/@me", "-v"]);
    assert!(out.status.success());
    let err = stderr(&out);
    assert!(err.contains("> GET "), "{err}");
    assert!(err.contains("authorization: Bot ████"), "{err}");
    assert!(
        err.contains("< HTTP/1.1 200") || err.contains("200 OK"),
        "{err}"
    );
    assert!(
        err.contains("x-ratelimit-bucket") || err.contains("x-ratelimit-limit"),
        "{err}"
    );
    assert_no_token(&out);

    let out = sb.run(&["get", "/users/@me", "-i"]);
    assert!(stderr(&out).contains("200"));
    assert!(!stderr(&out).contains("> GET"));
    assert_no_token(&out);

    sb.clear_requests();
    let channel = sb.general_channel();
    sb.clear_requests();
    let out = sb.run(&[
        "--dry-run",
        "post",
        &format!("/channels/{channel}/messages"),
        "-f",
        "content=hello",
    ]);
    assert!(out.status.success());
    let text = stdout(&out);
    let first = text.lines().next().unwrap();
    assert_eq!(
        first,
        format!("POST {}/channels/{channel}/messages", sb.api_url)
    );
    assert!(text.contains("Authorization: Bot ████"));
    assert!(text.trim_end().ends_with(r#"{"content":"hello"}"#));
    assert_no_token(&out);
    assert_eq!(sb.requests().len(), 0, "dry run sends nothing");
}

#[test]
fn exit_codes() {
    let sb = sandbox();
    assert_eq!(sb.run(&["get", "/users/@me"]).status.code(), Some(0));
    assert_eq!(sb.run(&["get", "/channels/1"]).status.code(), Some(1));
    assert_eq!(sb.run(&["get"]).status.code(), Some(2));
    assert_eq!(sb.run(&["frobnicate"]).status.code(), Some(2));
    // A port nothing listens on: a network error naming the host.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let out = sb.run(&[
        "get",
        "/users/@me",
        "--api-url",
        &format!("http://127.0.0.1:{port}/api/v10"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let last = stderr(&out).lines().last().unwrap_or("").to_string();
    assert!(last.contains(&format!("127.0.0.1:{port}")), "{last}");
    // Plain HTTP to a non-loopback host is refused before connecting.
    let out = sb.run(&[
        "get",
        "/users/@me",
        "--api-url",
        "http://example.invalid/api/v10",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("plain http"));
}

#[test]
fn a_429_then_success_sends_exactly_one_message() {
    let sb = sandbox();
    let channel = sb.general_channel();
    let path = format!("/channels/{channel}/messages");
    sb.admin(
        "post",
        "/_sandbox/faults",
        Some(
            &json!({"method": "POST", "path": path, "status": 429, "count": 1, "retry_after": 0.3})
                .to_string(),
        ),
    );
    sb.clear_requests();
    let out = sb.run(&["post", &path, "-f", "content=exactly-once-429"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let posts: Vec<Value> = sb
        .requests()
        .into_iter()
        .filter(|r| r["method"] == "POST")
        .collect();
    assert_eq!(posts.len(), 2, "one 429, one retry");
    assert_eq!(posts[0]["status"], 429);
    let messages = json(&sb.run(&["get", &path, "-q", "limit=20"]));
    let copies = messages
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["content"] == "exactly-once-429")
        .count();
    assert_eq!(copies, 1);
}

#[test]
fn a_502_on_get_is_retried_and_a_post_is_not_duplicated() {
    let sb = sandbox();
    let channel = sb.general_channel();
    sb.admin(
        "post",
        "/_sandbox/faults",
        Some(&json!({"method": "GET", "path": format!("/channels/{channel}"), "status": 502, "count": 2}).to_string()),
    );
    let out = sb.run(&["get", &format!("/channels/{channel}")]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["id"], channel.as_str());

    let path = format!("/channels/{channel}/messages");
    sb.admin(
        "post",
        "/_sandbox/faults",
        Some(&json!({"method": "POST", "path": path, "status": 502, "count": 1}).to_string()),
    );
    sb.clear_requests();
    let out = sb.run(&["post", &path, "-f", "content=not-twice-502"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("502"));
    let posts = sb
        .requests()
        .into_iter()
        .filter(|r| r["method"] == "POST")
        .count();
    assert_eq!(posts, 1, "a POST answered 502 is not retried");
}

#[test]
fn a_429_longer_than_max_wait_gives_up_with_a_clear_message() {
    let sb = sandbox();
    let channel = sb.general_channel();
    let path = format!("/channels/{channel}/messages");
    sb.admin(
        "post",
        "/_sandbox/faults",
        Some(&json!({"method": "POST", "path": path, "status": 429, "count": 1, "retry_after": 3600.0}).to_string()),
    );
    let out = sb.run(&["post", &path, "-f", "content=later", "--max-wait", "5"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--max-wait"), "{}", stderr(&out));
}

#[test]
fn paginate_returns_every_message_exactly_once() {
    let sb = sandbox();
    let channel = sb.general_channel();
    let path = format!("/channels/{channel}/messages");
    let out = sb.run(&["get", &path, "--paginate"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let all = json(&out);
    let items = all.as_array().unwrap();
    assert!(items.len() > 100, "more than one page: {}", items.len());
    let mut ids: Vec<u64> = items
        .iter()
        .map(|m| m["id"].as_str().unwrap().parse().unwrap())
        .collect();
    let n = ids.len();
    assert!(
        ids.windows(2).all(|w| w[0] > w[1]),
        "newest first, no repeats"
    );
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n);

    let lines = sb.run(&["get", &path, "--paginate", "--lines", "-q", "limit=37"]);
    let line_ids: Vec<String> = stdout(&lines)
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let array_ids: Vec<String> = items
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(line_ids, array_ids);

    let guild = sb.guild_id();
    let members = sb.run(&[
        "get",
        &format!("/guilds/{guild}/members"),
        "--paginate",
        "--lines",
    ]);
    let count = stdout(&members).lines().count();
    assert!(count > 1000, "members paged past one page: {count}");
}

#[test]
fn closed_stdout_ends_quietly() {
    let sb = sandbox();
    let guild = sb.guild_id();
    let mut child = sb
        .cmd()
        .args([
            "get",
            &format!("/guilds/{guild}/members"),
            "--paginate",
            "--lines",
            "-q",
            "limit=5",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    drop(reader);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

#[test]
fn multipart_upload_arrives_with_names_and_sizes() {
    let sb = sandbox();
    let channel = sb.general_channel();
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("report.txt");
    let b = dir.path().join("chart.png");
    std::fs::write(&a, vec![b'a'; 1234]).unwrap();
    std::fs::write(&b, vec![7u8; 4321]).unwrap();
    sb.clear_requests();
    let out = sb.run(&[
        "post",
        &format!("/channels/{channel}/messages"),
        "-f",
        "content=files",
        "--file",
        a.to_str().unwrap(),
        "--file",
        b.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let msg = json(&out);
    let atts = msg["attachments"].as_array().unwrap();
    assert_eq!(atts.len(), 2);
    assert_eq!(atts[0]["filename"], "report.txt");
    assert_eq!(atts[0]["size"], 1234);
    assert_eq!(atts[1]["filename"], "chart.png");
    assert_eq!(atts[1]["size"], 4321);
    let log = sb.requests();
    let post = log.iter().find(|r| r["method"] == "POST").unwrap();
    let parts = post["multipart"].as_array().unwrap();
    let names: Vec<&str> = parts.iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["payload_json", "files[0]", "files[1]"]);
    assert_eq!(parts[1]["filename"], "report.txt");
    assert_eq!(parts[1]["size"], 1234);
    assert_eq!(parts[2]["size"], 4321);
}

#[test]
fn reaction_emoji_is_encoded_once() {
    let sb = sandbox();
    let channel = sb.general_channel();
    let msg = json(&sb.run(&[
        "post",
        &format!("/channels/{channel}/messages"),
        "-f",
        "content=react",
    ]));
    let id = msg["id"].as_str().unwrap();
    for emoji in ["👍", "%F0%9F%91%8D"] {
        let out = sb.run(&[
            "put",
            &format!("/channels/{channel}/messages/{id}/reactions/{emoji}/@me"),
        ]);
        assert!(out.status.success(), "{emoji}: {}", stderr(&out));
        assert!(stdout(&out).is_empty(), "204 prints nothing");
    }
    let got = json(&sb.run(&["get", &format!("/channels/{channel}/messages/{id}")]));
    let reactions = got["reactions"].as_array().unwrap();
    assert_eq!(
        reactions.len(),
        1,
        "both spellings are the same emoji: {reactions:?}"
    );
    assert_eq!(reactions[0]["emoji"]["name"], "👍");
}

#[test]
fn login_stores_token_0600_and_profiles_choose_it() {
    let sb = sandbox();
    let login = |profile: &str, token: &str| {
        let mut child = common::base_cmd(sb.config_dir.path())
            .env("DISCORD_API_URL", &sb.api_url)
            .args(["--profile", profile, "login", "--with-token"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{token}\n").as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let bad = login("other", "not-the-token");
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        !sb.config_dir.path().join("config.json").exists(),
        "nothing stored"
    );

    let ok = login("default", TOKEN);
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(stderr(&ok).contains("logged in as"));
    assert_no_token(&ok);
    let path = sb.config_dir.path().join("config.json");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let run_stored = |args: &[&str]| {
        common::base_cmd(sb.config_dir.path())
            .env("DISCORD_API_URL", &sb.api_url)
            .args(args)
            .output()
            .unwrap()
    };
    assert!(run_stored(&["get", "/users/@me"]).status.success());
    assert_eq!(
        run_stored(&["--profile", "nobody", "get", "/users/@me"])
            .status
            .code(),
        Some(2)
    );
    // --dry-run has nothing to preview for login/logout: refused, and the token stays.
    for args in [
        &["--dry-run", "logout"][..],
        &["login", "--dry-run", "--with-token"],
    ] {
        let out = run_stored(args);
        assert_eq!(out.status.code(), Some(2));
        assert!(
            stderr(&out).contains("--dry-run does not apply"),
            "{}",
            stderr(&out)
        );
    }
    assert!(path.exists());
    assert!(run_stored(&["logout"]).status.success());
    assert_eq!(run_stored(&["get", "/users/@me"]).status.code(), Some(2));
}

/// `discord get /users/@me` with no token but the one in the sandbox's config directory.
fn run_with_stored_config(sb: &Sandbox) -> std::process::Output {
    common::base_cmd(sb.config_dir.path())
        .env("DISCORD_API_URL", &sb.api_url)
        .args(["get", "/users/@me"])
        .output()
        .unwrap()
}

/// Writes a config file storing the sandbox token, with the given file mode.
#[cfg(unix)]
fn write_config(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(
        path,
        format!(r#"{{"profiles":{{"default":{{"token":"{TOKEN}"}}}}}}"#),
    )
    .unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn corrupt_or_world_readable_config() {
    let sb = sandbox();
    let path = sb.config_dir.path().join("config.json");
    std::fs::write(&path, "{corrupt").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let out = run_with_stored_config(&sb);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("corrupt"), "{}", stderr(&out));
    assert_eq!(stderr(&out).lines().count(), 1);
    // A token given explicitly still works.
    assert!(sb.run(&["get", "/users/@me"]).status.success());

    #[cfg(unix)]
    {
        write_config(&path, 0o644);
        let out = run_with_stored_config(&sb);
        assert!(out.status.success());
        assert!(stderr(&out).contains("warning"), "{}", stderr(&out));
        assert_no_token(&out);
    }
}

#[test]
fn webhook_executes_without_a_token() {
    let sb = sandbox();
    let channel = sb.general_channel();
    let hook = json(&sb.run(&[
        "post",
        &format!("/channels/{channel}/webhooks"),
        "-f",
        "name=ci",
    ]));
    let id = hook["id"].as_str().unwrap();
    let token = hook["token"].as_str().unwrap();
    let out = sb.run(&[
        "post",
        &format!("/webhooks/{id}/{token}"),
        "-q",
        "wait=true",
        "-f",
        "content=via hook",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["content"], "via hook");
}

#[test]
fn in_process_sandbox_needs_no_token() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::base_cmd(dir.path())
        .args(["--sandbox", "get", "/users/@me"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["bot"], true);
}

#[test]
fn unicode_and_spaces_in_paths_are_encoded_once() {
    let sb = sandbox();
    sb.clear_requests();
    let out = sb.run(&["get", "/users/über uns", "-q", "x=ü y&z"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out).trim(),
        "error: 404 Not Found: Unknown User (10013)"
    );
    let log = sb.requests();
    assert_eq!(log[0]["path"], "/users/%C3%BCber%20uns");
    assert_eq!(log[0]["query"]["x"], "ü y&z");
}

#[test]
fn unreadable_config_is_a_one_line_error_naming_the_file() {
    let sb = sandbox();
    let path = sb.config_dir.path().join("config.json");
    // A directory where the file should be cannot be read by anyone, root included.
    std::fs::create_dir(&path).unwrap();
    let out = run_with_stored_config(&sb);
    assert_ne!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("config.json") && err.contains("cannot read"),
        "{err}"
    );
    assert!(stdout(&out).is_empty());
    std::fs::remove_dir(&path).unwrap();

    #[cfg(unix)]
    {
        write_config(&path, 0o000);
        // Root reads a mode-000 file anyway; everyone else gets the error.
        if std::fs::read(&path).is_err() {
            let out = run_with_stored_config(&sb);
            assert_ne!(out.status.code(), Some(0));
            let err = stderr(&out);
            assert_eq!(err.lines().count(), 1, "{err}");
            assert!(err.contains("permissions"), "{err}");
            assert_no_token(&out);
        }
    }
}

#[cfg(unix)]
#[test]
fn a_world_readable_config_gets_mode_0600_on_the_next_login() {
    use std::os::unix::fs::PermissionsExt;
    let sb = sandbox();
    let path = sb.config_dir.path().join("config.json");
    std::fs::write(
        &path,
        r#"{"profiles":{"other":{"token":"Bot old.token.value"}}}"#,
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = common::output_with_stdin(
        common::base_cmd(sb.config_dir.path())
            .env("DISCORD_API_URL", &sb.api_url)
            .args(["login", "--with-token"]),
        format!("{TOKEN}\n").as_bytes(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_no_token(&out);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    // The other profile survived the rewrite.
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("other") && text.contains("default"), "{text}");
}

#[test]
fn control_characters_in_arguments_stay_on_one_line() {
    let sb = sandbox();
    let out = sb.run(&["get-channel", "12\n34"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("12\\n34") && err.contains("<CHANNEL_ID>"),
        "{err}"
    );
}

#[test]
fn paginate_errors_leave_stdout_empty() {
    let sb = sandbox();
    let channel = sb.general_channel();
    let path = format!("/channels/{channel}/messages");
    // The first page fails: nothing on stdout, not even the opening bracket.
    let out = sb.run(&["get", "/channels/1/messages", "--paginate"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).is_empty(), "{:?}", stdout(&out));
    // The second page fails: the array held back so far is dropped, not printed half-done.
    let fault = json!({"method": "GET", "path": path, "status": 403, "skip": 1});
    sb.admin("post", "/_sandbox/faults", Some(&fault.to_string()));
    let out = sb.run(&["get", &path, "--paginate", "-q", "limit=100"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).is_empty(), "{:?}", stdout(&out));
    assert!(stderr(&out).starts_with("error: 403"), "{}", stderr(&out));
    // --lines streams: the first page's items are out before the error.
    sb.admin("post", "/_sandbox/faults", Some(&fault.to_string()));
    let out = sb.run(&["get", &path, "--paginate", "--lines", "-q", "limit=100"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out).lines().count(), 100);
    // And with no fault the whole array arrives.
    let out = sb.run(&["get", &path, "--paginate", "-q", "limit=100"]);
    assert_eq!(json(&out).as_array().map(Vec::len), Some(300));
}

#[test]
fn fields_reach_inside_the_body_and_become_query_on_get() {
    let sb = sandbox();
    let out = sb.run(&[
        "post",
        "/channels/1/messages",
        r#"{"embeds":[{"title":"a","color":1}],"tags":["x"]}"#,
        "-f",
        "embeds[0][title]=b",
        "-f",
        "tags[]=y",
        "--dry-run",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let body: Value = serde_json::from_str(stdout(&out).lines().last().unwrap()).unwrap();
    assert_eq!(
        body,
        json!({"embeds": [{"title": "b", "color": 1}], "tags": ["x", "y"]})
    );
    let out = sb.run(&[
        "post",
        "/channels/1/messages",
        r#"{"content":"x"}"#,
        "-f",
        "content[a]=1",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("'content' is a string"),
        "{}",
        stderr(&out)
    );
    // A GET has no body: fields are its query, as in `gh api`.
    let channel = sb.general_channel();
    sb.clear_requests();
    let out = sb.run(&[
        "get",
        &format!("/channels/{channel}/messages"),
        "-F",
        "limit=2",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out).as_array().map(Vec::len), Some(2));
    let log = sb.requests();
    assert_eq!(log.last().unwrap()["query"]["limit"], "2", "{log:?}");
}

#[test]
fn a_user_authorization_header_replaces_the_token_and_is_hidden() {
    let sb = sandbox();
    let header = format!("Authorization: Bot {TOKEN}");
    let out = sb
        .cmd()
        .args([
            "get",
            "/users/@me",
            "--token",
            "not-the-token",
            "-H",
            &header,
            "-v",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_no_token(&out);
    assert_eq!(stderr(&out).matches("> authorization: Bot ████").count(), 1);
    let out = sb
        .cmd()
        .args([
            "get",
            "/users/@me",
            "-H",
            &header,
            "-H",
            "User-Agent: ci-job",
            "--dry-run",
        ])
        .output()
        .unwrap();
    assert_no_token(&out);
    assert!(stdout(&out).contains(") ci-job\n"), "{}", stdout(&out));
    assert_eq!(stdout(&out).matches("Authorization:").count(), 1);
}

#[test]
fn absurd_numbers_and_broken_urls_are_usage_errors() {
    let sb = sandbox();
    for args in [
        &["--timeout", "1e30", "get", "/users/@me"][..],
        &["--max-wait", "1e30", "get", "/users/@me"],
        &[
            "--api-url",
            "http://127.0.0.1:99999/api",
            "get",
            "/users/@me",
        ],
        &["--api-url", "http://[::1", "get", "/users/@me"],
        &[
            "post",
            "/channels/1/messages",
            "-F",
            "n=123456789012345678901",
        ],
        &["post", "/channels/1/messages", "-f", "a[1]=x"],
    ] {
        let out = sb.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert_eq!(
            stderr(&out).lines().count(),
            1,
            "{args:?}: {}",
            stderr(&out)
        );
        assert!(!stderr(&out).contains("panicked"));
    }
}

#[test]
fn an_empty_discord_token_falls_back_to_the_stored_one() {
    let sb = sandbox();
    #[cfg(unix)]
    write_config(&sb.config_dir.path().join("config.json"), 0o600);
    let out = common::base_cmd(sb.config_dir.path())
        .env("DISCORD_API_URL", &sb.api_url)
        .env("DISCORD_TOKEN", "")
        .args(["get", "/users/@me"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn quick_retries_that_succeed_stay_quiet() {
    let sb = sandbox();
    // One retry waits about half a second: below the one-second mark for saying so.
    let fault = json!({"method": "GET", "path": "/users/@me", "status": 502, "count": 1});
    sb.admin("post", "/_sandbox/faults", Some(&fault.to_string()));
    let out = sb.run(&["get", "/users/@me"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    // With -v each retry is announced.
    sb.admin("post", "/_sandbox/faults", Some(&fault.to_string()));
    let out = sb.run(&["get", "/users/@me", "-v"]);
    assert_eq!(
        stderr(&out)
            .matches("502 from the server; retrying")
            .count(),
        1
    );
}

#[test]
fn a_raw_upload_to_a_form_route_is_sent_in_its_form_layout() {
    let sb = sandbox();
    let guild = sb.guild_id();
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("s.png");
    std::fs::write(&png, vec![7u8; 300]).unwrap();
    sb.clear_requests();
    // Whatever the sandbox answers for stickers, what it received is recorded.
    let _ = sb.run(&[
        "post",
        &format!("/guilds/{guild}/stickers"),
        "-f",
        "name=s",
        "-f",
        "tags=x",
        "--file",
        png.to_str().unwrap(),
    ]);
    let sent = sb.requests();
    let parts: Vec<(String, u64)> = sent.last().unwrap()["multipart"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_string(),
                p["size"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        parts,
        [
            ("name".to_string(), 1),
            ("tags".to_string(), 1),
            ("file".to_string(), 300)
        ]
    );
}
