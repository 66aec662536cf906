//! End-to-end: the tool under a hostile world (issue 14). Secrets stay secret (the plain-http
//! guard decides the host as the HTTP client does, webhook tokens and `-H Authorization` get
//! the bot token's guard and redaction, the rate-limit cache is private, `--token-file`,
//! `discord sandbox` never shows `$DISCORD_TOKEN`, `login` never loses stored tokens); an
//! absurd rate limit is bounded; a page without its cursor field, a `--jq` failure after a
//! write and 401/403 answers are reported so that a script does the right thing.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::{json, output_with_stdin, stderr, stdout, Sandbox, BIN};
use serde_json::Value;

const TOKEN: &str = "Trust.TokenValue-0987654321";

fn sandbox() -> Sandbox {
    Sandbox::start_with(&["--token", TOKEN])
}

fn assert_hidden(out: &Output, secret: &str) {
    assert!(!stdout(out).contains(secret), "secret on stdout");
    assert!(!stderr(out).contains(secret), "secret on stderr");
}

/// A webhook of the seeded `#general`: its id and its token.
fn webhook(sb: &Sandbox) -> (String, String) {
    let channel = sb.general_channel();
    let hook = json(&sb.run(&["create-webhook", &channel, "--name", "ci"]));
    (
        hook["id"].as_str().unwrap().to_string(),
        hook["token"].as_str().unwrap().to_string(),
    )
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn cache_dir(sb: &Sandbox) -> PathBuf {
    sb.config_dir.path().join("cache")
}

// Issue 14.1: `http://evil.example\@127.0.0.1/` passed the loopback check, yet the HTTP
// client (WHATWG URL rules: a backslash is a path separator in http URLs) sent the token to
// evil.example.
#[test]
fn an_api_url_whose_host_is_ambiguous_is_refused_before_anything_is_sent() {
    let sb = sandbox();
    let port = sb.api_url.trim_start_matches("http://127.0.0.1:");
    let port = port.split('/').next().unwrap();
    sb.clear_requests();
    for base in [
        format!("http://evil.invalid\\@127.0.0.1:{port}/api/v10"),
        format!("http://evil.invalid#@127.0.0.1:{port}/api/v10"),
        format!("http://user@127.0.0.1:{port}/api/v10"),
    ] {
        let out = sb.run(&["--api-url", &base, "get", "/users/@me"]);
        assert_eq!(out.status.code(), Some(2), "{base}: {}", stderr(&out));
        assert!(stderr(&out).contains("API URL"), "{}", stderr(&out));
        assert_eq!(stderr(&out).lines().count(), 1);
        assert_hidden(&out, TOKEN);
    }
    assert!(sb.requests().is_empty(), "{:?}", sb.requests());
}

// Issue 14.7: the webhook token in a path and a -H Authorization are secrets like the bot
// token: never over plain http to another machine (".invalid" never resolves, RFC 2606).
#[test]
fn webhook_tokens_and_authorization_headers_stay_off_plain_http() {
    let dir = tempfile::tempdir().unwrap();
    let remote = "http://discord.invalid:9/api/v10";
    let cases: [&[&str]; 2] = [
        &["execute-webhook", "1", "HookSecret-abc", "--content", "x"],
        &["get-gateway", "-H", "Authorization: Bot HeaderSecret-abc"],
    ];
    for args in cases {
        let out = common::base_cmd(dir.path())
            .args(["--api-url", remote, "--connect-timeout", "1"])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("refusing to send"),
            "{args:?}: {}",
            stderr(&out)
        );
        assert_hidden(&out, "HookSecret-abc");
        assert_hidden(&out, "HeaderSecret-abc");
    }
}

// Issue 14.7 and 14.2: -v and --dry-run hide the webhook token, and the rate-limit cache
// holds it only as a hash, in a 0600 file in a 0700 directory.
#[test]
fn webhook_tokens_are_hidden_in_traces_and_the_cache() {
    let sb = sandbox();
    let (id, token) = webhook(&sb);
    let dry = sb.run(&[
        "execute-webhook",
        &id,
        &token,
        "--content",
        "hi",
        "--dry-run",
    ]);
    assert!(dry.status.success(), "{}", stderr(&dry));
    assert!(
        stdout(&dry).contains(&format!("/webhooks/{id}/████")),
        "{}",
        stdout(&dry)
    );
    assert_hidden(&dry, &token);
    let sent = sb.run(&[
        "execute-webhook",
        &id,
        &token,
        "--content",
        "hi",
        "--wait",
        "-v",
    ]);
    assert!(sent.status.success(), "{}", stderr(&sent));
    assert!(stderr(&sent).contains("████"), "{}", stderr(&sent));
    assert!(!stderr(&sent).contains(&token), "token in -v output");
    let files = files_under(&cache_dir(&sb));
    assert!(!files.is_empty(), "no rate-limit cache was written");
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        assert!(
            !text.contains(&token),
            "{} holds the webhook token",
            file.display()
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&cache_dir(&sb)), 0o700);
        for file in &files {
            assert_eq!(mode(file), 0o600, "{}", file.display());
        }
    }
}

// Issue 14.3: another user who could write the cache directory could plant a link there and
// have the victim's next command overwrite any file of theirs.
#[cfg(unix)]
#[test]
fn the_rate_limit_cache_follows_no_symlink_and_shuns_a_shared_directory() {
    use std::os::unix::fs::PermissionsExt;
    let sb = sandbox();
    assert!(sb.run(&["get", "/users/@me"]).status.success());
    let files = files_under(&cache_dir(&sb));
    assert_eq!(files.len(), 1, "{files:?}");
    let victim = sb.config_dir.path().join("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    std::fs::remove_file(&files[0]).unwrap();
    std::os::unix::fs::symlink(&victim, &files[0]).unwrap();
    let out = sb.run(&["get", "/users/@me"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert!(stderr(&out).contains("symbolic link"), "{}", stderr(&out));

    std::fs::remove_file(&files[0]).unwrap();
    let shared = std::fs::Permissions::from_mode(0o777);
    std::fs::set_permissions(cache_dir(&sb), shared).unwrap();
    let out = sb.run(&["get", "/users/@me"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("chmod 700"), "{}", stderr(&out));
    assert!(files_under(&cache_dir(&sb)).is_empty());
}

// Issue 14.5: a token on the command line shows in `ps`; a file or stdin does not.
#[test]
fn the_token_comes_from_a_file_or_stdin() {
    let sb = sandbox();
    let file = sb.config_dir.path().join("token.txt");
    std::fs::write(&file, format!("{TOKEN}\n")).unwrap();
    let cmd = || {
        let mut c = common::base_cmd(sb.config_dir.path());
        c.env("DISCORD_API_URL", &sb.api_url);
        c
    };
    let out = cmd()
        .args(["--token-file", file.to_str().unwrap(), "get", "/users/@me"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["bot"], true);
    let out = output_with_stdin(
        cmd().args(["--token", "-", "get", "/users/@me"]),
        format!("{TOKEN}\n").as_bytes(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    // The rest of stdin is still there for the request: the token line, then the body.
    let channel = sb.general_channel();
    let path = format!("/channels/{channel}/messages");
    let out = output_with_stdin(
        cmd().args(["--token", "-", "post", &path, "--data", "@-"]),
        format!("{TOKEN}\n{{\"content\": \"from stdin\"}}").as_bytes(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["content"], "from stdin");

    let missing = cmd()
        .args(["--token-file", "/nonexistent/token", "get", "/users/@me"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("--token-file"),
        "{}",
        stderr(&missing)
    );
    let both = cmd()
        .args(["--token", TOKEN, "--token-file", file.to_str().unwrap()])
        .args(["get", "/users/@me"])
        .output()
        .unwrap();
    assert_eq!(both.status.code(), Some(2));
    assert_hidden(&both, TOKEN);
}

/// The first two lines `discord sandbox ARGS` prints, with `env_token` as `$DISCORD_TOKEN`.
fn sandbox_banner(env_token: &str, args: &[&str]) -> String {
    let mut child = Command::new(BIN)
        .args(["sandbox", "--port", "0"])
        .args(args)
        .env("DISCORD_TOKEN", env_token)
        .env_remove("DISCORD_API_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut text = String::new();
    for _ in 0..2 {
        reader.read_line(&mut text).unwrap();
    }
    let _ = child.kill();
    let _ = child.wait();
    text
}

// Issue 14.6: `discord sandbox` printed the real token from $DISCORD_TOKEN as its own.
#[test]
fn the_sandbox_takes_its_token_only_from_its_own_command_line() {
    let real = "Real.ProductionToken-abc";
    let banner = sandbox_banner(real, &[]);
    assert!(!banner.contains(real), "{banner}");
    assert!(
        banner.contains("export DISCORD_TOKEN=sandbox-token"),
        "{banner}"
    );
    let banner = sandbox_banner(real, &["--token", "mine"]);
    assert!(banner.contains("export DISCORD_TOKEN=mine"), "{banner}");
}

// Issue 14.8: `login` over a corrupt config dropped every other profile, and replaced a
// symlinked config with a plain file.
#[test]
fn login_never_drops_stored_profiles_and_writes_through_a_symlink() {
    let sb = sandbox();
    let dir = sb.config_dir.path();
    let config = dir.join("config.json");
    let corrupt = r#"{"profiles": {"prod": {"token": "ProdToken-1"}, "#;
    std::fs::write(&config, corrupt).unwrap();
    let login = || {
        let mut c = common::base_cmd(dir);
        c.env("DISCORD_API_URL", &sb.api_url)
            .args(["login", "--with-token"]);
        output_with_stdin(&mut c, format!("{TOKEN}\n").as_bytes())
    };
    let out = login();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("corrupt"), "{}", stderr(&out));
    assert!(stderr(&out).contains(".bak"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&config).unwrap(), corrupt);
    assert!(sb.requests().iter().all(|r| r["path"] != "/users/@me"));

    #[cfg(unix)]
    {
        let dotfiles = tempfile::tempdir().unwrap();
        let real = dotfiles.path().join("discord.json");
        std::fs::write(&real, r#"{"profiles": {"prod": {"token": "ProdToken-1"}}}"#).unwrap();
        std::fs::remove_file(&config).unwrap();
        std::os::unix::fs::symlink(&real, &config).unwrap();
        let out = login();
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(std::fs::symlink_metadata(&config)
            .unwrap()
            .file_type()
            .is_symlink());
        let stored: Value = serde_json::from_str(&std::fs::read_to_string(&real).unwrap()).unwrap();
        assert_eq!(stored["profiles"]["prod"]["token"], "ProdToken-1");
        assert_eq!(stored["profiles"]["default"]["token"], TOKEN);
    }
}

/// The number of seconds in "asks to wait N s".
fn asked_wait(err: &str) -> f64 {
    let after = err
        .split("asks to wait ")
        .nth(1)
        .expect("a wait in the message");
    after.split(' ').next().unwrap().parse().unwrap()
}

// Issue 14.13: one `retry_after: 1e308` was kept in the shared cache and blocked every later
// command ("wait 86400 s") for good.
#[test]
fn an_absurd_rate_limit_is_bounded_and_said_to_be_cached() {
    let sb = sandbox();
    sb.admin(
        "post",
        "/_sandbox/faults",
        Some(r#"{"method":"GET","path":"/users/@me","status":429,"count":1,"retry_after":1e308}"#),
    );
    let first = sb.run(&["get", "/users/@me"]);
    assert_eq!(first.status.code(), Some(1));
    let err = stderr(&first);
    assert!(err.contains("--no-rate-limit-cache"), "{err}");
    assert!(err.contains(cache_dir(&sb).to_str().unwrap()), "{err}");
    assert!(asked_wait(&err) <= 3600.0, "{err}");
    let later = sb.run(&["get", "/users/@me"]);
    assert!(asked_wait(&stderr(&later)) <= 3600.0, "{}", stderr(&later));
    let fresh = sb.run(&["get", "/users/@me", "--no-rate-limit-cache"]);
    assert!(fresh.status.success(), "{}", stderr(&fresh));
}

// Issue 14.19: a page whose item lacks the cursor field (members page by `user.id`, Discord's
// docs: List Guild Members, `after`) ended the walk silently with exit 0.
#[test]
fn paginate_fails_on_an_item_without_its_cursor_field() {
    let sb = sandbox();
    let guild = sb.guild_id();
    let path = format!("/guilds/{guild}/members");
    let fault = serde_json::json!({
        "method": "GET", "path": path, "status": 200, "count": 1, "skip": 1,
        "body": r#"[{"user": {"id": "900000000000000001"}}, {"nick": "no user"}]"#,
    });
    sb.admin("post", "/_sandbox/faults", Some(&fault.to_string()));
    let out = sb.run(&["get", &path, "--paginate", "-q", "limit=1000"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stderr(&out).trim(),
        "error: --paginate: page 2 item 2 has no user.id: cannot page further"
    );
    assert!(stdout(&out).is_empty());
}

// Issue 14.20: a --jq failure after a message was created exited 2 ("usage error"), so a
// script retried and posted twice; send-message --split stopped after its first part.
#[test]
fn a_jq_failure_after_a_write_exits_1_and_every_part_is_sent() {
    let sb = sandbox();
    let channel = sb.general_channel();
    sb.clear_requests();
    let text = format!(
        "{} {} {}",
        "a".repeat(1990),
        "b".repeat(1990),
        "c".repeat(10)
    );
    let out = sb.run(&[
        "send-message",
        &channel,
        &text,
        "--split",
        "--jq",
        ".content | keys",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("request succeeded"),
        "{}",
        stderr(&out)
    );
    let posts = sb
        .requests()
        .iter()
        .filter(|r| r["method"] == "POST" && r["status"] == 200)
        .count();
    assert_eq!(posts, 3);
    // A filter that cannot compile is refused before anything is sent.
    sb.clear_requests();
    let bad = sb.run(&["send-message", &channel, "hi", "--jq", ".content |"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(sb.requests().is_empty());
}

// Issue 14.21: the hint after 401/403 followed the status alone. Discord's JSON error codes
// (Opcodes and Status Codes): 0 with 401 is a bad token, 50027 a bad webhook token, 50001
// Missing Access, 50013 Missing Permissions.
#[test]
fn access_hints_follow_discords_error_code() {
    let sb = sandbox();
    let guild = sb.guild_id();
    let fault = |method: &str, path: &str, status: u16, body: &str| {
        let f = serde_json::json!({"method": method, "path": path, "status": status, "count": 1, "body": body});
        sb.admin("post", "/_sandbox/faults", Some(&f.to_string()));
    };
    let ban = format!("/guilds/{guild}/bans/900000000000000001");
    fault(
        "PUT",
        &ban,
        403,
        r#"{"message": "Missing Permissions", "code": 50013}"#,
    );
    let out = sb.run(&["create-guild-ban", &guild, "900000000000000001", "--yes"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("needs BAN_MEMBERS"),
        "{}",
        stderr(&out)
    );

    fault(
        "GET",
        &format!("/guilds/{guild}"),
        403,
        r#"{"message": "Missing Access", "code": 50001}"#,
    );
    let out = sb.run(&["get", &format!("/guilds/{guild}")]);
    assert!(stderr(&out).contains("cannot see"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("token"), "{}", stderr(&out));

    let hook = "/webhooks/900000000000000002/WrongHookToken";
    fault(
        "POST",
        hook,
        401,
        r#"{"message": "Invalid Webhook Token", "code": 50027}"#,
    );
    let out = sb.run(&[
        "execute-webhook",
        "900000000000000002",
        "WrongHookToken",
        "--content",
        "x",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("webhook or interaction token"), "{err}");
    assert!(!err.contains("DISCORD_TOKEN"), "{err}");
    assert_hidden(&out, "WrongHookToken");

    let out = sb
        .cmd()
        .env("DISCORD_TOKEN", "Wrong.Token")
        .args(["get", "/users/@me"])
        .output()
        .unwrap();
    assert!(
        stderr(&out).contains("refused the token"),
        "{}",
        stderr(&out)
    );
}
