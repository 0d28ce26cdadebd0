//! Several instances of one app on one table, as a deployment runs them:
//! each its own store and its own HTTP server, one cookie key, and a
//! hundred requests at once per instance, all on one signed-in session.
//! The app is what the crate's README shows, with routes that set, read
//! and end the session.
//!
//! Each instance is a store of its own in this process: the store keeps
//! nothing between a request's load and its write, so an instance in
//! another process behaves alike.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use actix_session::config::{PersistentSession, TtlExtensionPolicy};
use actix_session::{Session, SessionMiddleware};
use actix_web::cookie::Key;
use actix_web::dev::ServerHandle;
use actix_web::{App, HttpResponse, HttpServer, web};
use futures::future::join_all;
use session_store::{DynamoDbSessionStore, Operation};

use crate::common::scan;

/// Requests at once on each instance.
const WRITERS: usize = 100;
/// Rounds of each test: each round is a new interleaving.
const ROUNDS: usize = 20;

async fn login(session: Session, user: web::Path<String>) -> actix_web::Result<HttpResponse> {
    session.renew();
    session.insert("user", user.into_inner())?;
    Ok(HttpResponse::Ok().finish())
}

async fn set(
    session: Session,
    path: web::Path<(String, String)>,
) -> actix_web::Result<HttpResponse> {
    let (field, value) = path.into_inner();
    session.insert(field, value)?;
    Ok(HttpResponse::Ok().finish())
}

async fn logout(session: Session) -> HttpResponse {
    session.purge();
    HttpResponse::Ok().finish()
}

/// The session's fields, as JSON texts by name.
async fn fields(session: Session) -> web::Json<BTreeMap<String, String>> {
    let entries = session.entries();
    web::Json(
        entries
            .iter()
            .filter(|(name, _)| !name.starts_with("_session_"))
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect(),
    )
}

/// One instance of the app, serving on a port of its own.
struct Instance {
    base: String,
    server: ServerHandle,
    store: DynamoDbSessionStore,
}

impl Instance {
    async fn start(table: &str, key: &Key) -> Self {
        let aws = test_support::local_aws().await;
        // The emulator serves about 500 calls a second: at 300 requests at
        // once its queue, not the store, would hit the default 3 s.
        let store = DynamoDbSessionStore::builder(&aws.config, table)
            .operation_timeout(Duration::from_secs(60))
            .build();
        store.ensure_table().await.expect("the table");
        let (app_store, key) = (store.clone(), key.clone());
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let server = HttpServer::new(move || {
            App::new()
                .wrap(
                    SessionMiddleware::builder(app_store.clone(), key.clone())
                        .cookie_name("session".into())
                        .cookie_secure(false)
                        .session_lifecycle(
                            PersistentSession::default()
                                .session_ttl(actix_web::cookie::time::Duration::hours(1))
                                .session_ttl_extension_policy(TtlExtensionPolicy::OnEveryRequest),
                        )
                        .build(),
                )
                .route("/login/{user}", web::post().to(login))
                .route("/set/{field}/{value}", web::post().to(set))
                .route("/logout", web::post().to(logout))
                .route("/fields", web::get().to(fields))
        })
        .workers(2)
        .disable_signals()
        .listen(listener)
        .unwrap()
        .run();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        Self {
            base,
            server: handle,
            store,
        }
    }
}

/// `n` instances on one new table, with one cookie key.
async fn instances(n: usize) -> (Vec<Instance>, String) {
    let table = test_support::unique_name("instances");
    let key = Key::generate();
    let mut all = Vec::new();
    for _ in 0..n {
        all.push(Instance::start(&table, &key).await);
    }
    (all, table)
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        // A new connection per request: a kept one could be closed by the
        // server's keep-alive timeout just as a round reuses it.
        .pool_max_idle_per_host(0)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap()
}

/// Signs `user` in on `instance`; the session cookie, as `name=value`.
async fn sign_in(http: &reqwest::Client, instance: &Instance, user: &str) -> String {
    let answer = http
        .post(format!("{}/login/{user}", instance.base))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let set_cookie = answer.headers()["set-cookie"].to_str().unwrap();
    set_cookie.split(';').next().unwrap().to_owned()
}

/// POSTs `path` with `cookie` to `instance`; the answer's status.
async fn post(http: &reqwest::Client, instance: &Instance, path: &str, cookie: &str) -> u16 {
    match http
        .post(format!("{}{path}", instance.base))
        .header("cookie", cookie)
        .send()
        .await
    {
        Ok(answer) => answer.status().as_u16(),
        Err(e) => panic!("POST {path}: {e}"),
    }
}

/// The session's fields as `instance` reads them.
async fn read(
    http: &reqwest::Client,
    instance: &Instance,
    cookie: &str,
) -> BTreeMap<String, String> {
    http.get(format!("{}/fields", instance.base))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Every instance's writers, at once: writer `w` of instance `i` POSTs
/// `path(i, w)` with `cookie`. Their statuses, in no particular order.
async fn write_all(
    http: &reqwest::Client,
    instances: &[Instance],
    cookie: &str,
    path: impl Fn(usize, usize) -> String,
) -> Vec<u16> {
    let path = &path;
    let writes = instances.iter().enumerate().flat_map(|(i, instance)| {
        (0..WRITERS).map(move |w| async move { post(http, instance, &path(i, w), cookie).await })
    });
    join_all(writes).await
}

/// Statuses other than 200, with how many answered each.
fn not_ok(statuses: &[u16]) -> BTreeMap<u16, usize> {
    let mut counts = BTreeMap::new();
    for status in statuses.iter().filter(|s| **s != 200) {
        *counts.entry(*status).or_default() += 1;
    }
    counts
}

/// Every instance's hundred writers set a field of their own on one
/// session, at once; then each instance reads the session back.
async fn distinct_fields_all_kept(n: usize) {
    let (instances, _) = instances(n).await;
    let http = client();
    for round in 0..ROUNDS {
        let cookie = sign_in(&http, &instances[0], "alice").await;
        let statuses = write_all(&http, &instances, &cookie, |i, w| {
            format!("/set/k{i}_{w}/{round}")
        })
        .await;
        assert_eq!(not_ok(&statuses), BTreeMap::new(), "round {round}");
        for instance in &instances {
            let fields = read(&http, instance, &cookie).await;
            let missing: Vec<_> = (0..n)
                .flat_map(|i| (0..WRITERS).map(move |w| format!("k{i}_{w}")))
                .filter(|k| fields.get(k).map(String::as_str) != Some(&format!("\"{round}\"")))
                .collect();
            assert_eq!(missing, Vec::<String>::new(), "round {round}: lost writes");
            assert_eq!(fields["user"], "\"alice\"");
        }
    }
    for instance in instances {
        instance.server.stop(true).await;
    }
}

#[actix_web::test]
async fn two_instances_at_a_hundred_writers_each_keep_every_field() {
    distinct_fields_all_kept(2).await;
}

#[actix_web::test]
async fn three_instances_at_a_hundred_writers_each_keep_every_field() {
    distinct_fields_all_kept(3).await;
}

#[actix_web::test]
async fn writers_of_one_field_on_two_instances_leave_one_of_their_values() {
    let (instances, _) = instances(2).await;
    let http = client();
    for round in 0..ROUNDS {
        let cookie = sign_in(&http, &instances[0], "alice").await;
        let statuses = write_all(&http, &instances, &cookie, |i, w| {
            format!("/set/same/{i}_{w}")
        })
        .await;
        assert_eq!(not_ok(&statuses), BTreeMap::new(), "round {round}");
        let seen: BTreeSet<_> = join_all(instances.iter().map(|i| read(&http, i, &cookie)))
            .await
            .into_iter()
            .map(|fields| fields["same"].clone())
            .collect();
        assert_eq!(seen.len(), 1, "round {round}: instances disagree: {seen:?}");
        let value: String = serde_json::from_str(seen.first().unwrap()).unwrap();
        let (i, w) = value.split_once('_').expect("a written value");
        assert!(
            i.parse::<usize>().unwrap() < 2 && w.parse::<usize>().unwrap() < WRITERS,
            "{value}"
        );
    }
    for instance in instances {
        instance.server.stop(true).await;
    }
}

#[actix_web::test]
async fn a_logout_racing_two_hundred_writers_on_two_instances_stays_a_logout() {
    let (instances, table) = instances(2).await;
    let http = client();
    let aws = test_support::local_aws().await;
    let store = DynamoDbSessionStore::builder(&aws.config, &table).build();
    for round in 0..ROUNDS {
        let cookie = sign_in(&http, &instances[0], "alice").await;
        let writes = write_all(&http, &instances, &cookie, |i, w| {
            format!("/set/k{i}_{w}/{round}")
        });
        // The logout goes out on the second instance with the writers: its
        // deletion lands among their loads and writes.
        let logout = post(&http, &instances[1], "/logout", &cookie);
        let (statuses, logged_out) = futures::join!(writes, logout);
        assert_eq!(logged_out, 200);
        assert_eq!(not_ok(&statuses), BTreeMap::new(), "round {round}");
        for instance in &instances {
            let fields = read(&http, instance, &cookie).await;
            assert!(!fields.contains_key("user"), "round {round}: {fields:?}");
        }
        // Writers that loaded after the logout started sessions of their
        // own (no user); none that loaded before brought alice's back.
        let items = scan(&store).await;
        assert!(
            items.iter().all(|item| !item.contains_key("principal")),
            "round {round}: a signed-in session came back"
        );
        assert!(store.list_sessions("alice").await.unwrap().is_empty());
    }
    // The race was run: writes that loaded before the logout reached
    // DynamoDB after it, and were refused.
    let refused: u64 = instances
        .iter()
        .map(|i| i.store.operation_counts().refused(Operation::UpdateItem))
        .sum();
    assert!(refused > 0, "no write met the logout");
    for instance in instances {
        instance.server.stop(true).await;
    }
}
