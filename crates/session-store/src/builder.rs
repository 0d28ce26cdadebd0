use std::sync::Arc;
use std::time::Duration;

use aws_config::SdkConfig;
use aws_sdk_dynamodb::config::StalledStreamProtectionConfig;
use aws_sdk_dynamodb::config::timeout::TimeoutConfig;

use crate::settings::{BillingMode, Settings};
use crate::store::{DynamoDbSessionStore, Inner};

/// Builds a [`DynamoDbSessionStore`]; start from [`DynamoDbSessionStore::builder`].
///
/// ```
/// use std::time::Duration;
/// use session_store::{BillingMode, DynamoDbSessionStore};
/// # async fn example(sdk_config: aws_config::SdkConfig) {
/// let store = DynamoDbSessionStore::builder(&sdk_config, "sessions")
///     .touch_interval(Duration::from_secs(60))
///     .billing_mode(BillingMode::Provisioned { read: 2, write: 2 })
///     .build();
/// # }
/// ```
#[must_use]
pub struct DynamoDbSessionStoreBuilder {
    client: aws_sdk_dynamodb::Client,
    settings: Settings,
}

/// The largest DynamoDB item (400 KiB).
///
/// ```
/// assert_eq!(session_store::DYNAMODB_MAX_ITEM_BYTES, 409_600);
/// ```
pub const DYNAMODB_MAX_ITEM_BYTES: usize = 400 * 1024;

impl DynamoDbSessionStoreBuilder {
    pub(crate) fn new(client: aws_sdk_dynamodb::Client, table: String) -> Self {
        Self {
            client,
            settings: Settings {
                table,
                key_attribute: "id".to_owned(),
                key_prefix: String::new(),
                principal_field: Some("user".to_owned()),
                label_field: Some("device".to_owned()),
                touch_interval: Duration::from_secs(30),
                absolute_lifetime: None,
                consistent_reads: true,
                billing_mode: BillingMode::OnDemand,
                create_table_if_missing: true,
                enable_ttl: true,
                operation_timeout: Duration::from_secs(3),
                table_active_timeout: Duration::from_secs(120),
                max_item_bytes: DYNAMODB_MAX_ITEM_BYTES,
                key_generator: actix_session::storage::generate_session_key,
            },
        }
    }

    /// The hash-key attribute (default `id`).
    ///
    /// ```
    /// # async fn example(sdk_config: aws_config::SdkConfig) {
    /// // An existing table whose hash key is `session_id`.
    /// let store = session_store::DynamoDbSessionStore::builder(&sdk_config, "sessions")
    ///     .key_attribute("session_id")
    ///     .build();
    /// # }
    /// ```
    pub fn key_attribute(mut self, name: impl Into<String>) -> Self {
        self.settings.key_attribute = name.into();
        self
    }

    /// A prefix for item ids, to share a table between apps (default none).
    /// Each app lists and revokes only its own sessions, whatever its users
    /// are named.
    ///
    /// ```
    /// # async fn example(sdk_config: aws_config::SdkConfig) {
    /// // Two apps, one table: their item ids never meet.
    /// let shop = session_store::DynamoDbSessionStore::builder(&sdk_config, "sessions")
    ///     .key_prefix("shop#")
    ///     .build();
    /// let admin = session_store::DynamoDbSessionStore::builder(&sdk_config, "sessions")
    ///     .key_prefix("admin#")
    ///     .build();
    /// # }
    /// ```
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.settings.key_prefix = prefix.into();
        self
    }

    /// The session field whose value is written to the indexed `principal`
    /// attribute, for [`DynamoDbSessionStore::list_sessions`] (default `user`;
    /// `None` turns per-user sessions off).
    ///
    /// ```
    /// # async fn example(sdk_config: aws_config::SdkConfig) {
    /// // The app keeps the signed-in user's id under "user_id".
    /// let store = session_store::DynamoDbSessionStore::builder(&sdk_config, "sessions")
    ///     .principal_field(Some("user_id"))
    ///     .build();
    /// # }
    /// ```
    pub fn principal_field(mut self, field: Option<&str>) -> Self {
        self.settings.principal_field = field.map(str::to_owned);
        self
    }

    /// The session field whose value is written to the `label` attribute,
    /// which [`DynamoDbSessionStore::list_sessions`] returns with each
    /// session, for its owner to tell their sessions apart (default
    /// `device`; `None` writes no label). Keep it short and free of secrets:
    /// it is copied into the principal index.
    ///
    /// ```
    /// # async fn example(sdk_config: aws_config::SdkConfig) {
    /// // At login the app keeps e.g. "Firefox on Linux" under "browser".
    /// let store = session_store::DynamoDbSessionStore::builder(&sdk_config, "sessions")
    ///     .label_field(Some("browser"))
    ///     .build();
    /// # }
    /// ```
    pub fn label_field(mut self, field: Option<&str>) -> Self {
        self.settings.label_field = field.map(str::to_owned);
        self
    }

    /// The least time between two expiry extensions of an unchanged session
    /// (default 30 s). Under it, `update_ttl` writes nothing. It is capped at
    /// half the session's lifetime: a session of 8 s is extended every 4 s
    /// while in use, not left to expire between two touches.
    ///
    /// ```
    /// # async fn example(sdk_config: aws_config::SdkConfig) {
    /// use std::time::Duration;
    /// // Fewer writes for readers; an idle session's expiry may lag by up to a minute.
    /// let store = session_store::DynamoDbSessionStore::builder(&sdk_config, "sessions")
    ///     .touch_interval(Duration::from_secs(60))
    ///     .build();
    /// # }
    /// ```
    pub fn touch_interval(mut self, interval: Duration) -> Self {
        self.settings.touch_interval = interval;
        self
    }

    /// The longest a session lives after its creation, however active it is
    /// (default: no limit; each request extends it by its idle lifetime).
    /// A session past it loads as absent, and its item's expiry is never
    /// written past it, so that DynamoDB's TTL removes it then. Whole seconds;
    /// it applies to sessions created before it was set too (by their
    /// `created` time).
    ///
    /// ```
    /// # async fn example(sdk_config: aws_config::SdkConfig) {
    /// use std::time::Duration;
    /// // Idle for an hour at most (the middleware's TTL), and a login lasts a day at most.
    /// let store = session_store::DynamoDbSessionStore::builder(&sdk_config, "sessions")
    ///     .absolute_lifetime(Duration::from_secs(24 * 3600))
    ///     .build();
    /// # }
    /// ```
    pub fn absolute_lifetime(mut self, lifetime: Duration) -> Self {
        self.settings.absolute_lifetime = Some(lifetime);
        self
    }

    /// Strongly consistent reads for `load` (default on): a session written
    /// by one request is seen by the next, whichever instance serves it.
    /// Eventually consistent reads cost half, but may return what an item was
    /// before its last write (usually for under a second), even on a single
    /// instance: the request that follows a login's redirect could find no
    /// session yet, and a write built on a stale read undoes the write
    /// before it.
    ///
    /// ```
    /// # async fn example(sdk_config: aws_config::SdkConfig) {
    /// // Half the read cost, for an app that can take a stale session now and then.
    /// let store = session_store::DynamoDbSessionStore::builder(&sdk_config, "sessions")
    ///     .consistent_reads(false)
    ///     .build();
    /// # }
    /// ```
    pub fn consistent_reads(mut self, on: bool) -> Self {
        self.settings.consistent_reads = on;
        self
    }

    /// Capacity of a table created by [`DynamoDbSessionStore::ensure_table`]
    /// (default on-demand).
    ///
    /// ```
    /// # async fn example(sdk_config: aws_config::SdkConfig) {
    /// use session_store::BillingMode;
    /// let store = session_store::DynamoDbSessionStore::builder(&sdk_config, "sessions")
    ///     .billing_mode(BillingMode::Provisioned { read: 2, write: 2 })
    ///     .build();
    /// # }
    /// ```
    pub fn billing_mode(mut self, mode: BillingMode) -> Self {
        self.settings.billing_mode = mode;
        self
    }

    /// Whether [`DynamoDbSessionStore::ensure_table`] creates a missing table
    /// (default on).
    ///
    /// ```
    /// # async fn example(sdk_config: aws_config::SdkConfig) {
    /// // The table is managed elsewhere (CloudFormation, Terraform): a missing one
    /// // is an error at start-up, not a surprise table.
    /// let store = session_store::DynamoDbSessionStore::builder(&sdk_config, "sessions")
    ///     .create_table_if_missing(false)
    ///     .build();
    /// match store.ensure_table().await {
    ///     Err(session_store::StoreError::TableMissing { table }) => eprintln!("create {table} first"),
    ///     other => println!("{other:?}"),
    /// }
    /// # }
    /// ```
    pub fn create_table_if_missing(mut self, on: bool) -> Self {
        self.settings.create_table_if_missing = on;
        self
    }

    /// Whether [`DynamoDbSessionStore::ensure_table`] turns on DynamoDB TTL on
    /// `expires` (default on).
    ///
    /// ```
    /// # async fn example(sdk_config: aws_config::SdkConfig) {
    /// // A role without dynamodb:UpdateTimeToLive; TTL is set up by an administrator.
    /// let store = session_store::DynamoDbSessionStore::builder(&sdk_config, "sessions")
    ///     .enable_ttl(false)
    ///     .build();
    /// # }
    /// ```
    pub fn enable_ttl(mut self, on: bool) -> Self {
        self.settings.enable_ttl = on;
        self
    }

    /// The bound on each DynamoDB call, retries included (default 3 s): an
    /// unreachable endpoint fails within it.
    ///
    /// ```
    /// # async fn example(sdk_config: aws_config::SdkConfig) {
    /// use std::time::Duration;
    /// // Fail fast: a request gets its error page within half a second.
    /// let store = session_store::DynamoDbSessionStore::builder(&sdk_config, "sessions")
    ///     .operation_timeout(Duration::from_millis(500))
    ///     .build();
    /// # }
    /// ```
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.settings.operation_timeout = timeout;
        self
    }

    /// How long [`DynamoDbSessionStore::ensure_table`] waits for a new table
    /// to become ACTIVE (default 120 s).
    ///
    /// ```
    /// # async fn example(sdk_config: aws_config::SdkConfig) {
    /// use std::time::Duration;
    /// let store = session_store::DynamoDbSessionStore::builder(&sdk_config, "sessions")
    ///     .table_active_timeout(Duration::from_secs(300))
    ///     .build();
    /// # }
    /// ```
    pub fn table_active_timeout(mut self, timeout: Duration) -> Self {
        self.settings.table_active_timeout = timeout;
        self
    }

    /// The largest item the store writes (default and most
    /// [`DYNAMODB_MAX_ITEM_BYTES`]); a larger session is refused before any write.
    ///
    /// ```
    /// # async fn example(sdk_config: aws_config::SdkConfig) {
    /// // Keep sessions small: a session over 16 KiB is refused with StoreError::TooLarge.
    /// let store = session_store::DynamoDbSessionStore::builder(&sdk_config, "sessions")
    ///     .max_item_bytes(16 * 1024)
    ///     .build();
    /// # }
    /// ```
    pub fn max_item_bytes(mut self, bytes: usize) -> Self {
        self.settings.max_item_bytes = bytes.min(DYNAMODB_MAX_ITEM_BYTES);
        self
    }

    #[cfg(test)]
    pub(crate) fn key_generator(
        mut self,
        generator: fn() -> actix_session::storage::SessionKey,
    ) -> Self {
        self.settings.key_generator = generator;
        self
    }

    /// The store. Makes no call: run [`DynamoDbSessionStore::ensure_table`]
    /// at start-up.
    ///
    /// ```
    /// // No call is made: this runs offline.
    /// let sdk_config = aws_config::SdkConfig::builder()
    ///     .behavior_version(aws_config::BehaviorVersion::latest())
    ///     .build();
    /// let store = session_store::DynamoDbSessionStore::builder(&sdk_config, "sessions").build();
    /// assert_eq!(store.operation_counts().total_calls(), 0);
    /// ```
    pub fn build(self) -> DynamoDbSessionStore {
        let timeout = self.settings.operation_timeout;
        let client_config = self
            .client
            .config()
            .to_builder()
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(timeout.min(Duration::from_secs(1)))
                    .operation_attempt_timeout(timeout)
                    .operation_timeout(timeout)
                    .build(),
            )
            // The operation timeout already bounds a stalled answer, and more
            // tightly; the protection's two timers per call cost a wake-up.
            .stalled_stream_protection(StalledStreamProtectionConfig::disabled())
            .build();
        DynamoDbSessionStore {
            inner: Arc::new(Inner {
                client: aws_sdk_dynamodb::Client::from_conf(client_config),
                settings: self.settings,
                counters: Default::default(),
                recent: Default::default(),
            }),
        }
    }
}

impl DynamoDbSessionStore {
    /// A builder for a store on `table`, with a DynamoDB client made from
    /// `config` (its region, credentials and endpoint override).
    ///
    /// Unless `config` names its own HTTP client, the client keeps one
    /// connection pool per thread ([`per_thread_http::per_thread_pools`]): a
    /// call on one actix worker never waits on another worker's runtime.
    ///
    /// ```
    /// # async fn example() -> Result<(), session_store::StoreError> {
    /// // Region, credentials and AWS_ENDPOINT_URL from the environment.
    /// let aws = aws_config::load_from_env().await;
    /// let store = session_store::DynamoDbSessionStore::builder(&aws, "sessions").build();
    /// store.ensure_table().await?;
    /// # Ok(()) }
    /// ```
    pub fn builder(config: &SdkConfig, table: impl Into<String>) -> DynamoDbSessionStoreBuilder {
        let config = per_thread_http::per_thread_pools(config);
        Self::builder_from_client(aws_sdk_dynamodb::Client::new(&config), table)
    }

    /// A builder for a store on `table` using an existing client (its
    /// timeouts are replaced by the store's operation timeout).
    ///
    /// ```
    /// # async fn example(sdk_config: aws_config::SdkConfig) {
    /// // A client with settings of your own, e.g. more retries.
    /// let config = aws_sdk_dynamodb::config::Builder::from(&sdk_config)
    ///     .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(5))
    ///     .build();
    /// let client = aws_sdk_dynamodb::Client::from_conf(config);
    /// let store = session_store::DynamoDbSessionStore::builder_from_client(client, "sessions").build();
    /// # }
    /// ```
    pub fn builder_from_client(
        client: aws_sdk_dynamodb::Client,
        table: impl Into<String>,
    ) -> DynamoDbSessionStoreBuilder {
        DynamoDbSessionStoreBuilder::new(client, table.into())
    }
}
