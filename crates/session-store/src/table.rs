use std::time::{Duration, Instant};

use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode as DynamoBillingMode, GlobalSecondaryIndex, KeySchemaElement,
    KeyType, Projection, ProjectionType, ProvisionedThroughput, ScalarAttributeType,
    TableDescription, TableStatus, TimeToLiveSpecification, TimeToLiveStatus,
};

use crate::item::{CREATED, EXPIRES, LABEL, PRINCIPAL, PRINCIPAL_INDEX, TOUCHED};
use crate::{BillingMode, DynamoDbSessionStore, StoreError};

const POLL: Duration = Duration::from_millis(250);

/// What [`DynamoDbSessionStore::ensure_table`] found and did.
///
/// ```
/// # async fn example(store: session_store::DynamoDbSessionStore) -> Result<(), session_store::StoreError> {
/// let report = store.ensure_table().await?;
/// if !report.ttl_enabled {
///     // Expired items stay until deleted; the store ignores them on read.
///     eprintln!("DynamoDB TTL is off on {}", store.table());
/// }
/// if !report.principal_index {
///     eprintln!("no principal index: list_sessions will fail");
/// } else if !report.labels_listed || report.index_written_on_touch {
///     eprintln!("an index made by an older version: make it again");
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TableReport {
    /// The table was created by this call.
    pub created: bool,
    /// DynamoDB TTL is on for `expires` (it was, or this call turned it on).
    pub ttl_enabled: bool,
    /// The principal index exists (needed for per-user sessions).
    pub principal_index: bool,
    /// The principal index holds the sessions' labels, so that
    /// [`DynamoDbSessionStore::list_sessions`] returns them. An index made
    /// by a version of this crate from before labels does not; a projection
    /// cannot be changed, so such an index must be dropped and made again.
    pub labels_listed: bool,
    /// The principal index holds the sessions' times, as versions of this
    /// crate made it until sealing: every write of a session, a mere touch
    /// included, then writes the index too, which DynamoDB bills as a second
    /// write. Drop the index and make it again to halve the cost of touches.
    pub index_written_on_touch: bool,
}

impl DynamoDbSessionStore {
    /// Makes the table ready: creates it when it does not exist (unless
    /// turned off), waits until it is ACTIVE, checks that its key is the
    /// store's ([`StoreError::KeySchemaMismatch`] otherwise), and turns on
    /// DynamoDB TTL on `expires`. Idempotent; call it at start-up, never on a
    /// request path.
    ///
    /// A refused call fails with the IAM action it needed (e.g.
    /// `dynamodb:DescribeTable`); an endpoint without TTL support only warns,
    /// since the store ignores expired items on every read anyway.
    ///
    /// ```no_run
    /// # async fn example(store: session_store::DynamoDbSessionStore) -> Result<(), session_store::StoreError> {
    /// let report = store.ensure_table().await?;
    /// println!("table created: {}", report.created);
    /// # Ok(()) }
    /// ```
    pub async fn ensure_table(&self) -> Result<TableReport, StoreError> {
        let settings = self.settings();
        let mut created = false;
        let description = match self.describe_table().await? {
            Some(description) => description,
            None if settings.create_table_if_missing => {
                created = self.create_table().await?;
                self.wait_until_active().await?
            }
            None => {
                return Err(StoreError::TableMissing {
                    table: settings.table.clone(),
                });
            }
        };
        let description = if description.table_status() == Some(&TableStatus::Active) {
            description
        } else {
            self.wait_until_active().await?
        };
        self.check_key_schema(&description)?;
        let index = description
            .global_secondary_indexes()
            .iter()
            .find(|index| index.index_name() == Some(PRINCIPAL_INDEX));
        let principal_index = index.is_some();
        let projects = |attribute: &str| {
            index
                .and_then(|index| index.projection())
                .is_some_and(|projection| {
                    projection.projection_type() == Some(&ProjectionType::All)
                        || projection
                            .non_key_attributes()
                            .iter()
                            .any(|a| a == attribute)
                })
        };
        let labels_listed = projects(LABEL);
        let index_written_on_touch = projects(TOUCHED) || projects(EXPIRES);
        if index_written_on_touch {
            tracing::warn!(
                table = %settings.table,
                "index {PRINCIPAL_INDEX} holds the sessions' times (it was made by an older version): \
                 each touch of a session also writes the index; make it again to halve their cost"
            );
        }
        if !principal_index && settings.principal_field.is_some() {
            tracing::warn!(
                table = %settings.table,
                "table has no index {PRINCIPAL_INDEX}: listing a user's sessions will fail"
            );
        } else if principal_index && !labels_listed && settings.label_field.is_some() {
            tracing::warn!(
                table = %settings.table,
                "index {PRINCIPAL_INDEX} does not hold {LABEL:?} (it was made before labels): \
                 sessions are listed without their labels until it is made again"
            );
        }
        let ttl_enabled = settings.enable_ttl && self.enable_ttl().await;
        Ok(TableReport {
            created,
            ttl_enabled,
            principal_index,
            labels_listed,
            index_written_on_touch,
        })
    }

    /// Fails unless the table's key is the store's hash key alone: with
    /// another, every call would fail with a ValidationException.
    fn check_key_schema(&self, description: &TableDescription) -> Result<(), StoreError> {
        let settings = self.settings();
        let schema = description.key_schema();
        if let [only] = schema
            && only.key_type() == &KeyType::Hash
            && only.attribute_name() == settings.key_attribute
        {
            return Ok(());
        }
        Err(StoreError::KeySchemaMismatch {
            table: settings.table.clone(),
            expected: settings.key_attribute.clone(),
            found: schema
                .iter()
                .map(|k| format!("{} ({})", k.attribute_name(), k.key_type().as_str()))
                .collect::<Vec<_>>()
                .join(", "),
        })
    }

    async fn describe_table(&self) -> Result<Option<TableDescription>, StoreError> {
        let table = &self.settings().table;
        match self
            .client()
            .describe_table()
            .table_name(table)
            .send()
            .await
        {
            Ok(out) => Ok(out.table),
            Err(SdkError::ServiceError(e)) if e.err().is_resource_not_found_exception() => Ok(None),
            Err(e) => Err(StoreError::dynamodb("dynamodb:DescribeTable", table, e)),
        }
    }

    /// Creates the table; `false` when another process created it first.
    async fn create_table(&self) -> Result<bool, StoreError> {
        let settings = self.settings();
        let string_attribute = |name: &str| {
            AttributeDefinition::builder()
                .attribute_name(name)
                .attribute_type(ScalarAttributeType::S)
                .build()
                .expect("name and type are set")
        };
        let hash_key = |name: &str| {
            KeySchemaElement::builder()
                .attribute_name(name)
                .key_type(KeyType::Hash)
                .build()
                .expect("name and type are set")
        };
        let throughput = match settings.billing_mode {
            BillingMode::OnDemand => None,
            BillingMode::Provisioned { read, write } => Some(
                ProvisionedThroughput::builder()
                    .read_capacity_units(read)
                    .write_capacity_units(write)
                    .build()
                    .expect("units are set"),
            ),
        };
        let mut request = self
            .client()
            .create_table()
            .table_name(&settings.table)
            .attribute_definitions(string_attribute(&settings.key_attribute))
            .key_schema(hash_key(&settings.key_attribute))
            .billing_mode(match settings.billing_mode {
                BillingMode::OnDemand => DynamoBillingMode::PayPerRequest,
                BillingMode::Provisioned { .. } => DynamoBillingMode::Provisioned,
            })
            .set_provisioned_throughput(throughput.clone());
        if settings.principal_field.is_some() {
            request = request
                .attribute_definitions(string_attribute(PRINCIPAL))
                .global_secondary_indexes(
                    GlobalSecondaryIndex::builder()
                        .index_name(PRINCIPAL_INDEX)
                        .key_schema(hash_key(PRINCIPAL))
                        .projection(
                            Projection::builder()
                                .projection_type(ProjectionType::Include)
                                // What never changes: a touch or a change of
                                // the state then writes the table alone.
                                .non_key_attributes(CREATED)
                                .non_key_attributes(LABEL)
                                .build(),
                        )
                        .set_provisioned_throughput(throughput)
                        .build()
                        .expect("name, key and projection are set"),
                );
        }
        match request.send().await {
            Ok(_) => {
                tracing::info!(table = %settings.table, "created session table");
                Ok(true)
            }
            Err(SdkError::ServiceError(e)) if e.err().is_resource_in_use_exception() => Ok(false),
            Err(e) => Err(StoreError::dynamodb(
                "dynamodb:CreateTable",
                &settings.table,
                e,
            )),
        }
    }

    async fn wait_until_active(&self) -> Result<TableDescription, StoreError> {
        let settings = self.settings();
        let started = Instant::now();
        let mut logged = Instant::now();
        loop {
            let description = self.describe_table().await?;
            let status = description.as_ref().and_then(|d| d.table_status().cloned());
            if let (Some(TableStatus::Active), Some(description)) = (&status, description) {
                return Ok(description);
            }
            let waited = started.elapsed();
            let status = status.map_or_else(|| "missing".to_owned(), |s| s.as_str().to_owned());
            if waited >= settings.table_active_timeout {
                return Err(StoreError::TableNotActive {
                    table: settings.table.clone(),
                    status,
                    waited,
                });
            }
            if logged.elapsed() >= Duration::from_secs(5) {
                tracing::info!(table = %settings.table, %status, ?waited, "waiting for the table to become ACTIVE");
                logged = Instant::now();
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Turns TTL on for `expires`; `false` (with a warning) when it cannot.
    async fn enable_ttl(&self) -> bool {
        let table = &self.settings().table;
        let current = self
            .client()
            .describe_time_to_live()
            .table_name(table)
            .send()
            .await;
        let warn = |action: &str, e: &dyn ProvideErrorMetadata, detail: String| {
            tracing::warn!(
                %table,
                code = e.code().unwrap_or("-"),
                "{action} failed ({detail}); expired sessions are still ignored on read, \
                 but DynamoDB will not delete them"
            );
        };
        match current {
            Ok(out) => {
                if let Some(description) = out.time_to_live_description() {
                    let on = matches!(
                        description.time_to_live_status(),
                        Some(TimeToLiveStatus::Enabled | TimeToLiveStatus::Enabling)
                    );
                    match description.attribute_name() {
                        Some(EXPIRES) if on => return true,
                        Some(other) if on => {
                            tracing::warn!(%table, attribute = other, "TTL is on for another attribute; left as is");
                            return false;
                        }
                        _ => {}
                    }
                }
            }
            Err(e) => {
                warn(
                    "dynamodb:DescribeTimeToLive",
                    &e,
                    crate::describe_sdk_error(&e),
                );
                return false;
            }
        }
        let result = self
            .client()
            .update_time_to_live()
            .table_name(table)
            .time_to_live_specification(
                TimeToLiveSpecification::builder()
                    .attribute_name(EXPIRES)
                    .enabled(true)
                    .build()
                    .expect("name and flag are set"),
            )
            .send()
            .await;
        match result {
            Ok(_) => {
                tracing::info!(%table, "turned on DynamoDB TTL on {EXPIRES}");
                true
            }
            Err(e) => {
                warn(
                    "dynamodb:UpdateTimeToLive",
                    &e,
                    crate::describe_sdk_error(&e),
                );
                false
            }
        }
    }
}
