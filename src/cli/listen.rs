//! Flags of `discord listen` that choose events (filters) and hand them to programs, kept
//! apart from [`super::ListenArgs`]'s connection flags.

use clap::Args;

/// `listen`'s filters: they apply to the printed lines and to every handler alike.
#[derive(Debug, Clone, Args, Default)]
pub struct FilterArgs {
    /// Only events of this guild: id or name (repeatable)
    #[arg(long = "guild", value_name = "GUILD")]
    pub guilds: Vec<String>,

    /// Only events of this channel: id, #name or guild/#name (repeatable)
    #[arg(long = "channel", value_name = "CHANNEL")]
    pub channels: Vec<String>,

    /// Keep events caused by bots, this one included (default true; false with --reply)
    #[arg(
        long,
        value_name = "BOOL",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true"
    )]
    pub from_bots: Option<bool>,
}

/// `listen --exec`: a program run once per chosen event.
#[derive(Debug, Clone, Args, Default)]
pub struct ExecArgs {
    /// Run CMD (with sh -c) once per event: the event JSON on stdin, DISCORD_EVENT,
    /// DISCORD_CHANNEL_ID, ... in the environment; what it prints answers an interaction
    #[arg(long, value_name = "CMD", conflicts_with = "exec_argv")]
    pub exec: Option<String>,

    /// Like --exec, without a shell: PROGRAM and its arguments (put it last, or end it with ';')
    #[arg(
        long,
        value_name = "PROGRAM ARGS",
        num_args = 1..,
        allow_hyphen_values = true,
        value_terminator = ";"
    )]
    pub exec_argv: Option<Vec<String>>,

    /// Handlers running at once (events of one channel still run one after another, in order)
    #[arg(short = 'j', long, value_name = "N", default_value_t = 4)]
    pub jobs: usize,

    /// Kill a handler still running after SECS (an interaction it held is deferred first)
    #[arg(long, value_name = "SECS", default_value_t = 60.0)]
    pub exec_timeout: f64,

    /// Post what a handler prints for a message event as a reply to that message
    #[arg(long)]
    pub reply: bool,
}
