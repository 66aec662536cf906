//! The clap definitions: global flags, the fixed subcommands and the request flags shared by the
//! raw and typed commands. Only argument *definitions* live here; [`crate::config`] turns them
//! into settings.
//!
//! Guidelines that keep flags consistent across subcommands:
//! - `-f`, `-F`, `-q`, `-H`, `--body`, `--reason`, `--file` mean the same thing everywhere
//!   (they are defined once, in [`RequestArgs`], [`FileArgs`] and [`PageArgs`]).
//! - Value names are uppercase; every flag has a one-line help.
//! - Typed endpoint subcommands are not here: they are built from [`crate::endpoints`].
//! - A typed command's flag named after a Discord field means that field, always, so no long
//!   flag here may be spelled like one (`--body`, not `--data`; `--query-param`, not `--query`;
//!   `--output-color`, not `--color`); `endpoints::clap::reserved_flags` is derived from these
//!   definitions and a unit test fails on any clash.

pub mod forward;
pub mod listen;
pub mod slash;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// The top-level command line.
#[derive(Debug, Parser)]
#[command(
    name = "discord",
    version,
    about = "The whole Discord API from the command line: raw REST requests, typed endpoints, the gateway",
    after_help = "Exit codes: 0 success, 1 Discord or network error, 2 usage error (including no token).\nRun 'discord sandbox' or add '--sandbox' to try any command against a local stand-in for Discord.",
    max_term_width = 100
)]
pub struct Cli {
    /// Flags accepted by every subcommand; under their own heading so that a subcommand's own
    /// flags are not lost among them.
    #[command(flatten, next_help_heading = "Global options")]
    pub global: GlobalArgs,
    /// The subcommand.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// How colour is chosen for output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal and NO_COLOR is unset.
    #[default]
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Flags accepted by every subcommand.
#[derive(Debug, Clone, Args, Default)]
pub struct GlobalArgs {
    /// Bot token (or 'Bearer TOKEN'); '-' reads it from the first line of stdin. Other users
    /// can see a command line in `ps`: prefer $DISCORD_TOKEN, --token-file or 'discord login'
    #[arg(
        long,
        global = true,
        value_name = "TOKEN",
        env = "DISCORD_TOKEN",
        hide_env_values = true
    )]
    pub token: Option<String>,

    /// Read the token from the first line of this file
    #[arg(long, global = true, value_name = "PATH")]
    pub token_file: Option<PathBuf>,

    /// Whether `token` came from $DISCORD_TOKEN rather than the command line (set from the
    /// parse, not a flag).
    #[arg(skip)]
    pub token_from_env: bool,

    /// Send the token as an OAuth2 bearer token instead of a bot token
    #[arg(long, global = true)]
    pub bearer: bool,

    /// Profile in the config file to take the token from
    #[arg(long, global = true, value_name = "NAME", env = "DISCORD_PROFILE")]
    pub profile: Option<String>,

    /// API base URL [default: https://discord.com/api/v10]
    #[arg(long, global = true, value_name = "URL", env = "DISCORD_API_URL")]
    pub api_url: Option<String>,

    /// Run against a private in-process sandbox instead of Discord (no token or network needed)
    #[arg(long, global = true)]
    pub sandbox: bool,

    /// Pretty-print JSON output (default when stdout is a terminal)
    #[arg(long, global = true, conflicts_with = "compact")]
    pub pretty: bool,

    /// Print JSON compactly on one line (default when stdout is not a terminal); -c as in jq
    #[arg(short = 'c', long, global = true)]
    pub compact: bool,

    /// When to colour output (not --color: that is Discord's colour field on typed commands)
    #[arg(
        long = "output-color",
        global = true,
        value_name = "WHEN",
        default_value = "auto"
    )]
    pub color: ColorChoice,

    /// Filter every printed JSON value through a jq expression (jaq, built in)
    #[arg(long, global = true, value_name = "EXPR")]
    pub jq: Option<String>,

    /// Print strings unquoted (with --jq, like jq -r)
    #[arg(short = 'r', long, global = true)]
    pub raw_output: bool,

    /// Print the response status line and headers to stderr
    #[arg(short = 'i', long, global = true)]
    pub include: bool,

    /// Print the request line and headers (token redacted) and the response headers to stderr
    #[arg(short = 'v', long, global = true)]
    pub verbose: bool,

    /// Print the request that would be sent (token redacted) and send nothing
    #[arg(long, global = true)]
    pub dry_run: bool,

    /// Seconds to wait for a connection
    #[arg(long, global = true, value_name = "SECS", default_value_t = 10.0)]
    pub connect_timeout: f64,

    /// Seconds to wait for a whole request (0 for no limit)
    #[arg(long, global = true, value_name = "SECS", default_value_t = 60.0)]
    pub timeout: f64,

    /// Give up instead of waiting when a rate limit asks for a wait longer than SECS
    #[arg(long, global = true, value_name = "SECS", default_value_t = 300.0)]
    pub max_wait: f64,

    /// Requests per second across all routes; Discord allows 50 unless it raised your bot's limit
    /// (`discord sandbox` enforces this limit)
    #[arg(long, global = true, value_name = "N", env = "DISCORD_GLOBAL_LIMIT", default_value_t = discord_protocol::GLOBAL_PER_SECOND,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub global_limit: u32,

    /// Add names next to ids in JSON output (`"channel_id_name":"#general"`), from the names cache
    #[arg(long, global = true)]
    pub names: bool,

    /// Keep rate-limit state to this process instead of sharing it with other invocations
    /// through the cache directory ($DISCORD_CACHE_DIR)
    #[arg(long, global = true)]
    pub no_rate_limit_cache: bool,

    /// Append one JSON line per HTTP request (route, bucket, status, remaining, reset, wait,
    /// retries, 429 scope; never a token) to FILE
    #[arg(long, global = true, value_name = "FILE", env = "DISCORD_TRACE")]
    pub trace: Option<PathBuf>,

    /// Let the token go over plain http to HOST (a rate-limit proxy inside your network;
    /// repeatable; otherwise only loopback)
    #[arg(
        long = "insecure-http-host",
        global = true,
        value_name = "HOST",
        env = "DISCORD_INSECURE_HTTP_HOSTS",
        value_delimiter = ','
    )]
    pub insecure_http_hosts: Vec<String>,
}

/// What a subcommand's short help (`-h`) says in place of the global options it leaves out.
pub const GLOBALS_NOTE: &str = "Global options (--token, --profile, --sandbox, --jq, --dry-run, -v, ...) work with every command: 'discord --help' lists them, and so does this command's --help.";

/// Ends a subcommand's short help (`-h`) with [`GLOBALS_NOTE`]; its long help (`--help`),
/// which shows the global options, keeps the text it had.
pub fn with_globals_note(cmd: clap::Command) -> clap::Command {
    let after = cmd.get_after_help().map(|h| h.to_string());
    let short = match &after {
        Some(text) => format!("{text}\n\n{GLOBALS_NOTE}"),
        None => GLOBALS_NOTE.to_string(),
    };
    cmd.after_long_help(after.unwrap_or_default())
        .after_help(short)
}

/// The fixed subcommands (typed endpoint subcommands are added from the route table).
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Send a GET request to any API path
    #[command(
        after_help = "Examples:\n  discord get /users/@me\n  discord get /channels/123456789012345678/messages -q limit=10\n  discord get /guilds/81384788765712384/members --paginate --lines | jq -r .user.username"
    )]
    Get(RawArgs),
    /// Send a POST request to any API path
    #[command(
        after_help = "Examples:\n  discord post /channels/123456789012345678/messages -f content=hi\n  echo '{\"content\":\"hi\"}' | discord post /channels/123456789012345678/messages\n  discord post /channels/123456789012345678/messages -f content=logs --file build.log"
    )]
    Post(RawArgs),
    /// Send a PUT request to any API path
    #[command(
        after_help = "Examples:\n  discord put /guilds/81384788765712384/members/80351110224678912/roles/41771983423143936 --reason promoted\n  discord put /channels/123456789012345678/pins/987654321098765432"
    )]
    Put(RawArgs),
    /// Send a PATCH request to any API path
    #[command(
        after_help = "Examples:\n  discord patch /channels/123456789012345678 -f topic='release day'\n  discord patch /guilds/81384788765712384/members/80351110224678912 -F 'roles[]=41771983423143936'"
    )]
    Patch(RawArgs),
    /// Send a DELETE request to any API path
    #[command(
        after_help = "Examples:\n  discord delete /channels/123456789012345678/messages/987654321098765432 --reason spam\n  discord delete /users/@me/guilds/81384788765712384 --dry-run"
    )]
    Delete(RawArgs),
    /// Store a token in the config file (prompted with hidden input and checked first)
    #[command(
        after_help = "Examples:\n  discord login\n  discord login --with-token < token.txt\n  discord --profile sandbox --api-url http://127.0.0.1:8787/api/v10 login"
    )]
    Login(LoginArgs),
    /// Remove the stored token of a profile
    #[command(after_help = "Examples:\n  discord logout\n  discord --profile staging logout")]
    Logout,
    /// Who the token belongs to (auth status), and the stored profiles (auth list)
    #[command(
        after_help = "Examples:\n  discord auth status\n  discord --profile staging auth status\n  discord auth list"
    )]
    Auth(AuthArgs),
    /// Run a local, stateful stand-in for Discord's REST API and gateway
    #[command(
        after_help = "Examples:\n  discord sandbox --port 8787\n  discord sandbox --rate-limit-scale 0.1\n  discord --sandbox get /users/@me"
    )]
    Sandbox(SandboxArgs),
    /// Stream gateway events as JSON lines, one per dispatch
    Listen(ListenArgs),
    /// List the gateway intents: name, value, privileged or not, and the events each carries
    #[command(
        after_help = "Examples:\n  discord intents\n  discord intents --json | jq -r 'select(.privileged) | .name'"
    )]
    Intents(IntentsArgs),
    /// List the typed endpoint commands: name, method and path, filtered by WORD
    #[command(
        after_help = "Examples:\n  discord endpoints\n  discord endpoints member\n  discord endpoints /webhooks/"
    )]
    Endpoints(EndpointsArgs),
    /// Send a message: content from the argument or stdin, embeds, files, replies, --split
    SendMessage(SendMessageArgs),
    /// Save a message's attachments into a folder
    Download(DownloadArgs),
    /// Run JSON request lines from stdin concurrently; one JSON result line each, in input order
    #[command(
        after_help = "Examples:\n  discord batch < requests.jsonl\n  echo '{\"command\":\"create-message\",\"args\":[\"123456789012345678\",\"--content\",\"hi\"]}' | discord batch"
    )]
    Batch(BatchArgs),
    /// The names cache: fill it from Discord, show what it knows, or clear it
    Cache(CacheArgs),
    /// What a snowflake id says (time, age, worker, process), or the id of a time
    Snowflake(SnowflakeArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    #[command(
        after_help = "Examples:\n  discord completions bash > ~/.local/share/bash-completion/completions/discord\n  discord completions zsh > \"${fpath[1]}/_discord\""
    )]
    Completions(CompletionsArgs),
    /// Write man pages (discord.1 and one per subcommand) into a folder
    #[command(after_help = "Examples:\n  discord man ~/.local/share/man/man1")]
    Man(ManArgs),
    /// Sync, list and pull the application's slash commands (a JSON file of command objects)
    Commands(slash::CommandsArgs),
    /// Answer an interaction: a message, --defer, --update, --modal, --autocomplete, or --edit
    Respond(slash::RespondArgs),
    /// Send a follow-up message for an interaction, by its token
    Followup(slash::FollowupArgs),
    /// Print the public key 'listen --forward-to' signs deliveries with (hex, like verify_key)
    #[command(
        after_help = "Examples:\n  discord forward-key\n  PUBLIC_KEY=$(discord forward-key) python3 bot.py"
    )]
    ForwardKey,
    /// Archive guilds, channels and threads: JSON lines, an SQLite index, media; incremental
    Export(ExportArgs),
}

/// Arguments of `discord export`.
#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// Guild, channel or thread ids (a guild: every channel and thread the bot can read)
    #[arg(value_name = "TARGET", required = true)]
    pub targets: Vec<String>,

    /// The archive folder (created if missing; run again into it to add what is new)
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: PathBuf,

    /// Threads to include: all (active and archived, forum posts too), active, or none
    #[arg(long, value_name = "WHICH", default_value = "all", value_parser = ["all", "active", "none"])]
    pub include_threads: String,

    /// Only messages after this time (RFC 3339) or snowflake
    #[arg(long, value_name = "TIME|ID")]
    pub after: Option<String>,

    /// Only messages before this time (RFC 3339) or snowflake
    #[arg(long, value_name = "TIME|ID")]
    pub before: Option<String>,

    /// Only these channels of a guild (repeatable)
    #[arg(long = "channel", value_name = "ID")]
    pub channels: Vec<String>,

    /// Leave out these channels (repeatable)
    #[arg(long = "exclude-channel", value_name = "ID")]
    pub exclude_channels: Vec<String>,

    /// Only messages by this user id
    #[arg(long, value_name = "USER")]
    pub from: Option<String>,

    /// Download attachments, embed images, avatars, emojis and stickers (stored once by hash)
    #[arg(long)]
    pub media: bool,

    /// Skip media files larger than this many bytes (with --media)
    #[arg(long, value_name = "BYTES", default_value_t = 100 * 1024 * 1024)]
    pub max_media_size: u64,

    /// Channels walked at once (all share the rate limits)
    #[arg(long, short = 'j', value_name = "N", default_value_t = 8)]
    pub jobs: usize,

    /// Re-walk what is exported from this time (RFC 3339) or snowflake on: edits rewritten, deletions recorded
    #[arg(long, value_name = "TIME|ID")]
    pub refresh_since: Option<String>,
}

/// Arguments of `discord batch`.
#[derive(Debug, Clone, Args)]
pub struct BatchArgs {
    /// Requests in flight at once (all share one rate limiter)
    #[arg(short = 'j', long, value_name = "N", default_value_t = 4)]
    pub jobs: usize,

    /// Stop starting requests after the first failure
    #[arg(long)]
    pub fail_fast: bool,
}

/// Arguments of `discord cache`.
#[derive(Debug, Clone, Args)]
pub struct CacheArgs {
    /// What to do with the cache
    #[command(subcommand)]
    pub action: CacheAction,
}

/// The `discord cache` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum CacheAction {
    /// Fetch guilds, channels and roles (and members with --members) into the cache
    Sync {
        /// Only these guilds (name or id; default: every guild the bot is in)
        #[arg(value_name = "GUILD")]
        guilds: Vec<String>,
        /// Also fetch every member (one request per 1000 members)
        #[arg(long)]
        members: bool,
    },
    /// List cached objects (kind, id, name, guild, seen) whose name contains WORD
    Show {
        /// Part of a name, or an id
        #[arg(value_name = "WORD")]
        word: Option<String>,
    },
    /// Delete the cache for the current API and token
    Clear,
}

/// Arguments of `discord snowflake`.
#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Examples:\n  discord snowflake 175928847299117063\n  discord snowflake --ago 2h\n  discord snowflake --at 2024-01-31T12:00:00Z"
)]
pub struct SnowflakeArgs {
    /// Ids to explain (a mention or a message link works too)
    #[arg(value_name = "ID", required_unless_present_any = ["at", "ago"])]
    pub ids: Vec<String>,

    /// Print the first snowflake of this time (RFC 3339)
    #[arg(long, value_name = "TIME", conflicts_with_all = ["ids", "ago"])]
    pub at: Option<String>,

    /// Print the first snowflake of this long ago (90s, 15m, 2h, 3d, 1w, 1h30m)
    #[arg(long, value_name = "AGE", conflicts_with = "ids")]
    pub ago: Option<String>,
}

/// Arguments of `discord completions`.
#[derive(Debug, Clone, Args)]
pub struct CompletionsArgs {
    /// The shell to print a completion script for
    #[arg(value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// Arguments of `discord man`.
#[derive(Debug, Clone, Args)]
pub struct ManArgs {
    /// Folder to write the pages into (created if missing)
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

/// Arguments of the raw request commands (`get`, `post`, ...).
#[derive(Debug, Clone, Args)]
pub struct RawArgs {
    /// API path (/users/@me, users/@me) or a full URL under the API base
    #[arg(value_name = "PATH")]
    pub path: String,

    /// JSON request body; '-' reads it from stdin (so does a pipe, for POST/PUT/PATCH with no
    /// other body)
    #[arg(value_name = "JSON")]
    pub body: Option<String>,

    /// Do not read a piped stdin as the body (e.g. inside a 'while read' loop)
    #[arg(long)]
    pub ignore_stdin: bool,

    /// Request body and query flags
    #[command(flatten)]
    pub request: RequestArgs,

    /// File uploads
    #[command(flatten)]
    pub files: FileArgs,

    /// Pagination
    #[command(flatten)]
    pub page: PageArgs,
}

/// Body, query and header flags shared by raw and typed commands.
#[derive(Debug, Clone, Args, Default)]
pub struct RequestArgs {
    /// Request body from a string, @file or @- for stdin (not --data: on typed commands that
    /// is Discord's field)
    #[arg(long = "body", value_name = "JSON|@FILE")]
    pub data: Option<String>,

    /// String field: key=value (nested keys: embeds[0][title]=Hi, tags[]=a)
    #[arg(short = 'f', long = "raw-field", value_name = "KEY=VALUE")]
    pub raw_fields: Vec<String>,

    /// Typed field: numbers, true/false/null, JSON arrays/objects, @file for a file's contents
    #[arg(short = 'F', long = "field", value_name = "KEY=VALUE")]
    pub fields: Vec<String>,

    /// Query parameter key=value (repeatable)
    #[arg(short = 'q', long = "query-param", value_name = "KEY=VALUE")]
    pub query: Vec<String>,

    /// Extra header 'Name: value' (repeatable)
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,

    /// Audit log reason (sent as X-Audit-Log-Reason)
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
}

/// `--compress` values: the transport compressions Discord offers, as the command line names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CompressArg {
    /// `zlib-stream`: zlib with a sync flush after each message.
    Zlib,
    /// `zstd-stream`: one endless zstd frame, flushed after each message.
    Zstd,
}

impl From<CompressArg> for crate::gateway::inflate::Compression {
    fn from(arg: CompressArg) -> Self {
        match arg {
            CompressArg::Zlib => Self::Zlib,
            CompressArg::Zstd => Self::Zstd,
        }
    }
}

impl RequestArgs {
    /// The flags that describe a body, as the REST client's body builder takes them.
    pub fn body_args(&self) -> crate::rest::body::BodyArgs {
        crate::rest::body::BodyArgs {
            data: self.data.clone(),
            raw_fields: self.raw_fields.clone(),
            fields: self.fields.clone(),
        }
    }
}

/// File upload flags.
#[derive(Debug, Clone, Args, Default)]
pub struct FileArgs {
    /// Attach a file (repeatable); sends multipart/form-data with payload_json
    #[arg(long = "file", value_name = "PATH")]
    pub files: Vec<PathBuf>,
}

/// Pagination flags.
#[derive(Debug, Clone, Args, Default)]
pub struct PageArgs {
    /// Follow before/after pages to the end and print every item once, as one JSON array
    #[arg(long)]
    pub paginate: bool,

    /// With --paginate: print one item per line, streaming
    #[arg(long, requires = "paginate")]
    pub lines: bool,
}

/// Arguments of `discord login`.
#[derive(Debug, Clone, Args)]
pub struct LoginArgs {
    /// Read the token from stdin instead of prompting
    #[arg(long)]
    pub with_token: bool,
}

/// Arguments of `discord download`.
#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Examples:\n  discord download https://discord.com/channels/81384788765712384/381870553235193857/1108811591453294612\n  discord download 381870553235193857 1108811591453294612 --out logs/\nThe message is fetched first, so its attachment URLs are freshly signed. Each saved file's path is printed."
)]
pub struct DownloadArgs {
    /// The message's link (Copy Message Link), or the channel id followed by MESSAGE_ID
    #[arg(value_name = "MESSAGE_LINK|CHANNEL_ID")]
    pub message: String,

    /// The message id, when the first argument is a channel id
    #[arg(value_name = "MESSAGE_ID")]
    pub message_id: Option<String>,

    /// Folder to save into (created if missing)
    #[arg(short = 'o', long, value_name = "DIR", default_value = ".")]
    pub out: PathBuf,
}

/// Arguments of `discord auth`.
#[derive(Debug, Clone, Args)]
pub struct AuthArgs {
    /// What to show.
    #[command(subcommand)]
    pub command: AuthCommand,
}

/// The `discord auth` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum AuthCommand {
    /// Who the token belongs to, which profile and API base are in use, bot or bearer, and where
    /// the token came from (never the token itself)
    Status,
    /// The stored profiles and the API base of each; the one in use is marked
    List,
}

/// Arguments of `discord sandbox`. The token it accepts is the global `--token` (or
/// $DISCORD_TOKEN), else [`crate::sandbox::DEFAULT_TOKEN`].
#[derive(Debug, Clone, Args)]
pub struct SandboxArgs {
    /// Act in a running sandbox instead of starting one: invoke a command, trigger an event
    #[command(subcommand)]
    pub action: Option<slash::SandboxAction>,

    /// Port to listen on (default: a free port)
    #[arg(long, value_name = "PORT")]
    pub port: Option<u16>,

    /// Multiply every route's rate-limit window by FACTOR (1 = Discord's; smaller makes tests
    /// faster); the global limit stays per second (see --global-limit)
    #[arg(long, value_name = "FACTOR", default_value_t = 1.0)]
    pub rate_limit_scale: f64,

    /// Do not enforce rate limits at all
    #[arg(long)]
    pub no_rate_limits: bool,

    /// Serve a benchmark gateway instead: N MESSAGE_CREATE dispatches prebuilt (plain,
    /// zlib-stream, zstd-stream) and sent from memory on POST /_sandbox/gateway/burst
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    pub replay: Option<u32>,

    /// Print the operations the sandbox implements (name, method, path) and exit
    #[arg(long)]
    pub list: bool,
}

/// The presence status shown while listening.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Status {
    /// Online.
    Online,
    /// Idle.
    Idle,
    /// Do not disturb.
    Dnd,
    /// Shown as offline.
    Invisible,
}

impl Status {
    /// The status as Discord spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Online => "online",
            Status::Idle => "idle",
            Status::Dnd => "dnd",
            Status::Invisible => "invisible",
        }
    }
}

/// Arguments of `discord listen`.
#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Examples:\n  discord listen --intents GUILD_MESSAGES,MESSAGE_CONTENT --events MESSAGE_CREATE | jq -r .d.content\n  discord listen --events MESSAGE_CREATE,MESSAGE_UPDATE --max-events 100 > events.jsonl\n  discord --sandbox listen --max-events 2\n  discord listen --events INTERACTION_CREATE --exec 'echo pong'\n  discord listen --forward-to http://127.0.0.1:3000/interactions\nEach dispatch is printed as received, one JSON object per line (coloured on a terminal).\nDiagnostics go to stderr. Ctrl-C closes the session cleanly."
)]
pub struct ListenArgs {
    /// Intents: comma list of names (see 'discord intents'), numbers, all, unprivileged, none
    /// [default: what --events needs, else unprivileged]
    #[arg(long, value_name = "LIST")]
    pub intents: Option<String>,

    /// Print only these dispatch types (comma list, e.g. MESSAGE_CREATE,MESSAGE_UPDATE)
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub events: Vec<String>,

    /// Exit after printing N lines
    #[arg(long, value_name = "N")]
    pub max_events: Option<u64>,

    /// Ask for transport compression: zlib-stream (the default when given alone) or
    /// zstd-stream (--compress=zstd)
    #[arg(
        long,
        value_name = "KIND",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "zlib"
    )]
    pub compress: Option<CompressArg>,

    /// Member count above which offline members are left out of GUILD_CREATE (50-250)
    #[arg(long, value_name = "N", default_value_t = 50, value_parser = clap::value_parser!(u8).range(50..=250))]
    pub large_threshold: u8,

    /// Presence status to show while connected
    #[arg(long, value_name = "STATUS")]
    pub status: Option<Status>,

    /// Activity text shown as "Playing TEXT"
    #[arg(long, value_name = "TEXT")]
    pub activity: Option<String>,

    /// Run one shard, or a range of shards, of COUNT: ID/COUNT or FIRST-LAST/COUNT
    #[arg(long, value_name = "ID/COUNT", conflicts_with = "shards")]
    pub shard: Option<String>,

    /// Run every shard in this process: 'auto' (the count Discord recommends) or a number
    #[arg(long, value_name = "auto|N")]
    pub shards: Option<String>,

    /// Read gateway commands (JSON, one per line: ops 3, 4, 8, 31, 43) from stdin and send them
    #[arg(long)]
    pub stdin: bool,

    /// Ask this identify queue (twilight's gateway-queue protocol: GET URL?shard=ID) before
    /// each IDENTIFY, so shards in other processes and hosts keep Discord's 5-second spacing
    #[arg(long, value_name = "URL", env = "DISCORD_IDENTIFY_QUEUE")]
    pub identify_queue: Option<String>,

    /// Keep the session in FILE (0600, locked), so that a listen started again with the same
    /// FILE resumes it: nothing missed or repeated across a restart
    #[arg(long, value_name = "FILE")]
    pub session_file: Option<PathBuf>,

    /// Request every member of this guild once connected (repeatable); chunks arrive as
    /// GUILD_MEMBERS_CHUNK
    #[arg(long, value_name = "GUILD_ID")]
    pub request_members: Vec<String>,

    /// Do not keep the names cache current from the events received
    #[arg(long)]
    pub no_cache: bool,

    /// Filters: --guild, --channel, --from-bots
    #[command(flatten)]
    pub filters: listen::FilterArgs,

    /// Delivery to an HTTP endpoint: --forward-to, --forward-header
    #[command(flatten)]
    pub forward: forward::ForwardArgs,

    /// Handlers: --exec, --exec-argv, --jobs, --exec-timeout, --reply
    #[command(flatten)]
    pub exec: listen::ExecArgs,
}

/// Arguments of `discord intents`.
#[derive(Debug, Clone, Args)]
pub struct IntentsArgs {
    /// Print JSON (one object per intent) instead of a table
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `discord endpoints`.
#[derive(Debug, Clone, Args)]
pub struct EndpointsArgs {
    /// Show only commands whose name, alias or path contains WORD (case-insensitive)
    #[arg(value_name = "WORD")]
    pub word: Option<String>,
}

/// Arguments of `discord send-message`.
#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Request: POST /channels/{channel_id}/messages (docs: https://discord.com/developers/docs/resources/message#create-message)\nExamples:\n  discord send-message 123456789012345678 'build is green' --file log.txt\n  make 2>&1 | discord send-message 123456789012345678 - --split\n  discord send-message --dm 80351110224678912 'your report is ready'\n  discord send-message --webhook \"$WEBHOOK_URL\" 'deploy finished'\nContent read from stdin or a file pings nobody unless --allow-mentions is given."
)]
pub struct SendMessageArgs {
    /// Channel to send to: its id, #name, guild/#name, <#id> or a link (leave out with --dm,
    /// --webhook or DISCORD_WEBHOOK_URL)
    #[arg(value_name = "CHANNEL_ID")]
    pub channel: Option<String>,

    /// Message text; '-' (or a pipe, when nothing else is given) reads it from stdin
    #[arg(value_name = "CONTENT")]
    pub content: Option<String>,

    /// Send a direct message to this user instead (opens the DM channel, or reuses it)
    #[arg(long, value_name = "USER_ID")]
    pub dm: Option<String>,

    /// Post in this thread of the channel (threads are channels: the message goes to the thread)
    #[arg(long, value_name = "THREAD_ID")]
    pub thread: Option<String>,

    /// Send through this webhook URL instead (no bot token needed or sent); DISCORD_WEBHOOK_URL
    /// is used when no channel, --dm or --webhook is given
    #[arg(long, value_name = "URL", conflicts_with = "dm")]
    pub webhook: Option<String>,

    /// Embed as a JSON object (repeatable, up to 10)
    #[arg(long = "embed", value_name = "JSON")]
    pub embeds: Vec<String>,

    /// Message components (buttons, select menus) as a JSON array
    #[arg(long, value_name = "JSON")]
    pub components: Option<String>,

    /// A poll, as Discord's poll request object: '{"question":{"text":"?"},"answers":[...]}'
    #[arg(long, value_name = "JSON")]
    pub poll: Option<String>,

    /// Send a sticker (repeatable, up to 3)
    #[arg(long = "sticker", value_name = "STICKER_ID")]
    pub stickers: Vec<String>,

    /// Reply to this message (its id or link)
    #[arg(long, value_name = "MESSAGE_ID")]
    pub reply_to: Option<String>,

    /// With --reply-to: do not ping the author of the message replied to
    #[arg(long, requires = "reply_to")]
    pub no_reply_ping: bool,

    /// Send as text-to-speech
    #[arg(long)]
    pub tts: bool,

    /// Send without a push or desktop notification (SUPPRESS_NOTIFICATIONS)
    #[arg(long)]
    pub silent: bool,

    /// Who may be pinged, as Discord's allowed_mentions JSON object
    #[arg(long, value_name = "JSON")]
    pub allowed_mentions: Option<String>,

    /// Let mentions in content read from stdin or a file ping (by default they ping nobody)
    #[arg(long, conflicts_with = "allowed_mentions")]
    pub allow_mentions: bool,

    /// Send content over 2000 characters as several messages, in order
    #[arg(long)]
    pub split: bool,

    /// Request body and query flags (-f, -F, --body, ...), applied to the (last) message
    #[command(flatten)]
    pub request: RequestArgs,

    /// File uploads
    #[command(flatten)]
    pub files: FileArgs,

    /// Set when CONTENT was read from stdin rather than typed.
    #[arg(skip)]
    pub content_from_stdin: bool,
}
