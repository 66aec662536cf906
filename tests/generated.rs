//! Everything generated is current: the route table (crates/protocol/src/endpoints/table.rs) matches what
//! tools/gen_endpoints.py makes of the vendored spec/, and the committed completion scripts
//! (completions/) and man pages (man/) match what the current clap definition generates; refresh
//! all of them with `scripts/regenerate.sh`.

use std::path::Path;
use std::process::Command;

const SCRIPTS: &[(&str, &str)] = &[
    ("bash", "discord.bash"),
    ("zsh", "_discord"),
    ("fish", "discord.fish"),
    ("elvish", "discord.elv"),
    ("powershell", "_discord.ps1"),
];

const FIX: &str = "run `scripts/regenerate.sh` to refresh completions/ and man/";

#[test]
fn route_table_is_generated_from_the_vendored_spec() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // The generator needs nothing outside the repository (a fresh clone regenerates it).
    let out = Command::new("python3")
        .arg(root.join("tools/gen_endpoints.py"))
        .arg(root.join("spec"))
        .output()
        .expect("python3 runs tools/gen_endpoints.py (it is needed to check the table)");
    assert!(out.status.success(), "the generator failed: {out:?}");
    let committed =
        std::fs::read(root.join("crates/protocol/src/endpoints/table.rs")).expect("table.rs");
    assert!(
        committed == out.stdout,
        "crates/protocol/src/endpoints/table.rs is stale or edited by hand: run `scripts/regenerate.sh`"
    );
    let head = String::from_utf8_lossy(&committed[..200.min(committed.len())]).to_string();
    assert!(
        head.starts_with("// @generated"),
        "table.rs lacks its marker"
    );
}

fn bin() -> Command {
    let home = tempfile::tempdir().expect("tempdir").keep();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_discord"));
    cmd.env_remove("DISCORD_TOKEN")
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", &home);
    cmd
}

#[test]
fn completion_scripts_are_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    for (shell, file) in SCRIPTS {
        let out = bin()
            .args(["completions", shell])
            .output()
            .expect("run discord");
        assert!(out.status.success(), "completions {shell} failed: {out:?}");
        let committed = std::fs::read(root.join(file))
            .unwrap_or_else(|e| panic!("completions/{file} missing ({e}): {FIX}"));
        assert!(
            committed == out.stdout,
            "completions/{file} is stale: {FIX}"
        );
    }
}

#[test]
fn completions_offer_intents_events_and_typed_commands() {
    let out = bin()
        .args(["completions", "bash"])
        .output()
        .expect("run discord");
    let script = String::from_utf8_lossy(&out.stdout);
    for word in [
        "GUILD_MESSAGES",
        "MESSAGE_CREATE",
        "listen",
        "--intents",
        "--events",
    ] {
        assert!(script.contains(word), "bash completion lacks {word}");
    }
}

#[test]
fn man_pages_are_current() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = bin()
        .arg("man")
        .arg(dir.path())
        .output()
        .expect("run discord");
    assert!(out.status.success(), "discord man failed: {out:?}");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    let mut fresh: Vec<_> = std::fs::read_dir(dir.path())
        .expect("read tempdir")
        .map(|e| e.expect("entry").file_name())
        .collect();
    fresh.sort();
    for must in [
        "discord.1",
        "discord-listen.1",
        "discord-get.1",
        "discord-man.1",
    ] {
        assert!(fresh.iter().any(|f| f == must), "{must} not generated");
    }
    let mut committed: Vec<_> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("man/ missing ({e}): {FIX}"))
        .map(|e| e.expect("entry").file_name())
        .collect();
    committed.sort();
    assert_eq!(committed, fresh, "man/ has a different set of pages: {FIX}");
    for name in fresh {
        let a = std::fs::read(dir.path().join(&name)).expect("read fresh page");
        let b = std::fs::read(root.join(&name)).expect("read committed page");
        assert!(a == b, "man/{} is stale: {FIX}", name.to_string_lossy());
    }
}

#[test]
fn completions_end_quietly_when_stdout_closes() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    for shell in ["zsh", "bash"] {
        let mut child = bin()
            .args(["completions", shell])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run discord");
        // Read one line and hang up, as `| head -1` does.
        let mut line = String::new();
        let stdout = child.stdout.take().expect("stdout");
        BufReader::new(stdout).read_line(&mut line).expect("read");
        let out = child.wait_with_output().expect("wait");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!line.is_empty());
        assert!(out.status.success(), "completions {shell}: {out:?}");
        assert!(err.is_empty(), "completions {shell}: {err}");
    }
}

#[test]
fn typed_man_pages_describe_the_operation() {
    let page = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("man/discord-get-channel.1"),
    )
    .expect("man page");
    assert!(page.contains("Get Channel"), "{page}");
    for wrong in [
        "shared by raw and typed",
        "File upload flags",
        "Pagination flags",
    ] {
        assert!(!page.contains(wrong), "man page says {wrong:?}");
    }
}
