//! This project's store (crates/session-store) in actix-web, as stage 1 uses it.

use actix_session::SessionMiddleware;
use actix_session::config::{PersistentSession, TtlExtensionPolicy};
use actix_web::cookie::time::Duration;
use actix_web::{App, HttpServer};
use bench_peers::{actix, env, port};
use session_store::DynamoDbSessionStore;

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let aws = aws_config::load_from_env().await;
    let store = DynamoDbSessionStore::builder(&aws, env("TABLE_NAME")).build();
    store.ensure_table().await.expect("the table");
    HttpServer::new(move || {
        App::new()
            .wrap(
                SessionMiddleware::builder(store.clone(), actix::key())
                    .cookie_secure(false)
                    .session_lifecycle(
                        PersistentSession::default()
                            .session_ttl(Duration::hours(1))
                            .session_ttl_extension_policy(TtlExtensionPolicy::OnEveryRequest),
                    )
                    .build(),
            )
            .configure(actix::routes)
    })
    .bind(("127.0.0.1", port()))?
    .run()
    .await
}
