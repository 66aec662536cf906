//! `listen`'s event filters: `--guild`, `--channel` and `--from-bots=false`. They apply to
//! printed lines and to every consumer alike (see [`super`]).

use std::sync::OnceLock;

use serde_json::Value;

use super::Dispatch;
use crate::gateway::frame::Frame;
use crate::names::{self, Scope, Target};
use crate::Result;

/// Which dispatches `listen` keeps.
#[derive(Debug, Default)]
pub struct Filters {
    /// Keep only events of these guilds (empty: any).
    guilds: Vec<String>,
    /// Keep only events of these channels (empty: any).
    channels: Vec<String>,
    /// Whether events caused by bots, this one included, are kept.
    from_bots: bool,
    /// This bot's user id, learned from READY, so its own messages are recognised even when
    /// a payload leaves `author.bot` out.
    self_id: OnceLock<String>,
}

impl Filters {
    /// Filters from the flags; guild and channel names are resolved through the names cache
    /// (plain ids, mentions and links need none).
    pub fn new(guilds: &[String], channels: &[String], from_bots: bool) -> Result<Filters> {
        let resolve = |target, label, list: &[String]| {
            list.iter()
                .map(|text| {
                    names::resolve_id(target, label, text, &mut Scope::default())
                        .map(|id| id.to_string())
                })
                .collect::<Result<Vec<_>>>()
        };
        Ok(Filters {
            guilds: resolve(Target::Guild, "--guild", guilds)?,
            channels: resolve(Target::Channel, "--channel", channels)?,
            from_bots,
            self_id: OnceLock::new(),
        })
    }

    /// Whether every event passes.
    pub fn is_empty(&self) -> bool {
        self.guilds.is_empty() && self.channels.is_empty() && self.from_bots
    }

    /// Learns this bot's id from READY (`d.user.id`).
    pub fn observe(&self, t: &str, frame: &Frame) {
        if t != "READY" || self.from_bots || self.self_id.get().is_some() {
            return;
        }
        if let Some(d) = frame.data::<Value>() {
            if let Some(id) = d["user"]["id"].as_str() {
                let _ = self.self_id.set(id.to_string());
            }
        }
    }

    /// Whether `dispatch` passes. With `--guild` or `--channel`, an event that belongs to no
    /// guild or channel (READY, a DM with `--guild`) does not.
    pub fn keep(&self, dispatch: &Dispatch) -> bool {
        let listed = |list: &[String], id: Option<&str>| {
            list.is_empty() || id.is_some_and(|id| list.iter().any(|l| l == id))
        };
        listed(&self.guilds, dispatch.guild_id())
            && listed(&self.channels, dispatch.channel_id())
            && (self.from_bots || !self.caused_by_a_bot(dispatch))
    }

    /// Whether a bot (this one or another) caused the event. Discord marks bot users with
    /// `bot: true` (docs: User Object) and webhook messages with `webhook_id`.
    fn caused_by_a_bot(&self, dispatch: &Dispatch) -> bool {
        let d = dispatch.d();
        let user = dispatch.user();
        user.and_then(|u| u.get("bot"))
            .and_then(Value::as_bool)
            .unwrap_or(false)
            || d.get("webhook_id").is_some_and(|w| !w.is_null())
            || self
                .self_id
                .get()
                .is_some_and(|me| dispatch.user_id() == Some(me.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dispatch(t: &str, d: Value) -> Dispatch {
        let raw = serde_json::json!({"op": 0, "t": t, "s": 1, "d": d}).to_string();
        Dispatch::parse(t, &raw).unwrap()
    }

    #[test]
    fn guild_and_channel_filters_use_the_event_s_own_ids() {
        let f = Filters::new(&["10".into()], &["20".into()], true).unwrap();
        let msg = |g: &str, c: &str| {
            dispatch(
                "MESSAGE_CREATE",
                serde_json::json!({"guild_id": g, "channel_id": c, "author": {"id": "1"}}),
            )
        };
        assert!(f.keep(&msg("10", "20")));
        assert!(!f.keep(&msg("11", "20")));
        assert!(!f.keep(&msg("10", "21")));
        // The channel itself, for channel events.
        let created = dispatch(
            "CHANNEL_CREATE",
            serde_json::json!({"id": "20", "guild_id": "10"}),
        );
        assert!(f.keep(&created));
        assert!(!f.keep(&dispatch("READY", serde_json::json!({}))));
    }

    #[test]
    fn bots_and_this_bot_are_left_out_when_asked() {
        let f = Filters::new(&[], &[], false).unwrap();
        let ready = r#"{"op":0,"t":"READY","s":1,"d":{"user":{"id":"99"}}}"#;
        f.observe("READY", &Frame::parse(ready).unwrap());
        let by = |author: Value| {
            dispatch(
                "MESSAGE_CREATE",
                serde_json::json!({"channel_id": "1", "author": author}),
            )
        };
        assert!(f.keep(&by(serde_json::json!({"id": "5"}))));
        assert!(!f.keep(&by(serde_json::json!({"id": "6", "bot": true}))));
        assert!(!f.keep(&by(serde_json::json!({"id": "99"}))));
        let webhook = dispatch(
            "MESSAGE_CREATE",
            serde_json::json!({"webhook_id": "7", "author": {"id": "7"}}),
        );
        assert!(!f.keep(&webhook));
        assert!(Filters::new(&[], &[], true).unwrap().keep(&webhook));
    }
}
