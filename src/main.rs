//! The `discord` binary: parse, run, map the error to an exit code. Everything else lives in
//! the library.

use std::io::Write;

use discord_cli::ErrorKind;

fn main() {
    let code = match discord_cli::commands::run(std::env::args_os().collect()) {
        Ok(()) => 0,
        Err(err) => {
            if !matches!(err.kind, ErrorKind::BrokenPipe | ErrorKind::Help) {
                let _ = writeln!(std::io::stderr(), "error: {err}");
            }
            err.kind.exit_code()
        }
    };
    let _ = std::io::stdout().flush();
    std::process::exit(code);
}
