//! Cognito login in an actix-web app through `auth::actix`, the sessions in
//! DynamoDB: a home page, a login form, a page for signed-in users only, a
//! logout.
//!
//! `POOL_ID=... CLIENT_ID=... cargo run -p auth --features actix --example actix_login`
//! with AWS credentials (or `AWS_ENDPOINT_URL` set to a local emulator).

use actix_session::{SessionMiddleware, config::PersistentSession};
use actix_web::cookie::{Key, time::Duration};
use actix_web::middleware::from_fn;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use actix_web::{Responder, ResponseError};
use auth::Cognito;
use auth::actix::{
    AuthRejection, CognitoLogin, Credentials, SignedInUser, require_sign_in, return_to,
};
use session_store::DynamoDbSessionStore;

fn page(status: u16, body: String) -> HttpResponse {
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap())
        .content_type("text/html; charset=utf-8")
        .body(format!("<!doctype html><title>actix_login</title>{body}"))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;")
}

fn login_form(req: &HttpRequest, status: u16, message: &str) -> HttpResponse {
    let action = format!("/login{}", return_to::passed_on(req));
    page(
        status,
        format!(
            r#"<p>{}</p><form method="post" action="{}"><input name="username"> <input name="password" type="password"> <button>Log in</button></form>"#,
            escape(message),
            escape(&action)
        ),
    )
}

// An outage of Cognito is an error page, not "anonymous": match, don't take Option.
async fn home(
    req: HttpRequest,
    user: Result<SignedInUser, AuthRejection>,
) -> actix_web::Result<HttpResponse> {
    match user {
        Ok(user) => Ok(page(
            200,
            format!(
                r#"<p>Hello, {}</p><a href="/account">Account</a><form method="post" action="/logout"><button>Log out</button></form>"#,
                escape(user.username())
            ),
        )),
        Err(AuthRejection::SignInRequired { .. }) => Ok(login_form(&req, 200, "Hello, stranger")),
        Err(other) => Err(other.into()),
    }
}

// The form again with Cognito's message (safe to show), in the error's status.
async fn log_in(
    req: HttpRequest,
    login: web::Data<CognitoLogin>,
    form: web::Form<Credentials>,
) -> HttpResponse {
    match login.sign_in_with_password(&req, &form).await {
        // NEW_PASSWORD_REQUIRED, MFA...: answered with Cognito's calls; see the demo.
        Ok(step) => step.respond_to(&req),
        Err(err) => login_form(&req, err.status_code().as_u16(), &err.to_string()),
    }
}

async fn log_out(req: HttpRequest, login: web::Data<CognitoLogin>) -> HttpResponse {
    login.sign_out(&req).await; // RevokeToken (this sign-in only), and the session deleted
    HttpResponse::SeeOther()
        .insert_header(("Location", "/"))
        .finish()
}

async fn account(user: SignedInUser) -> String {
    format!(
        "{}'s account; groups: {:?}",
        user.username(),
        user.claims().groups
    )
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
        // SameSite=Strict: no other site's form reaches /login or /logout with the cookie.
        let sessions = SessionMiddleware::builder(store.clone(), key.clone())
            .cookie_same_site(actix_web::cookie::SameSite::Strict)
            .session_lifecycle(PersistentSession::default().session_ttl(Duration::hours(8)))
            .build();
        App::new()
            .app_data(login.clone())
            .wrap(sessions)
            .route("/", web::get().to(home))
            .route(
                "/login",
                web::get().to(|req: HttpRequest| async move { login_form(&req, 200, "") }),
            )
            .route("/login", web::post().to(log_in))
            .route("/logout", web::post().to(log_out))
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
    let aws = aws_config::load_from_env().await;
    let cognito = Cognito::builder(&aws, &setting("POOL_ID")?, &setting("CLIENT_ID")?)
        .client_secret(std::env::var("CLIENT_SECRET").ok())
        .build();
    let store = DynamoDbSessionStore::builder(&aws, "actix-login-sessions").build();
    store.ensure_table().await?;
    let key = Key::generate(); // a real app reads it from its settings
    println!("http://127.0.0.1:8080");
    serve(
        std::net::TcpListener::bind("127.0.0.1:8080")?,
        CognitoLogin::new(cognito),
        store,
        key,
    )?
    .await?;
    Ok(())
}
