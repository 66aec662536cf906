//! The `-f`/`-F` field grammar with nested keys, merged into a JSON body: any input is either
//! a body or a usage error, never a panic.
#![no_main]

use discord_cli::rest::body::{build_body, BodyArgs};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Line 0: optional JSON body; then one field per line, '-' prefix for a raw (-f) field.
    let mut lines = text.lines();
    let body = lines.next().filter(|l| !l.is_empty());
    let mut args = BodyArgs::default();
    for line in lines.take(64) {
        // `@` would read files from the fuzzing machine: not what is being tested here.
        if line.contains('@') {
            continue;
        }
        match line.strip_prefix('-') {
            Some(raw) => args.raw_fields.push(raw.to_string()),
            None => args.fields.push(line.to_string()),
        }
    }
    let _ = build_body(None, body, &args);
});
