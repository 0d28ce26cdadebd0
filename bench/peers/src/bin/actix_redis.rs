//! actix-session's own RedisSessionStore on a local redis-server: the
//! reference for what a session store costs.

use actix_session::storage::RedisSessionStore;
use actix_web::{App, HttpServer};
use bench_peers::{actix, env, port};

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let store = RedisSessionStore::new(env("REDIS_URL"))
        .await
        .expect("redis-server");
    HttpServer::new(move || {
        App::new()
            .wrap(actix::sessions(store.clone()))
            .configure(actix::routes)
    })
    .bind(("127.0.0.1", port()))?
    .run()
    .await
}
