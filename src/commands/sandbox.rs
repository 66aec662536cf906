//! `discord sandbox`: starts the local stand-in for Discord and prints how to point the tool
//! at it, then serves until killed.

use std::io::Write;

use crate::cli::SandboxArgs;
use crate::sandbox::replay::ReplaySandbox;
use crate::sandbox::{Sandbox, SandboxOptions, DEFAULT_TOKEN};
use crate::token::Token;
use crate::Result;

/// Runs the sandbox in the foreground, enforcing `global_limit` requests a second; with
/// `--list`, prints the operations it implements instead. `token` is the one given on its own
/// command line (`--token`, `--token-file`), if any.
pub fn run(args: &SandboxArgs, token: Option<&Token>, global_limit: u32) -> Result<()> {
    if args.list {
        return list();
    }
    let token = match token {
        Some(t) => t.secret().to_string(),
        None => DEFAULT_TOKEN.to_string(),
    };
    let options = SandboxOptions {
        port: args.port.unwrap_or(0),
        token: token.clone(),
        rate_limit_scale: args.rate_limit_scale,
        rate_limits: !args.no_rate_limits,
        global_limit,
    };
    let (api_url, gateway_url, what) = match args.replay {
        Some(count) => {
            let replay = ReplaySandbox::start(options, count as usize)?;
            let what = format!("replay gateway of {count} dispatches");
            (
                replay.api_url().to_string(),
                replay.gateway_url().to_string(),
                what,
            )
        }
        None => {
            let sandbox = Sandbox::start(options)?;
            let urls = (
                sandbox.api_url().to_string(),
                sandbox.gateway_url().to_string(),
            );
            (urls.0, urls.1, "gateway".to_string())
        }
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    writeln!(out, "export DISCORD_API_URL={api_url}")?;
    writeln!(out, "export DISCORD_TOKEN={token}")?;
    out.flush()?;
    drop(out);
    crate::output::diag(&format!(
        "sandbox: REST at {api_url}, {what} at {gateway_url}; try: discord get /users/@me (Ctrl-C stops it)"
    ));
    loop {
        std::thread::park();
    }
}

/// One line per implemented operation (`name METHOD path`, aligned), then how many of the
/// table's operations that is; every other operation answers 501.
fn list() -> Result<()> {
    let implemented = crate::sandbox::routes::implemented();
    let width = implemented.iter().map(|e| e.name.len()).max().unwrap_or(0);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for e in &implemented {
        writeln!(out, "{:width$}  {:6} {}", e.name, e.method.as_str(), e.path)?;
    }
    out.flush()?;
    drop(out);
    crate::output::diag(&format!(
        "sandbox: {} of {} operations implemented; the others answer 501",
        implemented.len(),
        crate::endpoints::ENDPOINTS.len()
    ));
    Ok(())
}
