//! `discord get|post|put|patch|delete PATH`: raw requests. The request pipeline they share with
//! the typed commands, `send-message` and `batch` is [`crate::request`].

use crate::cli::RawArgs;
use crate::config::Settings;
use crate::request::{apply_request_args, execute};
use crate::rest::{Method, RequestSpec};
use crate::Result;

/// Runs a raw request command.
pub fn run(settings: &Settings, method: Method, args: RawArgs) -> Result<()> {
    let mut spec = RequestSpec::new(method, args.path.clone());
    apply_request_args(&mut spec, args.body.as_deref(), &args.request)?;
    execute(settings, spec, &args.files, &args.page)
}
