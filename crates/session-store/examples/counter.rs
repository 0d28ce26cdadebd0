//! A page-view counter and a login, with the sessions in DynamoDB: the store
//! alone in an actix-web app.
//!
//! `AWS_ENDPOINT_URL=http://127.0.0.1:5000 cargo run -p session-store --example counter`
//! against a local emulator (scripts/demo starts one), or with AWS credentials
//! against a real table. Then `curl -c jar -b jar localhost:8080`, and
//! `curl -c jar -b jar -d user=alice localhost:8080/login`.

use actix_session::{Session, SessionMiddleware, config::PersistentSession};
use actix_web::cookie::{Key, time::Duration};
use actix_web::{App, HttpResponse, HttpServer, web};
use session_store::DynamoDbSessionStore;

async fn index(session: Session) -> actix_web::Result<String> {
    let views = session.get::<u32>("views")?.unwrap_or(0) + 1;
    session.insert("views", views)?;
    let user = session.get::<String>("user")?;
    Ok(format!(
        "{}: {views} views",
        user.as_deref().unwrap_or("anonymous")
    ))
}

#[derive(serde::Deserialize)]
struct Login {
    user: String,
}

// No password: this example is about sessions. The cookie is SameSite=Lax
// (actix-session's default), so another site cannot post these forms with it.
async fn login(session: Session, form: web::Form<Login>) -> actix_web::Result<HttpResponse> {
    session.renew(); // a new session id at login: a planted one is worthless
    session.insert("user", &form.user)?;
    Ok(HttpResponse::SeeOther()
        .insert_header(("Location", "/"))
        .finish())
}

async fn logout(session: Session) -> HttpResponse {
    session.purge(); // deleted from the table, not just forgotten by the browser
    HttpResponse::SeeOther()
        .insert_header(("Location", "/"))
        .finish()
}

/// The app on `listener`; it serves until the returned server is stopped.
pub fn serve(
    listener: std::net::TcpListener,
    store: DynamoDbSessionStore,
    key: Key,
) -> std::io::Result<actix_web::dev::Server> {
    let server = HttpServer::new(move || {
        let sessions = SessionMiddleware::builder(store.clone(), key.clone())
            .session_lifecycle(PersistentSession::default().session_ttl(Duration::hours(1)))
            .build();
        App::new()
            .wrap(sessions)
            .route("/", web::get().to(index))
            .route("/login", web::post().to(login))
            .route("/logout", web::post().to(logout))
    });
    Ok(server.listen(listener)?.run())
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let aws = aws_config::load_from_env().await;
    let store = DynamoDbSessionStore::builder(&aws, "counter-sessions").build();
    store.ensure_table().await?;
    // A real app reads its key from its settings: one made at start-up logs
    // everyone out at each restart.
    let key = Key::generate();
    println!("http://127.0.0.1:8080");
    serve(std::net::TcpListener::bind("127.0.0.1:8080")?, store, key)?.await?;
    Ok(())
}
