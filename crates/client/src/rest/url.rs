//! Building request URLs: an API path (as typed, or a full URL under the API base) joined to
//! the base, every segment percent-encoded exactly once, query parameters appended, and the
//! rule that a token never travels over plain HTTP except to this machine.

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

use crate::{Error, Result};

/// Bytes escaped in a path segment: everything but RFC 3986 unreserved, sub-delims, ':' and '@'.
const PATH_SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'/')
    .add(b'%')
    .add(b'[')
    .add(b']')
    .add(b'\\')
    .add(b'^')
    .add(b'|');

/// Bytes escaped in a query key or value.
const QUERY: &AsciiSet = &PATH_SEGMENT.add(b'&').add(b'=').add(b'+');

/// Bytes escaped in a query string typed into the path (its `&` and `=` keep their meaning).
const TYPED_QUERY: &AsciiSet = &CONTROLS.add(b' ').add(b'"').add(b'#').add(b'<').add(b'>');

/// Bytes escaped in `X-Audit-Log-Reason` (Discord wants it URL-encoded).
const REASON: &AsciiSet = &QUERY
    .add(b',')
    .add(b';')
    .add(b'!')
    .add(b'\'')
    .add(b'(')
    .add(b')');

/// Percent-encodes one path segment (a snowflake passes through; an emoji is escaped).
pub fn encode_segment(segment: &str) -> String {
    utf8_percent_encode(segment, PATH_SEGMENT).to_string()
}

/// Percent-encodes an audit-log reason for the `X-Audit-Log-Reason` header.
pub fn encode_reason(reason: &str) -> String {
    utf8_percent_encode(reason, REASON).to_string()
}

/// Encodes text the user typed into a path: a valid `%XX` escape stays as it is (so nothing is
/// encoded twice), anything a URL cannot carry is escaped.
fn encode_typed(text: &str, set: &'static AsciiSet) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let is_escape = bytes[i] == b'%'
            && i + 2 < bytes.len()
            && bytes[i + 1].is_ascii_hexdigit()
            && bytes[i + 2].is_ascii_hexdigit();
        if is_escape {
            out.extend(utf8_percent_encode(&text[start..i], set));
            out.push_str(&text[i..i + 3]);
            i += 3;
            start = i;
        } else {
            i += 1;
        }
    }
    out.extend(utf8_percent_encode(&text[start..], set));
    out
}

/// Joins a path the user typed (`/users/@me`, `users/@me?x=1`, or a full URL under `base`)
/// to the API base, adding the query pairs. Returns the full URL.
pub fn build_url(base: &str, path: &str, query: &[(String, String)]) -> Result<String> {
    let relative = if path.starts_with("http://") || path.starts_with("https://") {
        match path.strip_prefix(base) {
            Some(rest) if rest.is_empty() || rest.starts_with('/') || rest.starts_with('?') => rest,
            _ => {
                return Err(Error::usage(format!(
                    "the URL '{path}' is not under the API base {base}: give a path such as /users/@me, or change --api-url"
                )))
            }
        }
    } else {
        path
    };
    let (path_part, query_part) = match relative.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (relative, None),
    };
    if path_part.contains('#') {
        return Err(Error::usage(format!(
            "the path '{path}' contains '#': write it as %23 if it is part of a name"
        )));
    }
    let mut url = String::with_capacity(base.len() + relative.len() + 16);
    url.push_str(base);
    for segment in path_part.split('/').filter(|s| !s.is_empty()) {
        // URL parsers resolve dot segments, which would silently send the request elsewhere.
        let lowered = segment.to_ascii_lowercase().replace("%2e", ".");
        if lowered == "." || lowered == ".." {
            return Err(Error::usage(format!(
                "the path '{path}' has a '{segment}' segment: write the API path without . or .."
            )));
        }
        url.push('/');
        url.push_str(&encode_typed(segment, PATH_SEGMENT));
    }
    let mut separator = '?';
    if let Some(q) = query_part.filter(|q| !q.is_empty()) {
        url.push('?');
        url.push_str(&encode_typed(q, TYPED_QUERY));
        separator = '&';
    }
    for (key, value) in query {
        url.push(separator);
        url.extend(utf8_percent_encode(key, QUERY));
        url.push('=');
        url.extend(utf8_percent_encode(value, QUERY));
        separator = '&';
    }
    Ok(url)
}

/// Refuses to send a token over plain `http://` to anything but a loopback address.
pub fn check_token_transport(url: &str) -> Result<()> {
    let Some(rest) = url.strip_prefix("http://") else {
        return Ok(());
    };
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = host.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        host.split(':').next().unwrap_or("")
    };
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .map(|ip| ip.is_loopback())
            .unwrap_or(false);
    if loopback {
        Ok(())
    } else {
        Err(Error::usage(format!(
            "refusing to send the token over plain http:// to {host}: use https://, or a loopback address for a local sandbox"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://discord.com/api/v10";

    #[test]
    fn leading_slash_optional_and_full_urls_accepted() {
        let a = build_url(BASE, "/users/@me", &[]).unwrap();
        assert_eq!(a, "https://discord.com/api/v10/users/@me");
        assert_eq!(build_url(BASE, "users/@me", &[]).unwrap(), a);
        assert_eq!(build_url(BASE, &a, &[]).unwrap(), a);
        assert!(build_url(BASE, "https://evil.example/api/v10/users/@me", &[]).is_err());
        assert!(build_url(BASE, "https://discord.com/api/v100/x", &[]).is_err());
    }

    #[test]
    fn emoji_encoded_exactly_once() {
        let typed = build_url(BASE, "/channels/1/messages/2/reactions/👍/@me", &[]).unwrap();
        let pre = build_url(
            BASE,
            "/channels/1/messages/2/reactions/%F0%9F%91%8D/@me",
            &[],
        )
        .unwrap();
        assert_eq!(typed, pre);
        assert!(typed.ends_with("/reactions/%F0%9F%91%8D/@me"));
        let custom = build_url(BASE, "/channels/1/messages/2/reactions/blob:123/@me", &[]).unwrap();
        assert!(custom.contains("/blob:123/"));
    }

    #[test]
    fn spaces_and_unicode_in_paths_and_query() {
        let url = build_url(
            BASE,
            "/guilds/1/members/search?query=a b",
            &[("q".into(), "x&y=ü".into())],
        )
        .unwrap();
        assert_eq!(
            url,
            "https://discord.com/api/v10/guilds/1/members/search?query=a%20b&q=x%26y%3D%C3%BC"
        );
        assert_eq!(
            build_url(BASE, "/a/b c", &[]).unwrap(),
            "https://discord.com/api/v10/a/b%20c"
        );
        assert!(build_url(BASE, "/a/../oauth2", &[]).is_err());
        assert!(build_url(BASE, "/a/%2E%2e/x", &[]).is_err());
        assert!(build_url(BASE, "/a/./x", &[]).is_err());
        assert!(build_url(BASE, "/a#b", &[]).is_err());
    }

    #[test]
    fn reason_is_percent_encoded() {
        assert_eq!(
            encode_reason("spam, ünïcode"),
            "spam%2C%20%C3%BCn%C3%AFcode"
        );
    }

    #[test]
    fn plain_http_only_to_loopback() {
        assert!(check_token_transport("http://127.0.0.1:5/api").is_ok());
        assert!(check_token_transport("http://127.3.4.5/api").is_ok());
        assert!(check_token_transport("http://localhost:80/x").is_ok());
        assert!(check_token_transport("http://[::1]:80/x").is_ok());
        assert!(check_token_transport("https://discord.com/api").is_ok());
        assert!(check_token_transport("http://discord.com/api").is_err());
        assert!(check_token_transport("http://127.0.0.1.evil.com/api").is_err());
        assert!(check_token_transport("http://192.168.1.2/api").is_err());
    }
}
