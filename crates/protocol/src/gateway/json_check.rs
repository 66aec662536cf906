//! Stepping over one JSON value while checking it, without building anything.
//!
//! `listen` passes every payload's `d` on as received, so each byte of it must be checked to be
//! JSON (a hostile server's broken `d` would otherwise reach the output). That check was over
//! half of `listen`'s time through serde_json's `IgnoredAny`, whose general machinery (a scratch
//! stack, a visitor per value, line and column bookkeeping) costs more than the grammar itself.
//! This is the grammar alone (RFC 8259), iterative, with serde_json's nesting limit, and a string
//! scan that looks at eight bytes per step. It accepts exactly what `IgnoredAny` accepts up to [`MAX_DEPTH`], which a
//! differential test below and the `json_check` fuzz target hold it to.

/// How deep arrays and objects may nest inside the value: serde_json's limit (128 levels), so
/// a hostile payload cannot make anything downstream recurse without bound.
pub const MAX_DEPTH: usize = 127;

/// Checks the JSON value that starts at `at` (after optional whitespace) and returns the position
/// just after it. `text` is already UTF-8 (a `&str`), so strings only need their escapes and
/// control characters checked. The error names what was wrong and the byte where.
pub fn skip_value(text: &str, at: usize) -> Result<usize, String> {
    let bytes = text.as_bytes();
    // One bit per open container, innermost lowest: set for an object, clear for an array.
    let mut objects: u128 = 0;
    let mut depth = 0usize;
    let mut at = skip_space(bytes, at);
    loop {
        // A value starts at `at`.
        match bytes.get(at) {
            Some(b'"') => at = skip_string(bytes, at)?,
            Some(b'{' | b'[') => {
                let object = bytes[at] == b'{';
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(format!(
                        "nesting deeper than {MAX_DEPTH} levels at byte {at}"
                    ));
                }
                objects = (objects << 1) | u128::from(object);
                at = skip_space(bytes, at + 1);
                let close = if object { b'}' } else { b']' };
                if bytes.get(at) == Some(&close) {
                    depth -= 1;
                    objects >>= 1;
                    at += 1;
                } else {
                    if object {
                        at = skip_key(bytes, at)?;
                    }
                    continue;
                }
            }
            Some(b'-' | b'0'..=b'9') => at = skip_number(bytes, at)?,
            Some(b't') => at = skip_literal(bytes, at, b"true")?,
            Some(b'f') => at = skip_literal(bytes, at, b"false")?,
            Some(b'n') => at = skip_literal(bytes, at, b"null")?,
            _ => return Err(format!("expected a value at byte {at}")),
        }
        // After a value: close what ends here, or go on to the next member or element.
        loop {
            if depth == 0 {
                return Ok(at);
            }
            at = skip_space(bytes, at);
            let object = objects & 1 == 1;
            match (bytes.get(at), object) {
                (Some(b','), _) => {
                    at = skip_space(bytes, at + 1);
                    if object {
                        at = skip_key(bytes, at)?;
                    }
                    break;
                }
                (Some(b'}'), true) | (Some(b']'), false) => {
                    depth -= 1;
                    objects >>= 1;
                    at += 1;
                }
                (_, true) => return Err(format!("expected ',' or '}}' at byte {at}")),
                (_, false) => return Err(format!("expected ',' or ']' at byte {at}")),
            }
        }
    }
}

/// Walks the object that starts at `at` (after optional whitespace), checking it, and calls
/// `each` with every member's key (as written, escapes left in) and its value's text. Returns the
/// position after the object. A cheap way to read a few top-level fields of a large object.
pub fn object_members<'a>(
    text: &'a str,
    at: usize,
    mut each: impl FnMut(&'a str, &'a str),
) -> Result<usize, String> {
    let bytes = text.as_bytes();
    let mut at = skip_space(bytes, at);
    if bytes.get(at) != Some(&b'{') {
        return Err(format!("expected an object at byte {at}"));
    }
    at = skip_space(bytes, at + 1);
    if bytes.get(at) == Some(&b'}') {
        return Ok(at + 1);
    }
    loop {
        let key_end = if bytes.get(at) == Some(&b'"') {
            skip_string(bytes, at)?
        } else {
            return Err(format!("expected a key at byte {at}"));
        };
        let value_start = skip_key(bytes, at)?;
        let value_end = skip_value(text, value_start)?;
        each(&text[at + 1..key_end - 1], &text[value_start..value_end]);
        at = skip_space(bytes, value_end);
        match bytes.get(at) {
            Some(b',') => at = skip_space(bytes, at + 1),
            Some(b'}') => return Ok(at + 1),
            _ => return Err(format!("expected ',' or '}}' at byte {at}")),
        }
    }
}

/// Walks the array that starts at `at` (after optional whitespace), checking it, and calls
/// `each` with every element's text. Returns the position after the array.
pub fn array_items<'a>(
    text: &'a str,
    at: usize,
    mut each: impl FnMut(&'a str),
) -> Result<usize, String> {
    let bytes = text.as_bytes();
    let mut at = skip_space(bytes, at);
    if bytes.get(at) != Some(&b'[') {
        return Err(format!("expected an array at byte {at}"));
    }
    at = skip_space(bytes, at + 1);
    if bytes.get(at) == Some(&b']') {
        return Ok(at + 1);
    }
    loop {
        let end = skip_value(text, at)?;
        each(&text[at..end]);
        at = skip_space(bytes, end);
        match bytes.get(at) {
            Some(b',') => at = skip_space(bytes, at + 1),
            Some(b']') => return Ok(at + 1),
            _ => return Err(format!("expected ',' or ']' at byte {at}")),
        }
    }
}

/// JSON's whitespace from `at` on; returns the first other position.
pub fn skip_space(bytes: &[u8], mut at: usize) -> usize {
    while matches!(bytes.get(at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        at += 1;
    }
    at
}

/// An object key and its colon at `at`; returns where the member's value starts.
fn skip_key(bytes: &[u8], at: usize) -> Result<usize, String> {
    if bytes.get(at) != Some(&b'"') {
        return Err(format!("expected a key at byte {at}"));
    }
    let at = skip_space(bytes, skip_string(bytes, at)?);
    if bytes.get(at) != Some(&b':') {
        return Err(format!("expected ':' at byte {at}"));
    }
    Ok(skip_space(bytes, at + 1))
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The high bit of every byte of `word` that is zero. Bits above the lowest one may be false
/// (a borrow runs upward), so only the lowest set bit is to be trusted.
fn zero_bytes(word: u64) -> u64 {
    word.wrapping_sub(ONES) & !word & HIGHS
}

/// The string whose opening quote is at `at`; returns the position after its closing quote.
fn skip_string(bytes: &[u8], at: usize) -> Result<usize, String> {
    let mut i = at + 1;
    loop {
        // Eight bytes at a time up to the first quote, backslash or control character.
        while let Some(chunk) = bytes.get(i..i + 8) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            let word = u64::from_le_bytes(word);
            let stops = zero_bytes(word ^ (ONES * u64::from(b'"')))
                | zero_bytes(word ^ (ONES * u64::from(b'\\')))
                | (word.wrapping_sub(ONES * 0x20) & !word & HIGHS);
            if stops != 0 {
                i += (stops.trailing_zeros() / 8) as usize;
                break;
            }
            i += 8;
        }
        match bytes.get(i) {
            Some(b'"') => return Ok(i + 1),
            Some(b'\\') => i = skip_escape(bytes, i)?,
            Some(0..=0x1f) => return Err(format!("control character in a string at byte {i}")),
            Some(_) => i += 1,
            None => return Err(format!("unterminated string starting at byte {at}")),
        }
    }
}

/// The escape whose backslash is at `at`; returns the position after it. As with serde_json's
/// `IgnoredAny`, a `\u` escape needs four hex digits but an unpaired surrogate is not refused:
/// it is valid JSON text (RFC 8259, section 8.2), only not a valid Unicode string.
fn skip_escape(bytes: &[u8], at: usize) -> Result<usize, String> {
    match bytes.get(at + 1) {
        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => Ok(at + 2),
        Some(b'u') => match bytes.get(at + 2..at + 6) {
            Some(hex) if hex.iter().all(u8::is_ascii_hexdigit) => Ok(at + 6),
            _ => Err(format!("bad \\u escape at byte {at}")),
        },
        _ => Err(format!("bad escape at byte {at}")),
    }
}

/// The number at `at`: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn skip_number(bytes: &[u8], at: usize) -> Result<usize, String> {
    let digits = |from: usize| {
        from + bytes.get(from..).map_or(0, |rest| {
            rest.iter().take_while(|b| b.is_ascii_digit()).count()
        })
    };
    let bad = || Err(format!("bad number at byte {at}"));
    let mut i = at + usize::from(bytes[at] == b'-');
    match bytes.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => i = digits(i),
        _ => return bad(),
    }
    if bytes.get(i) == Some(&b'.') {
        let end = digits(i + 1);
        if end == i + 1 {
            return bad();
        }
        i = end;
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let end = digits(i);
        if end == i {
            return bad();
        }
        i = end;
    }
    Ok(i)
}

fn skip_literal(bytes: &[u8], at: usize, word: &[u8]) -> Result<usize, String> {
    if bytes.get(at..at + word.len()) == Some(word) {
        Ok(at + word.len())
    } else {
        Err(format!("expected a value at byte {at}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::IgnoredAny;

    /// Whether `text` is one JSON document, by `skip_value` and by serde_json's `IgnoredAny`,
    /// which must agree (as in a frame, where what follows the value is checked by the caller).
    fn agree(text: &str) {
        let ours =
            skip_value(text, 0).is_ok_and(|end| skip_space(text.as_bytes(), end) == text.len());
        let serde = serde_json::from_str::<IgnoredAny>(text).is_ok();
        assert_eq!(
            ours, serde,
            "skip_value and serde_json disagree on {text:?}"
        );
    }

    #[test]
    fn accepts_json_and_stops_after_the_value() {
        for (text, end) in [
            ("null", 4),
            (" true ,", 5),
            ("false]", 5),
            ("0", 1),
            ("-0.5e+10}", 8),
            ("12E3", 4),
            (r#""a\"b\\c\/\b\f\n\r\t\u00e9""#, 27),
            (r#""héllo wörld, long enough for the eight-byte scan""#, 52),
            ("[]", 2),
            ("{}", 2),
            (r#"{ "a" : [1, {"b": null}] , "c": "" } x"#, 36),
        ] {
            assert_eq!(skip_value(text, 0), Ok(end), "{text:?}");
            agree(&text[..end]);
        }
    }

    #[test]
    fn object_members_gives_each_top_level_member_once() {
        let text = r#" { "a" : {"a": 1}, "b":[ "x" ] ,"c\"d":null } tail"#;
        let mut seen = Vec::new();
        let end = object_members(text, 0, |k, v| seen.push((k, v))).unwrap();
        assert_eq!(
            seen,
            [
                ("a", r#"{"a": 1}"#),
                ("b", r#"[ "x" ]"#),
                (r#"c\"d"#, "null")
            ]
        );
        assert_eq!(&text[end..], " tail");
        assert_eq!(object_members("{}", 0, |_, _| panic!("no members")), Ok(2));
        for bad in ["[]", "{\"a\" 1}", "{\"a\":1,}", "{\"a\":1"] {
            assert!(object_members(bad, 0, |_, _| {}).is_err(), "{bad}");
        }
    }

    #[test]
    fn array_items_gives_each_element_once() {
        let text = r#" [ 1 , {"a": [2]},"x" ] tail"#;
        let mut seen = Vec::new();
        let end = array_items(text, 0, |v| seen.push(v)).unwrap();
        assert_eq!(seen, ["1", r#"{"a": [2]}"#, r#""x""#]);
        assert_eq!(&text[end..], " tail");
        assert_eq!(array_items("[]", 0, |_| panic!("no items")), Ok(2));
        for bad in ["{}", "[1,]", "[1 2]", "[1"] {
            assert!(array_items(bad, 0, |_| {}).is_err(), "{bad}");
        }
    }

    #[test]
    fn refuses_what_is_not_json() {
        for text in [
            "",
            " ",
            "nul",
            "tru",
            "01",
            "-",
            "1.",
            ".5",
            "1e",
            "1e+",
            "+1",
            "[1,]",
            "[1 2]",
            "{\"a\"}",
            "{\"a\":}",
            "{\"a\":1,}",
            "{a:1}",
            "[",
            "{",
            "\"abc",
            "\"a\\x\"",
            "\"\\u12g4\"",
            "\"\\u12\"",
            "\"tab\there\"",
            "\"new\nline\"",
            "[}",
            "{]",
            "'a'",
            "NaN",
            "Infinity",
        ] {
            agree(text);
            assert!(
                serde_json::from_str::<IgnoredAny>(text).is_err(),
                "{text:?} is JSON"
            );
        }
    }

    #[test]
    fn nesting_is_bounded_where_serde_json_value_stops() {
        for depth in [1, 127, 128, 129, 300] {
            let arrays = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            let objects = format!("{}1{}", "{\"k\":".repeat(depth), "}".repeat(depth));
            for text in [arrays, objects] {
                let value = serde_json::from_str::<serde_json::Value>(&text).is_ok();
                assert_eq!(skip_value(&text, 0).is_ok(), value, "depth {depth}");
                assert_eq!(value, depth <= MAX_DEPTH);
            }
        }
        assert!(skip_value(&"[".repeat(100_000), 0).is_err());
    }

    /// Every one-byte change of realistic payloads, at every position: both checkers agree.
    #[test]
    fn agrees_with_serde_json_on_every_one_byte_mutation() {
        let payloads = [
            r#"{"id":"1234567890123456789","content":"hi \"there\" \u00e9 ok","embeds":[],"mention_everyone":false,"nonce":-12.5e-3,"author":{"bot":true,"flags":0,"avatar":null}}"#,
            "[ 1 , -0 , 2.50 , 3e7 , \"\\\\\" , { } , [ [ ] ] , \"0123456789abcdefghij\" ]",
        ];
        let swaps = [
            b'"', b'\\', b'{', b'}', b'[', b']', b',', b':', b'0', b'-', b'.', b'e', b'+', b' ',
            b'\n', 0x01, b'u', b'n', b'x',
        ];
        for payload in payloads {
            agree(payload);
            for at in 0..payload.len() {
                for &byte in &swaps {
                    let mut bytes = payload.as_bytes().to_vec();
                    bytes[at] = byte;
                    if let Ok(text) = std::str::from_utf8(&bytes) {
                        agree(text);
                    }
                }
                agree(&payload[..at]);
            }
        }
    }
}
