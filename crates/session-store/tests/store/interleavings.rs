//! Any interleaving of loads, writes and logouts of requests on two
//! instances keeps what the store promises: each write applies exactly what
//! its request changed since its load (a cleared state: exactly that
//! state), a write after a logout changes nothing, and no ended session
//! comes back. Checked against a model after every step.

use std::collections::HashMap;

use actix_session::storage::SessionStore;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use session_store::{DynamoDbSessionStore, HANDLE_FIELD, LOADED_FIELD};

use crate::common::{TTL, copy, state};

type State = HashMap<String, String>;

/// At most this many requests, less one, per case.
const REQUESTS: usize = 6;
const FIELDS: [&str; 3] = ["a", "b", "user"];

/// What one request does between its load and its write.
#[derive(Clone, Debug)]
struct Plan {
    /// The instance it runs on.
    on: usize,
    /// `session.clear()` first.
    clear: bool,
    /// Fields it sets, or removes (`None`).
    changes: Vec<(usize, Option<u8>)>,
}

fn plan() -> impl Strategy<Value = Plan> {
    let change = (0..FIELDS.len(), proptest::option::of(0..4u8));
    (
        0..2usize,
        proptest::bool::weighted(0.15),
        proptest::collection::vec(change, 0..3),
    )
        .prop_map(|(on, clear, changes)| Plan { on, clear, changes })
}

/// Requests, the order of their events (a request's first event is its
/// load, its second its write), and maybe a logout before one of them.
type Case = (Vec<Plan>, Vec<usize>, Option<(usize, usize)>);

fn case() -> impl Strategy<Value = Case> {
    proptest::collection::vec(plan(), 1..REQUESTS).prop_flat_map(|plans| {
        let events: Vec<usize> = (0..plans.len()).flat_map(|i| [i, i]).collect();
        let logout = proptest::option::weighted(0.3, (0..=events.len(), 0..2usize));
        (Just(plans), Just(events).prop_shuffle(), logout)
    })
}

/// A request between its load and its write.
struct Request {
    on: usize,
    loaded: State,
    state: State,
}

/// The fields of `state` the app set, the store's own aside.
fn own(mut state: State) -> State {
    state.remove(HANDLE_FIELD);
    state.remove(LOADED_FIELD);
    state
}

/// What the store must hold after `request` wrote over `model`.
fn expected_after(model: &State, request: &Request) -> State {
    if !request.state.contains_key(LOADED_FIELD) {
        return own(request.state.clone());
    }
    let (loaded, written) = (own(request.loaded.clone()), own(request.state.clone()));
    let mut after = model.clone();
    for field in loaded.keys().filter(|f| !written.contains_key(*f)) {
        after.remove(field);
    }
    for (field, value) in written.iter().filter(|(f, v)| loaded.get(*f) != Some(*v)) {
        after.insert(field.clone(), value.clone());
    }
    after
}

async fn run(stores: &[DynamoDbSessionStore; 2], case: Case) -> Result<(), TestCaseError> {
    let (plans, events, logout) = case;
    let start = state(&[("user", "alice"), ("a", "0")]);
    let key = stores[0].save(start.clone(), &TTL).await.unwrap();
    // The session as the store must hold it; `None` once logged out.
    let mut model = Some(start);
    let mut in_flight: Vec<Option<Request>> = plans.iter().map(|_| None).collect();
    let mut loaded_once = vec![false; plans.len()];
    for (at, i) in events.into_iter().enumerate() {
        if let Some((_, on)) = logout.filter(|(when, _)| *when == at) {
            stores[on].delete(&key).await.unwrap();
            model = None;
        }
        let plan = &plans[i];
        if !std::mem::replace(&mut loaded_once[i], true) {
            let loaded = stores[plan.on].load(&key).await.unwrap();
            prop_assert_eq!(
                loaded.clone().map(own),
                model.clone(),
                "load on {}",
                plan.on
            );
            in_flight[i] = loaded.map(|loaded| {
                let mut state = loaded.clone();
                if plan.clear {
                    state.clear();
                }
                for (field, value) in &plan.changes {
                    match value {
                        Some(v) => state.insert(FIELDS[*field].into(), v.to_string()),
                        None => state.remove(FIELDS[*field]),
                    };
                }
                Request {
                    on: plan.on,
                    loaded,
                    state,
                }
            });
        } else if let Some(request) = in_flight[i].take() {
            stores[request.on]
                .update(copy(&key), request.state.clone(), &TTL)
                .await
                .unwrap();
            model = model.map(|model| expected_after(&model, &request));
        }
        let now = stores[0].load(&key).await.unwrap().map(own);
        prop_assert_eq!(now, model.clone(), "after event {}", at);
    }
    Ok(())
}

#[test]
fn any_interleaving_of_two_instances_keeps_every_acknowledged_write() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let stores = runtime.block_on(async {
        let one = crate::common::store().await;
        let aws = test_support::local_aws().await;
        let other = DynamoDbSessionStore::builder(&aws.config, one.table()).build();
        [one, other]
    });
    let mut runner = TestRunner::new(Config {
        cases: 64,
        // Every case runs against the emulator; a failure is shrunk, not
        // saved for a replay file nobody commits.
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&case(), |case| runtime.block_on(run(&stores, case)));
    if let Err(e) = result {
        panic!("{e}");
    }
}
