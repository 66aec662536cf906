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
