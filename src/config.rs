//! Turns flags, environment and the config file into [`Settings`] (flag > env > file > default),
//! and reads and writes the config file (one token per profile, mode 0600).

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::cli::GlobalArgs;
use crate::output::Printer;
use crate::rest::client::ClientOptions;
use crate::rest::Client;
use crate::token::Token;
use crate::{Error, Result};

/// Discord's REST API base, used when neither `--api-url` nor `DISCORD_API_URL` is given.
pub const DEFAULT_API_URL: &str = "https://discord.com/api/v10";

/// The profile used when none is named.
pub const DEFAULT_PROFILE: &str = "default";

/// Where a setting came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Its flag (`--token`, `--api-url`).
    Flag,
    /// Its environment variable (`DISCORD_TOKEN`, `DISCORD_API_URL`).
    Env,
    /// The profile in the config file.
    Profile,
    /// `--sandbox`, which brings its own.
    Sandbox,
    /// Nowhere: the built-in default (or, for the token, none).
    Default,
}

/// Everything the commands need to know, resolved once.
#[derive(Debug, Clone)]
pub struct Settings {
    /// API base URL without a trailing slash.
    pub api_url: String,
    /// The token, if one was given anywhere.
    pub token: Option<Token>,
    /// Why the config file could not give a token (unreadable, corrupt), if it could not.
    pub token_problem: Option<String>,
    /// The config profile in use.
    pub profile: String,
    /// Where the token came from, for `discord auth status`.
    pub token_source: Source,
    /// Where the API base came from, for `discord auth status`.
    pub api_url_source: Source,
    /// How stdout is written.
    pub printer: Printer,
    /// `-i`: response status and headers to stderr.
    pub include: bool,
    /// `-v`: request and response headers to stderr.
    pub verbose: bool,
    /// `--dry-run`: print the request, send nothing.
    pub dry_run: bool,
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// Whole-request timeout (`None`: no limit).
    pub timeout: Option<Duration>,
    /// The longest rate-limit wait accepted before giving up.
    pub max_wait: Duration,
    /// Requests per second allowed across all routes.
    pub global_limit: u32,
    /// Where rate-limit state is shared with other invocations (`None`: this process only).
    pub rate_limit_cache: Option<PathBuf>,
    /// `--trace FILE`: where telemetry lines go.
    pub trace: Option<discord_client::Trace>,
    /// `--insecure-http-host`: hosts besides loopback the token may reach over plain http.
    pub insecure_hosts: Vec<String>,
    /// The run's one REST client, built on first use ([`Settings::client`]); clones of the
    /// settings (the names resolver keeps one) share it, and so its rate limiter.
    client: std::sync::Arc<OnceLock<Client>>,
}

impl Settings {
    /// Resolves settings from the global flags (env already folded in by clap) and the config
    /// file. `api_url_override` wins over everything (used by `--sandbox`).
    pub fn resolve(args: &GlobalArgs, api_url_override: Option<String>) -> Result<Settings> {
        let profile = args
            .profile
            .clone()
            .unwrap_or_else(|| DEFAULT_PROFILE.to_string());
        let mut token_problem = None;
        let given = given_token(args)?;
        let (stored, problem) = match ConfigFile::load_default() {
            Ok(file) => (file.unwrap_or_default(), None),
            // Only fatal when a token is needed (`login` refuses such a file itself, saying why).
            Err(e) => (ConfigFile::default(), Some(e.message)),
        };
        let stored_profile = stored.profiles.get(&profile);
        let mut token_source = Source::Default;
        let token =
            match (given, stored_profile) {
                (Some(raw), _) => {
                    token_source = match (api_url_override.is_some(), args.token_from_env) {
                        (true, _) => Source::Sandbox,
                        (false, true) => Source::Env,
                        (false, false) => Source::Flag,
                    };
                    Some(Token::parse(&raw, args.bearer)?)
                }
                (None, Some(p)) => {
                    token_source = Source::Profile;
                    Some(Token::parse(&p.token, args.bearer).map_err(|e| {
                        e.context(format!("the token stored for profile '{profile}'"))
                    })?)
                }
                (None, None) => {
                    token_problem = problem.or_else(|| {
                        args.profile
                            .as_deref()
                            .map(|name| unknown_profile(name, &stored))
                    });
                    None
                }
            };
        // A profile's API base goes with its token, or with the profile when it is named; a
        // token from elsewhere is not sent to the default profile's (say, a sandbox's) base.
        let profile_chosen = token_source == Source::Profile || args.profile.is_some();
        let stored_url = stored_profile
            .filter(|_| profile_chosen)
            .and_then(|p| p.api_url.clone());
        let (api_url, api_url_source) = match (api_url_override, &args.api_url, stored_url) {
            (Some(url), _, _) => (url, Source::Sandbox),
            (None, Some(url), _) => (url.clone(), given_source("DISCORD_API_URL", url)),
            (None, None, Some(url)) => (url, Source::Profile),
            (None, None, None) => (DEFAULT_API_URL.to_string(), Source::Default),
        };
        Ok(Settings {
            api_url: normalize_api_url(&api_url)?,
            token,
            token_problem,
            profile,
            token_source,
            api_url_source,
            printer: Printer::from_args(args)?,
            include: args.include,
            verbose: args.verbose,
            dry_run: args.dry_run,
            connect_timeout: seconds(args.connect_timeout, "--connect-timeout")?
                .unwrap_or(Duration::from_secs(10)),
            timeout: seconds(args.timeout, "--timeout")?,
            max_wait: seconds(args.max_wait, "--max-wait")?.unwrap_or(Duration::ZERO),
            global_limit: args.global_limit,
            rate_limit_cache: if args.no_rate_limit_cache {
                None
            } else {
                crate::rest::ratecache::RateCache::default_dir()
            },
            trace: args.trace.as_deref().map(trace_file).transpose()?,
            insecure_hosts: {
                crate::rest::url::check_insecure_hosts(&args.insecure_http_hosts)?;
                args.insecure_http_hosts.clone()
            },
            client: std::sync::Arc::new(OnceLock::new()),
        })
    }

    /// The run's one REST client, built on first use so that commands that send nothing pay
    /// nothing for it; every request of the run shares its rate limiter.
    pub fn client(&self) -> Result<&Client> {
        if let Some(client) = self.client.get() {
            return Ok(client);
        }
        let client = Client::new(&self.client_options())?;
        Ok(self.client.get_or_init(|| client))
    }

    /// What the REST client needs from these settings.
    pub fn client_options(&self) -> ClientOptions {
        ClientOptions {
            api_url: self.api_url.clone(),
            token: self.token.clone(),
            no_token_message: self.missing_token_error().message,
            rate_limit_cache: self.rate_limit_cache.clone(),
            verbose: self.verbose,
            include: self.include,
            max_wait: self.max_wait,
            connect_timeout: self.connect_timeout,
            timeout: self.timeout,
            global_limit: self.global_limit,
            notice: crate::output::notice(),
            trace: self.trace.clone(),
            insecure_hosts: self.insecure_hosts.clone(),
        }
    }

    /// The token, or the usage error that names the three ways to give one.
    pub fn require_token(&self) -> Result<&Token> {
        self.token
            .as_ref()
            .ok_or_else(|| self.missing_token_error())
    }

    /// The error for a request that needs a token when there is none.
    pub fn missing_token_error(&self) -> Error {
        missing_token_error(self.token_problem.as_deref())
    }
}

/// The token given by flag or environment, as typed: `--token-file PATH` (its first line),
/// `--token -` (the first line of stdin), `--token TOKEN` or `$DISCORD_TOKEN`. An empty
/// `DISCORD_TOKEN` (or `--token ""`) counts as not given, so the stored one is used.
fn given_token(args: &GlobalArgs) -> Result<Option<String>> {
    let from_command_line = args.token.is_some() && !args.token_from_env;
    let raw: String = match (&args.token_file, args.token.as_deref()) {
        (Some(_), Some(_)) if from_command_line => {
            return Err(Error::usage(
                "--token and --token-file both give the token: use one of them",
            ))
        }
        (Some(path), _) => {
            let text = read_token_file(path).map_err(|e| {
                Error::usage(format!(
                    "cannot read --token-file {}: {e}",
                    crate::error::shown(&path.display().to_string())
                ))
            })?;
            first_line(text).ok_or_else(|| {
                Error::usage(format!(
                    "--token-file {} is empty: put the bot token on its first line",
                    crate::error::shown(&path.display().to_string())
                ))
            })?
        }
        (None, Some("-")) if from_command_line => {
            let mut line = String::new();
            if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
                // Typed at a terminal: not echoed, as `login` asks for it.
                line = dialoguer::Password::new()
                    .with_prompt("Bot token")
                    .interact()
                    .map_err(|e| Error::usage(format!("cannot read the token: {e}")))?;
            } else {
                std::io::stdin()
                    .read_line(&mut line)
                    .map_err(|e| Error::usage(format!("cannot read --token - from stdin: {e}")))?;
            }
            first_line(line).ok_or_else(|| {
                Error::usage(
                    "--token - found no token on stdin: pipe the token in on the first line",
                )
            })?
        }
        (None, raw) => return Ok(raw.filter(|t| !t.trim().is_empty()).map(str::to_string)),
    };
    Ok(Some(raw))
}

/// The start of a token file: a token is under 100 bytes, so a few kilobytes are plenty, and a
/// path such as /dev/zero cannot make the read go on for ever.
fn read_token_file(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut bytes = Vec::new();
    fs::File::open(path)?.take(4096).read_to_end(&mut bytes)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The first line of `text`, trimmed, or `None` when it is empty.
fn first_line(text: String) -> Option<String> {
    let line = text.lines().next().unwrap_or("").trim();
    (!line.is_empty()).then(|| line.to_string())
}

/// The usage error for a missing token: why the config file could not give one, or the three
/// ways to give one.
pub fn missing_token_error(problem: Option<&str>) -> Error {
    match problem {
        Some(problem) => Error::usage(problem),
        None => Error::usage(
            "no token: run 'discord login' to store one, set DISCORD_TOKEN, or pass --token-file PATH (or --token) (or try any command with --sandbox, a local stand-in for Discord that needs none)",
        ),
    }
}

/// Where a value clap took from a flag or its environment variable `var` came from (clap
/// folds the two together; the flag wins, so an equal variable means it was not given).
fn given_source(var: &str, value: &str) -> Source {
    if std::env::var(var).is_ok_and(|env| env == value) {
        Source::Env
    } else {
        Source::Flag
    }
}

/// Why a named profile gives no token: it does not exist, and these do.
fn unknown_profile(name: &str, file: &ConfigFile) -> String {
    let existing: Vec<&str> = file.profiles.keys().map(String::as_str).collect();
    let have = if existing.is_empty() {
        "no profiles are stored yet".to_string()
    } else {
        format!("stored profiles: {}", existing.join(", "))
    };
    format!(
        "profile '{name}' does not exist ({have}); create it with 'discord --profile {name} login'"
    )
}

/// Opens `--trace FILE` for appending (created 0600) and returns the writer of its lines. Each
/// record is written with one call, so lines from processes sharing the file do not interleave.
fn trace_file(path: &Path) -> Result<discord_client::Trace> {
    let mut options = fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(path).map_err(|e| {
        Error::usage(format!(
            "cannot open the --trace file {}: {e}",
            path.display()
        ))
    })?;
    let file = std::sync::Mutex::new(file);
    Ok(discord_client::Trace::new(move |record| {
        let mut line = record.to_string();
        line.push('\n');
        let mut file = file.lock().unwrap_or_else(|p| p.into_inner());
        // Telemetry must never fail the request it describes.
        let _ = file.write_all(line.as_bytes());
    }))
}

/// Checks and trims an API base URL.
pub fn normalize_api_url(url: &str) -> Result<String> {
    let trimmed = url.trim().trim_end_matches('/');
    if !(trimmed.starts_with("http://") || trimmed.starts_with("https://")) {
        return Err(Error::usage(format!(
            "the API URL '{trimmed}' must start with http:// or https:// (check --api-url or DISCORD_API_URL)"
        )));
    }
    crate::rest::url::unambiguous_base(trimmed)
}

fn seconds(value: f64, flag: &str) -> Result<Option<Duration>> {
    if !value.is_finite() || value < 0.0 {
        return Err(Error::usage(format!(
            "{flag} takes a number of seconds of 0 or more"
        )));
    }
    if value == 0.0 {
        return Ok(None);
    }
    Duration::try_from_secs_f64(value)
        .map(Some)
        .map_err(|_| Error::usage(format!("{flag} {value} is too many seconds")))
}

/// One stored profile.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Profile {
    /// The bare token.
    pub token: String,
    /// The API base this profile talks to, when not Discord's (`login --api-url`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_url: Option<String>,
}

/// The config file: `config.json` in the platform's config directory.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ConfigFile {
    /// Stored tokens by profile name.
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

/// The folder holding the config file: `$DISCORD_CONFIG_DIR`, else the platform's config
/// directory (e.g. `~/.config/discord` on Linux).
pub fn config_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("DISCORD_CONFIG_DIR") {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "discord")
        .map(|d| d.config_dir().to_path_buf())
        .ok_or_else(|| {
            Error::runtime(
                "cannot find a home directory for the config file: set DISCORD_CONFIG_DIR",
            )
        })
}

/// The path of the config file.
pub fn config_path() -> Result<PathBuf> {
    Ok(config_dir()?.join("config.json"))
}

impl ConfigFile {
    /// Loads the config file from its default place; `None` when it does not exist.
    pub fn load_default() -> Result<Option<ConfigFile>> {
        Self::load(&config_path()?)
    }

    /// Loads a config file; `None` when it does not exist. A world- or group-readable file is
    /// used but warned about (the next write fixes the mode).
    pub fn load(path: &Path) -> Result<Option<ConfigFile>> {
        let text = match fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(Error::runtime(format!(
                    "cannot read the config file {}: {e} (fix its permissions or remove it)",
                    path.display()
                )))
            }
        };
        warn_if_readable_by_others(path);
        Self::parse(&text).map(Some).map_err(|e| {
            let shown = path.display();
            e.context(format!(
                "the config file {shown} is corrupt (it holds every profile's token, so nothing rewrites it: fix it, or move it aside with mv '{shown}' '{shown}.bak' and run 'discord login' again)"
            ))
        })
    }

    /// Parses the config file's text.
    pub fn parse(text: &str) -> Result<ConfigFile> {
        serde_json::from_str(text).map_err(|e| Error::runtime(e.to_string()))
    }

    /// Writes the config file with mode 0600, creating its folder. When `path` is a symbolic
    /// link (a config kept in a dotfiles repository), the file it points to is replaced and
    /// the link kept.
    pub fn save(&self, path: &Path) -> Result<()> {
        let target = link_target(path)?;
        let path = target.as_path();
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)
                .map_err(|e| Error::runtime(format!("cannot create {}: {e}", dir.display())))?;
        }
        let text = serde_json::to_string_pretty(self).map_err(|e| Error::runtime(e.to_string()))?;
        let tmp = path.with_extension("json.tmp");
        let mut options = fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let write = |tmp: &Path| -> std::io::Result<()> {
            let mut file = options.open(tmp)?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                file.set_permissions(fs::Permissions::from_mode(0o600))?;
            }
            file.write_all(text.as_bytes())?;
            file.write_all(b"\n")?;
            file.sync_all()?;
            fs::rename(tmp, path)
        };
        write(&tmp).map_err(|e| {
            Error::runtime(format!(
                "cannot write the config file {}: {e}",
                path.display()
            ))
        })
    }
}

/// The file a symbolic link at `path` leads to (following links in turn), or `path` itself.
fn link_target(path: &Path) -> Result<PathBuf> {
    let mut current = path.to_path_buf();
    // As many hops as Linux follows before ELOOP.
    for _ in 0..40 {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let next = fs::read_link(&current).map_err(|e| {
                    Error::runtime(format!("cannot follow {}: {e}", current.display()))
                })?;
                current = match current.parent() {
                    Some(dir) if next.is_relative() => dir.join(next),
                    _ => next,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(Error::runtime(format!(
        "the config file {} is a loop of symbolic links: point it at a file",
        path.display()
    )))
}

fn warn_if_readable_by_others(path: &Path) {
    if readable_by_others(path) {
        crate::output::diag(&format!(
            "warning: the config file {} can be read by other users; the next 'discord login' sets mode 0600 (or run: chmod 600 '{}')",
            path.display(),
            path.display()
        ));
    }
}

/// Whether users other than the owner may read a secret-holding file (its group or others
/// have any permission). Always false where there are no Unix modes.
pub fn readable_by_others(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o077 != 0)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_url_is_trimmed_and_checked() {
        assert_eq!(
            normalize_api_url("http://127.0.0.1:5/api/v10/").unwrap(),
            "http://127.0.0.1:5/api/v10"
        );
        assert!(normalize_api_url("discord.com/api").is_err());
        assert!(normalize_api_url("http://127.0.0.1:99999/api").is_err());
        assert!(normalize_api_url("http://[::1").is_err());
        assert!(seconds(1e30, "--timeout").is_err());
        assert_eq!(seconds(0.0, "--timeout").unwrap(), None);
        assert_eq!(
            seconds(1.5, "--timeout").unwrap(),
            Some(Duration::from_millis(1500))
        );
    }

    #[test]
    fn config_round_trip_with_mode_0600() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("config.json");
        let mut file = ConfigFile::default();
        file.profiles.insert(
            "default".into(),
            Profile {
                token: "abc".into(),
                api_url: Some("http://127.0.0.1:1/api/v10".into()),
            },
        );
        file.save(&path).unwrap();
        assert_eq!(ConfigFile::load(&path).unwrap(), Some(file));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn corrupt_config_is_an_error_not_a_panic() {
        assert!(ConfigFile::parse("{not json").is_err());
        assert!(ConfigFile::parse(r#"{"profiles": 3}"#).is_err());
        assert_eq!(ConfigFile::parse("{}").unwrap(), ConfigFile::default());
    }
}
