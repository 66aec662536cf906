//! `listen --exec` end to end against the sandbox, from a fresh HOME: a `/ping` handler
//! answering through its stdout, handlers using the API settings `listen` passes them,
//! `--jobs` with events of one channel kept in order, `--exec-timeout`, a failing handler,
//! `--reply` bots that do not answer themselves, the filters, and Ctrl-C.
//!
//! Discord's rules checked here, from its docs: Receiving and Responding ("Responding to an
//! Interaction": the initial response within 3 s, type 4 CHANNEL_MESSAGE_WITH_SOURCE, type 5
//! DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE shown as "thinking" until the original response is
//! edited), Message resource ("Message Reference": a reply names the message it answers),
//! User object (`bot` marks bot users).

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::listen::Listen;
use common::{base_cmd, json, stderr, stdout, Sandbox, BIN};
use serde_json::Value;

/// A sandbox with `/ping` registered, and a fresh HOME.
fn setup() -> (Sandbox, tempfile::TempDir) {
    let sb = Sandbox::start();
    let home = tempfile::tempdir().expect("home");
    let file = home.path().join("commands.json");
    std::fs::write(
        &file,
        r#"[{"name": "ping", "description": "Replies with pong"}]"#,
    )
    .expect("write commands");
    let out = sb
        .cmd()
        .env("HOME", home.path())
        .args(["commands", "sync"])
        .arg(&file)
        .output()
        .expect("sync");
    assert!(out.status.success(), "{}", stderr(&out));
    (sb, home)
}

/// `discord listen ARGS` with HOME set and the sandbox's settings in the environment.
fn listen(sb: &Sandbox, home: &Path, args: &[&str]) -> Listen {
    let mut cmd = sb.cmd();
    cmd.env("HOME", home)
        .current_dir(home)
        .arg("listen")
        .args(args);
    let l = Listen::spawn(cmd);
    wait_until("the listener's gateway session", || {
        !sb.live_session().is_null()
    });
    l
}

fn wait_until(what: &str, ok: impl Fn() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `discord sandbox invoke ARGS` (it waits for the answer, as a user would see it).
fn invoke(sb: &Sandbox, home: &Path, args: &[&str]) -> std::process::Output {
    sb.cmd()
        .env("HOME", home)
        .args(["sandbox", "invoke"])
        .args(args)
        .output()
        .expect("invoke")
}

/// A member posts `text` in `channel` (`#general`, `#random`).
fn post(sb: &Sandbox, channel: &str, text: &str) {
    let out = sb.run(&[
        "sandbox",
        "trigger",
        "message",
        channel,
        text,
        "--as",
        "@member0001",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// The interaction callbacks the sandbox took (204): `(response type, content)`.
fn callbacks(sb: &Sandbox) -> Vec<(u64, Value)> {
    sb.requests()
        .into_iter()
        .filter(|r| {
            r["method"] == "POST"
                && r["path"]
                    .as_str()
                    .is_some_and(|p| p.starts_with("/interactions/") && p.ends_with("/callback"))
                && r["status"] == 204
        })
        .map(|r| {
            (
                r["body"]["type"].as_u64().unwrap_or(0),
                r["body"]["data"]["content"].clone(),
            )
        })
        .collect()
}

/// The newest messages of a channel, newest first.
fn messages(sb: &Sandbox, channel: &str) -> Vec<Value> {
    json(&sb.run(&["get-channel-messages", channel, "-q", "limit=20"]))
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn ping_is_answered_by_an_exec_handler_and_its_own_discord_calls_need_no_setup() {
    let (sb, home) = setup();
    // Plain text is a channel message response (type 4), sent as the callback.
    let mut l = listen(
        &sb,
        home.path(),
        &["--events", "INTERACTION_CREATE", "--exec", "echo pong"],
    );
    let out = invoke(&sb, home.path(), &["/ping"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), "Sandbox Bot: pong");
    assert_eq!(callbacks(&sb), [(4, Value::from("pong"))]);
    l.wait_for("the event", |v| !v.is_empty());
    l.interrupt();

    // JSON is the response object itself: here ephemeral (flags 64), built from the env.
    sb.clear_requests();
    let handler = r#"printf '{"type":4,"data":{"content":"%s %s %s","flags":64}}' "$DISCORD_EVENT" "$DISCORD_USER_ID" "$DISCORD_CHANNEL_ID""#;
    let l = listen(
        &sb,
        home.path(),
        &["--events", "INTERACTION_CREATE", "--exec", handler],
    );
    let out = invoke(&sb, home.path(), &["/ping", "--user", "@member0001"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let member = json(&sb.run(&["get-user", "@member0001"]))["id"].clone();
    let expected = format!(
        "Sandbox Bot: INTERACTION_CREATE {} {}  (only you can see this)",
        member.as_str().expect("member id"),
        sb.general_channel()
    );
    assert_eq!(stdout(&out).trim(), expected);
    l.interrupt();

    // listen's settings come from flags only; the handler's own `discord respond` works
    // with what listen put in its environment (API base, token) and the event's id and token.
    sb.clear_requests();
    let l = listen_by_flags(
        &sb,
        home.path(),
        r#"discord respond "$DISCORD_INTERACTION_ID" "$DISCORD_INTERACTION_TOKEN" "by hand" > /dev/null"#,
    );
    let out = invoke(&sb, home.path(), &["/ping"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), "Sandbox Bot: by hand");
    // One callback: the handler's; it printed nothing, so listen sent nothing more.
    assert_eq!(callbacks(&sb), [(4, Value::from("by hand"))]);
    let (_, code) = l.interrupt();
    assert_eq!(code, 0);

    // A handler that defers by itself: what it prints then replaces "thinking".
    sb.clear_requests();
    let l = listen_by_flags(
        &sb,
        home.path(),
        r#"discord respond "$DISCORD_INTERACTION_ID" "$DISCORD_INTERACTION_TOKEN" --defer > /dev/null; echo worked"#,
    );
    let out = invoke(&sb, home.path(), &["/ping", "--wait", "10"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), "Sandbox Bot: worked");
    assert_eq!(callbacks(&sb), [(5, Value::Null)]);
    l.interrupt();
}

/// `discord --api-url URL --token T listen --events INTERACTION_CREATE --exec-argv sh -c
/// HANDLER`, with `discord` on PATH and no Discord settings in the environment: whatever the
/// handler's own `discord` calls reach, listen told them.
fn listen_by_flags(sb: &Sandbox, home: &Path, handler: &str) -> Listen {
    let bin_dir = Path::new(BIN).parent().expect("bin dir");
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = base_cmd(&home.join("config"));
    cmd.env("HOME", home).env("PATH", path).args([
        "--api-url",
        &sb.api_url,
        "--token",
        &sb.token,
        "listen",
        "--events",
        "INTERACTION_CREATE",
        "--exec-argv",
        "sh",
        "-c",
        handler,
    ]);
    let l = Listen::spawn(cmd);
    wait_until("the session", || !sb.live_session().is_null());
    l
}

#[test]
fn jobs_run_channels_side_by_side_and_keep_each_channel_in_order() {
    let (sb, home) = setup();
    let log = home.path().join("log");
    // The first #general event waits (up to 10 s) for a #random event to have been handled:
    // it can only finish in time if the two channels run at once. Every handler logs when
    // it starts and ends, so an event started before the one before it in its channel ended
    // shows in the log.
    let handler = format!(
        r#"log={log}; echo "start $DISCORD_CONTENT" >> $log
case "$DISCORD_CONTENT" in
  g1) i=0; until grep -q "end r1" $log; do i=$((i+1)); [ $i -gt 200 ] && {{ echo "g1 gave up" >> $log; exit 1; }}; sleep 0.05; done ;;
  *) sleep 0.1 ;;
esac
echo "end $DISCORD_CONTENT" >> $log"#,
        log = log.display()
    );
    let mut l = listen(
        &sb,
        home.path(),
        &[
            "--events",
            "MESSAGE_CREATE",
            "--jobs",
            "4",
            "--exec",
            &handler,
        ],
    );
    for (channel, text) in [
        ("#general", "g1"),
        ("#general", "g2"),
        ("#general", "g3"),
        ("#random", "r1"),
        ("#random", "r2"),
    ] {
        post(&sb, channel, text);
    }
    l.wait_for("five messages", |v| v.len() == 5);
    let read = || std::fs::read_to_string(&log).unwrap_or_default();
    wait_until("every handler to end", || {
        read().matches("end ").count() == 5
    });
    let lines: Vec<String> = read().lines().map(str::to_string).collect();
    assert!(!lines.iter().any(|l| l.contains("gave up")), "{lines:?}");
    let at = |line: &str| {
        lines
            .iter()
            .position(|l| l == line)
            .unwrap_or_else(|| panic!("no '{line}' in {lines:?}"))
    };
    for (before, after) in [("g1", "g2"), ("g2", "g3"), ("r1", "r2")] {
        assert!(
            at(&format!("end {before}")) < at(&format!("start {after}")),
            "{after} started before {before} ended: {lines:?}"
        );
    }
    l.interrupt();
}

#[test]
fn a_hanging_handler_is_killed_and_its_interaction_deferred() {
    let (sb, home) = setup();
    let pid_file = home.path().join("child.pid");
    let handler = format!("sleep 60 & echo $! > {}; wait", pid_file.display());
    let l = listen(
        &sb,
        home.path(),
        &[
            "--events",
            "INTERACTION_CREATE",
            "--exec-timeout",
            "1",
            "--exec",
            &handler,
        ],
    );
    let out = invoke(&sb, home.path(), &["/ping"]);
    // The user sees "thinking", not "did not respond": a deferred response (type 5) was
    // sent in time, and never edited.
    assert!(!out.status.success());
    assert!(stderr(&out).contains("deferred"), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("no initial response"),
        "{}",
        stderr(&out)
    );
    assert_eq!(callbacks(&sb), [(5, Value::Null)]);
    l.wait_for_stderr("killed after --exec-timeout 1 s");
    // The whole handler went, what it started included.
    let pid = std::fs::read_to_string(&pid_file).expect("pid file");
    let stat = format!("/proc/{}/stat", pid.trim());
    wait_until("the handler's child to be killed", || {
        std::fs::read_to_string(&stat).map_or(true, |s| s.contains(") Z "))
    });
    l.interrupt();

    // A slow handler within its timeout: deferred before 3 s, then its answer edits the
    // original response.
    sb.clear_requests();
    let l = listen(
        &sb,
        home.path(),
        &[
            "--events",
            "INTERACTION_CREATE",
            "--exec",
            "sleep 4; echo late",
        ],
    );
    let out = invoke(&sb, home.path(), &["/ping", "--wait", "20"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), "Sandbox Bot: late");
    assert_eq!(callbacks(&sb), [(5, Value::Null)]);
    l.interrupt();
}

#[test]
fn a_failing_handler_is_logged_and_listen_goes_on() {
    let (sb, home) = setup();
    let handler = r#"if [ "$DISCORD_CONTENT" = bad ]; then echo "first line" >&2; echo "it broke" >&2; exit 3; fi; echo "ok: $DISCORD_CONTENT""#;
    let mut l = listen(
        &sb,
        home.path(),
        &["--events", "MESSAGE_CREATE", "--reply", "--exec", handler],
    );
    post(&sb, "#general", "bad");
    post(&sb, "#general", "good");
    l.wait_for_stderr("failed (exit code 3): it broke");
    wait_until("the reply to 'good'", || {
        messages(&sb, "#general")
            .iter()
            .any(|m| m["content"] == "ok: good")
    });
    assert!(!l.stderr().contains("first line"), "{}", l.stderr());
    assert!(!messages(&sb, "#general")
        .iter()
        .any(|m| m["content"] == "ok: bad"));
    l.wait_for("both events", |v| v.len() == 2);
    let (_, code) = l.interrupt();
    assert_eq!(code, 0);
}

#[test]
fn a_reply_bot_ignores_its_own_replies() {
    let (sb, home) = setup();
    let log = home.path().join("handled");
    let handler = format!(
        r#"echo "$DISCORD_CONTENT" >> {}; echo "echo: $DISCORD_CONTENT""#,
        log.display()
    );
    let mut l = listen(
        &sb,
        home.path(),
        &["--events", "MESSAGE_CREATE", "--reply", "--exec", &handler],
    );
    post(&sb, "#general", "hi");
    wait_until("the reply", || {
        messages(&sb, "#general")
            .iter()
            .any(|m| m["content"] == "echo: hi")
    });
    // Events of a channel are handled in order, so had the bot's own reply passed, it
    // would have been handled (and answered) before this second message is.
    post(&sb, "#general", "second");
    wait_until("the second reply", || {
        messages(&sb, "#general")
            .iter()
            .any(|m| m["content"] == "echo: second")
    });
    assert_eq!(std::fs::read_to_string(&log).expect("log"), "hi\nsecond\n");
    let all = messages(&sb, "#general");
    let hi = all.iter().find(|m| m["content"] == "hi").expect("hi");
    let reply = all
        .iter()
        .find(|m| m["content"] == "echo: hi")
        .expect("reply");
    assert_eq!(reply["message_reference"]["message_id"], hi["id"]);
    assert_eq!(reply["author"]["bot"], true);
    assert!(!all.iter().any(|m| m["content"] == "echo: echo: hi"));
    // The bot's own messages are not printed either: the filters come before the output.
    l.wait_for("two events", |v| v.len() >= 2);
    let (lines, _) = l.interrupt();
    assert_eq!(
        lines
            .iter()
            .map(|e| e["d"]["content"].as_str().unwrap_or(""))
            .collect::<Vec<_>>(),
        ["hi", "second"]
    );
}

#[test]
fn filters_choose_what_is_printed_and_handled() {
    let (sb, home) = setup();
    let log = home.path().join("handled");
    let handler = format!(r#"echo "$DISCORD_CONTENT" >> {}"#, log.display());
    let out = sb
        .cmd()
        .env("HOME", home.path())
        .args(["cache", "sync"])
        .output()
        .expect("cache sync");
    assert!(out.status.success(), "{}", stderr(&out));
    let l = listen(
        &sb,
        home.path(),
        &[
            "--events",
            "MESSAGE_CREATE",
            "--guild",
            "Sandbox Guild",
            "--channel",
            "#general",
            "--max-events",
            "1",
            "--exec",
            &handler,
        ],
    );
    post(&sb, "#random", "elsewhere");
    post(&sb, "#general", "here");
    // --max-events counts only what passed the filters; listen waits for the handler.
    let (lines, code) = l.wait_exit();
    assert_eq!(code, 0);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["d"]["content"], "here");
    assert_eq!(std::fs::read_to_string(&log).expect("log"), "here\n");
}

#[test]
fn usage_mistakes_are_one_line_errors() {
    let sb = Sandbox::start();
    for (args, needle) in [
        (vec!["listen", "--reply"], "--reply"),
        (vec!["listen", "--exec", "true", "--jobs", "0"], "--jobs"),
        (
            vec!["listen", "--exec", "true", "--exec-timeout", "0"],
            "--exec-timeout",
        ),
        (vec!["listen", "--exec", " "], "--exec"),
        (vec!["listen", "--channel", "not a channel"], "--channel"),
    ] {
        let out = sb.run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains(needle) && err.trim().lines().count() == 1,
            "{err}"
        );
    }
}

#[test]
fn ctrl_c_waits_for_running_handlers() {
    let (sb, home) = setup();
    let done = home.path().join("done");
    let started = home.path().join("started");
    let handler = format!(
        "echo run >> {}; sleep 2; echo finished > {}",
        started.display(),
        done.display()
    );
    let mut l = listen(
        &sb,
        home.path(),
        &["--events", "MESSAGE_CREATE", "--exec", &handler],
    );
    post(&sb, "#general", "work");
    l.wait_for("the event", |v| v.len() == 1);
    wait_until("the handler to start", || started.exists());
    l.send_signal("INT");
    // Events are no longer taken, but the session stays open while the handler runs.
    post(&sb, "#general", "too late");
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(!done.exists(), "the handler should still be running");
    assert!(
        !sb.live_session().is_null(),
        "the session closed before the handler finished"
    );
    let (lines, code) = l.wait_exit();
    assert_eq!(code, 0);
    assert_eq!(
        lines.len(),
        1,
        "an event after Ctrl-C was printed: {lines:?}"
    );
    assert_eq!(
        std::fs::read_to_string(&done).expect("the handler finished"),
        "finished\n"
    );
    assert_eq!(std::fs::read_to_string(&started).unwrap(), "run\n");
    assert!(
        sb.live_session().is_null(),
        "the session is closed at the end"
    );
}

#[test]
fn the_readme_ping_bot_works_from_a_fresh_home() {
    let block = common::readme_sh_block("## Bots in the shell");
    let lines: Vec<&str> = block.lines().collect();
    assert_eq!(lines.len(), 3, "{block}");
    let sb = Sandbox::start();
    let home = tempfile::tempdir().expect("home");
    let shell = |line: &str| common::fresh_shell(&sb, home.path(), line);
    let out = shell(lines[0]).output().expect("sync");
    assert!(out.status.success(), "{}", stderr(&out));
    let bot = lines[1]
        .strip_suffix(" &")
        .expect("the bot runs in the background");
    // `exec`, so that Ctrl-C at the end reaches listen itself rather than the shell.
    let l = Listen::spawn(shell(&format!("exec {bot}")));
    wait_until("the bot's session", || !sb.live_session().is_null());
    common::check_commented_line(lines[2], shell);
    l.interrupt();
}
