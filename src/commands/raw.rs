//! `discord get|post|put|patch|delete PATH`: raw requests, and the one place every request
//! (raw, typed, batch) is sent and its response printed.

use crate::cli::{FileArgs, PageArgs, RawArgs};
use crate::config::Settings;
use crate::rest::{Method, RequestSpec};
use crate::{Error, Result};

/// How the response of a request is to be handled.
#[derive(Debug, Clone, Default)]
pub struct ResponseOptions {
    /// Follow pages to the end.
    pub paginate: bool,
    /// With `paginate`: one item per line.
    pub lines: bool,
}

/// Runs a raw request command.
pub fn run(settings: &Settings, method: Method, args: RawArgs) -> Result<()> {
    let _ = (settings, method, args);
    Err(Error::runtime("not built yet"))
}

/// Sends a request (or prints it with `--dry-run`) and prints the response.
pub fn execute(
    settings: &Settings,
    spec: RequestSpec,
    files: &FileArgs,
    page: &PageArgs,
) -> Result<()> {
    let _ = (settings, spec, files, page);
    Err(Error::runtime("not built yet"))
}
