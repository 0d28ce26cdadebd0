//! Building a [`Cognito`]: the pool, the app client and how to call them.

use std::sync::Arc;
use std::time::Duration;

use aws_config::SdkConfig;
use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::config::Region;
use aws_sdk_cognitoidentityprovider::config::timeout::TimeoutConfig;

use crate::{Cognito, TokenVerifier};

/// How [`Cognito::sign_in`] proves the password.
///
/// ```
/// # async fn example(sdk_config: aws_config::SdkConfig) {
/// use auth::{AuthFlow, Cognito};
/// // An app client that allows ALLOW_USER_PASSWORD_AUTH only.
/// let cognito = Cognito::builder(&sdk_config, "eu-west-1_AbCdEf", "client-id")
///     .auth_flow(AuthFlow::Password)
///     .build();
/// # }
/// assert_eq!(auth::AuthFlow::default(), auth::AuthFlow::Srp);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthFlow {
    /// USER_SRP_AUTH: the password never leaves this process (default).
    #[default]
    Srp,
    /// USER_PASSWORD_AUTH: the password is sent to Cognito over TLS.
    Password,
}

/// Builds a [`Cognito`]; start from [`Cognito::builder`].
///
/// ```
/// # async fn example(sdk_config: aws_config::SdkConfig) {
/// use std::time::Duration;
/// let cognito = auth::Cognito::builder(&sdk_config, "eu-west-1_AbCdEf", "client-id")
///     .client_secret(std::env::var("COGNITO_CLIENT_SECRET").ok())
///     .timeout(Duration::from_secs(3))
///     .build();
/// # }
/// ```
#[must_use]
pub struct CognitoBuilder {
    sdk_config: SdkConfig,
    pool_id: String,
    client_id: String,
    client_secret: Option<String>,
    region: Option<String>,
    auth_flow: AuthFlow,
    rotating: bool,
    timeout: Duration,
    leeway: Duration,
    jwks_url: Option<String>,
}

impl Cognito {
    /// A builder for app client `client_id` of user pool `pool_id`, calling
    /// Cognito with `sdk_config` (credentials, endpoint override). The region
    /// is the pool's (the part of its id before `_`) unless set.
    ///
    /// ```
    /// // No call is made: this runs offline.
    /// let sdk_config = aws_config::SdkConfig::builder()
    ///     .behavior_version(aws_config::BehaviorVersion::latest())
    ///     .build();
    /// let cognito = auth::Cognito::builder(&sdk_config, "eu-west-1_AbCdEf", "client-id").build();
    /// assert_eq!(
    ///     cognito.verifier().issuer(),
    ///     "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf"
    /// );
    /// ```
    pub fn builder(
        sdk_config: &SdkConfig,
        pool_id: impl Into<String>,
        client_id: impl Into<String>,
    ) -> CognitoBuilder {
        CognitoBuilder {
            sdk_config: sdk_config.clone(),
            pool_id: pool_id.into(),
            client_id: client_id.into(),
            client_secret: None,
            region: None,
            auth_flow: AuthFlow::Srp,
            rotating: false,
            timeout: Duration::from_secs(5),
            leeway: crate::verify::DEFAULT_LEEWAY,
            jwks_url: None,
        }
    }
}

impl CognitoBuilder {
    /// The app client's secret, when it has one: SECRET_HASH is then sent
    /// with every call that needs it.
    ///
    /// ```
    /// # async fn example(sdk_config: aws_config::SdkConfig) {
    /// // From the environment, never from code; unset or empty means no secret.
    /// let cognito = auth::Cognito::builder(&sdk_config, "eu-west-1_AbCdEf", "client-id")
    ///     .client_secret(std::env::var("COGNITO_CLIENT_SECRET").ok())
    ///     .build();
    /// # }
    /// ```
    pub fn client_secret(mut self, secret: Option<String>) -> Self {
        self.client_secret = secret.filter(|s| !s.is_empty());
        self
    }

    /// The pool's region (default: from the pool id).
    ///
    /// ```
    /// # async fn example(sdk_config: aws_config::SdkConfig) {
    /// let cognito = auth::Cognito::builder(&sdk_config, "eu-west-1_AbCdEf", "client-id")
    ///     .region("eu-west-1")
    ///     .build();
    /// # }
    /// ```
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// How passwords are proven (default [`AuthFlow::Srp`]).
    ///
    /// ```
    /// # async fn example(sdk_config: aws_config::SdkConfig) {
    /// let cognito = auth::Cognito::builder(&sdk_config, "eu-west-1_AbCdEf", "client-id")
    ///     .auth_flow(auth::AuthFlow::Password)
    ///     .build();
    /// # }
    /// ```
    pub fn auth_flow(mut self, flow: AuthFlow) -> Self {
        self.auth_flow = flow;
        self
    }

    /// Whether the app client rotates refresh tokens (Cognito's refresh
    /// token rotation, default off): [`Cognito::refresh`] then calls
    /// GetTokensFromRefreshToken, and keeps the new refresh token each
    /// answer brings. Cognito refuses REFRESH_TOKEN_AUTH for such a client.
    ///
    /// ```
    /// # async fn example(sdk_config: aws_config::SdkConfig) {
    /// let cognito = auth::Cognito::builder(&sdk_config, "eu-west-1_AbCdEf", "client-id")
    ///     .rotating_refresh_tokens(true)
    ///     .build();
    /// # }
    /// ```
    pub fn rotating_refresh_tokens(mut self, rotating: bool) -> Self {
        self.rotating = rotating;
        self
    }

    /// The bound on each Cognito call and JWKS fetch, retries included (default 5 s).
    ///
    /// ```
    /// # async fn example(sdk_config: aws_config::SdkConfig) {
    /// use std::time::Duration;
    /// // A login page waits at most 2 s for Cognito before it says so.
    /// let cognito = auth::Cognito::builder(&sdk_config, "eu-west-1_AbCdEf", "client-id")
    ///     .timeout(Duration::from_secs(2))
    ///     .build();
    /// # }
    /// ```
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Tolerance on token times (default 5 s).
    ///
    /// ```
    /// # async fn example(sdk_config: aws_config::SdkConfig) {
    /// use std::time::Duration;
    /// // A host whose clock may drift by up to 30 s.
    /// let cognito = auth::Cognito::builder(&sdk_config, "eu-west-1_AbCdEf", "client-id")
    ///     .leeway(Duration::from_secs(30))
    ///     .build();
    /// # }
    /// ```
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// Where the pool's keys are fetched (default: next to the endpoint
    /// override when one is set, as local emulators serve them, else
    /// `https://cognito-idp.<region>.amazonaws.com/<pool>/.well-known/jwks.json`).
    /// Its certificate is checked against the system's authorities, or those
    /// of `SSL_CERT_FILE` / `SSL_CERT_DIR` when set.
    ///
    /// ```
    /// # async fn example(sdk_config: aws_config::SdkConfig) {
    /// // Keys through an egress proxy of your own.
    /// let cognito = auth::Cognito::builder(&sdk_config, "eu-west-1_AbCdEf", "client-id")
    ///     .jwks_url("https://egress.internal/cognito/eu-west-1_AbCdEf/jwks.json")
    ///     .build();
    /// # }
    /// ```
    pub fn jwks_url(mut self, url: impl Into<String>) -> Self {
        self.jwks_url = Some(url.into());
        self
    }

    /// The client. Makes no call.
    ///
    /// ```
    /// let sdk_config = aws_config::SdkConfig::builder()
    ///     .behavior_version(aws_config::BehaviorVersion::latest())
    ///     .build();
    /// let cognito = auth::Cognito::builder(&sdk_config, "eu-west-1_AbCdEf", "client-id").build();
    /// assert_eq!(cognito.pool_id(), "eu-west-1_AbCdEf");
    /// ```
    pub fn build(self) -> Cognito {
        let region = self
            .region
            .or_else(|| self.pool_id.split_once('_').map(|(r, _)| r.to_owned()))
            .unwrap_or_else(|| "us-east-1".to_owned());
        let issuer = format!(
            "https://cognito-idp.{region}.amazonaws.com/{}",
            self.pool_id
        );
        let jwks_url = self
            .jwks_url
            .unwrap_or_else(|| match self.sdk_config.endpoint_url() {
                Some(endpoint) => format!(
                    "{}/{}/.well-known/jwks.json",
                    endpoint.trim_end_matches('/'),
                    self.pool_id
                ),
                None => format!("{issuer}/.well-known/jwks.json"),
            });
        // One connection pool per thread: a call on one actix worker never
        // waits on another worker's runtime.
        let sdk_config = per_thread_http::per_thread_pools(&self.sdk_config);
        let config = aws_sdk_cognitoidentityprovider::config::Builder::from(&sdk_config)
            .region(Region::new(region))
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(self.timeout.min(Duration::from_secs(2)))
                    .operation_attempt_timeout(self.timeout)
                    .operation_timeout(self.timeout)
                    .build(),
            )
            .build();
        Cognito {
            client: Client::from_conf(config),
            verifier: Arc::new(
                TokenVerifier::new(issuer, &self.client_id, jwks_url, self.timeout)
                    .leeway(self.leeway),
            ),
            pool_id: self.pool_id,
            client_id: self.client_id,
            client_secret: self.client_secret,
            auth_flow: self.auth_flow,
            rotating: self.rotating,
            counters: Default::default(),
            user_context: None,
        }
    }
}
