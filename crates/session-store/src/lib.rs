//! An [actix-session](https://docs.rs/actix-session) [`SessionStore`] on
//! Amazon DynamoDB.
//!
//! - Field-level writes: a request writes only the fields it changed, so
//!   concurrent requests on one session that change different fields all
//!   keep their change, on any number of instances (same field: the last
//!   writer wins). Every write is conditional: a request racing a logout or
//!   an expiry never brings the session back, and a new session never
//!   overwrites another.
//! - Expired items are ignored on read (DynamoDB's TTL deletes them up to
//!   days later), and [`ensure_table`](DynamoDbSessionStore::ensure_table)
//!   turns TTL on for you.
//! - An unchanged session costs one `GetItem` per request: the expiry is
//!   extended at most once per touch interval (capped at half the session's
//!   lifetime, so that a session read that often never expires in use),
//!   without a second read.
//! - Item ids are hashes of the cookie's key, and fields are sealed
//!   (AES-256-GCM, names hidden behind a keyed hash) under keys derived from
//!   it: reading the table neither takes a session over nor reads what it
//!   holds. Large fields are compressed first, to cut write units.
//! - The user index holds only what never changes, so that touching a
//!   session does not write the index too.
//! - Per-user sessions: list a user's sessions, each with its label (such as
//!   the device it was opened on), and revoke one or all others (an index on
//!   the session's principal field; one Query, no Scan).
//! - Every call is bounded by an operation timeout, and counted with the
//!   capacity DynamoDB says it consumed
//!   ([`DynamoDbSessionStore::operation_counts`]).
//! - One connection pool per thread ([`per_thread_http`]): a call on one
//!   actix worker never waits on another worker's runtime.
//!
//! # Example
//!
//! ```no_run
//! use actix_session::config::{PersistentSession, TtlExtensionPolicy};
//! use actix_session::{Session, SessionMiddleware};
//! use actix_web::{App, HttpServer, cookie::{Key, time::Duration}, web};
//! use session_store::DynamoDbSessionStore;
//!
//! async fn index(session: Session) -> actix_web::Result<String> {
//!     let views = session.get::<u32>("views")?.unwrap_or(0) + 1;
//!     session.insert("views", views)?;
//!     Ok(format!("views: {views}"))
//! }
//!
//! #[actix_web::main]
//! async fn main() -> anyhow::Result<()> {
//!     let aws = aws_config::load_from_env().await;
//!     let store = DynamoDbSessionStore::builder(&aws, "sessions").build();
//!     store.ensure_table().await?; // once, at start-up
//!     let key = Key::generate(); // in production: from your settings
//!     HttpServer::new(move || {
//!         App::new()
//!             .wrap(
//!                 SessionMiddleware::builder(store.clone(), key.clone())
//!                     .cookie_name("session".into())
//!                     .session_lifecycle(
//!                         PersistentSession::default()
//!                             .session_ttl(Duration::hours(1))
//!                             // An hour after the last request, not the last
//!                             // change (actix-session's default); the store
//!                             // writes that extension at most once per touch
//!                             // interval.
//!                             .session_ttl_extension_policy(TtlExtensionPolicy::OnEveryRequest),
//!                     )
//!                     .build(),
//!             )
//!             .route("/", web::get().to(index))
//!     })
//!     .bind(("127.0.0.1", 8080))?
//!     .run()
//!     .await?;
//!     Ok(())
//! }
//! ```
//!
//! # Table layout
//!
//! See the crate's README ("Table layout"): hash key `id`, `expires` (DynamoDB's
//! TTL attribute), `fields` (M of B: each field sealed on its own), `created`
//! and `touched`, `principal` with the index `principal-index`, and `label`.
//!
//! The IAM actions the store needs: `dynamodb:GetItem`, `PutItem`,
//! `UpdateItem`, `DeleteItem`, `Query` (on the index), and for
//! `ensure_table`: `DescribeTable`, `CreateTable`, `DescribeTimeToLive`,
//! `UpdateTimeToLive`.
//!
//! # Logging
//!
//! At TRACE, the AWS SDK prints each DynamoDB answer in full. A session's
//! state is sealed there, but its principal (a user name) and label are not.
//! Keep [`SDK_DUMPS_TARGET`] at DEBUG or below, whatever the rest of the log
//! shows:
//!
//! ```
//! use tracing_subscriber::filter::{EnvFilter, FilterExt, Targets};
//! use tracing_subscriber::prelude::*;
//!
//! let no_bodies = Targets::new()
//!     .with_default(tracing::Level::TRACE)
//!     .with_target(session_store::SDK_DUMPS_TARGET, tracing::Level::DEBUG);
//! let filter = EnvFilter::new("trace").and(no_bodies);
//! tracing_subscriber::registry()
//!     .with(tracing_subscriber::fmt::layer().with_filter(filter))
//!     .init();
//! ```
//!
//! The trait's errors carry the store's as `anyhow::Error`, which captures a
//! stack trace when `RUST_BACKTRACE=1` is set; logged with `{:?}`, each failed
//! request during an outage would then print one. Set `RUST_LIB_BACKTRACE=0`
//! to keep traces for panics only (the demo's binaries do, unless it is set).
//!
//! [`SessionStore`]: actix_session::storage::SessionStore
//!
//! # Stability
//!
//! - The crate is 0.x: a breaking change of its public API bumps the minor
//!   version (see CHANGELOG.md).
//! - [`StoreError`], [`Operation`], [`Sweep`], [`SessionInfo`] and
//!   [`TableReport`] are `non_exhaustive`: new variants and fields are not
//!   breaking changes.
//! - The item layout (see the crate's README) only grows: a table written by one
//!   0.x release is read by the next.
//! - Built and tested with actix-web 4, actix-session 0.11, aws-config 1 and
//!   aws-sdk-dynamodb 1 (the versions in Cargo.lock). MSRV: Rust 1.94.1, as
//!   declared; the tests run on the toolchain of this repository's CI.

#![warn(missing_docs)]

// Leaves: they depend on nothing of the crate.
pub mod call_time;
mod clock;
mod error;
mod metrics;
mod settings;
mod state;
// The item and its fields.
mod changes;
mod item;
mod recent;
mod sealed;
// The store, by what it does.
mod builder;
mod read;
mod sessions;
mod store;
mod sweep;
mod table;
mod write;

pub use builder::{DYNAMODB_MAX_ITEM_BYTES, DynamoDbSessionStoreBuilder};
pub use error::{StoreError, describe_sdk_error};
pub use metrics::{Operation, OperationCounts};
pub use sessions::{InvalidHandle, SessionHandle, SessionInfo};
pub use settings::BillingMode;
pub use state::{HANDLE_FIELD, LOADED_FIELD, SessionState};
pub use store::DynamoDbSessionStore;
pub use sweep::{SWEEP_IAM_ACTIONS, Sweep, SweepCursor};
pub use table::TableReport;

/// The `tracing` target under which the AWS SDK logs, at TRACE, each answer
/// and output in full: for the store, the sessions' principals and labels
/// (see "Logging" in the crate's docs).
///
/// ```
/// assert!(session_store::SDK_DUMPS_TARGET.starts_with("aws_smithy_runtime"));
/// ```
pub const SDK_DUMPS_TARGET: &str = "aws_smithy_runtime::client::orchestrator";

/// The IAM actions the store calls, for least-privilege policies (the
/// `provision` tool writes exactly these).
///
/// ```
/// // A least-privilege policy statement for the store's table and its index.
/// let statement = serde_json::json!({
///     "Effect": "Allow",
///     "Action": session_store::IAM_ACTIONS,
///     "Resource": [
///         "arn:aws:dynamodb:eu-west-1:123456789012:table/sessions",
///         "arn:aws:dynamodb:eu-west-1:123456789012:table/sessions/index/*",
///     ],
/// });
/// assert_eq!(statement["Action"][0], "dynamodb:GetItem");
/// ```
pub const IAM_ACTIONS: &[&str] = &[
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:Query",
    "dynamodb:DescribeTable",
    "dynamodb:CreateTable",
    "dynamodb:DescribeTimeToLive",
    "dynamodb:UpdateTimeToLive",
];
