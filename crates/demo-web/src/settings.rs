//! Typed configuration, read once at start: the settings file (see
//! `settings.sample.sh` and the `settings-file` crate), environment variables
//! of the same names over it, and the command line over both.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{CommandFactory, FromArgMatches, Parser};
use secrecy::SecretString;
use serde::Deserialize;
use settings_file::{FileError, KEYS, SettingsFile};

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
    #[error(transparent)]
    File(#[from] FileError),
    /// A required key has no value; a first run without a file is told
    /// where to start.
    #[error(
        "missing setting {key}: set it in {file}{} or in the environment",
        if *.file_found { "" } else { " (not found: copy settings.sample.sh)" }
    )]
    Missing {
        key: &'static str,
        file: String,
        file_found: bool,
    },
    #[error("setting {key}={value:?} is not valid: {reason}")]
    Invalid {
        key: &'static str,
        value: String,
        reason: &'static str,
    },
}

/// The settings as typed fields, before the checks that span fields.
/// Empty values count as absent; envy names a value that does not parse.
#[derive(Deserialize)]
struct Raw {
    aws_region: String,
    table_name: String,
    access_key_id: Option<String>,
    secret_access_key: Option<SecretString>,
    aws_endpoint_url: Option<String>,
    session_secret: Option<SecretString>,
    port: Option<u16>,
    host: Option<String>,
    cookie_secure: Option<String>,
    session_ttl: Option<f64>,
    session_max_lifetime: Option<f64>,
    touch_interval: Option<f64>,
    dynamodb_timeout: Option<f64>,
    trusted_proxies: Option<String>,
    token_refresh_margin: Option<f64>,
    pool_id: Option<String>,
    client_id: Option<String>,
    client_secret: Option<SecretString>,
    cognito_region: Option<String>,
    cognito_auth_flow: Option<String>,
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
        let file = SettingsFile::open(file)?;
        let path = file.path().display().to_string();
        for (key, meant) in file.unknown_keys() {
            let hint = meant
                .map(|m| format!(": did you mean {m}?"))
                .unwrap_or_default();
            tracing::warn!(file = %path, "unknown setting {key} ignored{hint}");
        }
        let values: HashMap<&'static str, String> = KEYS
            .iter()
            .filter_map(|&key| {
                let value = env(key).filter(|v| !v.trim().is_empty());
                Some((key, value.or_else(|| file.get(key).map(str::to_owned))?))
            })
            .collect();
        let missing = |key| SettingsError::Missing {
            key,
            file: path.clone(),
            file_found: file.exists(),
        };
        let invalid = |key| SettingsError::Invalid {
            key,
            value: values.get(key).cloned().unwrap_or_default(),
            reason: expected(key),
        };
        // envy names the key of a value that does not parse: "... provided by PORT".
        let named = |text: &str| KEYS.iter().copied().find(|k| text.eq_ignore_ascii_case(k));
        let pairs = values.iter().map(|(k, v)| ((*k).to_owned(), v.clone()));
        let raw: Raw = envy::from_iter(pairs).map_err(|err| match err {
            envy::Error::MissingValue(field) => missing(named(field).unwrap_or(field)),
            envy::Error::Custom(message) => {
                invalid(message.rsplit(' ').next().and_then(named).unwrap_or("?"))
            }
        })?;
        let seconds = |key, value: Option<f64>, least| {
            value
                .map(|v| within(v, least).ok_or_else(|| invalid(key)))
                .transpose()
        };
        let credentials = match (raw.access_key_id, raw.secret_access_key) {
            (Some(id), Some(secret)) => Some((id, secret)),
            (None, None) => None,
            (Some(_), None) => return Err(missing("SECRET_ACCESS_KEY")),
            (None, Some(_)) => return Err(missing("ACCESS_KEY_ID")),
        };
        let cognito = match stage {
            Stage::Store => None,
            Stage::Cognito => {
                let pool_id = raw.pool_id.ok_or_else(|| missing("POOL_ID"))?;
                // Calls to another region than the pool's find no pool.
                if let (Some(region), Some((pool_region, _))) =
                    (&raw.cognito_region, pool_id.split_once('_'))
                    && pool_region != region
                {
                    return Err(invalid("COGNITO_REGION"));
                }
                Some(CognitoSettings {
                    pool_id,
                    client_id: raw.client_id.ok_or_else(|| missing("CLIENT_ID"))?,
                    client_secret: raw.client_secret,
                    region: raw.cognito_region,
                    password_auth: match raw.cognito_auth_flow.as_deref() {
                        None | Some("srp") => false,
                        Some("password") => true,
                        Some(_) => return Err(invalid("COGNITO_AUTH_FLOW")),
                    },
                    refresh_margin: seconds(
                        "TOKEN_REFRESH_MARGIN",
                        raw.token_refresh_margin,
                        ZERO,
                    )?
                    .unwrap_or(Duration::from_secs(60)),
                })
            }
        };
        Ok(Settings {
            stage,
            port: raw.port.unwrap_or(3000),
            host: raw.host.unwrap_or_else(|| "127.0.0.1".to_owned()),
            aws_region: raw.aws_region,
            credentials,
            endpoint_url: raw.aws_endpoint_url,
            table_name: raw.table_name,
            session_secret: raw.session_secret,
            cookie_secure: match raw.cookie_secure.map(|v| v.to_ascii_lowercase()).as_deref() {
                None | Some("1" | "true" | "yes" | "on") => true,
                Some("0" | "false" | "no" | "off") => false,
                Some(_) => return Err(invalid("COOKIE_SECURE")),
            },
            session_ttl: seconds("SESSION_TTL", raw.session_ttl, SECOND)?
                .unwrap_or(stage.default_session_ttl()),
            session_max_lifetime: seconds(
                "SESSION_MAX_LIFETIME",
                raw.session_max_lifetime,
                SECOND,
            )?,
            touch_interval: seconds("TOUCH_INTERVAL", raw.touch_interval, ZERO)?
                .unwrap_or(30 * SECOND),
            dynamodb_timeout: seconds("DYNAMODB_TIMEOUT", raw.dynamodb_timeout, MS)?
                .unwrap_or(3 * SECOND),
            trusted_proxies: proxies(raw.trusted_proxies.as_deref().unwrap_or_default())
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
