//! CPU cost of sealing and opening session states, as a table:
//! `cargo bench -p session-store --bench seal`. A write seals once, a read
//! opens once; both derive the session's key first.

use std::collections::HashMap;

use test_support::bench::{ROUNDS, per_call};

// The store's own sealing code, compiled here with what it needs of the crate.
#[path = "../src/sealed.rs"]
#[allow(dead_code)]
mod sealed;

mod item {
    pub type State = std::collections::HashMap<String, String>;

    pub fn is_reserved(field: &str) -> bool {
        field.starts_with("_session_")
    }
}

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

fn main() {
    let key = test_support::random_text(64);
    let id = "0f".repeat(32);
    let mut rows = vec![(
        "derive the session's key (HKDF)".to_owned(),
        per_call(|| {
            std::hint::black_box(sealed::Sealer::for_session(&key));
        }),
    )];
    let sealer = sealed::Sealer::for_session(&key);
    for (name, state) in states() {
        rows.push((
            format!("seal a {name} state"),
            per_call(|| {
                std::hint::black_box(sealer.seal(&id, &state));
            }),
        ));
        let sealed = sealer.seal(&id, &state);
        rows.push((
            format!("open a {name} state"),
            per_call(|| {
                std::hint::black_box(sealer.open(&id, &sealed).unwrap());
            }),
        ));
    }
    println!("{:<44} {:>10} {:>10}", "operation", "µs/call", "calls");
    for (name, (micros, calls)) in rows {
        println!("{name:<44} {micros:>10.1} {calls:>10}");
    }
    println!("µs/call: the fastest of {ROUNDS} rounds (release build, one thread).");
}
