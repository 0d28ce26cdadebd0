//! Cognito sign-ins in an actix-web app (feature `actix`), kept server-side
//! in an [actix-session](actix_session) session:
//!
//! - [`CognitoLogin::sign_in`] starts the session of a user Cognito signed
//!   in: the tokens are verified, the session id renewed (no session
//!   fixation), and the user name and tokens kept in the session, never in
//!   the browser;
//! - [`SignedInUser`], an extractor, checks them on each request: verified,
//!   refreshed when due, the session purged when Cognito refuses the
//!   refresh, and kept while Cognito is briefly down and the access token
//!   still holds (see [`Cognito::check_tokens`](crate::Cognito::check_tokens));
//! - [`require_sign_in`] guards a scope: anonymous requests are sent to the
//!   login with a checked way back ([`return_to`]), or get a 401 if they
//!   ask for JSON;
//! - [`CognitoLogin::sign_out`] revokes this session's tokens at Cognito
//!   (RevokeToken; GlobalSignOut where Cognito cannot revoke one token) and
//!   purges the session; [`CognitoLogin::sign_out_everywhere`] ends every
//!   sign-in of the user (GlobalSignOut);
//! - the user's address, behind proxies you trust, goes to Cognito's
//!   threat protection ([`CognitoLogin::cognito_for`]).
//!
//! The session keeps [`USER_KEY`] (the name that session-store indexes as
//! the session's principal) and [`TOKENS_KEY`]; use them only through this
//! module. Store sessions server-side (session-store's DynamoDB store, or
//! actix-session's Redis one): a cookie store would put the tokens in the
//! browser.
//!
//! A complete app (`examples/actix_login.rs` has it with a form and a
//! DynamoDB session store):
//!
//! ```no_run
//! use actix_session::SessionMiddleware;
//! use actix_web::{App, HttpRequest, HttpResponse, HttpServer, middleware::from_fn, web};
//! use auth::actix::{CognitoLogin, SignedInUser, require_sign_in, return_to};
//! use auth::{Cognito, SignIn};
//!
//! async fn home(user: Option<SignedInUser>) -> String {
//!     match user {
//!         Some(user) => format!("Hello, {}", user.username()),
//!         None => "Hello, stranger".into(),
//!     }
//! }
//!
//! #[derive(serde::Deserialize)]
//! struct Credentials { username: String, password: String }
//!
//! async fn log_in(
//!     req: HttpRequest,
//!     login: web::Data<CognitoLogin>,
//!     form: web::Form<Credentials>,
//! ) -> actix_web::Result<HttpResponse> {
//!     let cognito = login.cognito_for(&req);
//!     match cognito.sign_in(&form.username, &form.password).await {
//!         Ok(SignIn::Tokens(tokens)) => {
//!             login.sign_in(&req, tokens).await?;
//!             let back = return_to::requested(&req).unwrap_or_else(|| "/".into());
//!             Ok(HttpResponse::SeeOther().insert_header(("Location", back)).finish())
//!         }
//!         Ok(_) => Ok(HttpResponse::Ok().body("a challenge: answer it with Cognito's calls")),
//!         Err(err) => Ok(HttpResponse::Unauthorized().body(err.to_string())),
//!     }
//! }
//!
//! async fn log_out(req: HttpRequest, login: web::Data<CognitoLogin>) -> HttpResponse {
//!     login.sign_out(&req).await;
//!     HttpResponse::SeeOther().insert_header(("Location", "/")).finish()
//! }
//!
//! #[actix_web::main]
//! async fn main() -> std::io::Result<()> {
//!     let aws = aws_config::load_from_env().await;
//!     let cognito = Cognito::builder(&aws, "eu-west-1_AbCdEf", "app-client-id").build();
//!     let login = web::Data::new(CognitoLogin::new(cognito).login_path("/login"));
//!     let store = session_store::DynamoDbSessionStore::builder(&aws, "sessions").build();
//!     let key = actix_web::cookie::Key::generate(); // from your settings
//!     HttpServer::new(move || {
//!         App::new()
//!             .app_data(login.clone())
//!             .wrap(SessionMiddleware::new(store.clone(), key.clone()))
//!             .route("/", web::get().to(home))
//!             .route("/login", web::post().to(log_in))
//!             .route("/logout", web::post().to(log_out))
//!             .service(
//!                 web::scope("/account")
//!                     .wrap(from_fn(require_sign_in))
//!                     .route("", web::get().to(|user: SignedInUser| async move {
//!                         format!("{} is in groups {:?}", user.username(), user.claims().groups)
//!                     })),
//!             )
//!     })
//!     .bind("127.0.0.1:8080")?
//!     .run()
//!     .await
//! }
//! ```
//!
//! `Option<SignedInUser>` treats a Cognito outage as anonymous; take
//! `Result<SignedInUser, AuthRejection>` to tell them apart.

mod client_address;
mod guard;
mod login;
pub mod managed_login;
mod rejection;
pub mod return_to;
mod signed_in;

pub use client_address::client_address;
pub use guard::require_sign_in;
pub use login::{CognitoLogin, SignedOut};
pub use rejection::AuthRejection;
pub use signed_in::SignedInUser;

/// The session key of the signed-in user's name.
pub const USER_KEY: &str = "user";
/// The session key of the signed-in user's tokens.
pub const TOKENS_KEY: &str = "tokens";
