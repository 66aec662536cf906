//! Every secret one request carries, so that each gets the bot token's treatment: never sent
//! over plain `http://` except to this machine, and shown as `████` in `-v`, `--dry-run`,
//! retries and errors. Besides the bot token these are a `-H Authorization` header and the
//! webhook or interaction token inside a path (`/webhooks/{id}/{token}`,
//! `/interactions/{id}/{token}/callback`), which lets anyone who sees it post as the webhook.

use super::url::check_secret_transport;
use crate::token::Token;
use crate::{Error, Result};

/// The top-level resources whose third path segment is a token (Discord's docs: Webhook
/// resource "Execute Webhook", and Receiving and Responding "Create Interaction Response").
const TOKEN_RESOURCES: &[&str] = &["webhooks", "interactions"];

/// A path token shorter than this is hidden only where it stands as a path segment: hiding
/// every occurrence of a short text would garble the rest (Discord's tokens are far longer).
const HIDDEN_ANYWHERE_FROM: usize = 16;

/// The secrets of one request, as they appear in text about it.
#[derive(Debug, Clone, Default)]
pub struct Secrets {
    /// Texts to hide wherever they occur, longest first (so a secret containing another is
    /// hidden whole).
    hidden: Vec<String>,
    /// The path's token as it appears in the URL, hidden where it is a whole path segment.
    segment: Option<String>,
    /// What the request carries besides the bot token, named for the transport check.
    carried: Vec<&'static str>,
}

impl Secrets {
    /// The secrets of a request to `api_path` (the URL's part after the API base) with the
    /// user's extra `headers`, and the bot `token` if one is known.
    pub fn of_request(token: Option<&Token>, api_path: &str, headers: &[(String, String)]) -> Self {
        let mut secrets = Secrets::default();
        if let Some(t) = token {
            secrets.hide(t.secret());
        }
        if let Some(path_token) = path_token(api_path) {
            secrets.segment = Some(path_token.to_string());
            let decoded = percent_encoding::percent_decode_str(path_token).decode_utf8_lossy();
            for form in [path_token, &decoded] {
                if form.chars().count() >= HIDDEN_ANYWHERE_FROM {
                    secrets.hide(form);
                }
            }
            secrets
                .carried
                .push("the webhook or interaction token in the path");
        }
        for (name, value) in headers {
            if name.eq_ignore_ascii_case("authorization") {
                let credential = value.split_once(' ').map_or(value.as_str(), |(_, c)| c);
                secrets.hide(credential.trim());
                secrets.carried.push("the Authorization header");
            }
        }
        secrets.hidden.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets
    }

    fn hide(&mut self, secret: &str) {
        if !secret.is_empty() && !self.hidden.iter().any(|s| s == secret) {
            self.hidden.push(secret.to_string());
        }
    }

    /// Refuses plain `http://` to a host other than this machine when the request carries a
    /// secret besides the bot token (the token itself is checked where it is attached).
    pub fn check_transport(&self, url: &str, insecure_hosts: &[String]) -> Result<()> {
        for what in &self.carried {
            check_secret_transport(url, what, insecure_hosts)?;
        }
        Ok(())
    }

    /// `text` with every secret replaced by `████`.
    pub fn redact(&self, text: &str) -> String {
        let mut out = match &self.segment {
            Some(segment) => hide_segment(text, segment),
            None => text.to_string(),
        };
        for secret in &self.hidden {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), "████");
            }
        }
        out
    }

    /// `err` with every secret hidden from its message and details.
    pub fn redact_error(&self, mut err: Error) -> Error {
        err.message = self.redact(&err.message);
        err.details = err.details.iter().map(|d| self.redact(d)).collect();
        err
    }
}

/// `text` with `segment` replaced by `████` wherever it is a whole path segment: after a `/`,
/// and before a `/`, `?`, `#`, a quote, a space or the end.
fn hide_segment(text: &str, segment: &str) -> String {
    let needle = format!("/{segment}");
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(&needle) {
        let after = &rest[at + needle.len()..];
        let whole = after
            .chars()
            .next()
            .is_none_or(|c| matches!(c, '/' | '?' | '#' | '"' | '\'') || c.is_whitespace());
        out.push_str(&rest[..=at]);
        out.push_str(if whole { "████" } else { segment });
        rest = after;
    }
    out.push_str(rest);
    out
}

/// The webhook or interaction token in an API path, if it has one: the segment after
/// `webhooks/{id}/` or `interactions/{id}/` at the start of the path.
pub fn path_token(api_path: &str) -> Option<&str> {
    let path = api_path.split(['?', '#']).next().unwrap_or("");
    let mut segments = path.split('/').filter(|s| !s.is_empty());
    let resource = segments.next()?;
    if !TOKEN_RESOURCES.contains(&resource) {
        return None;
    }
    segments.next()?;
    segments.next().filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_tokens_of_webhooks_and_interactions() {
        assert_eq!(path_token("/webhooks/1/abc-DEF"), Some("abc-DEF"));
        assert_eq!(path_token("webhooks/1/abc/messages/2?x=1"), Some("abc"));
        assert_eq!(path_token("/interactions/9/tok/callback"), Some("tok"));
        assert_eq!(path_token("/webhooks/1"), None);
        assert_eq!(path_token("/channels/1/webhooks"), None);
        assert_eq!(path_token("/guilds/1/webhooks/x/y"), None);
    }

    #[test]
    fn every_secret_is_redacted_and_guarded() {
        let token = Token::parse("bot-secret", false).unwrap();
        let headers = vec![("Authorization".to_string(), "Bearer hdr-secret".to_string())];
        let s = Secrets::of_request(Some(&token), "/webhooks/1/wh%2Dsecret-0123456789", &headers);
        let shown = s.redact(
            "bot-secret hdr-secret /webhooks/1/wh%2Dsecret-0123456789 wh-secret-0123456789",
        );
        assert_eq!(shown, "████ ████ /webhooks/1/████ ████");
        // A short path token is hidden where it is the path's segment, and nowhere else.
        let short = Secrets::of_request(None, "/webhooks/1/t", &[]);
        assert_eq!(
            short.redact("POST http://h/webhooks/1/t/github?x /webhooks/1/tt"),
            "POST http://h/webhooks/1/████/github?x /webhooks/1/tt"
        );
        assert!(s.check_transport("http://127.0.0.1:1/x", &[]).is_ok());
        assert!(s.check_transport("https://example.com/x", &[]).is_ok());
        assert!(s.check_transport("http://example.com/x", &[]).is_err());
        // Without secrets beyond the bot token nothing is refused here.
        let plain = Secrets::of_request(Some(&token), "/users/@me", &[]);
        assert!(plain.check_transport("http://example.com/x", &[]).is_ok());
    }
}
