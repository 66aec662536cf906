//! What `listen` does with a dispatch besides printing it. Every dispatch that passes
//! `--events` goes through [`Filters`] (`--guild`, `--channel`, `--from-bots`) first, so plain
//! output and every consumer see the same events; each kept one is then handed, as a
//! [`Dispatch`], to the [`Consumer`]s (`--exec` handlers, the `--forward-to` forwarder).
//!
//! The seam is the gateway sink's [`Chooser`]: it is called on the shard threads, one call at a
//! time, in the order the lines are printed, and only while `--max-events` allows another line.
//! Consumers therefore receive exactly the printed events, in order; they must queue work and
//! return at once, since the gateway waits for them.

pub mod answer;
pub mod exec;
pub mod filter;
pub mod forward;
pub mod handler;
pub mod key;

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::gateway::sink::{Chooser, Observer};
pub use filter::Filters;

/// One chosen dispatch, shared by every consumer.
#[derive(Debug)]
pub struct Dispatch {
    /// The dispatch type (`t`), e.g. `INTERACTION_CREATE`.
    pub event: String,
    /// The gateway sequence number (`s`).
    pub seq: Option<u64>,
    /// The frame as Discord sent it (`{"op":0,"t":...,"s":...,"d":{...}}`), one line.
    pub raw: String,
    /// The same frame parsed.
    pub frame: Value,
}

impl Dispatch {
    /// Parses a dispatch frame; `None` when it is not JSON (Discord never sends such a frame).
    pub fn parse(event: &str, raw: &str) -> Option<Dispatch> {
        let frame: Value = serde_json::from_str(raw).ok()?;
        Some(Dispatch {
            event: event.to_string(),
            seq: frame.get("s").and_then(Value::as_u64),
            raw: raw.to_string(),
            frame,
        })
    }

    /// The event's data (`d`), `Null` when absent.
    pub fn d(&self) -> &Value {
        self.frame.get("d").unwrap_or(&Value::Null)
    }

    /// A string field of the data.
    fn d_str(&self, key: &str) -> Option<&str> {
        self.d().get(key).and_then(Value::as_str)
    }

    /// The guild the event belongs to: `guild_id`, or the guild itself for GUILD_CREATE,
    /// GUILD_UPDATE and GUILD_DELETE.
    pub fn guild_id(&self) -> Option<&str> {
        match self.event.as_str() {
            "GUILD_CREATE" | "GUILD_UPDATE" | "GUILD_DELETE" => self.d_str("id"),
            _ => self.d_str("guild_id"),
        }
    }

    /// The channel the event belongs to: `channel_id`, or the channel (or thread) itself for
    /// CHANNEL_* and THREAD_CREATE/UPDATE/DELETE. Consumers keep one channel's events in order.
    pub fn channel_id(&self) -> Option<&str> {
        match self.event.as_str() {
            "CHANNEL_CREATE" | "CHANNEL_UPDATE" | "CHANNEL_DELETE" | "THREAD_CREATE"
            | "THREAD_UPDATE" | "THREAD_DELETE" => self.d_str("id"),
            _ => self.d_str("channel_id"),
        }
    }

    /// The user who caused the event: a message's `author`, an interaction's `member.user`
    /// (in a guild) or `user` (in a DM), or the `user` of member and presence events.
    pub fn user(&self) -> Option<&Value> {
        let d = self.d();
        d.get("author")
            .or_else(|| d.get("member").and_then(|m| m.get("user")))
            .or_else(|| d.get("user"))
            .filter(|u| u.is_object())
    }

    /// The id of [`Dispatch::user`].
    pub fn user_id(&self) -> Option<&str> {
        self.user()?.get("id")?.as_str()
    }
}

/// Something `listen` hands chosen dispatches to.
pub trait Consumer: Send + Sync {
    /// Takes one chosen dispatch. Called in output order from the gateway's threads: queue the
    /// work and return, never wait on it here.
    fn consume(&self, dispatch: Arc<Dispatch>);

    /// Called once when `listen` stops taking events (Ctrl-C, `--max-events`, a closed
    /// session): finish or abandon work in flight within `grace`, then return.
    fn close(&self, grace: Duration);
}

/// The filters and the consumers, between the gateway sink and whatever handles events.
pub struct Dispatcher {
    filters: Arc<Filters>,
    consumers: Vec<Box<dyn Consumer>>,
    /// Whether events are still taken; held while a dispatch is handed out, so none reaches a
    /// consumer after [`Dispatcher::stop_taking`] returns.
    taking: std::sync::Mutex<bool>,
    closed: std::sync::Once,
}

impl Dispatcher {
    /// A dispatcher applying `filters` and feeding `consumers`.
    pub fn new(filters: Filters, consumers: Vec<Box<dyn Consumer>>) -> Arc<Dispatcher> {
        Arc::new(Dispatcher {
            filters: Arc::new(filters),
            consumers,
            taking: std::sync::Mutex::new(true),
            closed: std::sync::Once::new(),
        })
    }

    /// Whether there is anything to do: no filter and no consumer leave the sink as it was,
    /// so plain `listen` does not parse what it prints.
    pub fn is_idle(&self) -> bool {
        self.filters.is_empty() && self.consumers.is_empty()
    }

    /// The sink chooser: parses the dispatch, applies the filters, hands a kept one to every
    /// consumer and tells the sink whether to print it.
    pub fn chooser(self: &Arc<Self>) -> Chooser {
        let this = Arc::clone(self);
        Box::new(move |t, payload| {
            let taking = this.taking.lock().unwrap_or_else(|p| p.into_inner());
            if !*taking {
                return false;
            }
            // The gateway passes on only payloads that parse; one that did not would be
            // dropped rather than printed past the filters.
            let Some(dispatch) = Dispatch::parse(t, payload) else {
                return false;
            };
            if !this.filters.keep(&dispatch) {
                return false;
            }
            if let [first, rest @ ..] = this.consumers.as_slice() {
                let dispatch = Arc::new(dispatch);
                for consumer in rest {
                    consumer.consume(Arc::clone(&dispatch));
                }
                first.consume(dispatch);
            }
            true
        })
    }

    /// What the filters must learn from every dispatch, printed or not (the bot's own user id
    /// from READY), chained before `then` (the names cache's observer, when there is one).
    pub fn observer(self: &Arc<Self>, then: Option<Observer>) -> Observer {
        let filters = Arc::clone(&self.filters);
        Box::new(move |t, frame| {
            filters.observe(t, frame);
            if let Some(then) = &then {
                then(t, frame);
            }
        })
    }

    /// Stops taking events: from now on dispatches are neither printed nor handed out, while
    /// the session stays open for what running handlers still do.
    pub fn stop_taking(&self) {
        *self.taking.lock().unwrap_or_else(|p| p.into_inner()) = false;
    }

    /// Tells every consumer that no more events come, giving them `grace` to finish (all at
    /// once, so the wait is bounded by `grace`, not by its multiple). Only the first call does
    /// it; a later one waits for it to be done.
    pub fn close(&self, grace: Duration) {
        self.closed.call_once(|| {
            std::thread::scope(|scope| {
                for consumer in &self.consumers {
                    scope.spawn(move || consumer.close(grace));
                }
            });
        });
    }
}
