//! The config file reader on arbitrary text: a config or an error, never a panic.
#![no_main]

use discord_cli::config::ConfigFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = ConfigFile::parse(text);
    }
});
