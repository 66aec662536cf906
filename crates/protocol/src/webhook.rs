//! Webhook URLs as Discord hands them out (`https://discord.com/api/webhooks/ID/TOKEN`), taken
//! apart into the API path they name. (Hiding the token they carry is the client's
//! `rest::secrets`.)

/// A webhook URL taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl {
    /// The API base of the URL's host, for API version 10 (`https://canary.discord.com/api/v10`).
    pub api_base: String,
    /// The webhook id.
    pub id: String,
    /// The webhook token.
    pub token: String,
    /// The path after the token, if any (`/messages/@original`, `/slack`).
    pub rest: String,
    /// The query string without `?` (`thread_id=...`), if any.
    pub query: String,
}

/// The hosts Discord serves its API on.
const HOSTS: &[&str] = &[
    "discord.com",
    "discordapp.com",
    "ptb.discord.com",
    "canary.discord.com",
    "ptb.discordapp.com",
    "canary.discordapp.com",
];

impl WebhookUrl {
    /// Parses `https://HOST/api[/vN]/webhooks/ID/TOKEN[/rest][?query]` for one of Discord's
    /// hosts; anything else is not a webhook URL.
    pub fn parse(text: &str) -> Option<WebhookUrl> {
        let after_scheme = text.strip_prefix("https://")?;
        let (host, path) = after_scheme.split_once('/')?;
        if !HOSTS.contains(&host.to_ascii_lowercase().as_str()) {
            return None;
        }
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let path = path.strip_prefix("api/")?;
        let path = match path.split_once('/') {
            Some((v, rest))
                if v.len() > 1
                    && v.starts_with('v')
                    && v[1..].bytes().all(|b| b.is_ascii_digit()) =>
            {
                rest
            }
            _ => path,
        };
        let mut parts = path.strip_prefix("webhooks/")?.splitn(3, '/');
        let id = parts
            .next()
            .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))?;
        let token = parts.next().filter(|s| !s.is_empty())?;
        let rest = parts.next().map(|r| format!("/{r}")).unwrap_or_default();
        Some(WebhookUrl {
            api_base: format!("https://{}/api/v10", host.to_ascii_lowercase()),
            id: id.to_string(),
            token: token.to_string(),
            rest: rest.trim_end_matches('/').to_string(),
            query: query.to_string(),
        })
    }

    /// The API path with the query: `/webhooks/ID/TOKEN[/rest][?query]`.
    pub fn api_path(&self) -> String {
        let mut path = format!("/webhooks/{}/{}{}", self.id, self.token, self.rest);
        if !self.query.is_empty() {
            path.push('?');
            path.push_str(&self.query);
        }
        path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_urls_as_discord_hands_them_out() {
        let w = WebhookUrl::parse("https://discord.com/api/webhooks/123/abc-DEF_9").expect("url");
        assert_eq!((w.id.as_str(), w.token.as_str()), ("123", "abc-DEF_9"));
        assert_eq!(w.api_base, "https://discord.com/api/v10");
        assert_eq!(w.api_path(), "/webhooks/123/abc-DEF_9");
        let w = WebhookUrl::parse(
            "https://canary.discordapp.com/api/v10/webhooks/1/t/messages/5?thread_id=9",
        )
        .expect("url");
        assert_eq!(w.api_base, "https://canary.discordapp.com/api/v10");
        assert_eq!(w.api_path(), "/webhooks/1/t/messages/5?thread_id=9");
        for not in [
            "https://example.com/api/webhooks/1/t",
            "http://discord.com/api/webhooks/1/t",
            "https://discord.com/api/webhooks/x/t",
            "https://discord.com/api/webhooks/1",
            "/webhooks/1/t",
        ] {
            assert!(WebhookUrl::parse(not).is_none(), "{not}");
        }
    }
}
