use std::time::Duration;

/// Errors of the DynamoDB session store itself; the `SessionStore` trait's
/// error types wrap them, so `err.source()` leads here.
///
/// ```
/// use actix_session::storage::UpdateError;
/// use session_store::StoreError;
///
/// let err = StoreError::TooLarge { bytes: 500_000, limit: 409_600 };
/// assert_eq!(
///     err.to_string(),
///     "session too large for a DynamoDB item: 500000 bytes, the limit is 409600"
/// );
/// // The SessionStore trait's errors wrap it: find it again by downcasting.
/// let UpdateError::Other(cause) = UpdateError::Other(err.into()) else { unreachable!() };
/// assert!(matches!(cause.downcast_ref(), Some(StoreError::TooLarge { .. })));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The session would not fit in one DynamoDB item; nothing was written.
    #[error("session too large for a DynamoDB item: {bytes} bytes, the limit is {limit}")]
    TooLarge {
        /// Approximate size of the item that would have been written.
        bytes: usize,
        /// The configured limit ([`crate::DynamoDbSessionStoreBuilder::max_item_bytes`]).
        limit: usize,
    },
    /// The session's principal (see
    /// [`crate::DynamoDbSessionStoreBuilder::principal_field`]) is longer than
    /// DynamoDB allows for an index key (2048 bytes); nothing was written.
    #[error("session principal too long for the principal index: {bytes} bytes, the limit is 2048")]
    PrincipalTooLong {
        /// Its length in UTF-8 bytes.
        bytes: usize,
    },
    /// A stored item does not have the layout this store writes.
    #[error("malformed session item: {0}")]
    Malformed(String),
    /// No fresh session key could be drawn (three collisions in a row).
    #[error("could not draw an unused session key after {0} attempts")]
    KeyCollisions(u32),
    /// The table does not exist and creating it is turned off.
    #[error("table {table} does not exist (create it, or turn on create_table_if_missing)")]
    TableMissing {
        /// The table name.
        table: String,
    },
    /// The table's key is not the store's: a single hash key named
    /// [`key_attribute`](crate::DynamoDbSessionStoreBuilder::key_attribute)
    /// (e.g. a table made by another session library).
    #[error(
        "table {table} is keyed by {found}, the store by {expected} (HASH) alone: \
         set key_attribute, or use another table"
    )]
    KeySchemaMismatch {
        /// The table name.
        table: String,
        /// The key attribute the store is set up for.
        expected: String,
        /// The table's key, e.g. `sid (HASH)`.
        found: String,
    },
    /// The table did not become ACTIVE in time.
    #[error("table {table} is still {status} after {waited:?}")]
    TableNotActive {
        /// The table name.
        table: String,
        /// The last status seen.
        status: String,
        /// How long we waited.
        waited: Duration,
    },
    /// A DynamoDB call failed; `action` is the IAM action it needs (e.g.
    /// `dynamodb:CreateTable`), named so a missing permission is obvious.
    #[error("DynamoDB {action} on table {table} failed: {message}")]
    DynamoDb {
        /// The IAM action of the call.
        action: &'static str,
        /// The table name.
        table: String,
        /// The service's error code and message, or the transport failure.
        message: String,
        /// The SDK error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl StoreError {
    pub(crate) fn dynamodb<E>(
        action: &'static str,
        table: &str,
        err: aws_sdk_dynamodb::error::SdkError<E>,
    ) -> Self
    where
        E: std::error::Error
            + aws_sdk_dynamodb::error::ProvideErrorMetadata
            + Send
            + Sync
            + 'static,
    {
        Self::DynamoDb {
            action,
            table: table.to_owned(),
            message: describe_sdk_error(&err),
            source: Box::new(err),
        }
    }
}

/// A one-line description of an SDK error: the service's code and message,
/// or the kind of transport failure (timeout, connection refused, ...). The
/// store's errors carry it; it describes the errors of any AWS SDK client.
///
/// ```
/// use aws_sdk_dynamodb::error::SdkError;
/// use aws_sdk_dynamodb::operation::get_item::GetItemError;
///
/// let err: SdkError<GetItemError> = SdkError::timeout_error("no answer");
/// assert_eq!(session_store::describe_sdk_error(&err), "timed out");
/// ```
pub fn describe_sdk_error<E>(err: &aws_sdk_dynamodb::error::SdkError<E>) -> String
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata + std::error::Error + 'static,
{
    use aws_sdk_dynamodb::error::SdkError;
    match err {
        SdkError::ServiceError(e) => {
            let e = e.err();
            match (e.code(), e.message()) {
                (Some(code), Some(msg)) => format!("{code}: {msg}"),
                (Some(code), None) => code.to_owned(),
                _ => e.to_string(),
            }
        }
        SdkError::TimeoutError(_) => "timed out".to_owned(),
        SdkError::DispatchFailure(f) if f.is_timeout() => "timed out".to_owned(),
        // The innermost cause says why: refused, no route, a certificate
        // not trusted... ("io error" alone would not).
        SdkError::DispatchFailure(f) if f.is_io() => {
            let cause = causes(err).last().unwrap_or_else(|| "io error".to_owned());
            format!("endpoint unreachable ({cause})")
        }
        other => std::iter::once(other.to_string())
            .chain(causes(other))
            .collect::<Vec<_>>()
            .join(": "),
    }
}

/// The messages of `err`'s sources, outermost first.
fn causes(err: &dyn std::error::Error) -> impl Iterator<Item = String> + '_ {
    std::iter::successors(err.source(), |e| e.source()).map(|e| e.to_string())
}
