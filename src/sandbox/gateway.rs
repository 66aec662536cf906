//! The sandbox's gateway (WebSocket) side. Placeholder until the gateway server lands: it
//! accepts connections and closes them.

use std::net::TcpListener;
use std::sync::Arc;

use serde_json::{json, Value};

use super::World;

/// Serves the gateway on `listener` on a background thread.
pub fn serve(listener: TcpListener, world: Arc<World>) {
    std::thread::spawn(move || {
        let _world = world;
        for stream in listener.incoming() {
            drop(stream);
        }
    });
}

/// Admin calls under `/_sandbox/gateway/...`.
pub fn admin(_world: &World, _method: &str, _path: &str, _body: &Value) -> (u16, Value) {
    (404, json!({"message": "404: Not Found", "code": 0}))
}
