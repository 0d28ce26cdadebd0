use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use aws_sdk_dynamodb::types::ConsumedCapacity;

/// How many kinds of operation there are.
const OPERATIONS: usize = 6;

/// The DynamoDB operations the store makes.
///
/// ```
/// # async fn example(store: session_store::DynamoDbSessionStore) {
/// use session_store::Operation;
/// let counts = store.operation_counts();
/// for op in Operation::ALL {
///     println!("{}: {} calls, {} failed", op.name(), counts.calls(op), counts.failures(op));
/// }
/// # }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Operation {
    /// `GetItem` (load).
    GetItem,
    /// `PutItem` (save).
    PutItem,
    /// `UpdateItem` (update, update_ttl).
    UpdateItem,
    /// `DeleteItem` (delete, revoke).
    DeleteItem,
    /// `Query` on the principal index (list sessions).
    Query,
    /// `Scan` (the sweep of expired items, never on the request path).
    Scan,
}

impl Operation {
    /// Every operation, in a fixed order.
    ///
    /// ```
    /// use session_store::Operation;
    /// let names: Vec<&str> = Operation::ALL.iter().map(|op| op.name()).collect();
    /// assert_eq!(names, ["GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan"]);
    /// ```
    pub const ALL: [Operation; OPERATIONS] = [
        Operation::GetItem,
        Operation::PutItem,
        Operation::UpdateItem,
        Operation::DeleteItem,
        Operation::Query,
        Operation::Scan,
    ];

    /// The DynamoDB name of the operation, e.g. `"GetItem"`.
    ///
    /// ```
    /// assert_eq!(session_store::Operation::UpdateItem.name(), "UpdateItem");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Operation::GetItem => "GetItem",
            Operation::PutItem => "PutItem",
            Operation::UpdateItem => "UpdateItem",
            Operation::DeleteItem => "DeleteItem",
            Operation::Query => "Query",
            Operation::Scan => "Scan",
        }
    }
}

/// An answer that says what capacity its call consumed, table and indexes
/// together (the store asks for it with `ReturnConsumedCapacity::Total`).
pub(crate) trait Consumed {
    fn consumed(&self) -> Option<&ConsumedCapacity>;
}

macro_rules! consumed {
    ($($output:ty),*) => {$(
        impl Consumed for $output {
            fn consumed(&self) -> Option<&ConsumedCapacity> {
                self.consumed_capacity()
            }
        }
    )*};
}

consumed!(
    aws_sdk_dynamodb::operation::get_item::GetItemOutput,
    aws_sdk_dynamodb::operation::put_item::PutItemOutput,
    aws_sdk_dynamodb::operation::update_item::UpdateItemOutput,
    aws_sdk_dynamodb::operation::delete_item::DeleteItemOutput,
    aws_sdk_dynamodb::operation::query::QueryOutput,
    aws_sdk_dynamodb::operation::scan::ScanOutput
);

/// Capacity units are counted in thousandths: DynamoDB reports halves.
const MILLI: f64 = 1000.0;

/// How a call ended.
pub(crate) enum Outcome {
    Done,
    /// DynamoDB refused a write's condition (the session was gone, the key taken).
    Refused,
    Failed,
}

/// Lock-free counters of the calls a store made, shared by its clones.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    calls: [AtomicU64; OPERATIONS],
    failures: [AtomicU64; OPERATIONS],
    refused: [AtomicU64; OPERATIONS],
    capacity: [AtomicU64; OPERATIONS],
    unreadable: AtomicU64,
}

impl Counters {
    pub(crate) fn record(&self, op: Operation, outcome: Outcome) {
        self.calls[op as usize].fetch_add(1, Relaxed);
        match outcome {
            Outcome::Done => {}
            Outcome::Refused => _ = self.refused[op as usize].fetch_add(1, Relaxed),
            Outcome::Failed => _ = self.failures[op as usize].fetch_add(1, Relaxed),
        }
    }

    pub(crate) fn record_capacity(&self, op: Operation, consumed: Option<&ConsumedCapacity>) {
        if let Some(units) = consumed.and_then(|c| c.capacity_units()) {
            self.capacity[op as usize].fetch_add((units * MILLI).round() as u64, Relaxed);
        }
    }

    pub(crate) fn record_unreadable(&self) {
        self.unreadable.fetch_add(1, Relaxed);
    }

    pub(crate) fn snapshot(&self) -> OperationCounts {
        OperationCounts {
            calls: std::array::from_fn(|i| self.calls[i].load(Relaxed)),
            failures: std::array::from_fn(|i| self.failures[i].load(Relaxed)),
            refused: std::array::from_fn(|i| self.refused[i].load(Relaxed)),
            capacity: std::array::from_fn(|i| self.capacity[i].load(Relaxed)),
            unreadable: self.unreadable.load(Relaxed),
        }
    }
}

/// A snapshot of a store's operation counters, from
/// [`DynamoDbSessionStore::operation_counts`](crate::DynamoDbSessionStore::operation_counts).
///
/// A conditional write that DynamoDB refuses (the session was deleted or
/// expired meanwhile, the key was taken) is counted as refused, not failed:
/// it is the store working.
///
/// ```
/// use session_store::{Operation, OperationCounts};
/// let before = OperationCounts::default();
/// let after = OperationCounts::default();
/// assert_eq!(after.since(&before).calls(Operation::GetItem), 0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OperationCounts {
    calls: [u64; OPERATIONS],
    failures: [u64; OPERATIONS],
    refused: [u64; OPERATIONS],
    capacity: [u64; OPERATIONS],
    unreadable: u64,
}

impl OperationCounts {
    /// Calls made of `op`, failed ones included.
    ///
    /// ```
    /// # async fn example(store: session_store::DynamoDbSessionStore) {
    /// use session_store::Operation;
    /// println!("{} reads so far", store.operation_counts().calls(Operation::GetItem));
    /// # }
    /// ```
    pub fn calls(&self, op: Operation) -> u64 {
        self.calls[op as usize]
    }

    /// Calls of `op` that failed (service error, timeout, unreachable).
    ///
    /// ```
    /// # async fn example(store: session_store::DynamoDbSessionStore) {
    /// use session_store::Operation;
    /// let counts = store.operation_counts();
    /// if counts.failures(Operation::GetItem) > 0 {
    ///     eprintln!("DynamoDB reads have failed; see the log");
    /// }
    /// # }
    /// ```
    pub fn failures(&self, op: Operation) -> u64 {
        self.failures[op as usize]
    }

    /// Writes of `op` whose condition DynamoDB refused, so nothing was written.
    ///
    /// ```
    /// # async fn example(store: session_store::DynamoDbSessionStore) {
    /// use session_store::Operation;
    /// // Requests that raced a logout: their change was dropped, not written.
    /// println!("{} changes dropped", store.operation_counts().refused(Operation::UpdateItem));
    /// # }
    /// ```
    pub fn refused(&self, op: Operation) -> u64 {
        self.refused[op as usize]
    }

    /// The capacity units that DynamoDB said calls of `op` consumed, its
    /// indexes included: what it bills. Reads are read units, writes write
    /// units. (Writes whose condition was refused consumed some too, which
    /// DynamoDB does not report on errors.)
    ///
    /// ```
    /// # async fn example(store: session_store::DynamoDbSessionStore) {
    /// use session_store::Operation;
    /// let counts = store.operation_counts();
    /// let reads = counts.capacity_units(Operation::GetItem);
    /// println!("{reads} read units over {} reads", counts.calls(Operation::GetItem));
    /// # }
    /// ```
    pub fn capacity_units(&self, op: Operation) -> f64 {
        self.capacity[op as usize] as f64 / MILLI
    }

    /// Read units consumed by every kind of read (GetItem, Query, Scan).
    ///
    /// ```
    /// # async fn example(store: session_store::DynamoDbSessionStore) {
    /// let counts = store.operation_counts();
    /// println!("{} RCU, {} WCU", counts.read_units(), counts.write_units());
    /// # }
    /// ```
    pub fn read_units(&self) -> f64 {
        [Operation::GetItem, Operation::Query, Operation::Scan]
            .map(|op| self.capacity_units(op))
            .iter()
            .sum()
    }

    /// Write units consumed by every kind of write (PutItem, UpdateItem,
    /// DeleteItem), index writes included.
    ///
    /// ```
    /// # async fn example(store: session_store::DynamoDbSessionStore) {
    /// println!("{} write units so far", store.operation_counts().write_units());
    /// # }
    /// ```
    pub fn write_units(&self) -> f64 {
        [
            Operation::PutItem,
            Operation::UpdateItem,
            Operation::DeleteItem,
        ]
        .map(|op| self.capacity_units(op))
        .iter()
        .sum()
    }

    /// Session states read that did not open: damaged, or copied from
    /// another item. Each was treated as no session. More than a few hint
    /// at someone writing to the table.
    ///
    /// ```
    /// # async fn example(store: session_store::DynamoDbSessionStore) {
    /// if store.operation_counts().unreadable() > 0 {
    ///     eprintln!("session states that do not decrypt: check who writes to the table");
    /// }
    /// # }
    /// ```
    pub fn unreadable(&self) -> u64 {
        self.unreadable
    }

    /// Calls made of every kind.
    ///
    /// ```
    /// # async fn example(store: session_store::DynamoDbSessionStore) {
    /// println!("{} DynamoDB calls", store.operation_counts().total_calls());
    /// # }
    /// ```
    pub fn total_calls(&self) -> u64 {
        self.calls.iter().sum()
    }

    /// Writes (PutItem, UpdateItem, DeleteItem).
    ///
    /// ```
    /// # async fn example(store: session_store::DynamoDbSessionStore) {
    /// use actix_session::storage::SessionStore;
    /// use actix_web::cookie::time::Duration;
    /// let before = store.operation_counts();
    /// let key = store.save([("n".to_owned(), "1".to_owned())].into(), &Duration::hours(1)).await.unwrap();
    /// store.load(&key).await.unwrap();
    /// let used = store.operation_counts().since(&before);
    /// assert_eq!((used.total_calls(), used.writes()), (2, 1));
    /// # }
    /// ```
    pub fn writes(&self) -> u64 {
        self.calls(Operation::PutItem)
            + self.calls(Operation::UpdateItem)
            + self.calls(Operation::DeleteItem)
    }

    /// The counts made since `earlier`.
    ///
    /// ```
    /// # async fn example(store: session_store::DynamoDbSessionStore) {
    /// use actix_session::storage::SessionStore;
    /// use session_store::Operation;
    /// let before = store.operation_counts();
    /// let key = "a session key that was never issued".to_owned().try_into().unwrap();
    /// assert!(store.load(&key).await.unwrap().is_none());
    /// let used = store.operation_counts().since(&before);
    /// assert_eq!((used.calls(Operation::GetItem), used.writes()), (1, 0));
    /// # }
    /// ```
    pub fn since(&self, earlier: &OperationCounts) -> OperationCounts {
        OperationCounts {
            calls: std::array::from_fn(|i| self.calls[i].saturating_sub(earlier.calls[i])),
            failures: std::array::from_fn(|i| self.failures[i].saturating_sub(earlier.failures[i])),
            refused: std::array::from_fn(|i| self.refused[i].saturating_sub(earlier.refused[i])),
            capacity: std::array::from_fn(|i| self.capacity[i].saturating_sub(earlier.capacity[i])),
            unreadable: self.unreadable.saturating_sub(earlier.unreadable),
        }
    }
}
