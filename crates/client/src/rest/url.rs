//! Building request URLs: an API path (as typed, or a full URL under the API base) joined to
//! the base, every segment percent-encoded exactly once, query parameters appended, and the
//! rule that a token never travels over plain HTTP except to this machine.

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

use url::{Host, Url};

use crate::error::shown;
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

/// Refuses to send a token over plain `http://` to anything but a loopback address or one of
/// `insecure_hosts`.
pub fn check_token_transport(url: &str, insecure_hosts: &[String]) -> Result<()> {
    check_secret_transport(url, "the token", insecure_hosts)
}

/// Whether `host` is one the user opted in to plain http for (`--insecure-http-host`): the
/// same host as the parser reads it (names without case, addresses by value), never a pattern.
fn opted_in(host: &Host<&str>, insecure_hosts: &[String]) -> bool {
    insecure_hosts.iter().any(|allowed| {
        let bare = allowed.trim().trim_start_matches('[').trim_end_matches(']');
        match (host, bare.parse::<std::net::IpAddr>()) {
            (Host::Ipv4(ip), Ok(std::net::IpAddr::V4(a))) => *ip == a,
            (Host::Ipv6(ip), Ok(std::net::IpAddr::V6(a))) => *ip == a,
            (Host::Domain(name), Err(_)) => name.eq_ignore_ascii_case(bare),
            _ => false,
        }
    })
}

/// Checks the hosts given to `--insecure-http-host`: plain host names or addresses, so the
/// opt-in can never become a blanket switch.
pub fn check_insecure_hosts(hosts: &[String]) -> Result<()> {
    for host in hosts {
        let bare = host.trim().trim_start_matches('[').trim_end_matches(']');
        let plain = !bare.is_empty()
            && (bare.parse::<std::net::IpAddr>().is_ok()
                || bare
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.'));
        if !plain {
            return Err(Error::usage(format!(
                "--insecure-http-host {} must be one host name or address (no scheme, port or wildcard)",
                shown(host)
            )));
        }
    }
    Ok(())
}

/// Refuses to send `what` (a token, a webhook token, an Authorization header) over plain
/// `http://` to anything but a loopback address. The host is the one the HTTP client will
/// connect to: it comes from the same URL parser (the `url` crate, which reqwest and
/// tungstenite use), never from splitting the text by hand, so `http://evil\@127.0.0.1/`
/// (which goes to `evil`) cannot pass for loopback.
pub fn check_secret_transport(url: &str, what: &str, insecure_hosts: &[String]) -> Result<()> {
    let parsed = Url::parse(url)
        .map_err(|e| Error::usage(format!("the URL {} is not valid ({e})", shown(url))))?;
    if parsed.scheme() != "http" {
        return Ok(());
    }
    let loopback = match parsed.host() {
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    if loopback || parsed.host().is_some_and(|h| opted_in(&h, insecure_hosts)) {
        return Ok(());
    }
    let host = parsed.host_str().unwrap_or("");
    Err(Error::usage(format!(
        "refusing to send {what} over plain http:// to {}: use https://, a loopback address for a local sandbox, or --insecure-http-host {} for a rate-limit proxy inside your network",
        shown(host),
        host
    )))
}

/// Checks that an API base URL means one thing: the host a reader sees is the host the
/// request goes to. A backslash (which URL parsers read as `/` in an http URL), user info
/// before an `@`, a fragment, or characters the parser would drop or rewrite make the host
/// ambiguous, so such a base is refused. Returns the URL as the parser writes it.
pub fn unambiguous_base(text: &str) -> Result<String> {
    let fix = "check --api-url or DISCORD_API_URL";
    if text
        .chars()
        .any(|c| c == '\\' || c.is_whitespace() || c.is_control())
    {
        return Err(Error::usage(format!(
            "the API URL {} contains a backslash, a space or a control character, which makes its host ambiguous; {fix}",
            shown(text)
        )));
    }
    let parsed = Url::parse(text).map_err(|e| {
        Error::usage(format!(
            "the API URL {} is not a valid URL ({e}); {fix}",
            shown(text)
        ))
    })?;
    if !parsed.username().is_empty() || parsed.password().is_some() || text.contains('@') {
        return Err(Error::usage(format!(
            "the API URL {} has an '@' (user info), which hides the host it goes to; {fix}",
            shown(text)
        )));
    }
    if parsed.fragment().is_some() || parsed.query().is_some() {
        return Err(Error::usage(format!(
            "the API URL {} has a '#' or '?'; give the base only, such as https://discord.com/api/v10",
            shown(text)
        )));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(Error::usage(format!(
            "the API URL {} has no host; {fix}",
            shown(text)
        )));
    }
    Ok(parsed.as_str().trim_end_matches('/').to_string())
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
        assert!(check_token_transport("http://127.0.0.1:5/api", &[]).is_ok());
        assert!(check_token_transport("http://127.3.4.5/api", &[]).is_ok());
        assert!(check_token_transport("http://localhost:80/x", &[]).is_ok());
        assert!(check_token_transport("http://[::1]:80/x", &[]).is_ok());
        assert!(check_token_transport("https://discord.com/api", &[]).is_ok());
        assert!(check_token_transport("http://discord.com/api", &[]).is_err());
        assert!(check_token_transport("http://127.0.0.1.evil.com/api", &[]).is_err());
        assert!(check_token_transport("http://192.168.1.2/api", &[]).is_err());
        // Only the hosts named with --insecure-http-host, exactly.
        let proxy = [
            "ratelimiter.internal".to_string(),
            "[fd00::5]".to_string(),
            "10.0.0.7".to_string(),
        ];
        assert!(check_token_transport("http://RateLimiter.internal:8080/api", &proxy).is_ok());
        assert!(check_token_transport("http://[fd00::5]:8080/api", &proxy).is_ok());
        assert!(check_token_transport("http://10.0.0.7/api", &proxy).is_ok());
        assert!(check_token_transport("http://ratelimiter.internal.evil.com/api", &proxy).is_err());
        assert!(check_token_transport("http://10.0.0.8/api", &proxy).is_err());
        assert!(check_insecure_hosts(&proxy).is_ok());
        for bad in ["*", "http://x", "x:8080", "*.internal", ""] {
            assert!(check_insecure_hosts(&[bad.to_string()]).is_err(), "{bad}");
        }
        // The HTTP client reads a backslash as '/', so these go to evil.example, not loopback.
        assert!(
            check_token_transport("http://evil.example\\@127.0.0.1:8099/api/v10", &[]).is_err()
        );
        assert!(check_token_transport("http://evil.example#@127.0.0.1:8099/api/v10", &[]).is_err());
        assert!(check_token_transport("http://127.0.0.1:1@evil.example/api", &[]).is_err());
        assert!(check_token_transport("http://0x7f.1/api", &[]).is_ok());
    }

    #[test]
    fn ambiguous_api_bases_are_refused() {
        for base in [
            "http://evil.example\\@127.0.0.1:8099/api/v10",
            "http://evil.example#@127.0.0.1:8099/api/v10",
            "http://user:pw@127.0.0.1/api",
            "http://127.0.0.1/api?x=1",
            "http://127.0.0.1/ api",
        ] {
            assert!(unambiguous_base(base).is_err(), "{base}");
        }
        assert_eq!(
            unambiguous_base("http://LOCALHOST:80/api/v10").unwrap(),
            "http://localhost/api/v10"
        );
    }
}
