//! What a store is set up with, filled in by its builder. A leaf.

use std::time::Duration;

use actix_session::storage::SessionKey;

/// Capacity of a new table: on-demand, or provisioned read/write units.
///
/// ```
/// use session_store::{BillingMode, DynamoDbSessionStore};
/// assert_eq!(BillingMode::default(), BillingMode::OnDemand);
/// # async fn example(sdk_config: aws_config::SdkConfig) {
/// let store = DynamoDbSessionStore::builder(&sdk_config, "sessions")
///     .billing_mode(BillingMode::Provisioned { read: 5, write: 5 })
///     .build();
/// # }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum BillingMode {
    /// Pay per request (the default).
    #[default]
    OnDemand,
    /// Provisioned capacity, for the table and its index alike (the original used 2/2).
    Provisioned {
        /// Read capacity units.
        read: i64,
        /// Write capacity units.
        write: i64,
    },
}

/// Settings of a [`crate::DynamoDbSessionStore`]; see the builder's methods for defaults.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub(crate) table: String,
    pub(crate) key_attribute: String,
    pub(crate) key_prefix: String,
    pub(crate) principal_field: Option<String>,
    pub(crate) label_field: Option<String>,
    pub(crate) touch_interval: Duration,
    pub(crate) absolute_lifetime: Option<Duration>,
    pub(crate) consistent_reads: bool,
    pub(crate) billing_mode: BillingMode,
    pub(crate) create_table_if_missing: bool,
    pub(crate) enable_ttl: bool,
    pub(crate) operation_timeout: Duration,
    pub(crate) table_active_timeout: Duration,
    pub(crate) max_item_bytes: usize,
    pub(crate) key_generator: fn() -> SessionKey,
}
