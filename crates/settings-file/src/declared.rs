//! Every setting, declared once: [`Declared`] has a field per key, named as
//! the key and typed as its value. [`KEYS`](crate::KEYS) is read off its
//! fields, and [`SettingsFile::declared`](crate::SettingsFile::declared)
//! fills it in, each refused value named by its key with what was expected.
//! `settings.sample.sh` documents each key (a test holds the two to the
//! same list).

use std::time::Duration;

use secrecy::SecretString;
use serde::Deserialize;
use serde::de::{self, Unexpected, Visitor};

/// The settings of the demo binaries and of `provision`, as the file and
/// the environment give them: absent when unset or empty. What is required,
/// the defaults and the rules between settings are the binaries'.
///
/// ```
/// let file = settings_file::SettingsFile::open_or("/nonexistent".as_ref(), "PORT=4000\nSESSION_TTL=1.5\n").unwrap();
/// let declared = file.declared().unwrap();
/// assert_eq!(declared.port, Some(4000));
/// assert_eq!(declared.session_ttl.map(Into::into), Some(std::time::Duration::from_millis(1500)));
/// assert!(declared.table_name.is_none());
/// ```
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub struct Declared {
    /// The AWS account id (written by `provision iam-user`, for the record).
    pub aws_id: Option<String>,
    /// The IAM user the demo runs as (written by `provision iam-user`).
    pub user_name: Option<String>,
    /// That user's access key id; with [`Declared::secret_access_key`].
    pub access_key_id: Option<String>,
    /// That user's secret access key.
    pub secret_access_key: Option<SecretString>,
    /// The region of the session table.
    pub aws_region: Option<String>,
    /// The session table.
    pub table_name: Option<String>,
    /// The region of the Cognito user pool.
    pub cognito_region: Option<String>,
    /// The user pool's name (`provision cognito` creates it).
    pub pool_name: Option<String>,
    /// The user pool's id.
    pub pool_id: Option<String>,
    /// The app client's id.
    pub client_id: Option<String>,
    /// The app client's secret, if it has one.
    pub client_secret: Option<SecretString>,
    /// How stage 2 proves the password.
    pub cognito_auth_flow: Option<AuthFlow>,
    /// Stage 2's ways to sign in.
    pub cognito_login: Option<LoginWays>,
    /// The app's address as browsers reach it.
    pub app_url: Option<AppUrl>,
    /// The key material of the session cookie.
    pub session_secret: Option<SecretString>,
    /// An endpoint for every AWS call: a local emulator.
    pub aws_endpoint_url: Option<String>,
    /// The port to listen on.
    pub port: Option<u16>,
    /// The address to listen on.
    pub host: Option<String>,
    /// The session cookie's `Secure` attribute.
    pub cookie_secure: Option<Flag>,
    /// A session's lifetime after its last request (at least 1 s).
    pub session_ttl: Option<Seconds<1000>>,
    /// A session's longest life after it began (at least 1 s).
    pub session_max_lifetime: Option<Seconds<1000>>,
    /// The least time between two touches of an unchanged session.
    pub touch_interval: Option<Seconds<0>>,
    /// Proxies whose `X-Forwarded-For` names the user's address.
    pub trusted_proxies: Option<Vec<Proxy>>,
    /// The bound on each DynamoDB call (at least 1 ms).
    pub dynamodb_timeout: Option<Seconds<1>>,
    /// How long before the access token expires it is refreshed.
    pub token_refresh_margin: Option<Seconds<0>>,
}

/// `COGNITO_AUTH_FLOW`: `srp` or `password`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthFlow {
    /// USER_SRP_AUTH: the password never leaves the app.
    Srp,
    /// USER_PASSWORD_AUTH.
    Password,
}

/// `COGNITO_LOGIN`: `form`, `hosted` or `both`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LoginWays {
    /// The login page's form.
    Form,
    /// Cognito's managed login.
    Hosted,
    /// Both.
    Both,
}

/// `true` or `false`, or the other words shells and INI files use for them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flag(pub bool);

/// A number of seconds, fractions allowed, from `LEAST_MS` milliseconds to
/// 400 days: the longest a browser keeps a cookie (RFC 6265bis), beyond
/// which times overflow or mean nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seconds<const LEAST_MS: u64>(pub Duration);

impl<const LEAST_MS: u64> From<Seconds<LEAST_MS>> for Duration {
    fn from(seconds: Seconds<LEAST_MS>) -> Self {
        seconds.0
    }
}

/// An address or a CIDR range; an address alone is a network of one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Proxy(pub ipnet::IpNet);

/// An `http` or `https` address without a path, kept without its final `/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppUrl(pub String);

/// A `Deserialize` from a string through `parse`, which answers `None` for
/// a value it refuses; `expected` says what it takes.
macro_rules! from_text {
    ($type:ty, $expected:expr, $parse:expr) => {
        impl<'de> Deserialize<'de> for $type {
            fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Text;
                impl<'de> Visitor<'de> for Text {
                    type Value = $type;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        f.write_str(&$expected)
                    }
                    fn visit_str<E: de::Error>(self, value: &str) -> Result<$type, E> {
                        let parse: fn(&str) -> Option<$type> = $parse;
                        parse(value).ok_or_else(|| E::invalid_value(Unexpected::Str(value), &self))
                    }
                }
                deserializer.deserialize_str(Text)
            }
        }
    };
}

from_text!(Flag, "true or false", |value| {
    match value.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(Flag(true)),
        "0" | "false" | "no" | "off" => Some(Flag(false)),
        _ => None,
    }
});

from_text!(
    Proxy,
    "IP addresses or CIDR ranges, separated by commas",
    |value| {
        let network = value.parse().ok();
        network
            .or_else(|| value.parse::<std::net::IpAddr>().ok().map(Into::into))
            .map(Proxy)
    }
);

from_text!(
    AppUrl,
    "the app's address, e.g. https://app.example.com (no path)",
    |value| {
        let parsed = url::Url::parse(value).ok()?;
        (matches!(parsed.scheme(), "http" | "https") && parsed.path() == "/")
            .then(|| AppUrl(value.trim_end_matches('/').to_owned()))
    }
);

impl<'de, const LEAST_MS: u64> Deserialize<'de> for Seconds<LEAST_MS> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Text<const LEAST_MS: u64>;
        impl<'de, const LEAST_MS: u64> Visitor<'de> for Text<LEAST_MS> {
            type Value = Seconds<LEAST_MS>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                let least = Duration::from_millis(LEAST_MS).as_secs_f64();
                write!(f, "a number of seconds from {least} to 400 days")
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
                const MOST: Duration = Duration::from_secs(400 * 24 * 3600);
                let least = Duration::from_millis(LEAST_MS);
                (value.parse().ok())
                    .and_then(|s| Duration::try_from_secs_f64(s).ok())
                    .filter(|d| (least..=MOST).contains(d))
                    .map(Seconds)
                    .ok_or_else(|| E::invalid_value(Unexpected::Str(value), &self))
            }
        }
        deserializer.deserialize_str(Text::<LEAST_MS>)
    }
}
