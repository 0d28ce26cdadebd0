//! The floor under stage 1's CPU per request, for `scripts/bench-floor`: an
//! actix-web app with no middleware, no session and no log, whose one route
//! makes one GetItem through the session store's own DynamoDB client (its
//! per-thread pools, timeouts and allocator as in stage 1). What stage 1 costs
//! above this is what actix-session, the store and the demo's own code add.
//!
//! Usage: `PORT=... TABLE_NAME=... AWS_ENDPOINT_URL=... bare_get_item`
//! (region and credentials as the SDK finds them). `/metrics` counts the
//! GetItems as stage 1 does, so that the bench tables read alike.

use std::sync::atomic::{AtomicU64, Ordering};

use actix_web::{App, HttpResponse, HttpServer, web};
use aws_sdk_dynamodb::types::AttributeValue;
use session_store::DynamoDbSessionStore;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The item read on every request, as large as a logged-in demo session.
const ID: &str = "bare-get-item";

static GET_ITEMS: AtomicU64 = AtomicU64::new(0);

async fn read(store: web::Data<DynamoDbSessionStore>) -> HttpResponse {
    GET_ITEMS.fetch_add(1, Ordering::Relaxed);
    let answer = store
        .client()
        .get_item()
        .table_name(store.table())
        .key("id", AttributeValue::S(ID.to_owned()))
        .send()
        .await;
    match answer.map(|output| output.item().map_or(0, |item| item.len())) {
        Ok(2..) => HttpResponse::Ok().body("read"),
        Ok(_) => HttpResponse::NotFound().body("no item"),
        Err(err) => HttpResponse::ServiceUnavailable().body(err.to_string()),
    }
}

async fn metrics() -> String {
    format!(
        "dynamodb_operations_total{{operation=\"GetItem\"}} {}\n",
        GET_ITEMS.load(Ordering::Relaxed)
    )
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let setting = |key: &str| std::env::var(key).unwrap_or_else(|_| panic!("set {key}"));
    let port: u16 = setting("PORT").parse().expect("PORT: a port number");
    let aws = aws_config::load_from_env().await;
    let store = DynamoDbSessionStore::builder(&aws, setting("TABLE_NAME")).build();
    let state = [
        ("user", "\"a\""),
        ("csrf", "\"0123456789abcdef0123456789abcdef\""),
        ("views", "4"),
    ]
    .map(|(k, v)| (k.to_owned(), AttributeValue::S(v.to_owned())));
    store
        .client()
        .put_item()
        .table_name(store.table())
        .item("id", AttributeValue::S(ID.to_owned()))
        .item("state", AttributeValue::M(state.into_iter().collect()))
        .send()
        .await
        .map_err(std::io::Error::other)?;
    let store = web::Data::new(store);
    HttpServer::new(move || {
        App::new()
            .app_data(store.clone())
            .route("/", web::get().to(read))
            .route("/metrics", web::get().to(metrics))
    })
    .bind(("127.0.0.1", port))?
    .run()
    .await
}
