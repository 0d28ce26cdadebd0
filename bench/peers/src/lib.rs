//! The workload every peer serves, on its own session store:
//!
//! - `POST /login` (form `user`): a new session id, the user in the session;
//! - `GET /`: a page view, which counts itself in the session (a write);
//! - `GET /read`: reads the user, changes nothing;
//! - `POST /logout`: ends the session.

use serde::Deserialize;

/// The login form.
#[derive(Deserialize)]
pub struct Login {
    pub user: String,
}

/// The port to listen on, from `PORT`.
pub fn port() -> u16 {
    std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .expect("PORT=<port>")
}

/// An env var that must be set.
pub fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} must be set"))
}

/// The actix-web routes, on whatever store the app's SessionMiddleware has.
pub mod actix {
    use actix_session::Session;
    use actix_web::{HttpResponse, web};

    use super::Login;

    async fn login(session: Session, form: web::Form<Login>) -> actix_web::Result<HttpResponse> {
        session.renew();
        session.insert("user", &form.user)?;
        Ok(HttpResponse::SeeOther()
            .insert_header(("Location", "/"))
            .finish())
    }

    async fn page(session: Session) -> actix_web::Result<String> {
        let views = session.get::<u64>("views")?.unwrap_or(0) + 1;
        session.insert("views", views)?;
        let user = session.get::<String>("user")?.unwrap_or_default();
        Ok(format!("views {views} user {user}"))
    }

    async fn read(session: Session) -> actix_web::Result<String> {
        Ok(session
            .get::<String>("user")?
            .unwrap_or_else(|| "anonymous".into()))
    }

    async fn logout(session: Session) -> HttpResponse {
        session.purge();
        HttpResponse::SeeOther()
            .insert_header(("Location", "/"))
            .finish()
    }

    pub fn routes(cfg: &mut web::ServiceConfig) {
        cfg.route("/login", web::post().to(login))
            .route("/", web::get().to(page))
            .route("/read", web::get().to(read))
            .route("/logout", web::post().to(logout));
    }

    /// The session middleware on `store`, as stage 1 sets it up: an hour
    /// from the last request, and a fixed key (the bench restarts nothing).
    pub fn sessions<S: actix_session::storage::SessionStore>(
        store: S,
    ) -> actix_session::SessionMiddleware<S> {
        use actix_session::config::{PersistentSession, TtlExtensionPolicy};
        actix_session::SessionMiddleware::builder(store, actix_web::cookie::Key::from(&[7u8; 64]))
            .cookie_secure(false)
            .session_lifecycle(
                PersistentSession::default()
                    .session_ttl(actix_web::cookie::time::Duration::hours(1))
                    .session_ttl_extension_policy(TtlExtensionPolicy::OnEveryRequest),
            )
            .build()
    }
}
