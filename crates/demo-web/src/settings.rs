//! Typed configuration, read once at start: the settings file (see
//! `settings.sample.sh` and the `settings-file` crate), environment variables
//! of the same names over it, and the command line over both.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{CommandFactory, FromArgMatches, Parser};
use secrecy::SecretString;
use settings_file::declared::{AuthFlow, LoginWays};
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

    /// Settings from `file` (a missing file is empty) and `env`, which wins:
    /// every value checked as [`settings_file::Declared`] types it, then what each stage
    /// requires, the defaults, and the rules between settings.
    pub fn load(
        stage: Stage,
        file: &Path,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, SettingsError> {
        let file = SettingsFile::open(file)?.with_env(env);
        let given = file.declared()?;
        let required = |value: Option<String>, key| value.ok_or_else(|| file.missing(key));
        let credentials = match (given.access_key_id, given.secret_access_key) {
            (None, None) => None,
            (Some(id), Some(secret)) => Some((id, secret)),
            (None, Some(_)) => return Err(file.missing("ACCESS_KEY_ID").into()),
            (Some(_), None) => return Err(file.missing("SECRET_ACCESS_KEY").into()),
        };
        let port = given.port.unwrap_or(3000);
        let cognito = match stage {
            Stage::Store => None,
            Stage::Cognito => {
                let pool_id = required(given.pool_id, "POOL_ID")?;
                // Calls to another region than the pool's find no pool.
                if let (Some(region), Some((pool_region, _))) =
                    (&given.cognito_region, pool_id.split_once('_'))
                    && region != pool_region
                {
                    return Err(FileError::Invalid {
                        key: "COGNITO_REGION",
                        value: region.clone(),
                        expected: "POOL_ID's region (the part before `_`), or nothing".into(),
                    }
                    .into());
                }
                let ways = given.cognito_login.unwrap_or(LoginWays::Form);
                Some(CognitoSettings {
                    pool_id,
                    client_id: required(given.client_id, "CLIENT_ID")?,
                    client_secret: given.client_secret,
                    region: given.cognito_region,
                    password_auth: given.cognito_auth_flow == Some(AuthFlow::Password),
                    refresh_margin: given.token_refresh_margin.map_or(60 * SECOND, Into::into),
                    form_login: matches!(ways, LoginWays::Form | LoginWays::Both),
                    hosted_login: matches!(ways, LoginWays::Hosted | LoginWays::Both),
                    app_url: given
                        .app_url
                        .map_or_else(|| format!("http://localhost:{port}"), |url| url.0),
                })
            }
        };
        Ok(Settings {
            stage,
            port,
            host: given.host.unwrap_or_else(|| "127.0.0.1".to_owned()),
            aws_region: required(given.aws_region, "AWS_REGION")?,
            credentials,
            endpoint_url: given.aws_endpoint_url,
            table_name: required(given.table_name, "TABLE_NAME")?,
            session_secret: given.session_secret,
            cookie_secure: given.cookie_secure.is_none_or(|secure| secure.0),
            session_ttl: given
                .session_ttl
                .map_or(stage.default_session_ttl(), Into::into),
            session_max_lifetime: given.session_max_lifetime.map(Into::into),
            touch_interval: given.touch_interval.map_or(30 * SECOND, Into::into),
            dynamodb_timeout: given.dynamodb_timeout.map_or(3 * SECOND, Into::into),
            trusted_proxies: (given.trusted_proxies.into_iter().flatten())
                .map(|proxy| proxy.0)
                .collect(),
            cognito,
        })
    }
}

const SECOND: Duration = Duration::from_secs(1);

#[cfg(test)]
mod tests;
