//! The bot or OAuth2 token as a type that never prints itself: `Debug` and `Display` show
//! `(redacted)`, and [`Token::redact`] scrubs it from any text before that text is shown.

use std::fmt;

use crate::{Error, Result};

/// How the token is sent in the `Authorization` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// `Authorization: Bot <token>`.
    Bot,
    /// `Authorization: Bearer <token>` (OAuth2).
    Bearer,
}

/// A secret token. Only [`Token::authorization`] and [`Token::secret`] expose it.
#[derive(Clone, PartialEq, Eq)]
pub struct Token {
    secret: String,
    kind: TokenKind,
}

impl Token {
    /// Parses a token as typed by a user: surrounding whitespace is trimmed, a `Bot ` prefix
    /// (even typed twice) is dropped, and a `Bearer ` prefix makes it a bearer token.
    pub fn parse(raw: &str, bearer: bool) -> Result<Token> {
        let mut text = raw.trim();
        let mut kind = if bearer {
            TokenKind::Bearer
        } else {
            TokenKind::Bot
        };
        loop {
            if let Some(rest) = strip_prefix_ci(text, "bot ") {
                text = rest.trim_start();
            } else if let Some(rest) = strip_prefix_ci(text, "bearer ") {
                text = rest.trim_start();
                kind = TokenKind::Bearer;
            } else {
                break;
            }
        }
        if text.is_empty()
            || text.eq_ignore_ascii_case("bot")
            || text.eq_ignore_ascii_case("bearer")
        {
            return Err(Error::usage(
                "the token is empty: pass the bot token from the Developer Portal",
            ));
        }
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(Error::usage(
                "the token contains spaces or control characters: copy it again from the Developer Portal",
            ));
        }
        Ok(Token {
            secret: text.to_string(),
            kind,
        })
    }

    /// The value of the `Authorization` header.
    pub fn authorization(&self) -> String {
        match self.kind {
            TokenKind::Bot => format!("Bot {}", self.secret),
            TokenKind::Bearer => format!("Bearer {}", self.secret),
        }
    }

    /// The bare token (for the gateway's IDENTIFY and the config file).
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// The form stored in the config file: bare for a bot token, `Bearer <token>` for a
    /// bearer token, so that reading it back gives the same token.
    pub fn authorization_for_storage(&self) -> String {
        match self.kind {
            TokenKind::Bot => self.secret.clone(),
            TokenKind::Bearer => format!("Bearer {}", self.secret),
        }
    }

    /// Whether this is a bot or a bearer token.
    pub fn kind(&self) -> TokenKind {
        self.kind
    }

    /// The header value as shown to the user: the scheme, then the token hidden.
    pub fn redacted_authorization(&self) -> String {
        match self.kind {
            TokenKind::Bot => "Bot ████".to_string(),
            TokenKind::Bearer => "Bearer ████".to_string(),
        }
    }

    /// Replaces every occurrence of the token in `text` with `████`.
    pub fn redact(&self, text: &str) -> String {
        if self.secret.is_empty() {
            return text.to_string();
        }
        text.replace(&self.secret, "████")
    }
}

fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(redacted)")
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(redacted)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_bot_prefix_even_twice_and_whitespace() {
        let t = Token::parse("  Bot Bot abc.def  \n", false).unwrap();
        assert_eq!(t.secret(), "abc.def");
        assert_eq!(t.authorization(), "Bot abc.def");
    }

    #[test]
    fn bearer_prefix_or_flag_makes_bearer() {
        assert_eq!(
            Token::parse("Bearer xyz", false).unwrap().kind(),
            TokenKind::Bearer
        );
        assert_eq!(
            Token::parse("xyz", true).unwrap().authorization(),
            "Bearer xyz"
        );
    }

    #[test]
    fn never_prints_itself() {
        let t = Token::parse("sekrit", false).unwrap();
        assert!(!format!("{t:?} {t}").contains("sekrit"));
        assert_eq!(t.redact("a sekrit b"), "a ████ b");
    }

    #[test]
    fn rejects_empty_and_inner_space() {
        assert!(Token::parse("  ", false).is_err());
        assert!(Token::parse("Bot ", false).is_err());
        assert!(Token::parse("ab cd", false).is_err());
    }
}
