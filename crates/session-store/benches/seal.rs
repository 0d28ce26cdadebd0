//! CPU cost of sealing and opening session states:
//! `cargo bench -p session-store --bench seal` (divan prints the table). A
//! save seals every field, a load opens every field, a page view finds its
//! one changed field and seals it; each derives the session's keys first.

use std::collections::HashMap;

use divan::Bencher;

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

fn main() {
    divan::main();
}

/// The session's state in stage 1, and in stage 2 (the same with tokens of
/// a real pool's size).
#[derive(Clone, Copy, Debug)]
enum Stage {
    One,
    Two,
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Stage::One => "stage 1 (200 B)",
            Stage::Two => "stage 2 (4 KB of tokens)",
        })
    }
}

const STAGES: [Stage; 2] = [Stage::One, Stage::Two];

fn state(stage: Stage) -> HashMap<String, String> {
    let mut state = HashMap::from([
        ("user".to_owned(), "\"alice\"".to_owned()),
        ("views".to_owned(), "12".to_owned()),
        ("device".to_owned(), "\"Firefox 133 on Linux\"".to_owned()),
        (
            "csrf".to_owned(),
            format!("\"{}\"", test_support::random_text(43)),
        ),
    ]);
    if let Stage::Two = stage {
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
        state.insert("tokens".to_owned(), tokens.to_string());
    }
    state
}

const ID: &str = "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f";

fn sealer() -> sealed::Sealer {
    sealed::Sealer::for_session(&test_support::random_text(64))
}

/// Each field of `state`, sealed: what a load reads.
fn sealed_fields(
    sealer: &sealed::Sealer,
    state: &HashMap<String, String>,
) -> Vec<(String, Vec<u8>)> {
    let Write::Whole(fields) = Write::of(sealer, ID, None, state) else {
        unreachable!("a first write is whole")
    };
    fields.into_iter().map(|f| (f.attribute, f.bytes)).collect()
}

/// What a load of `fields` does: open each field, and record its digest.
fn open_all(sealer: &sealed::Sealer, fields: &[(String, Vec<u8>)]) -> Loaded {
    let mut loaded = Loaded::new(0);
    for (attribute, bytes) in fields {
        let (_, value) = sealer.open(ID, attribute, bytes).unwrap();
        loaded.add(
            attribute.clone(),
            sealer.digest(attribute, &value),
            bytes.len(),
        );
    }
    loaded
}

#[divan::bench]
fn derive_the_sessions_keys_hkdf(bencher: Bencher) {
    let key = test_support::random_text(64);
    bencher.bench_local(|| sealed::Sealer::for_session(&key));
}

#[divan::bench(args = STAGES)]
fn seal_every_field(bencher: Bencher, stage: Stage) {
    let (sealer, state) = (sealer(), state(stage));
    bencher.bench_local(|| Write::of(&sealer, ID, None, &state));
}

#[divan::bench(args = STAGES)]
fn open_every_field(bencher: Bencher, stage: Stage) {
    let sealer = sealer();
    let fields = sealed_fields(&sealer, &state(stage));
    bencher.bench_local(|| open_all(&sealer, &fields));
}

#[divan::bench(args = STAGES)]
fn find_and_seal_a_page_views_change(bencher: Bencher, stage: Stage) {
    let (sealer, state) = (sealer(), state(stage));
    let loaded = open_all(&sealer, &sealed_fields(&sealer, &state));
    let mut viewed = state.clone();
    viewed.insert("views".to_owned(), "13".to_owned());
    bencher.bench_local(|| Write::of(&sealer, ID, Some(&loaded), &viewed));
}
