//! What to add to a 401 or 403 so that it says how to fix it, keyed on Discord's JSON error
//! code as well as the status: a 401 is not always the bot token (a webhook's own token, or no
//! token at all), and a 403 is either "cannot see it" (50001) or "may not do it" (50013).
//! Codes from Discord's docs, Topics > Opcodes and Status Codes > JSON Error Codes.

use serde_json::Value;

use super::Method;

/// 0, "General error": what Discord answers a bad token with (`401: Unauthorized`).
const GENERAL: i64 = 0;
/// 40001 Unauthorized. Provide a valid token and try again.
const UNAUTHORIZED: i64 = 40001;
/// 50014 Invalid authentication token provided.
const INVALID_AUTH_TOKEN: i64 = 50014;
/// 50027 Invalid Webhook Token provided.
const INVALID_WEBHOOK_TOKEN: i64 = 50027;
/// 50001 Missing Access.
const MISSING_ACCESS: i64 = 50001;
/// 50013 You lack permissions to perform that action.
const MISSING_PERMISSIONS: i64 = 50013;

/// The permission each typed operation needs, where Discord's docs name one ("Requires the
/// X permission"); used to name it after a 50013.
const NEEDS: &[(&str, &str)] = &[
    ("create-message", "SEND_MESSAGES"),
    ("get-channel-messages", "READ_MESSAGE_HISTORY"),
    ("get-channel-message", "READ_MESSAGE_HISTORY"),
    ("delete-message", "MANAGE_MESSAGES (for others' messages)"),
    ("bulk-delete-messages", "MANAGE_MESSAGES"),
    ("crosspost-message", "SEND_MESSAGES or MANAGE_MESSAGES"),
    ("create-reaction", "ADD_REACTIONS and READ_MESSAGE_HISTORY"),
    ("delete-all-reactions", "MANAGE_MESSAGES"),
    ("delete-all-reactions-for-emoji", "MANAGE_MESSAGES"),
    ("pin-message", "PIN_MESSAGES"),
    ("unpin-message", "PIN_MESSAGES"),
    ("modify-channel", "MANAGE_CHANNELS"),
    (
        "delete-channel",
        "MANAGE_CHANNELS (MANAGE_THREADS for a thread)",
    ),
    ("create-guild-channel", "MANAGE_CHANNELS"),
    ("create-channel-invite", "CREATE_INSTANT_INVITE"),
    ("get-channel-invites", "MANAGE_CHANNELS"),
    ("create-webhook", "MANAGE_WEBHOOKS"),
    ("get-channel-webhooks", "MANAGE_WEBHOOKS"),
    ("get-guild-webhooks", "MANAGE_WEBHOOKS"),
    ("get-guild-audit-log", "VIEW_AUDIT_LOG"),
    ("get-guild-bans", "BAN_MEMBERS"),
    ("get-guild-ban", "BAN_MEMBERS"),
    ("create-guild-ban", "BAN_MEMBERS"),
    ("remove-guild-ban", "BAN_MEMBERS"),
    ("bulk-guild-ban", "BAN_MEMBERS and MANAGE_GUILD"),
    ("remove-guild-member", "KICK_MEMBERS"),
    ("add-guild-member-role", "MANAGE_ROLES"),
    ("remove-guild-member-role", "MANAGE_ROLES"),
    ("create-guild-role", "MANAGE_ROLES"),
    ("modify-guild-role", "MANAGE_ROLES"),
    ("delete-guild-role", "MANAGE_ROLES"),
    ("modify-guild", "MANAGE_GUILD"),
    ("get-guild-invites", "MANAGE_GUILD"),
    ("create-guild-emoji", "CREATE_GUILD_EXPRESSIONS"),
    ("create-guild-sticker", "CREATE_GUILD_EXPRESSIONS"),
    ("start-thread-from-message", "CREATE_PUBLIC_THREADS"),
    (
        "start-thread-without-message",
        "CREATE_PUBLIC_THREADS or CREATE_PRIVATE_THREADS",
    ),
];

/// What the request that got the answer carried.
#[derive(Debug, Clone, Copy)]
pub struct Sent<'a> {
    /// The method.
    pub method: Method,
    /// The API path (after the base, without the query).
    pub api_path: &'a str,
    /// Whether the bot token (or a `-H Authorization`) went with it.
    pub credentials: bool,
    /// Whether the path carries a webhook or interaction token.
    pub path_token: bool,
}

/// The hint for a 401 or 403 answer, if there is one that cannot mislead.
pub fn access_hint(status: u16, body: &[u8], sent: Sent<'_>) -> Option<String> {
    let code = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|json| json.get("code").and_then(Value::as_i64));
    match (status, code) {
        (401, Some(INVALID_WEBHOOK_TOKEN)) => Some(
            "the webhook or interaction token in the path is wrong or expired (an interaction's lasts 15 minutes)".into(),
        ),
        (401, _) if sent.path_token && !sent.credentials => Some(
            "Discord refused the webhook or interaction token in the path: check it (an interaction's lasts 15 minutes)".into(),
        ),
        (401, _) if !sent.credentials => Some(
            "this request went without a token and Discord wants one: pass --token-file, set DISCORD_TOKEN or run 'discord login'".into(),
        ),
        (401, Some(GENERAL | UNAUTHORIZED | INVALID_AUTH_TOKEN) | None) => Some(
            "Discord refused the token: check --token, DISCORD_TOKEN or the one 'discord login' stored".into(),
        ),
        (403, Some(MISSING_ACCESS)) => Some(
            "the bot cannot see this: it must be in the guild and have VIEW_CHANNEL there (check the channel's overwrites)".into(),
        ),
        (403, Some(MISSING_PERMISSIONS)) => {
            let needed = crate::endpoints::find_route(sent.method, sent.api_path)
                .and_then(|e| NEEDS.iter().find(|(name, _)| *name == e.name))
                .map(|(_, perm)| format!(": this needs {perm}"))
                .unwrap_or_default();
            Some(format!(
                "the bot lacks a permission for this{needed} (granted by a role or the channel's overwrites; a role cannot act on a higher role)"
            ))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(method: Method, api_path: &str) -> Sent<'_> {
        Sent {
            method,
            api_path,
            credentials: true,
            path_token: false,
        }
    }

    #[test]
    fn keyed_on_the_code_not_only_the_status() {
        let bad_token = br#"{"message": "401: Unauthorized", "code": 0}"#;
        let hint = access_hint(401, bad_token, sent(Method::Get, "/users/@me")).unwrap();
        assert!(hint.contains("refused the token"), "{hint}");
        let access = br#"{"message": "Missing Access", "code": 50001}"#;
        let hint = access_hint(403, access, sent(Method::Get, "/channels/1")).unwrap();
        assert!(hint.contains("cannot see"), "{hint}");
        let perms = br#"{"message": "Missing Permissions", "code": 50013}"#;
        let hint = access_hint(403, perms, sent(Method::Put, "/guilds/1/bans/2")).unwrap();
        assert!(hint.contains("BAN_MEMBERS"), "{hint}");
        let hint = access_hint(403, perms, sent(Method::Get, "/users/@me")).unwrap();
        assert!(!hint.contains("needs"), "{hint}");
        // A 403 with another code (e.g. 20001, bots cannot use this endpoint) gets no guess.
        assert_eq!(
            access_hint(403, br#"{"code": 20001}"#, sent(Method::Get, "/x")),
            None
        );
    }

    #[test]
    fn a_webhook_token_is_not_the_bot_token() {
        let body = br#"{"message": "Invalid Webhook Token", "code": 50027}"#;
        let webhook = Sent {
            credentials: false,
            path_token: true,
            ..sent(Method::Post, "/webhooks/1/t")
        };
        let hint = access_hint(401, body, webhook).unwrap();
        assert!(hint.contains("webhook"), "{hint}");
        assert!(!hint.contains("--token"), "{hint}");
        let hint = access_hint(401, br#"{"code": 0}"#, webhook).unwrap();
        assert!(!hint.contains("DISCORD_TOKEN"), "{hint}");
    }
}
