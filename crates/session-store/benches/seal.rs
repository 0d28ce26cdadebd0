//! CPU cost of sealing and opening session states, as a table:
//! `cargo bench -p session-store --bench seal`. A save seals every field, a
//! load opens every field, a page view finds its one changed field and
//! seals it; each derives the session's keys first.

use std::collections::HashMap;

use test_support::bench::{ROUNDS, per_call};

// The store's own modules, compiled here as they are: each depends only on
// the ones before it.
#[path = "../src/changes.rs"]
#[allow(dead_code)]
mod changes;
#[path = "../src/sealed.rs"]
#[allow(dead_code)]
mod sealed;
#[path = "../src/state.rs"]
#[allow(dead_code)]
mod state;

use changes::{Loaded, Write};

/// A stage 1 state, and stage 2's: the same with tokens of a real pool's size.
fn states() -> [(&'static str, HashMap<String, String>); 2] {
    let small = HashMap::from([
        ("user".to_owned(), "\"alice\"".to_owned()),
        ("views".to_owned(), "12".to_owned()),
        ("device".to_owned(), "\"Firefox 133 on Linux\"".to_owned()),
        (
            "csrf".to_owned(),
            format!("\"{}\"", test_support::random_text(43)),
        ),
    ]);
    let mut large = small.clone();
    let claims = "eyJzdWIiOiIxYjJjM2Q0ZS01ZjYwLTcxODItOTNhNC1iNWM2ZDdlOGY5MDEiLCJpc3MiOiJodHRwczovL2NvZ25pdG8taWRwLmV1LXdlc3QtMS5hbWF6b25hd3MuY29tL2V1LXdlc3QtMV9BYkNkRWZHaEkiLCJ0b2tlbl91c2UiOiJhY2Nlc3MifQ";
    let jwt = || {
        format!(
            "eyJraWQiOiJrMSIsImFsZyI6IlJTMjU2In0.{claims}{claims}{claims}.{}",
            test_support::random_text(342)
        )
    };
    let tokens = serde_json::json!({
        "access_token": jwt(),
        "id_token": jwt(),
        "refresh_token": test_support::random_text(1780),
        "expires_in": 3600,
    });
    large.insert("tokens".to_owned(), tokens.to_string());
    [
        ("stage 1 (200 B)", small),
        ("stage 2 (4 KB of tokens)", large),
    ]
}

/// What a load of `fields` (attribute to sealed bytes) does: open each
/// field, and record its digest.
fn open_all(sealer: &sealed::Sealer, id: &str, fields: &[(String, Vec<u8>)]) -> Loaded {
    let mut loaded = Loaded::new(0);
    for (attribute, bytes) in fields {
        let (_, value) = sealer.open(id, attribute, bytes).unwrap();
        loaded.add(
            attribute.clone(),
            sealer.digest(attribute, &value),
            bytes.len(),
        );
    }
    loaded
}

fn main() {
    let key = test_support::random_text(64);
    let id = "0f".repeat(32);
    let mut rows = vec![(
        "derive the session's keys (HKDF)".to_owned(),
        per_call(|| {
            std::hint::black_box(sealed::Sealer::for_session(&key));
        }),
    )];
    let sealer = sealed::Sealer::for_session(&key);
    for (name, state) in states() {
        rows.push((
            format!("seal every field of a {name} state"),
            per_call(|| {
                std::hint::black_box(Write::of(&sealer, &id, None, &state));
            }),
        ));
        let Write::Whole(fields) = Write::of(&sealer, &id, None, &state) else {
            unreachable!()
        };
        let fields: Vec<_> = fields.into_iter().map(|f| (f.attribute, f.bytes)).collect();
        rows.push((
            format!("open every field of a {name} state"),
            per_call(|| {
                std::hint::black_box(open_all(&sealer, &id, &fields));
            }),
        ));
        let loaded = open_all(&sealer, &id, &fields);
        let mut viewed = state.clone();
        viewed.insert("views".to_owned(), "13".to_owned());
        rows.push((
            format!("find and seal a page view's change, {name}"),
            per_call(|| {
                std::hint::black_box(Write::of(&sealer, &id, Some(&loaded), &viewed));
            }),
        ));
    }
    println!("{:<56} {:>10} {:>10}", "operation", "µs/call", "calls");
    for (name, (micros, calls)) in rows {
        println!("{name:<56} {micros:>10.1} {calls:>10}");
    }
    println!("µs/call: the fastest of {ROUNDS} rounds (release build, one thread).");
}
