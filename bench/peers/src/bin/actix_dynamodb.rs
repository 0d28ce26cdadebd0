//! This project's store (crates/session-store) in actix-web, as stage 1 uses it.

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
            .wrap(actix::sessions(store.clone()))
            .configure(actix::routes)
    })
    .bind(("127.0.0.1", port()))?
    .run()
    .await
}
