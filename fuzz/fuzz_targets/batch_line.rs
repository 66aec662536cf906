//! The `discord batch` line reader: raw request lines and typed-command lines (which go through
//! the clap definitions and argument checks). Each line is requests or a one-line error.
#![no_main]

use discord_cli::commands::batch::parse_line;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(line) = std::str::from_utf8(data) else {
        return;
    };
    // `-F key=@path` and `--data @path` read files from the fuzzing machine (`/dev/zero`
    // never ends): a different thing from the reader under test.
    if line.contains("=@") || line.contains("\"@") {
        return;
    }
    match parse_line(line) {
        Ok(specs) => {
            assert!(!specs.is_empty(), "a line stands for at least one request");
            for spec in specs {
                assert!(!spec.path.is_empty());
            }
        }
        Err(message) => assert!(!message.contains('\n'), "multi-line error: {message:?}"),
    }
});
