//! Building the app from settings, on a `TcpListener` (tests bind port 0).

use std::net::TcpListener;
use std::sync::Arc;

use actix_session::SessionMiddleware;
use actix_session::config::{PersistentSession, TtlExtensionPolicy};
use actix_web::cookie::{Key, SameSite, time::Duration as CookieDuration};
use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use aws_config::{BehaviorVersion, Region, SdkConfig};
use secrecy::ExposeSecret;
use session_store::DynamoDbSessionStore;

use crate::authenticator::{Authenticator, CognitoUsers, LocalUsers};
use crate::middleware::{error_pages, log_requests, security_headers, track_metrics};
use crate::routes;
use crate::settings::{Settings, Stage};
use crate::state::AppState;
use crate::templates::Templates;

/// The largest form body accepted (a login form is well under 1 KiB).
const FORM_LIMIT: usize = 16 * 1024;

/// A built, not yet running, application.
///
/// ```no_run
/// # async fn example(settings: demo_web::Settings) -> Result<(), demo_web::startup::StartError> {
/// // Tests bind port 0 and ask the app which port it got.
/// let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
/// let app = demo_web::Application::build_on(settings, listener).await?;
/// let url = format!("http://127.0.0.1:{}", app.port());
/// actix_web::rt::spawn(app.run_until_stopped());
/// # Ok(()) }
/// ```
pub struct Application {
    port: u16,
    server: Server,
}

/// Why the application could not start.
///
/// ```
/// # #[actix_web::main]
/// # async fn main() {
/// use std::path::Path;
/// use demo_web::{Application, Settings, Stage, startup::StartError};
/// let env = |key: &str| match key {
///     "AWS_REGION" => Some("eu-west-1".to_owned()),
///     "TABLE_NAME" => Some("sessions".to_owned()),
///     _ => None,
/// };
/// let mut settings = Settings::load(Stage::Store, Path::new("/nonexistent"), env).unwrap();
/// // A port that is taken: the app fails before any AWS call.
/// let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
/// settings.port = taken.local_addr().unwrap().port();
/// let Err(err) = Application::build(settings).await else { panic!("the port is taken") };
/// assert!(matches!(err, StartError::Bind { .. }), "{err}");
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The session table could not be made ready.
    #[error("session table: {0}")]
    Table(#[from] session_store::StoreError),
    /// Binding the port failed.
    #[error("cannot listen on {address}: {source}")]
    Bind {
        /// host:port.
        address: String,
        /// Why.
        source: std::io::Error,
    },
    /// Anything else at start.
    #[error("{0}")]
    Other(String),
}

/// The AWS SDK configuration the settings describe.
pub(crate) async fn sdk_config(settings: &Settings) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(settings.aws_region.clone()));
    if let Some(endpoint) = &settings.endpoint_url {
        loader = loader.endpoint_url(endpoint);
    }
    if let Some((id, secret)) = &settings.credentials {
        loader = loader.credentials_provider(settings_credentials(id, secret.expose_secret()));
    }
    loader.load().await
}

/// The pool's managed login, its endpoints from the pool's discovery
/// document, coming back to `app_url`.
async fn managed_login(
    cognito: &auth::Cognito,
    app_url: &str,
) -> Result<auth::managed_login::ManagedLogin, StartError> {
    use auth::managed_login::{Endpoints, ManagedLogin};
    let failed = |e: auth::AuthError| {
        StartError::Other(format!(
            "COGNITO_LOGIN asks for the hosted page, but: {e} ({e:?})"
        ))
    };
    let endpoints = Endpoints::discover(cognito).await.map_err(failed)?;
    ManagedLogin::new(cognito, endpoints, &format!("{app_url}/auth/callback")).map_err(failed)
}

/// The access key from the settings, in place of the SDK's default chain.
fn settings_credentials(
    id: &str,
    secret: &str,
) -> aws_config::meta::credentials::CredentialsProviderChain {
    let credentials = aws_credential_types::Credentials::new(id, secret, None, None, "settings");
    aws_config::meta::credentials::CredentialsProviderChain::first_try("settings", credentials)
}

/// Below this, SESSION_SECRET draws a warning.
const MIN_SECRET_BYTES: usize = 32;

/// The cookie key: from SESSION_SECRET (used as is when 64 bytes or more,
/// else stretched with HKDF-SHA256), or random with a loud warning.
pub fn cookie_key(secret: Option<&str>) -> Key {
    match secret {
        Some(secret) if secret.len() >= 64 => {
            Key::try_from(secret.as_bytes()).expect("64 bytes or more")
        }
        Some(secret) => {
            // HKDF makes a key of the right length, not a secret harder to guess.
            if secret.len() < MIN_SECRET_BYTES {
                tracing::warn!(
                    bytes = secret.len(),
                    "SESSION_SECRET is short: whoever guesses it can forge session cookies. \
                     Use 64 random bytes (openssl rand -base64 64)."
                );
            }
            let mut bytes = [0u8; 64];
            hkdf::Hkdf::<sha2::Sha256>::new(
                Some(b"demo-web session cookie key"),
                secret.as_bytes(),
            )
            .expand(b"actix-session cookie", &mut bytes)
            .expect("64 bytes is a valid HKDF length");
            Key::from(&bytes)
        }
        None => {
            tracing::warn!(
                "SESSION_SECRET is not set: using a random cookie key. Every restart logs everyone out, \
                 and two instances do not share logins. Set SESSION_SECRET (64+ bytes) in settings.sh."
            );
            Key::generate()
        }
    }
}

impl Application {
    /// Reads nothing but `settings`: makes the session table ready, builds
    /// the stage's authenticator and binds the port.
    ///
    /// ```no_run
    /// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
    /// let settings = demo_web::Settings::from_args(demo_web::Stage::Cognito, std::env::args().skip(1))?;
    /// let app = demo_web::Application::build(settings).await?;
    /// app.run_until_stopped().await?;
    /// # Ok(()) }
    /// ```
    pub async fn build(settings: Settings) -> Result<Self, StartError> {
        let address = format!("{}:{}", settings.host, settings.port);
        let listener =
            TcpListener::bind(&address).map_err(|source| StartError::Bind { address, source })?;
        Self::build_on(settings, listener).await
    }

    /// As [`Application::build`], on a listener bound by the caller.
    ///
    /// ```no_run
    /// # async fn example(settings: demo_web::Settings) -> Result<(), demo_web::startup::StartError> {
    /// let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    /// let app = demo_web::Application::build_on(settings, listener).await?;
    /// assert_ne!(app.port(), 0);
    /// # Ok(()) }
    /// ```
    pub async fn build_on(settings: Settings, listener: TcpListener) -> Result<Self, StartError> {
        let aws = sdk_config(&settings).await;
        let mut store = DynamoDbSessionStore::builder(&aws, &settings.table_name)
            .touch_interval(settings.touch_interval)
            .operation_timeout(settings.dynamodb_timeout)
            .label_field(Some(crate::session::DEVICE));
        if let Some(lifetime) = settings.session_max_lifetime {
            store = store.absolute_lifetime(lifetime);
        }
        let store = store.build();
        store.ensure_table().await?;
        // Stage 2's managed login, registered for its routes.
        let mut hosted: Option<web::Data<auth::actix::CognitoLogin>> = None;
        let mut form_login = true;
        let (authenticator, stage_title): (Arc<dyn Authenticator>, _) =
            match (&settings.stage, &settings.cognito) {
                (Stage::Store, _) => (Arc::new(LocalUsers), "Stage 1: sessions in DynamoDB"),
                (Stage::Cognito, Some(c)) => {
                    let mut cognito = auth::Cognito::builder(&aws, &c.pool_id, &c.client_id)
                        .client_secret(
                            c.client_secret
                                .as_ref()
                                .map(|s| s.expose_secret().to_owned()),
                        );
                    if let Some(region) = &c.region {
                        cognito = cognito.region(region);
                    }
                    if c.password_auth {
                        cognito = cognito.auth_flow(auth::AuthFlow::Password);
                    }
                    let cognito = cognito.build();
                    let mut login = auth::actix::CognitoLogin::new(cognito.clone())
                        .refresh_margin(c.refresh_margin)
                        .trusted_proxies(settings.trusted_proxies.iter().copied());
                    form_login = c.form_login;
                    if c.hosted_login {
                        login = login.managed_login(
                            managed_login(&cognito, &c.app_url).await?,
                            format!("{}/", c.app_url),
                        );
                        hosted = Some(web::Data::new(login.clone()));
                    }
                    (
                        Arc::new(CognitoUsers::new(login)),
                        "Stage 2: sessions in DynamoDB, users in Cognito",
                    )
                }
                (Stage::Cognito, None) => {
                    return Err(StartError::Other("stage 2 needs Cognito settings".into()));
                }
            };
        // So that the first form shows it; a failure is tried again later.
        authenticator.read_password_policy().await;
        let templates =
            Templates::new().map_err(|e| StartError::Other(format!("templates: {e:?}")))?;
        let hosted_logout = hosted.as_ref().and_then(|login| login.managed_logout_url());
        let content_policy = crate::middleware::content_policy(
            hosted_logout
                .as_ref()
                .map(|url| url.origin().ascii_serialization())
                .as_deref(),
        );
        let state = web::Data::new(AppState {
            templates,
            store: store.clone(),
            authenticator,
            stage_title,
            metrics: Default::default(),
            form_login,
            hosted_logout: hosted_logout.map(String::from),
            content_policy,
        });
        let port = listener
            .local_addr()
            .map_err(|e| StartError::Other(e.to_string()))?
            .port();
        let server = run(
            listener,
            state,
            store,
            cookie_key(settings.session_secret.as_ref().map(|s| s.expose_secret())),
            &settings,
            hosted,
        )
        .map_err(|e| StartError::Other(e.to_string()))?;
        Ok(Self { port, server })
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until the process is stopped (Ctrl-C stops it gracefully).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

fn run(
    listener: TcpListener,
    state: web::Data<AppState>,
    store: DynamoDbSessionStore,
    key: Key,
    settings: &Settings,
    hosted: Option<web::Data<auth::actix::CognitoLogin>>,
) -> std::io::Result<Server> {
    let ttl = CookieDuration::seconds_f64(settings.session_ttl.as_secs_f64());
    let secure = settings.cookie_secure;
    let server = HttpServer::new(move || {
        let sessions = SessionMiddleware::builder(store.clone(), key.clone())
            .cookie_name("session".to_owned())
            .cookie_http_only(true)
            .cookie_same_site(SameSite::Lax)
            .cookie_secure(secure)
            .session_lifecycle(
                PersistentSession::default()
                    .session_ttl(ttl)
                    .session_ttl_extension_policy(TtlExtensionPolicy::OnEveryRequest),
            )
            .build();
        App::new()
            .app_data(state.clone())
            .app_data(web::FormConfig::default().limit(FORM_LIMIT))
            .app_data(web::PayloadConfig::default().limit(FORM_LIMIT))
            .wrap(from_fn(error_pages))
            .wrap(from_fn(security_headers))
            .wrap(from_fn(track_metrics))
            .wrap(from_fn(log_requests))
            // Outside the session middleware: fetching them costs no DynamoDB call.
            .configure(routes::without_session)
            .service(
                web::scope("")
                    .wrap(sessions)
                    .configure(routes::routes)
                    .configure(|routes| {
                        if let Some(login) = &hosted {
                            routes::login::hosted::routes(routes, login.clone());
                        }
                    }),
            )
    })
    .listen(listener)?
    .run();
    Ok(server)
}

#[cfg(test)]
mod tests {
    use super::cookie_key;

    #[test]
    fn the_cookie_key_comes_from_the_secret() {
        let long = "k".repeat(64);
        assert_eq!(cookie_key(Some(&long)).master(), long.as_bytes());
        // A short secret is stretched, the same way every time (two instances agree).
        let short = cookie_key(Some("correct horse"));
        assert_eq!(short.master(), cookie_key(Some("correct horse")).master());
        assert_ne!(short.master(), cookie_key(Some("correct horsf")).master());
        assert_eq!(short.master().len(), 64);
        // No secret: random keys.
        assert_ne!(cookie_key(None).master(), cookie_key(None).master());
    }
}
