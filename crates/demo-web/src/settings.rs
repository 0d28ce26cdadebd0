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
    /// The login page's form (`COGNITO_LOGIN` form or both).
    pub form_login: bool,
    /// Cognito's managed login, beside or instead of the form
    /// (`COGNITO_LOGIN` hosted or both): the app is then at `app_url`.
    pub hosted_login: bool,
    /// The app's address as the browser reaches it (`APP_URL`): the hosted
    /// page comes back to `<app_url>/auth/callback`, and its logout to
    /// `<app_url>/`.
    pub app_url: String,
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
    /// A file that cannot be read, a required setting missing or a value
    /// not valid.
    #[error(transparent)]
    File(#[from] FileError),
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
        let seconds = |key, least| file.parsed(key, seconds(least));
        let (aws_region, table_name) = (required("AWS_REGION")?, required("TABLE_NAME")?);
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
                // Calls to another region than the pool's find no pool.
                let region =
                    file.parsed("COGNITO_REGION", |region| match pool_id.split_once('_') {
                        Some((pool_region, _)) if pool_region != region => {
                            Err("POOL_ID's region (the part before `_`), or nothing".into())
                        }
                        _ => Ok(region.to_owned()),
                    })?;
                let password_auth = file.parsed("COGNITO_AUTH_FLOW", |flow| match flow {
                    "srp" => Ok(false),
                    "password" => Ok(true),
                    _ => Err("srp or password".into()),
                })?;
                let (form_login, hosted_login) = file
                    .parsed("COGNITO_LOGIN", |ways| match ways {
                        "form" => Ok((true, false)),
                        "hosted" => Ok((false, true)),
                        "both" => Ok((true, true)),
                        _ => Err("form, hosted or both".into()),
                    })?
                    .unwrap_or((true, false));
                Some(CognitoSettings {
                    form_login,
                    hosted_login,
                    app_url: String::new(),
                    pool_id,
                    client_id: required("CLIENT_ID")?,
                    client_secret: text("CLIENT_SECRET").map(Into::into),
                    region,
                    password_auth: password_auth.unwrap_or(false),
                    refresh_margin: seconds("TOKEN_REFRESH_MARGIN", ZERO)?.unwrap_or(60 * SECOND),
                })
            }
        };
        let port = |port: &str| port.parse().map_err(|_| "a port number".to_owned());
        let port = file.parsed("PORT", port)?.unwrap_or(3000);
        let app_url = |url: &str| match url::Url::parse(url) {
            Ok(parsed) if matches!(parsed.scheme(), "http" | "https") && parsed.path() == "/" => {
                Ok(url.trim_end_matches('/').to_owned())
            }
            _ => Err("the app's address, e.g. https://app.example.com (no path)".into()),
        };
        let app_url = file
            .parsed("APP_URL", app_url)?
            .unwrap_or_else(|| format!("http://localhost:{port}"));
        let cognito = cognito.map(|c| CognitoSettings { app_url, ..c });
        Ok(Settings {
            stage,
            port,
            host: text("HOST").unwrap_or_else(|| "127.0.0.1".to_owned()),
            aws_region,
            credentials,
            endpoint_url: text("AWS_ENDPOINT_URL"),
            table_name,
            session_secret: text("SESSION_SECRET").map(Into::into),
            cookie_secure: file.parsed("COOKIE_SECURE", flag)?.unwrap_or(true),
            session_ttl: seconds("SESSION_TTL", SECOND)?.unwrap_or(stage.default_session_ttl()),
            session_max_lifetime: seconds("SESSION_MAX_LIFETIME", SECOND)?,
            touch_interval: seconds("TOUCH_INTERVAL", ZERO)?.unwrap_or(30 * SECOND),
            dynamodb_timeout: seconds("DYNAMODB_TIMEOUT", MS)?.unwrap_or(3 * SECOND),
            trusted_proxies: file.parsed("TRUSTED_PROXIES", proxies)?.unwrap_or_default(),
            cognito,
        })
    }
}

const ZERO: Duration = Duration::ZERO;
const MS: Duration = Duration::from_millis(1);
const SECOND: Duration = Duration::from_secs(1);

/// Seconds as a duration from `least` to 400 days, the longest a browser
/// keeps a cookie (RFC 6265bis): beyond it, times overflow or mean nothing.
fn seconds(least: Duration) -> impl Fn(&str) -> Result<Duration, String> {
    const MAX: Duration = Duration::from_secs(400 * 24 * 3600);
    move |value| {
        (value.parse().ok())
            .and_then(|s| Duration::try_from_secs_f64(s).ok())
            .filter(|d| (least..=MAX).contains(d))
            .ok_or_else(|| {
                format!(
                    "a number of seconds from {} to 400 days",
                    least.as_secs_f64()
                )
            })
    }
}

/// `true` or `false`, or the other words shells and INI files use for them.
fn flag(value: &str) -> Result<bool, String> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err("true or false".into()),
    }
}

/// `10.0.0.0/8, 192.0.2.7` as networks; an address alone is a network of one.
fn proxies(list: &str) -> Result<Vec<ipnet::IpNet>, String> {
    list.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            item.parse()
                .ok()
                .or_else(|| item.parse::<std::net::IpAddr>().ok().map(Into::into))
        })
        .collect::<Option<_>>()
        .ok_or_else(|| "IP addresses or CIDR ranges, separated by commas".into())
}

#[cfg(test)]
mod tests;
