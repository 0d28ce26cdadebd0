//! Expired items removed by the store itself, for tables where DynamoDB's
//! TTL is off or unavailable: a local emulator, DynamoDB Local, a table
//! restored from a backup before TTL was turned on again. Reads never need
//! it (an expired item is absent to the store whether or not it is still in
//! the table): it only keeps the table from growing.
//!
//! It scans, so it runs from a scheduled job, never on the request path, and
//! each call is bounded: it reads at most `limit` items and says where the
//! next call goes on.

use std::collections::HashMap;

use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnConsumedCapacity};

use crate::clock::now;
use crate::item::EXPIRES;
use crate::metrics::Operation;
use crate::{DynamoDbSessionStore, StoreError};

/// The IAM actions a sweep needs, besides none of the app's: give them to
/// the job that sweeps, not to the app (whose [`IAM_ACTIONS`](crate::IAM_ACTIONS)
/// hold no Scan).
///
/// ```
/// assert_eq!(session_store::SWEEP_IAM_ACTIONS, ["dynamodb:Scan", "dynamodb:DeleteItem"]);
/// ```
pub const SWEEP_IAM_ACTIONS: &[&str] = &["dynamodb:Scan", "dynamodb:DeleteItem"];

/// What one call of [`DynamoDbSessionStore::sweep_expired`] did.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct Sweep {
    /// Items the scan read.
    pub scanned: usize,
    /// Expired items deleted.
    pub deleted: usize,
    /// Where the next call goes on; `None` once the whole table was read.
    pub next: Option<SweepCursor>,
}

/// Where a sweep stopped: pass it to the next call. Opaque.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepCursor(HashMap<String, AttributeValue>);

impl DynamoDbSessionStore {
    /// Deletes the expired sessions of this store among the next `limit`
    /// items of the table, from `from` (`None`: the start). One Scan, then
    /// one conditional DeleteItem per expired item: a session extended in
    /// the meantime is kept. With a key prefix, only this store's items are
    /// deleted. Never on the request path: from a scheduled job.
    ///
    /// ```no_run
    /// # async fn example(store: session_store::DynamoDbSessionStore) -> Result<(), session_store::StoreError> {
    /// // Once an hour, say: the whole table, 100 items per call.
    /// let mut from = None;
    /// loop {
    ///     let sweep = store.sweep_expired(from, 100).await?;
    ///     println!("{} expired sessions deleted", sweep.deleted);
    ///     match sweep.next {
    ///         Some(next) => from = Some(next),
    ///         None => break,
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn sweep_expired(
        &self,
        from: Option<SweepCursor>,
        limit: u32,
    ) -> Result<Sweep, StoreError> {
        let settings = self.settings();
        let now = AttributeValue::N(now().to_string());
        let mut filter = "#e <= :now".to_owned();
        let mut scan = self
            .client()
            .scan()
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .table_name(&settings.table)
            .limit(limit.clamp(1, i32::MAX as u32) as i32)
            .projection_expression("#k")
            .expression_attribute_names("#k", &settings.key_attribute)
            .expression_attribute_names("#e", EXPIRES)
            .expression_attribute_values(":now", now.clone())
            .set_exclusive_start_key(from.map(|cursor| cursor.0));
        if !settings.key_prefix.is_empty() {
            filter.push_str(" AND begins_with(#k, :prefix)");
            scan = scan.expression_attribute_values(
                ":prefix",
                AttributeValue::S(settings.key_prefix.clone()),
            );
        }
        let page = self
            .call(Operation::Scan, scan.filter_expression(filter).send())
            .await
            .map_err(|e| StoreError::dynamodb("dynamodb:Scan", &settings.table, e))?;
        let mut deleted = 0;
        for item in page.items() {
            let Some(id) = item.get(&settings.key_attribute) else {
                continue;
            };
            let result = self
                .call(
                    Operation::DeleteItem,
                    self.client()
                        .delete_item()
                        .return_consumed_capacity(ReturnConsumedCapacity::Total)
                        .table_name(&settings.table)
                        .key(&settings.key_attribute, id.clone())
                        .condition_expression("#e <= :now")
                        .expression_attribute_names("#e", EXPIRES)
                        .expression_attribute_values(":now", now.clone())
                        .send(),
                )
                .await;
            match result {
                Ok(_) => deleted += 1,
                // Extended (or deleted) since the scan read it.
                Err(SdkError::ServiceError(e))
                    if e.err().is_conditional_check_failed_exception() => {}
                Err(e) => {
                    return Err(StoreError::dynamodb(
                        "dynamodb:DeleteItem",
                        &settings.table,
                        e,
                    ));
                }
            }
        }
        Ok(Sweep {
            scanned: page.scanned_count().max(0) as usize,
            deleted,
            next: page
                .last_evaluated_key()
                .map(|key| SweepCursor(key.clone())),
        })
    }
}
