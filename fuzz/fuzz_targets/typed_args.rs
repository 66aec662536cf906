//! Typed-endpoint argument checking (snowflakes, integers, booleans, enums, permissions,
//! colours, JSON, length-limited strings), with every kind the route table uses: each input is
//! a checked value or a one-line usage error, never a panic.
#![no_main]

use discord_cli::commands::typed::parse_value;
use discord_cli::endpoints::{Kind, ENDPOINTS};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fn kinds() -> Vec<Kind> {
    let mut kinds: Vec<Kind> = Vec::new();
    for e in ENDPOINTS {
        for f in e.path_params.iter().chain(e.query).chain(e.fields) {
            if !kinds.contains(&f.kind) {
                kinds.push(f.kind);
            }
        }
    }
    kinds
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let kinds = kinds();
    let kind = kinds[pick as usize % kinds.len()];
    match parse_value(kind, "--arg", text) {
        Ok(value) => match kind {
            Kind::Snowflake => {
                let id = value.as_str().expect("a snowflake is sent as a string");
                assert!(id.parse::<u64>().is_ok(), "accepted snowflake {id:?}");
            }
            Kind::Permissions => {
                let bits = value.as_str().expect("permissions are sent as a string");
                assert!(bits.parse::<u64>().is_ok(), "accepted permissions {bits:?}");
            }
            Kind::Colour => {
                let n = value.as_u64().expect("a colour is a number");
                assert!(n <= 0xFF_FFFF, "accepted colour {n}");
            }
            Kind::Bool => assert!(matches!(value, Value::Bool(_))),
            Kind::Integer { min, max } => {
                let n = value.as_i64().expect("an integer is sent as a number");
                assert!(
                    min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m),
                    "accepted {n} out of range"
                );
            }
            _ => {}
        },
        Err(e) => {
            let message = e.to_string();
            assert!(!message.contains('\n'), "multi-line error: {message:?}");
            assert!(
                message.contains("--arg"),
                "error does not name the argument: {message}"
            );
        }
    }
});
