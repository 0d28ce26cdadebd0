//! Cognito's managed login (the hosted sign-in page) in an actix-web app
//! through `auth::actix::managed_login`, the sessions in DynamoDB: a home
//! page, a page for signed-in users only, and the three routes under
//! `/auth`. No password passes through the app.
//!
//! The app client needs managed login on: the code grant, the scopes
//! `openid email aws.cognito.signin.user.admin`, `APP_URL/auth/callback` as
//! a callback URL and `APP_URL/` as a sign-out URL (`provision` sets them up
//! for the demo's client). Then:
//!
//! `POOL_ID=... CLIENT_ID=... [CLIENT_SECRET=...] [DOMAIN=https://<prefix>.auth.<region>.amazoncognito.com] cargo run -p auth --features actix --example actix_managed_login`
//!
//! with AWS credentials (or `AWS_ENDPOINT_URL` set to a local emulator that
//! serves managed login, as ministack does). Without `DOMAIN`, the endpoints
//! come from the pool's OpenID Connect discovery document.

use actix_session::{SessionMiddleware, config::PersistentSession};
use actix_web::cookie::{Key, time::Duration};
use actix_web::middleware::from_fn;
use actix_web::{App, HttpResponse, HttpServer, web};
use auth::Cognito;
use auth::actix::{AuthRejection, CognitoLogin, SignedInUser, managed_login, require_sign_in};
use auth::managed_login::{Endpoints, ManagedLogin};
use session_store::DynamoDbSessionStore;

fn page(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(format!(
            "<!doctype html><title>actix_managed_login</title>{body}"
        ))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;")
}

async fn home(user: Result<SignedInUser, AuthRejection>) -> actix_web::Result<HttpResponse> {
    match user {
        Ok(user) => Ok(page(format!(
            r#"<p>Hello, {}</p><a href="/account">Account</a><form method="post" action="/auth/logout"><button>Log out</button></form>"#,
            escape(user.username())
        ))),
        Err(AuthRejection::SignInRequired { .. }) => Ok(page(
            r#"<p>Hello, stranger</p><a href="/auth/start">Sign in</a>"#.to_owned(),
        )),
        Err(other) => Err(other.into()),
    }
}

async fn account(user: SignedInUser) -> String {
    format!("{}'s account", user.username())
}

/// The app on `listener`, until the returned server is stopped.
pub fn serve(
    listener: std::net::TcpListener,
    login: CognitoLogin,
    store: DynamoDbSessionStore,
    key: Key,
) -> std::io::Result<actix_web::dev::Server> {
    let login = web::Data::new(login);
    let server = HttpServer::new(move || {
        // SameSite=Lax, not Strict: the hosted page sends the browser back
        // to the callback from another site, and the callback needs the
        // session that started the login.
        let sessions = SessionMiddleware::builder(store.clone(), key.clone())
            .cookie_same_site(actix_web::cookie::SameSite::Lax)
            .session_lifecycle(PersistentSession::default().session_ttl(Duration::hours(8)))
            .build();
        App::new()
            .app_data(login.clone())
            .wrap(sessions)
            .route("/", web::get().to(home))
            .service(web::scope("/auth").configure(managed_login::routes))
            .service(
                web::scope("/account")
                    .wrap(from_fn(require_sign_in))
                    .route("", web::get().to(account)),
            )
    });
    Ok(server.listen(listener)?.run())
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let setting =
        |name: &str| std::env::var(name).map_err(|_| anyhow::anyhow!("{name} is not set"));
    let app_url = std::env::var("APP_URL").unwrap_or_else(|_| "http://127.0.0.1:8080".into());
    let aws = aws_config::load_from_env().await;
    let cognito = Cognito::builder(&aws, &setting("POOL_ID")?, &setting("CLIENT_ID")?)
        .client_secret(std::env::var("CLIENT_SECRET").ok())
        .build();
    let endpoints = match std::env::var("DOMAIN") {
        Ok(domain) => Endpoints::of_domain(&domain)?,
        Err(_) => Endpoints::discover(&cognito).await?,
    };
    let hosted = ManagedLogin::new(&cognito, endpoints, &format!("{app_url}/auth/callback"))?;
    let login = CognitoLogin::new(cognito)
        .login_path("/auth/start")
        .managed_login(hosted, format!("{app_url}/"));
    let store = DynamoDbSessionStore::builder(&aws, "actix-login-sessions").build();
    store.ensure_table().await?;
    let key = Key::generate(); // a real app reads it from its settings
    println!("{app_url}");
    let address = app_url.trim_start_matches("http://").trim_end_matches('/');
    serve(std::net::TcpListener::bind(address)?, login, store, key)?.await?;
    Ok(())
}
