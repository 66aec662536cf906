//! The gateway's vocabulary: intents, the frames sent and received, close codes, the send limits,
//! and transport compression (receiving side).
#![warn(missing_docs)]

pub mod close_codes;
pub mod frame;
pub mod inflate;
pub mod intents;
pub mod json_check;
pub mod limits;
