//! Typed configuration, read once at start: `KEY=VALUE` lines of a settings
//! file (as the seed's scripts write them), overridden by environment
//! variables of the same name, and `--port`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Which demo stage runs: they differ in defaults and in the authenticator.
///
/// ```
/// use demo_web::Stage;
/// // The original demo's short lifetimes, so that expiry is seen in a demo.
/// assert!(Stage::Store.default_session_ttl() < Stage::Cognito.default_session_ttl());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Stage 1: sessions in DynamoDB, local users a/a and b/b.
    Store,
    /// Stage 2: sessions in DynamoDB, users in a Cognito user pool.
    Cognito,
}

impl Stage {
    /// The session lifetime of the original demo.
    ///
    /// ```
    /// use std::time::Duration;
    /// assert_eq!(demo_web::Stage::Store.default_session_ttl(), Duration::from_secs(8));
    /// ```
    pub fn default_session_ttl(self) -> Duration {
        match self {
            Stage::Store => Duration::from_secs(8),
            Stage::Cognito => Duration::from_secs(150),
        }
    }

    /// The stage's binary.
    ///
    /// ```
    /// assert_eq!(demo_web::Stage::Store.program(), "with-dynamodb-store");
    /// ```
    pub fn program(self) -> &'static str {
        match self {
            Stage::Store => "with-dynamodb-store",
            Stage::Cognito => "with-dynamodb-cognito",
        }
    }

    /// What `--help` prints.
    ///
    /// ```
    /// let help = demo_web::Stage::Cognito.help();
    /// assert!(help.contains("usage: with-dynamodb-cognito [--settings FILE] [--port PORT]"));
    /// ```
    pub fn help(self) -> String {
        const OPTIONS: &str = "
  --settings FILE  KEY=VALUE settings (default ./settings.sh; see settings.sample.sh);
                   environment variables of the same names override them
  --port PORT      the port to listen on (overrides PORT)
  -h, --help       this text
";
        let what = match self {
            Stage::Store => {
                "stage 1 of the demo: sessions in DynamoDB, local users a / a and b / b"
            }
            Stage::Cognito => {
                "stage 2 of the demo: sessions in DynamoDB, users in a Cognito user pool"
            }
        };
        format!("{}: {what}.\n\n{}\n{OPTIONS}", self.program(), self.usage())
    }

    fn usage(self) -> String {
        format!("usage: {} [--settings FILE] [--port PORT]", self.program())
    }

    fn required_keys(self) -> &'static [&'static str] {
        match self {
            Stage::Store => &["AWS_REGION", "TABLE_NAME"],
            Stage::Cognito => &["AWS_REGION", "TABLE_NAME", "POOL_ID", "CLIENT_ID"],
        }
    }
}

/// Cognito settings (stage 2).
///
/// ```
/// use std::path::Path;
/// use demo_web::{Settings, Stage};
/// let env = |key: &str| match key {
///     "AWS_REGION" => Some("eu-west-1".to_owned()),
///     "TABLE_NAME" => Some("sessions".to_owned()),
///     "POOL_ID" => Some("eu-west-1_AbCdEf".to_owned()),
///     "CLIENT_ID" => Some("client-id".to_owned()),
///     _ => None,
/// };
/// let settings = Settings::load(Stage::Cognito, Path::new("/nonexistent/settings.sh"), env).unwrap();
/// let cognito = settings.cognito.unwrap();
/// assert_eq!((cognito.pool_id.as_str(), cognito.password_auth), ("eu-west-1_AbCdEf", false));
///
/// // The client secret never appears in Debug output (logs).
/// let with_secret = demo_web::settings::CognitoSettings {
///     client_secret: Some("not for printing".to_owned()),
///     ..cognito
/// };
/// assert!(!format!("{with_secret:?}").contains("not for printing"));
/// ```
#[derive(Clone)]
pub struct CognitoSettings {
    /// The user pool id.
    pub pool_id: String,
    /// The app client id.
    pub client_id: String,
    /// The app client secret, if it has one.
    pub client_secret: Option<String>,
    /// The pool's region (default: from the pool id).
    pub region: Option<String>,
    /// `srp` (default) or `password`.
    pub password_auth: bool,
    /// Refresh the access token when it expires within this margin.
    pub refresh_margin: Duration,
}

impl std::fmt::Debug for CognitoSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CognitoSettings")
            .field("pool_id", &self.pool_id)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "…"))
            .field("region", &self.region)
            .field("password_auth", &self.password_auth)
            .field("refresh_margin", &self.refresh_margin)
            .finish()
    }
}

/// Everything the web app reads from its settings.
///
/// ```
/// use std::path::Path;
/// use demo_web::{Settings, Stage};
/// let env = |key: &str| match key {
///     "AWS_REGION" => Some("eu-west-1".to_owned()),
///     "TABLE_NAME" => Some("sessions".to_owned()),
///     "SESSION_SECRET" => Some("not for printing".to_owned()),
///     _ => None,
/// };
/// let settings = Settings::load(Stage::Store, Path::new("/nonexistent/settings.sh"), env).unwrap();
/// assert_eq!((settings.port, settings.cookie_secure), (3000, true)); // the defaults
/// assert!(!format!("{settings:?}").contains("not for printing"));
/// ```
#[derive(Clone)]
pub struct Settings {
    /// Which stage.
    pub stage: Stage,
    /// Port to listen on (127.0.0.1 unless `HOST` says otherwise).
    pub port: u16,
    /// Address to listen on.
    pub host: String,
    /// Region of the session table.
    pub aws_region: String,
    /// Static credentials; `None` uses the standard AWS credential chain.
    pub credentials: Option<(String, String)>,
    /// Endpoint override for a local emulator.
    pub endpoint_url: Option<String>,
    /// The session table.
    pub table_name: String,
    /// The cookie key material; `None` means a random key per start.
    pub session_secret: Option<String>,
    /// The `Secure` attribute of the session cookie.
    pub cookie_secure: bool,
    /// Session lifetime.
    pub session_ttl: Duration,
    /// Least time between two expiry extensions of an unchanged session
    /// (capped by the store at half the session lifetime).
    pub touch_interval: Duration,
    /// Bound on each DynamoDB call.
    pub dynamodb_timeout: Duration,
    /// Stage 2 only.
    pub cognito: Option<CognitoSettings>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print secrets.
        f.debug_struct("Settings")
            .field("stage", &self.stage)
            .field("port", &self.port)
            .field("aws_region", &self.aws_region)
            .field("endpoint_url", &self.endpoint_url)
            .field("table_name", &self.table_name)
            .field("cookie_secure", &self.cookie_secure)
            .field("session_ttl", &self.session_ttl)
            .finish_non_exhaustive()
    }
}

/// A setting that is missing or wrong; the message names the key and file.
///
/// ```
/// use std::path::Path;
/// use demo_web::{Settings, Stage};
/// let err = Settings::load(Stage::Store, Path::new("no-such-settings.sh"), |_| None).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "missing setting AWS_REGION: set it in no-such-settings.sh \
///      (not found: copy settings.sample.sh) or in the environment"
/// );
/// ```
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// A required key has no value.
    #[error(
        "missing setting {key}: set it in {file}{} or in the environment",
        if *.file_found { "" } else { " (not found: copy settings.sample.sh)" }
    )]
    Missing {
        /// The key.
        key: &'static str,
        /// The settings file looked in.
        file: String,
        /// Whether that file exists: a first run without one is told where
        /// to start.
        file_found: bool,
    },
    /// A value that does not parse.
    #[error("setting {key}={value:?} is not valid: {reason}")]
    Invalid {
        /// The key.
        key: &'static str,
        /// The value found.
        value: String,
        /// What is expected.
        reason: &'static str,
    },
    /// The settings file exists but cannot be read.
    #[error("cannot read settings file {file}: {source}")]
    Unreadable {
        /// The file.
        file: String,
        /// Why.
        source: std::io::Error,
    },
    /// A command-line argument that is not understood (the text ends with
    /// the usage line).
    #[error("{0}")]
    Usage(String),
    /// `--help` or `-h`: not a failure; the text is the help to print.
    #[error("{0}")]
    Help(String),
}

/// Every key a settings file may hold: what the binaries read, and what
/// `provision` writes there for the record (`AWS_ID`, `USER_NAME`,
/// `POOL_NAME`). `settings.sample.sh` lists each of them.
const KEYS: &[&str] = &[
    "AWS_ID",
    "USER_NAME",
    "ACCESS_KEY_ID",
    "SECRET_ACCESS_KEY",
    "AWS_REGION",
    "TABLE_NAME",
    "COGNITO_REGION",
    "POOL_NAME",
    "POOL_ID",
    "CLIENT_ID",
    "CLIENT_SECRET",
    "COGNITO_AUTH_FLOW",
    "SESSION_SECRET",
    "AWS_ENDPOINT_URL",
    "PORT",
    "HOST",
    "COOKIE_SECURE",
    "SESSION_TTL",
    "TOUCH_INTERVAL",
    "DYNAMODB_TIMEOUT",
    "TOKEN_REFRESH_MARGIN",
];

/// The keys of a settings file that nothing here reads, sorted, each with
/// the known key it probably misspells. A typo in an optional setting would
/// otherwise go unnoticed, its default silently in force.
fn unknown_keys(values: &HashMap<String, String>) -> Vec<(String, Option<&'static str>)> {
    let mut unknown: Vec<_> = values
        .keys()
        .filter(|key| !KEYS.contains(&key.as_str()))
        .map(|key| {
            let upper = key.to_ascii_uppercase();
            let meant = KEYS
                .iter()
                .map(|known| (strsim::levenshtein(&upper, known), *known))
                .filter(|(distance, _)| *distance <= 2)
                .min()
                .map(|(_, known)| known);
            (key.clone(), meant)
        })
        .collect();
    unknown.sort();
    unknown
}

/// Whether `text` is written as a key is (a shell variable's name).
fn is_key(text: &str) -> bool {
    text.len() <= 64
        && text.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Parses `KEY=VALUE` lines: comments, blank lines and `export ` prefixes are
/// skipped, one level of matching quotes is removed, and a comment after the
/// value (`PORT=3000  # the demo's`) is dropped, as the shell drops it.
///
/// ```
/// let values = demo_web::settings::parse_settings_file(
///     "# written by the setup scripts\nexport TABLE_NAME='sessions'\nPORT=3000 # default\n",
/// );
/// assert_eq!(values["TABLE_NAME"], "sessions");
/// assert_eq!(values["PORT"], "3000");
/// ```
pub fn parse_settings_file(text: &str) -> HashMap<String, String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| {
            let line = line.strip_prefix("export ").unwrap_or(line);
            let (key, value) = line.split_once('=')?;
            Some((
                key.trim().to_owned(),
                split_setting_value(value).0.to_owned(),
            ))
        })
        .collect()
}

/// Splits the text after a line's `=` into its value (unquoted) and the
/// comment after it, with the blank before it (empty when there is none).
///
/// A `#` starts a comment only after whitespace, as in the shell: a secret's
/// `#` stays in it (`abc#def`), a note after it does not (`abc # mine`), where
/// it would otherwise have become part of the secret without a word.
///
/// ```
/// use demo_web::settings::split_setting_value;
/// assert_eq!(split_setting_value("abc#def  # mine"), ("abc#def", "  # mine"));
/// assert_eq!(split_setting_value("'a # b'"), ("a # b", ""));
/// ```
pub fn split_setting_value(text: &str) -> (&str, &str) {
    let text = text.trim();
    let comment_at = |at: usize| {
        let rest = &text[at..];
        rest.starts_with(char::is_whitespace) && rest.trim_start().starts_with('#')
    };
    for quote in ['"', '\''] {
        if let Some(quoted) = text.strip_prefix(quote)
            && let Some(close) = quoted.find(quote)
        {
            let after = 1 + close + 1;
            if after == text.len() || comment_at(after) {
                return (&quoted[..close], &text[after..]);
            }
        }
    }
    let end = (0..text.len())
        .find(|&at| text.is_char_boundary(at) && comment_at(at))
        .unwrap_or(text.len());
    (&text[..end], &text[end..])
}

/// Looks a key up in the environment.
type EnvLookup = Box<dyn Fn(&str) -> Option<String>>;

/// Where settings come from: a file's values and an environment lookup.
struct Source {
    file: PathBuf,
    file_found: bool,
    values: HashMap<String, String>,
    env: EnvLookup,
}

impl Source {
    fn get(&self, key: &str) -> Option<String> {
        (self.env)(key)
            .or_else(|| self.values.get(key).cloned())
            .filter(|v| !v.trim().is_empty())
    }

    fn required(&self, key: &'static str) -> Result<String, SettingsError> {
        self.get(key).ok_or_else(|| self.missing(key))
    }

    fn missing(&self, key: &'static str) -> SettingsError {
        SettingsError::Missing {
            key,
            file: self.file.display().to_string(),
            file_found: self.file_found,
        }
    }

    fn parsed<T: std::str::FromStr>(
        &self,
        key: &'static str,
        default: T,
        reason: &'static str,
    ) -> Result<T, SettingsError> {
        match self.get(key) {
            None => Ok(default),
            Some(value) => value
                .parse()
                .map_err(|_| SettingsError::Invalid { key, value, reason }),
        }
    }

    fn flag(&self, key: &'static str, default: bool) -> Result<bool, SettingsError> {
        match self.get(key).map(|v| v.to_ascii_lowercase()) {
            None => Ok(default),
            Some(v) if ["1", "true", "yes", "on"].contains(&v.as_str()) => Ok(true),
            Some(v) if ["0", "false", "no", "off"].contains(&v.as_str()) => Ok(false),
            Some(value) => Err(SettingsError::Invalid {
                key,
                value,
                reason: "expected true or false",
            }),
        }
    }
}

impl Settings {
    /// Settings from the command line (`--settings FILE`, default
    /// `./settings.sh`; `--port PORT`), the file and the process environment.
    /// `--help` is [`SettingsError::Help`].
    ///
    /// ```
    /// use demo_web::{Settings, Stage, settings::SettingsError};
    /// let err = Settings::from_args(Stage::Store, ["--verbose".to_owned()]).unwrap_err();
    /// assert!(matches!(err, SettingsError::Usage(_)), "{err}");
    /// assert!(err.to_string().ends_with("usage: with-dynamodb-store [--settings FILE] [--port PORT]"));
    /// let help = Settings::from_args(Stage::Store, ["--help".to_owned()]).unwrap_err();
    /// assert!(matches!(help, SettingsError::Help(_)));
    /// ```
    pub fn from_args(
        stage: Stage,
        args: impl IntoIterator<Item = String>,
    ) -> Result<Self, SettingsError> {
        let mut file = None;
        let mut port = None;
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let usage =
                |problem: String| SettingsError::Usage(format!("{problem}\n{}", stage.usage()));
            let mut value = |name: &str| {
                args.next()
                    .ok_or_else(|| usage(format!("{name} needs a value")))
            };
            match arg.as_str() {
                "--settings" => file = Some(PathBuf::from(value("--settings")?)),
                "--port" => port = Some(value("--port")?),
                "--help" | "-h" => return Err(SettingsError::Help(stage.help())),
                other => return Err(usage(format!("unknown argument {other:?}"))),
            }
        }
        let port = port
            .map(|port| {
                port.parse().map_err(|_| SettingsError::Invalid {
                    key: "PORT",
                    value: port,
                    reason: "expected a port number",
                })
            })
            .transpose()?;
        // Without the default file, the environment may hold every setting;
        // a file named on the command line must be there.
        if let Some(file) = &file
            && let Err(source) = std::fs::metadata(file)
            && source.kind() == std::io::ErrorKind::NotFound
        {
            return Err(SettingsError::Unreadable {
                file: file.display().to_string(),
                source,
            });
        }
        let file = file.unwrap_or_else(|| PathBuf::from("settings.sh"));
        let mut settings = Self::load(stage, &file, |key| std::env::var(key).ok())?;
        if let Some(port) = port {
            settings.port = port;
        }
        Ok(settings)
    }

    /// Settings from `file` (a missing file is empty) and `env`.
    ///
    /// ```
    /// use std::path::Path;
    /// use demo_web::{Settings, Stage};
    /// let dir = std::env::temp_dir().join(format!("demo-web-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let file = dir.join("settings.sh");
    /// std::fs::write(&file, "AWS_REGION=eu-west-1\nTABLE_NAME=sessions\nPORT=3000\n").unwrap();
    /// // The environment wins over the file.
    /// let settings = Settings::load(Stage::Store, &file, |key| (key == "PORT").then(|| "8080".to_owned())).unwrap();
    /// assert_eq!((settings.table_name.as_str(), settings.port), ("sessions", 8080));
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    pub fn load(
        stage: Stage,
        file: &Path,
        env: impl Fn(&str) -> Option<String> + 'static,
    ) -> Result<Self, SettingsError> {
        let (values, file_found) = match std::fs::read_to_string(file) {
            Ok(text) => (parse_settings_file(&text), true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (HashMap::new(), false),
            Err(source) => {
                return Err(SettingsError::Unreadable {
                    file: file.display().to_string(),
                    source,
                });
            }
        };
        for (key, meant) in unknown_keys(&values) {
            let file = file.display();
            if !is_key(&key) {
                // What precedes `=` on a garbled line may be part of a value,
                // a secret perhaps: it is not logged.
                tracing::warn!(%file, "a line that is not KEY=VALUE ignored");
            } else if let Some(meant) = meant {
                tracing::warn!(%file, "unknown setting {key} ignored: did you mean {meant}?");
            } else {
                tracing::warn!(%file, "unknown setting {key} ignored");
            }
        }
        let source = Source {
            file: file.to_owned(),
            file_found,
            values,
            env: Box::new(env),
        };
        for key in stage.required_keys() {
            source.required(key)?;
        }
        let credentials = match (source.get("ACCESS_KEY_ID"), source.get("SECRET_ACCESS_KEY")) {
            (Some(id), Some(secret)) => Some((id, secret)),
            (None, None) => None,
            (Some(_), None) => return Err(source.missing("SECRET_ACCESS_KEY")),
            (None, Some(_)) => return Err(source.missing("ACCESS_KEY_ID")),
        };
        // Durations end at the longest a browser keeps a cookie (400 days,
        // RFC 6265bis): beyond it, times overflow or mean nothing.
        let seconds = |key: &'static str,
                       default: Duration,
                       (least, reason): (Duration, &'static str)|
         -> Result<Duration, SettingsError> {
            const MAX: Duration = Duration::from_secs(400 * 24 * 3600);
            let value = source.parsed(key, default.as_secs_f64(), reason)?;
            match Duration::try_from_secs_f64(value) {
                Ok(d) if (least..=MAX).contains(&d) => Ok(d),
                _ => Err(SettingsError::Invalid {
                    key,
                    value: source.get(key).unwrap_or_default(),
                    reason,
                }),
            }
        };
        let any = (
            Duration::ZERO,
            "expected a number of seconds from 0 to 400 days",
        );
        let above_zero = (
            Duration::from_millis(1),
            "expected a number of seconds above 0, up to 400 days",
        );
        // The store keeps expiry times in whole seconds.
        let a_second_or_more = (
            Duration::from_secs(1),
            "expected a number of seconds from 1 to 400 days",
        );
        let cognito = match stage {
            Stage::Store => None,
            Stage::Cognito => {
                let pool_id = source.required("POOL_ID")?;
                Some(CognitoSettings {
                    region: cognito_region(&source, &pool_id)?,
                    pool_id,
                    client_id: source.required("CLIENT_ID")?,
                    client_secret: source.get("CLIENT_SECRET"),
                    password_auth: match source.get("COGNITO_AUTH_FLOW").as_deref() {
                        None | Some("srp") => false,
                        Some("password") => true,
                        Some(other) => {
                            return Err(SettingsError::Invalid {
                                key: "COGNITO_AUTH_FLOW",
                                value: other.to_owned(),
                                reason: "expected srp or password",
                            });
                        }
                    },
                    refresh_margin: seconds("TOKEN_REFRESH_MARGIN", Duration::from_secs(60), any)?,
                })
            }
        };
        Ok(Settings {
            stage,
            port: source.parsed("PORT", 3000, "expected a port number")?,
            host: source.get("HOST").unwrap_or_else(|| "127.0.0.1".to_owned()),
            aws_region: source.required("AWS_REGION")?,
            credentials,
            endpoint_url: source.get("AWS_ENDPOINT_URL"),
            table_name: source.required("TABLE_NAME")?,
            session_secret: source.get("SESSION_SECRET"),
            cookie_secure: source.flag("COOKIE_SECURE", true)?,
            session_ttl: seconds("SESSION_TTL", stage.default_session_ttl(), a_second_or_more)?,
            touch_interval: seconds("TOUCH_INTERVAL", Duration::from_secs(30), any)?,
            dynamodb_timeout: seconds("DYNAMODB_TIMEOUT", Duration::from_secs(3), above_zero)?,
            cognito,
        })
    }
}

/// COGNITO_REGION, which must be the region a pool id starts with: calls
/// to another region find no pool ("Sign-in failed." at every login).
fn cognito_region(source: &Source, pool_id: &str) -> Result<Option<String>, SettingsError> {
    let region = source.get("COGNITO_REGION");
    if let Some(region) = &region
        && let Some((pool_region, _)) = pool_id.split_once('_')
        && pool_region != region
    {
        return Err(SettingsError::Invalid {
            key: "COGNITO_REGION",
            value: region.clone(),
            reason: "POOL_ID names another region (the part before `_`); leave COGNITO_REGION empty to use it",
        });
    }
    Ok(region)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cognito_region_is_the_pools() {
        let text = "AWS_REGION=eu-west-3\nTABLE_NAME=t\nPOOL_ID=eu-west-1_AbC\nCLIENT_ID=c\n";
        let err = load(Stage::Cognito, text, &[("COGNITO_REGION", "eu-west-3")]).unwrap_err();
        assert!(
            matches!(
                err,
                SettingsError::Invalid {
                    key: "COGNITO_REGION",
                    ..
                }
            ),
            "{err}"
        );
        for region in [None, Some("eu-west-1")] {
            let env: Vec<_> = region.map(|r| ("COGNITO_REGION", r)).into_iter().collect();
            let cognito = load(Stage::Cognito, text, &env).unwrap().cognito.unwrap();
            assert_eq!(cognito.region.as_deref(), region);
        }
    }

    #[test]
    fn the_sample_lists_every_key_and_only_those() {
        let sample = parse_settings_file(include_str!("../../../settings.sample.sh"));
        let mut in_sample: Vec<&str> = sample.keys().map(String::as_str).collect();
        in_sample.sort_unstable();
        let mut known = KEYS.to_vec();
        known.sort_unstable();
        assert_eq!(in_sample, known);
    }

    #[test]
    fn unknown_keys_are_named_with_the_key_they_misspell() {
        let values = parse_settings_file(
            "SESION_TTL=60\nTABLENAME=t\nsession_secret=x\nAWS_PROFILE=p\nPORT=1\nHOST=h\n",
        );
        assert_eq!(
            unknown_keys(&values),
            [
                ("AWS_PROFILE".to_owned(), None),
                ("SESION_TTL".to_owned(), Some("SESSION_TTL")),
                ("TABLENAME".to_owned(), Some("TABLE_NAME")),
                ("session_secret".to_owned(), Some("SESSION_SECRET")),
            ]
        );
    }

    #[test]
    fn an_unknown_key_in_the_file_draws_a_warning_and_changes_nothing() {
        let log = Log::default();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(log.clone())
            .with_ansi(false)
            .finish();
        let settings = tracing::subscriber::with_default(subscriber, || {
            let text = "AWS_REGION=r\nTABLE_NAME=t\nSESION_TTL=60\nSESSION_SECRET: hunter2=x\n";
            load(Stage::Store, text, &[])
        })
        .unwrap();
        assert_eq!(settings.session_ttl, Stage::Store.default_session_ttl());
        let log = log.text();
        assert!(
            log.contains("WARN")
                && log.contains("unknown setting SESION_TTL ignored: did you mean SESSION_TTL?")
                && log.contains("settings.sh"),
            "{log}"
        );
        assert!(
            log.contains("a line that is not KEY=VALUE ignored") && !log.contains("hunter2"),
            "a garbled line is not logged: {log}"
        );
    }

    /// A log written to memory.
    #[derive(Clone, Default)]
    struct Log(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl Log {
        fn text(&self) -> String {
            String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
        }
    }

    impl std::io::Write for Log {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Log {
        type Writer = Log;

        fn make_writer(&'a self) -> Log {
            self.clone()
        }
    }

    fn load(
        stage: Stage,
        file_text: &str,
        env: &[(&str, &str)],
    ) -> Result<Settings, SettingsError> {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("settings.sh");
        std::fs::write(&file, file_text).unwrap();
        let env: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        Settings::load(stage, &file, move |k| env.get(k).cloned())
    }

    #[test]
    fn a_settings_file_named_on_the_command_line_must_exist() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("settings.sh");
        let args = ["--settings".to_owned(), missing.display().to_string()];
        let err = Settings::from_args(Stage::Store, args).unwrap_err();
        assert!(matches!(err, SettingsError::Unreadable { .. }), "{err}");
        assert!(
            err.to_string().contains(&*missing.to_string_lossy()),
            "{err}"
        );
        // The file exists but lacks a required key: the message does not
        // send the reader to the sample.
        std::fs::write(&missing, "TABLE_NAME=t\n").unwrap();
        let err = Settings::load(Stage::Store, &missing, |_| None).unwrap_err();
        assert!(matches!(
            err,
            SettingsError::Missing {
                key: "AWS_REGION",
                file_found: true,
                ..
            }
        ));
        assert!(!err.to_string().contains("settings.sample.sh"), "{err}");
    }

    #[test]
    fn a_bad_port_argument_is_named_before_any_setting_is_read() {
        let args = ["--settings", "/nonexistent/settings.sh", "--port", "abc"].map(str::to_owned);
        let err = Settings::from_args(Stage::Store, args).unwrap_err();
        assert!(
            matches!(err, SettingsError::Invalid { key: "PORT", .. }),
            "{err}"
        );
    }

    #[test]
    fn parses_the_seeds_format() {
        let values = parse_settings_file(
            "# comment\nAWS_REGION=eu-west-3\nexport PORT=\"4000\"\nEMPTY=\n  TABLE_NAME = 't'  \nnot a line\n",
        );
        assert_eq!(values["AWS_REGION"], "eu-west-3");
        assert_eq!(values["PORT"], "4000");
        assert_eq!(values["EMPTY"], "");
        assert_eq!(values["TABLE_NAME"], "t");
        assert_eq!(values.len(), 4);
    }

    #[test]
    fn a_comment_after_a_value_is_not_part_of_it() {
        let values = parse_settings_file(concat!(
            "SESSION_SECRET=abc#def # made with openssl\n",
            "PORT=3000\t# the default\n",
            "TABLE_NAME='my table' # quoted: spaces kept\n",
            "POOL_NAME=\"a # b\"\n",
            "HOST=#\n",
            "CLIENT_ID='unclosed # x\n",
            "AWS_REGION=\n",
        ));
        assert_eq!(values["SESSION_SECRET"], "abc#def");
        assert_eq!(values["PORT"], "3000");
        assert_eq!(values["TABLE_NAME"], "my table");
        assert_eq!(values["POOL_NAME"], "a # b");
        assert_eq!(values["HOST"], "#");
        // Not valid shell either: kept up to the comment, for the error to name.
        assert_eq!(values["CLIENT_ID"], "'unclosed");
        assert_eq!(values["AWS_REGION"], "");
    }

    #[test]
    fn environment_overrides_the_file_and_defaults_apply() {
        let s = load(
            Stage::Store,
            "AWS_REGION=eu-west-3\nTABLE_NAME=t\nPORT=4000\n",
            &[("PORT", "5000")],
        )
        .unwrap();
        assert_eq!(s.port, 5000);
        assert_eq!(s.session_ttl, Duration::from_secs(8));
        assert_eq!(s.touch_interval, Duration::from_secs(30));
        assert!(s.cookie_secure, "Secure is on unless turned off");
        assert!(s.credentials.is_none());
        let s = load(
            Stage::Cognito,
            "AWS_REGION=r\nTABLE_NAME=t\nPOOL_ID=p\nCLIENT_ID=c\n",
            &[],
        )
        .unwrap();
        assert_eq!(s.session_ttl, Duration::from_secs(150));
    }

    #[test]
    fn a_missing_key_names_the_key_and_the_file() {
        let err = load(
            Stage::Cognito,
            "AWS_REGION=r\nTABLE_NAME=t\nPOOL_ID=\n",
            &[],
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("POOL_ID") && text.contains("settings.sh"),
            "{text}"
        );
        let err = load(
            Stage::Store,
            "AWS_REGION=r\nTABLE_NAME=t\nACCESS_KEY_ID=x\n",
            &[],
        )
        .unwrap_err();
        assert!(err.to_string().contains("SECRET_ACCESS_KEY"));
    }

    #[test]
    fn bad_values_are_named() {
        let err = load(
            Stage::Store,
            "AWS_REGION=r\nTABLE_NAME=t\nCOOKIE_SECURE=maybe\n",
            &[],
        )
        .unwrap_err();
        assert!(err.to_string().contains("COOKIE_SECURE"));
        assert!(Settings::from_args(Stage::Store, ["--bogus".to_owned()]).is_err());
    }

    #[test]
    fn durations_out_of_range_are_named_not_panics() {
        for (key, value) in [
            ("SESSION_TTL", "-5"),
            ("SESSION_TTL", "nan"),
            ("SESSION_TTL", "inf"),
            ("SESSION_TTL", "0"),
            ("SESSION_TTL", "0.5"),
            ("SESSION_TTL", "1e300"),
            ("TOUCH_INTERVAL", "-1"),
            ("DYNAMODB_TIMEOUT", "0"),
            ("TOKEN_REFRESH_MARGIN", "1e19"),
        ] {
            let err = load(
                Stage::Cognito,
                "AWS_REGION=r\nTABLE_NAME=t\nPOOL_ID=p\nCLIENT_ID=c\n",
                &[(key, value)],
            )
            .expect_err(value);
            assert!(
                matches!(err, SettingsError::Invalid { key: k, .. } if k == key),
                "{key}={value}: {err}"
            );
        }
        let s = load(
            Stage::Store,
            "AWS_REGION=r\nTABLE_NAME=t\nTOUCH_INTERVAL=0\nSESSION_TTL=1.5\n",
            &[],
        )
        .unwrap();
        assert_eq!(
            s.touch_interval,
            Duration::ZERO,
            "touching on every request is allowed"
        );
        assert_eq!(s.session_ttl, Duration::from_millis(1500));
    }
}
