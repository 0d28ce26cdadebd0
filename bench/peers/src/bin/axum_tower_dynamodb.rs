//! tower-sessions with tower-sessions-dynamodb-store in axum: the one other
//! Rust session store on DynamoDB.

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
};
use axum::response::Redirect;
use axum::routing::{get, post};
use axum::{Form, Router};
use bench_peers::{Login, env, port};
use tower_sessions::cookie::time::Duration;
use tower_sessions::{Expiry, Session, SessionManagerLayer};
use tower_sessions_dynamodb_store::{DynamoDBStore, DynamoDBStoreKey, DynamoDBStoreProps};

type Result<T> = std::result::Result<T, (axum::http::StatusCode, String)>;

fn failed(e: impl std::fmt::Display) -> (axum::http::StatusCode, String) {
    (axum::http::StatusCode::SERVICE_UNAVAILABLE, e.to_string())
}

async fn login(session: Session, Form(form): Form<Login>) -> Result<Redirect> {
    session.cycle_id().await.map_err(failed)?;
    session.insert("user", form.user).await.map_err(failed)?;
    Ok(Redirect::to("/"))
}

async fn page(session: Session) -> Result<String> {
    let views = session
        .get::<u64>("views")
        .await
        .map_err(failed)?
        .unwrap_or(0)
        + 1;
    session.insert("views", views).await.map_err(failed)?;
    let user = session
        .get::<String>("user")
        .await
        .map_err(failed)?
        .unwrap_or_default();
    Ok(format!("views {views} user {user}"))
}

async fn read(session: Session) -> Result<String> {
    Ok(session
        .get::<String>("user")
        .await
        .map_err(failed)?
        .unwrap_or_else(|| "anonymous".into()))
}

async fn logout(session: Session) -> Result<Redirect> {
    session.flush().await.map_err(failed)?;
    Ok(Redirect::to("/"))
}

#[tokio::main]
async fn main() {
    let aws = aws_config::load_from_env().await;
    let client = aws_sdk_dynamodb::Client::new(&aws);
    let table = env("TABLE_NAME");
    // The store does not make its table: as its README shows, by hand.
    let created = client
        .create_table()
        .table_name(&table)
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("id")
                .attribute_type(ScalarAttributeType::S)
                .build()
                .unwrap(),
        )
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name("id")
                .key_type(KeyType::Hash)
                .build()
                .unwrap(),
        )
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await;
    if let Err(e) = created {
        eprintln!("create_table: {e:?} (it may exist)");
    }
    let props = DynamoDBStoreProps {
        table_name: table,
        partition_key: DynamoDBStoreKey {
            name: "id".into(),
            prefix: None,
            suffix: None,
        },
        expirey_name: "expires".into(),
        ..Default::default()
    };
    let sessions = SessionManagerLayer::new(DynamoDBStore::new(client, props))
        .with_secure(false)
        .with_expiry(Expiry::OnInactivity(Duration::hours(1)));
    let app = Router::new()
        .route("/login", post(login))
        .route("/", get(page))
        .route("/read", get(read))
        .route("/logout", post(logout))
        .layer(sessions);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port()))
        .await
        .unwrap();
    axum::serve(listener, app).await.unwrap();
}
