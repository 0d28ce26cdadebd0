#![doc = include_str!("../README.md")]
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
// actix-session's trait, over reading and writing.
mod trait_impl;

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
