//! Argument definitions for slash commands and interactions: `discord commands sync|list|pull`,
//! `discord respond`, `discord followup`, and the sandbox's `invoke` and `trigger`.

use std::path::PathBuf;

use clap::{Args, Subcommand};

/// Arguments of `discord commands`.
#[derive(Debug, Clone, Args)]
pub struct CommandsArgs {
    /// What to do with the application's commands
    #[command(subcommand)]
    pub action: CommandsAction,
}

/// Where commands live: the application's (from the token) global set, or one guild's.
#[derive(Debug, Clone, Args, Default)]
pub struct ScopeArgs {
    /// Work on this guild's commands instead of the global ones
    #[arg(long, value_name = "GUILD_ID")]
    pub guild: Option<String>,

    /// The application's id (default: the token's, from GET /applications/@me)
    #[arg(long, value_name = "ID")]
    pub application: Option<String>,
}

/// `discord commands` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum CommandsAction {
    /// Make the registered commands match FILE: prints the plan (create, update, delete,
    /// unchanged, with a diff), then applies it with the fewest requests
    #[command(
        after_help = "FILE is a JSON array of Discord application command objects ('discord commands pull' writes one).\nExamples:\n  discord commands sync commands.json --dry-run\n  discord commands sync commands.json --guild 123456789012345678 --yes"
    )]
    Sync(SyncArgs),
    /// List the registered commands: name, type, id, description
    List(ListArgs),
    /// Print the registered commands as a file 'commands sync' takes (pull, edit, sync)
    Pull(ScopeArgs),
}

/// Arguments of `discord commands sync`.
#[derive(Debug, Clone, Args)]
pub struct SyncArgs {
    /// JSON file with an array of application commands ('-' for stdin)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Scope and application
    #[command(flatten)]
    pub scope: ScopeArgs,

    /// Delete registered commands that FILE does not have (--prune=false keeps them)
    #[arg(long, value_name = "BOOL", default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub prune: bool,

    /// Delete without asking (deletes are asked about on a terminal and refused in scripts
    /// without it)
    #[arg(long)]
    pub yes: bool,
}

/// Arguments of `discord commands list`.
#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    /// Scope and application
    #[command(flatten)]
    pub scope: ScopeArgs,

    /// Print the command objects as JSON instead of a table
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `discord respond`.
#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Discord's rules: the first response within 3 seconds of the interaction (--defer buys time), one initial response only, then the token works 15 minutes for --edit and 'discord followup'.\nExamples:\n  discord respond 123456789012345678 TOKEN 'pong' --ephemeral\n  discord listen --events INTERACTION_CREATE | while read -r ev; do echo \"$ev\" | discord respond - 'pong'; done\n  discord respond --edit TOKEN 'done'"
)]
pub struct RespondArgs {
    /// INTERACTION_ID TOKEN [TEXT], or '-' [TEXT] to read the INTERACTION_CREATE event from
    /// stdin; with --edit: TOKEN [TEXT] (or '-' [TEXT])
    #[arg(value_name = "ARGS", num_args = 0..=3)]
    pub args: Vec<String>,

    /// Only the user who invoked sees the message (flag EPHEMERAL)
    #[arg(long)]
    pub ephemeral: bool,

    /// Embed as a JSON object (repeatable, up to 10)
    #[arg(long = "embed", value_name = "JSON")]
    pub embeds: Vec<String>,

    /// Message components as a JSON array (action rows with buttons, selects, ...)
    #[arg(long, value_name = "JSON")]
    pub components: Option<String>,

    /// Acknowledge now and answer later with --edit (type 5: "thinking...")
    #[arg(long, conflicts_with_all = ["update", "modal", "autocomplete", "edit"])]
    pub defer: bool,

    /// Edit the message the clicked component is on instead of sending one (type 7)
    #[arg(long, conflicts_with_all = ["modal", "autocomplete", "edit"])]
    pub update: bool,

    /// Open a modal: JSON with custom_id, title and components (type 9)
    #[arg(long, value_name = "JSON", conflicts_with_all = ["autocomplete", "edit"])]
    pub modal: Option<String>,

    /// Autocomplete choices: a JSON array of {"name","value"} (type 8)
    #[arg(long, value_name = "JSON", conflicts_with = "edit")]
    pub autocomplete: Option<String>,

    /// Edit the original response (after --defer, or to change it) by the interaction's token
    #[arg(long)]
    pub edit: bool,

    /// The application's id for --edit (default: from the local record, else the token's)
    #[arg(long, value_name = "ID")]
    pub application: Option<String>,

    /// File uploads
    #[command(flatten)]
    pub files: super::FileArgs,
}

/// Arguments of `discord followup`.
#[derive(Debug, Clone, Args)]
pub struct FollowupArgs {
    /// The interaction's token, or '-' to read the INTERACTION_CREATE event from stdin
    #[arg(value_name = "TOKEN")]
    pub token: String,

    /// Message text
    #[arg(value_name = "TEXT")]
    pub text: Option<String>,

    /// Only the user who invoked sees the message
    #[arg(long)]
    pub ephemeral: bool,

    /// Embed as a JSON object (repeatable)
    #[arg(long = "embed", value_name = "JSON")]
    pub embeds: Vec<String>,

    /// Message components as a JSON array
    #[arg(long, value_name = "JSON")]
    pub components: Option<String>,

    /// The application's id (default: from the local record, else the token's)
    #[arg(long, value_name = "ID")]
    pub application: Option<String>,

    /// File uploads
    #[command(flatten)]
    pub files: super::FileArgs,
}

/// What `discord sandbox` can do besides serving.
#[derive(Debug, Clone, Subcommand)]
pub enum SandboxAction {
    /// Act as a member using a registered command (or clicking, submitting a modal,
    /// autocompleting) in a running sandbox; prints what the user sees
    #[command(
        after_help = "Examples:\n  discord sandbox invoke /ping\n  discord sandbox invoke '/echo' --option text=hello --user @member0001\n  discord sandbox invoke --click confirm-button\n  discord sandbox invoke /search --option query=ru --focus query"
    )]
    Invoke(InvokeArgs),
    /// Make another user act in a running sandbox: message, reaction, member-join
    Trigger(TriggerArgs),
}

/// Arguments of `discord sandbox invoke`.
#[derive(Debug, Clone, Args)]
pub struct InvokeArgs {
    /// The command as typed in Discord: '/name', '/name sub', '/name group sub'
    #[arg(value_name = "COMMAND", required_unless_present_any = ["click", "submit"])]
    pub command: Option<String>,

    /// An option's value (repeatable): users as @name or id, channels as #name or id, roles by
    /// name or id
    #[arg(long = "option", value_name = "NAME=VALUE")]
    pub options: Vec<String>,

    /// Autocomplete instead of invoking: the option being typed (its --option value is the text
    /// so far)
    #[arg(long, value_name = "NAME")]
    pub focus: Option<String>,

    /// Click the component with this custom_id (on the newest message carrying it)
    #[arg(long, value_name = "CUSTOM_ID", conflicts_with_all = ["command", "submit"])]
    pub click: Option<String>,

    /// With --click: the message the component is on
    #[arg(long, value_name = "MESSAGE_ID", requires = "click")]
    pub message: Option<String>,

    /// With --click on a select menu: the chosen values (repeatable)
    #[arg(long = "value", value_name = "VALUE", requires = "click")]
    pub values: Vec<String>,

    /// Submit the modal with this custom_id
    #[arg(long, value_name = "CUSTOM_ID", conflicts_with = "command")]
    pub submit: Option<String>,

    /// With --submit: a text input's value (repeatable)
    #[arg(long = "field", value_name = "CUSTOM_ID=VALUE", requires = "submit")]
    pub fields: Vec<String>,

    /// The guild (default: the command's, else the seeded guild)
    #[arg(long, value_name = "GUILD_ID")]
    pub guild: Option<String>,

    /// The channel, as #name or id (default: #general)
    #[arg(long, value_name = "CHANNEL")]
    pub channel: Option<String>,

    /// The member who invokes, as @username or id (default: the guild's owner)
    #[arg(long, value_name = "USER")]
    pub user: Option<String>,

    /// After a deferred response, wait this long for the edit
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    pub wait: f64,

    /// Print the whole outcome as JSON instead of the message the user sees
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `discord sandbox trigger`.
#[derive(Debug, Clone, Args)]
pub struct TriggerArgs {
    /// What happens
    #[command(subcommand)]
    pub event: TriggerEvent,
}

/// Events `trigger` can cause.
#[derive(Debug, Clone, Subcommand)]
pub enum TriggerEvent {
    /// A member posts a message: trigger message '#general' "hi" --as @member0001
    Message {
        /// The channel, as #name or id
        #[arg(value_name = "CHANNEL")]
        channel: String,
        /// The text
        #[arg(value_name = "TEXT")]
        text: String,
        /// Who posts it, as @username or id (default: the guild's owner)
        #[arg(long = "as", value_name = "USER")]
        user: Option<String>,
    },
    /// A member reacts to a message (default: the channel's newest)
    Reaction {
        /// The channel, as #name or id
        #[arg(value_name = "CHANNEL")]
        channel: String,
        /// The emoji (a unicode emoji, or name:id)
        #[arg(value_name = "EMOJI")]
        emoji: String,
        /// The message (default: the newest in the channel)
        #[arg(long, value_name = "MESSAGE_ID")]
        message: Option<String>,
        /// Who reacts, as @username or id (default: the guild's owner)
        #[arg(long = "as", value_name = "USER")]
        user: Option<String>,
    },
    /// A new user joins the guild (GUILD_MEMBER_ADD)
    MemberJoin {
        /// The new user's name
        #[arg(value_name = "USERNAME")]
        username: String,
        /// The guild (default: the seeded one)
        #[arg(long, value_name = "GUILD_ID")]
        guild: Option<String>,
    },
}
