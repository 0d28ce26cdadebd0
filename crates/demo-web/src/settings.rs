//! Typed configuration, read once at start: the settings file (see
//! `settings.sample.sh` and the `settings-file` crate), environment variables
//! of the same names over it, and the command line over both.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{CommandFactory, FromArgMatches, Parser};
use secrecy::SecretString;
use settings_file::{FileError, SettingsFile};

pub use crate::stage::Stage;

/// The command line of a stage binary.
#[derive(Debug, Parser)]
#[command(help_template = "{name}: {about}.\n\n{usage-heading} {usage}\n\n{all-args}\n")]
struct Cli {
    /// KEY=VALUE settings (default ./settings.sh; see settings.sample.sh);
    /// environment variables of the same names override them
    #[arg(long, value_name = "FILE")]
    settings: Option<PathBuf>,
    /// The port to listen on (overrides PORT)
    #[arg(long)]
    port: Option<u16>,
}

/// Cognito settings (stage 2).
#[derive(Clone, Debug)]
pub struct CognitoSettings {
    pub pool_id: String,
    pub client_id: String,
    pub client_secret: Option<SecretString>,
    /// The pool's region (default: from the pool id).
    pub region: Option<String>,
    /// USER_PASSWORD_AUTH instead of SRP (`COGNITO_AUTH_FLOW=password`).
    pub password_auth: bool,
    /// Refresh the access token when it expires within this margin.
    pub refresh_margin: Duration,
}

/// Everything the web app reads from its settings. Secrets are
/// [`SecretString`]s: Debug output and logs never show them.
#[derive(Clone, Debug)]
pub struct Settings {
    pub stage: Stage,
    pub port: u16,
    pub host: String,
    /// Region of the session table.
    pub aws_region: String,
    /// Static access key (id, secret); `None` uses the standard AWS chain.
    pub credentials: Option<(String, SecretString)>,
    /// Endpoint override for a local emulator.
    pub endpoint_url: Option<String>,
    pub table_name: String,
    /// The cookie key material; `None` means a random key per start.
    pub session_secret: Option<SecretString>,
    /// The `Secure` attribute of the session cookie.
    pub cookie_secure: bool,
    /// Session lifetime after the last request.
    pub session_ttl: Duration,
    /// The longest a session lives after it began, however active.
    pub session_max_lifetime: Option<Duration>,
    /// Least time between two expiry extensions of an unchanged session
    /// (capped by the store at half the session lifetime).
    pub touch_interval: Duration,
    /// Bound on each DynamoDB call.
    pub dynamodb_timeout: Duration,
    /// Proxies whose `X-Forwarded-For` names the user's address.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Stage 2 only.
    pub cognito: Option<CognitoSettings>,
}

/// A setting that is missing or wrong, or a command line not understood.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// A usage error (exit code 2), or `--help` (not a failure: exit code 0).
    #[error(transparent)]
    Cli(#[from] clap::Error),
    /// A file that cannot be read, or a required setting missing.
    #[error(transparent)]
    File(#[from] FileError),
    #[error("setting {key}={value:?} is not valid: {reason}")]
    Invalid {
        key: &'static str,
        value: String,
        reason: &'static str,
    },
}

/// What a key's value must be, for the message naming a bad one.
fn expected(key: &str) -> &'static str {
    match key {
        "PORT" => "expected a port number",
        "COOKIE_SECURE" => "expected true or false",
        "COGNITO_AUTH_FLOW" => "expected srp or password",
        "SESSION_TTL" | "SESSION_MAX_LIFETIME" => "expected a number of seconds from 1 to 400 days",
        "DYNAMODB_TIMEOUT" => "expected a number of seconds above 0, up to 400 days",
        "TRUSTED_PROXIES" => "expected IP addresses or CIDR ranges, separated by commas",
        "COGNITO_REGION" => "expected POOL_ID's region (the part before `_`), or nothing",
        _ => "expected a number of seconds from 0 to 400 days",
    }
}

impl Settings {
    /// Settings from the command line, the file it names (default
    /// `./settings.sh`) and the process environment. A usage error or
    /// `--help` is [`SettingsError::Cli`], which knows its exit code.
    pub fn from_args(
        stage: Stage,
        args: impl IntoIterator<Item = String>,
    ) -> Result<Self, SettingsError> {
        let command = Cli::command().name(stage.program()).about(stage.about());
        let args = std::iter::once(stage.program().to_owned()).chain(args);
        let cli = Cli::from_arg_matches(&command.try_get_matches_from(args)?)?;
        // Without the default file the environment may hold every setting;
        // a file named on the command line must be there.
        if let Some(file) = &cli.settings
            && let Err(source) = std::fs::metadata(file)
        {
            let file = file.display().to_string();
            return Err(FileError::Unreadable { file, source }.into());
        }
        let file = cli.settings.unwrap_or_else(|| "settings.sh".into());
        let mut settings = Self::load(stage, &file, |key| std::env::var(key).ok())?;
        settings.port = cli.port.unwrap_or(settings.port);
        Ok(settings)
    }

    /// Settings from `file` (a missing file is empty) and `env`, which wins.
    pub fn load(
        stage: Stage,
        file: &Path,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, SettingsError> {
        let file = SettingsFile::open(file)?.with_env(env);
        let text = |key| file.get(key).map(str::to_owned);
        let required = |key| file.required(key).map(str::to_owned);
        let (aws_region, table_name) = (required("AWS_REGION")?, required("TABLE_NAME")?);
        let invalid = |key| SettingsError::Invalid {
            key,
            value: text(key).unwrap_or_default(),
            reason: expected(key),
        };
        let seconds = |key, least| {
            file.get(key)
                .map(|v| v.parse().ok().and_then(|s| within(s, least)))
                .map(|d| d.ok_or_else(|| invalid(key)))
                .transpose()
        };
        let credentials = match (file.get("ACCESS_KEY_ID"), file.get("SECRET_ACCESS_KEY")) {
            (None, None) => None,
            _ => Some((
                required("ACCESS_KEY_ID")?,
                required("SECRET_ACCESS_KEY")?.into(),
            )),
        };
        let cognito = match stage {
            Stage::Store => None,
            Stage::Cognito => {
                let pool_id = required("POOL_ID")?;
                let region = text("COGNITO_REGION");
                // Calls to another region than the pool's find no pool.
                if let (Some(region), Some((pool_region, _))) = (&region, pool_id.split_once('_'))
                    && pool_region != region
                {
                    return Err(invalid("COGNITO_REGION"));
                }
                Some(CognitoSettings {
                    pool_id,
                    client_id: required("CLIENT_ID")?,
                    client_secret: text("CLIENT_SECRET").map(Into::into),
                    region,
                    password_auth: match file.get("COGNITO_AUTH_FLOW") {
                        None | Some("srp") => false,
                        Some("password") => true,
                        Some(_) => return Err(invalid("COGNITO_AUTH_FLOW")),
                    },
                    refresh_margin: seconds("TOKEN_REFRESH_MARGIN", ZERO)?
                        .unwrap_or(Duration::from_secs(60)),
                })
            }
        };
        Ok(Settings {
            stage,
            port: match file.get("PORT").map(str::parse) {
                None => 3000,
                Some(port) => port.map_err(|_| invalid("PORT"))?,
            },
            host: text("HOST").unwrap_or_else(|| "127.0.0.1".to_owned()),
            aws_region,
            credentials,
            endpoint_url: text("AWS_ENDPOINT_URL"),
            table_name,
            session_secret: text("SESSION_SECRET").map(Into::into),
            cookie_secure: match text("COOKIE_SECURE")
                .map(|v| v.to_ascii_lowercase())
                .as_deref()
            {
                None | Some("1" | "true" | "yes" | "on") => true,
                Some("0" | "false" | "no" | "off") => false,
                Some(_) => return Err(invalid("COOKIE_SECURE")),
            },
            session_ttl: seconds("SESSION_TTL", SECOND)?.unwrap_or(stage.default_session_ttl()),
            session_max_lifetime: seconds("SESSION_MAX_LIFETIME", SECOND)?,
            touch_interval: seconds("TOUCH_INTERVAL", ZERO)?.unwrap_or(30 * SECOND),
            dynamodb_timeout: seconds("DYNAMODB_TIMEOUT", MS)?.unwrap_or(3 * SECOND),
            trusted_proxies: proxies(file.get("TRUSTED_PROXIES").unwrap_or_default())
                .ok_or_else(|| invalid("TRUSTED_PROXIES"))?,
            cognito,
        })
    }
}

const ZERO: Duration = Duration::ZERO;
const MS: Duration = Duration::from_millis(1);
const SECOND: Duration = Duration::from_secs(1);

/// `seconds` as a duration from `least` to 400 days, the longest a browser
/// keeps a cookie (RFC 6265bis): beyond it, times overflow or mean nothing.
fn within(seconds: f64, least: Duration) -> Option<Duration> {
    const MAX: Duration = Duration::from_secs(400 * 24 * 3600);
    Duration::try_from_secs_f64(seconds)
        .ok()
        .filter(|d| (least..=MAX).contains(d))
}

/// `10.0.0.0/8, 192.0.2.7` as networks; an address alone is a network of one.
fn proxies(list: &str) -> Option<Vec<ipnet::IpNet>> {
    list.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            item.parse()
                .ok()
                .or_else(|| item.parse::<std::net::IpAddr>().ok().map(Into::into))
        })
        .collect()
}

#[cfg(test)]
mod tests;
