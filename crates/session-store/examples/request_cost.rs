//! What a request costs in DynamoDB capacity units in each layout the store
//! has had (state in the clear with the times in the index; sealed whole
//! with a version; each field sealed on its own), and what the original's
//! Node store (dynamodb-store) costs.
//!
//! moto reports fixed capacity figures, so this example writes real
//! sessions through the store, reads the items back, and prices them by
//! DynamoDB's published rules (`test_support::pricing`). On ministack, which
//! sizes its figures, the store's suite checks that it reports the same
//! (`tests/store/capacity.rs`).
//!
//! Run: `cargo run -p session-store --example request_cost` (starts the
//! emulator if none runs).

use std::collections::HashMap;

use actix_session::storage::SessionStore;
use actix_web::cookie::time::Duration;
use aws_sdk_dynamodb::types::AttributeValue;
use session_store::{DynamoDbSessionStore, SessionHandle};

use test_support::pricing::{
    Item, demo_state, index_entry_size, item_size, read_units, write_units,
};

/// `item` with its `fields` replaced by a `state` of an earlier layout,
/// and the `version` that layout kept.
fn with_state(item: &Item, state: AttributeValue) -> Item {
    let mut earlier = item.clone();
    earlier.remove("fields");
    earlier.insert("state".to_owned(), state);
    earlier.insert("version".to_owned(), AttributeValue::N("12".into()));
    earlier
}

/// `item` as the store laid it out before sealing: the state as a map of
/// JSON texts.
fn in_the_clear(item: &Item, state: &HashMap<String, String>) -> Item {
    let map = state
        .iter()
        .map(|(k, v)| (k.clone(), AttributeValue::S(v.clone())))
        .collect();
    with_state(item, AttributeValue::M(map))
}

/// `item` as the store laid it out before field-level writes: the whole
/// state as JSON, deflated above 512 bytes when smaller, sealed in one blob
/// (2 bytes of header, a 12-byte nonce, a 16-byte tag).
fn sealed_whole(item: &Item, state: &HashMap<String, String>) -> Item {
    use std::io::Write;
    let json = serde_json::to_vec(state).unwrap();
    let mut deflate = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    deflate.write_all(&json).unwrap();
    let deflated = deflate.finish().unwrap();
    let plain = if json.len() > 512 && deflated.len() < json.len() {
        deflated.len()
    } else {
        json.len()
    };
    with_state(item, AttributeValue::B(vec![0; 30 + plain].into()))
}

/// The original's store (dynamodb-store): `sess:` and the session id, `expires`,
/// and `sess`, the express-session object with its cookie, as a map.
fn node_item(state: &HashMap<String, String>) -> Item {
    let s = |v: &str| AttributeValue::S(v.to_owned());
    let cookie = HashMap::from([
        (
            "originalMaxAge".to_owned(),
            AttributeValue::N("8000".into()),
        ),
        ("expires".to_owned(), s("2026-12-06T23:00:08.000Z")),
        ("httpOnly".to_owned(), AttributeValue::Bool(true)),
        ("path".to_owned(), s("/")),
    ]);
    let data = HashMap::from([
        ("views".to_owned(), AttributeValue::N("12".into())),
        ("user".to_owned(), s("alice")),
    ]);
    let mut sess = HashMap::from([
        ("cookie".to_owned(), AttributeValue::M(cookie)),
        ("data".to_owned(), AttributeValue::M(data)),
    ]);
    if let Some(tokens) = state.get("tokens") {
        sess.insert("tokens".to_owned(), s(tokens));
    }
    HashMap::from([
        (
            "id".to_owned(),
            s(&format!("sess:{}", test_support::random_text(32))),
        ),
        ("expires".to_owned(), AttributeValue::N("1765062008".into())),
        ("sess".to_owned(), AttributeValue::M(sess)),
    ])
}

/// How one store lays out one session, and what that costs per request.
struct Layout {
    name: &'static str,
    item_bytes: usize,
    index_bytes: Option<usize>,
    consistent: bool,
    /// Whether a change or a touch also writes the index entry.
    index_written: bool,
    touches: bool,
}

impl Layout {
    /// Its row of the table: a page view reads and changes the session, a
    /// read-only request reads it, a touch extends its expiry.
    fn row(&self) -> String {
        let read = read_units(self.item_bytes, self.consistent);
        let index = match self.index_bytes {
            Some(bytes) if self.index_written => write_units(bytes),
            _ => 0.0,
        };
        let write = write_units(self.item_bytes) + index;
        let touch = if self.touches {
            write.to_string()
        } else {
            "none".to_owned()
        };
        format!(
            "{} | {} | {} | {read} / {write} | {read} / 0 | {touch}",
            self.name,
            self.item_bytes,
            self.index_bytes
                .map_or("no index".to_owned(), |b| b.to_string()),
        )
    }
}

#[tokio::main]
async fn main() {
    let aws = test_support::local_aws().await;
    let store =
        DynamoDbSessionStore::builder(&aws.config, test_support::unique_name("cost")).build();
    store.ensure_table().await.expect("the table");
    let ttl = Duration::hours(1);
    println!(
        "| session | layout | item bytes | index entry bytes | page view (read + change) RCU / WCU | read-only request RCU / WCU | touch WCU |"
    );
    println!("| --- | --- | ---: | ---: | --- | --- | ---: |");
    for (name, tokens) in [("stage 1", false), ("stage 2 (Cognito tokens)", true)] {
        let state = demo_state(tokens);
        let key = store.save(state.clone(), &ttl).await.expect("save");
        let loaded = store.load(&key).await.expect("load").expect("the session");
        let handle = SessionHandle::from_state(&loaded).expect("a stored session's handle");
        let sealed = store
            .client()
            .get_item()
            .table_name(store.table())
            .key("id", AttributeValue::S(handle.to_string()))
            .send()
            .await
            .expect("GetItem")
            .item
            .expect("the item just saved");
        let clear = in_the_clear(&sealed, &state);
        let whole = sealed_whole(&sealed, &state);
        let before_index = index_entry_size(&clear, &["created", "touched", "expires", "label"]);
        let after_index = index_entry_size(&sealed, &["created", "label"]);
        let node = node_item(&state);
        let layouts = [
            Layout {
                name: "the original's Node store, eventual reads",
                item_bytes: item_size(&node),
                index_bytes: None,
                consistent: false,
                index_written: false,
                // It has no touch: read-only requests write nothing.
                touches: false,
            },
            Layout {
                name: "before: clear state, times in the index",
                item_bytes: item_size(&clear),
                index_bytes: Some(before_index),
                consistent: true,
                index_written: true,
                touches: true,
            },
            Layout {
                name: "sealed whole, versioned, lean index",
                item_bytes: item_size(&whole),
                index_bytes: Some(after_index),
                consistent: true,
                index_written: false,
                touches: true,
            },
            Layout {
                name: "now: each field sealed, lean index",
                item_bytes: item_size(&sealed),
                index_bytes: Some(after_index),
                consistent: true,
                index_written: false,
                touches: true,
            },
            Layout {
                name: "now, with consistent_reads(false)",
                item_bytes: item_size(&sealed),
                index_bytes: Some(after_index),
                consistent: false,
                index_written: false,
                touches: true,
            },
        ];
        for layout in layouts {
            println!("| {name} | {} |", layout.row());
        }
    }
}
