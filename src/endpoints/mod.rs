//! The route table: one entry per Discord REST operation, as data. The typed subcommands, their
//! help, request building, `discord endpoints`, completions and man pages are all derived from it.

/// One Discord REST operation.
#[derive(Debug)]
pub struct Endpoint {
    /// The subcommand name: kebab-case of the docs' name (`get-channel`).
    pub name: &'static str,
}

/// The whole table.
pub static ENDPOINTS: &[Endpoint] = &[];

/// Finds an endpoint by name or alias.
pub fn find(name: &str) -> Option<&'static Endpoint> {
    ENDPOINTS.iter().find(|e| e.name == name)
}

/// The clap subcommands for every endpoint.
pub fn subcommands() -> Vec<clap::Command> {
    Vec::new()
}
