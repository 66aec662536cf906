//! Paths as users type them: the built URL always stays under the API base.
#![no_main]

use discord_cli::rest::url::build_url;
use libfuzzer_sys::fuzz_target;

const BASE: &str = "https://discord.com/api/v10";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (path, query) = text.split_once('\n').unwrap_or((text, ""));
    let pairs: Vec<(String, String)> = query
        .split('\n')
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    if let Ok(url) = build_url(BASE, path, &pairs) {
        assert!(url.starts_with(BASE));
        assert!(!url.contains(' '));
        assert!(!url.contains('#'));
    }
});
