//! The sandbox's event hub: REST writes publish gateway dispatches here, and every connected
//! gateway session receives them (each session filters by its own intents and numbers them).

use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};

use serde_json::Value;

/// One event, as a gateway dispatch would carry it (`t` and `d`).
#[derive(Debug, Clone, PartialEq)]
pub struct Dispatch {
    /// The event name, e.g. `MESSAGE_CREATE`.
    pub t: String,
    /// The event's data.
    pub d: Value,
}

/// Fans dispatches out to every subscriber.
#[derive(Debug, Default)]
pub struct EventHub {
    subscribers: Mutex<Vec<Sender<Arc<Dispatch>>>>,
}

impl EventHub {
    /// Sends a dispatch to every live subscriber, dropping the ones that went away.
    pub fn publish(&self, t: impl Into<String>, d: Value) {
        let event = Arc::new(Dispatch { t: t.into(), d });
        if let Ok(mut subs) = self.subscribers.lock() {
            subs.retain(|s| s.send(Arc::clone(&event)).is_ok());
        }
    }

    /// A new subscription: receives every dispatch published from now on.
    pub fn subscribe(&self) -> Receiver<Arc<Dispatch>> {
        let (tx, rx) = channel();
        if let Ok(mut subs) = self.subscribers.lock() {
            subs.push(tx);
        }
        rx
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_subscriber_gets_each_event_once() {
        let hub = EventHub::default();
        let a = hub.subscribe();
        let b = hub.subscribe();
        hub.publish("MESSAGE_CREATE", json!({"id": "1"}));
        assert_eq!(a.try_recv().unwrap().t, "MESSAGE_CREATE");
        assert_eq!(b.try_recv().unwrap().d, json!({"id": "1"}));
        assert!(a.try_recv().is_err());
        drop(b);
        hub.publish("MESSAGE_DELETE", json!({}));
        assert_eq!(a.try_recv().unwrap().t, "MESSAGE_DELETE");
    }
}
