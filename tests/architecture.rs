//! The crate graph points one way: protocol at the bottom, the client and the sandbox on it
//! (never on each other), the command line on top. Cargo already refuses cycles; this test
//! refuses the edges that would compile but break the layering, and keeps printing and argument
//! parsing out of the lower crates.

use std::path::Path;

/// Our crates' names as they appear in `[dependencies]`.
const OURS: &[&str] = &["discord-protocol", "discord-client", "discord-sandbox"];

/// The `discord-*` crates a manifest section depends on.
fn our_deps(manifest: &str, section: &str) -> Vec<String> {
    let mut in_section = false;
    let mut deps = Vec::new();
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_section = line == format!("[{section}]");
            continue;
        }
        if !in_section {
            continue;
        }
        if let Some((name, _)) = line.split_once('=') {
            let name = name.trim();
            if OURS.contains(&name) {
                deps.push(name.to_string());
            }
        }
    }
    deps.sort();
    deps
}

fn manifest(dir: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(dir)
        .join("Cargo.toml");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn each_crate_depends_only_on_the_layers_below_it() {
    let expect: &[(&str, &[&str], &[&str])] = &[
        ("crates/protocol", &[], &[]),
        ("crates/client", &["discord-protocol"], &["discord-sandbox"]),
        ("crates/sandbox", &["discord-protocol"], &[]),
        (
            ".",
            &["discord-client", "discord-protocol", "discord-sandbox"],
            &[],
        ),
    ];
    for (dir, deps, dev_deps) in expect {
        let text = manifest(dir);
        assert_eq!(
            our_deps(&text, "dependencies"),
            *deps,
            "{dir}: [dependencies]"
        );
        assert_eq!(
            our_deps(&text, "dev-dependencies"),
            *dev_deps,
            "{dir}: [dev-dependencies]"
        );
    }
}

/// Every `.rs` file under `dir`, recursively.
fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn lower_crates_neither_print_nor_parse_arguments() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for krate in ["crates/protocol/src", "crates/client/src"] {
        let mut files = Vec::new();
        sources(&root.join(krate), &mut files);
        assert!(!files.is_empty(), "{krate} has no sources");
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for banned in [
                "println!",
                "eprintln!",
                "io::stdout()",
                "io::stderr()",
                "clap::",
            ] {
                assert!(
                    !text.contains(banned),
                    "{} uses {banned}: report through return values or the client's Notice",
                    file.display()
                );
            }
        }
    }
}
