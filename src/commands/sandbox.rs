//! `discord sandbox`: starts the local stand-in for Discord and prints how to point the tool
//! at it, then serves until killed.

use std::io::Write;

use crate::cli::SandboxArgs;
use crate::sandbox::{Sandbox, SandboxOptions, DEFAULT_TOKEN};
use crate::token::Token;
use crate::Result;

/// Runs the sandbox in the foreground, enforcing `global_limit` requests a second.
/// `token` is the one given on its own command line (`--token`, `--token-file`), if any.
pub fn run(args: &SandboxArgs, token: Option<&Token>, global_limit: u32) -> Result<()> {
    let token = match token {
        Some(t) => t.secret().to_string(),
        None => DEFAULT_TOKEN.to_string(),
    };
    let sandbox = Sandbox::start(SandboxOptions {
        port: args.port.unwrap_or(0),
        token: token.clone(),
        rate_limit_scale: args.rate_limit_scale,
        rate_limits: !args.no_rate_limits,
        global_limit,
    })?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    writeln!(out, "export DISCORD_API_URL={}", sandbox.api_url())?;
    writeln!(out, "export DISCORD_TOKEN={token}")?;
    out.flush()?;
    drop(out);
    crate::output::diag(&format!(
        "sandbox: REST at {}, gateway at {}; try: discord get /users/@me (Ctrl-C stops it)",
        sandbox.api_url(),
        sandbox.gateway_url()
    ));
    loop {
        std::thread::park();
    }
}
