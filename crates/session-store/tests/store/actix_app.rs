//! The store under actix-session's middleware in a real actix-web app:
//! renew at login, purge at logout, the cost of a read-only request, and
//! requests racing a logout.

use crate::common;

use actix_session::config::{PersistentSession, TtlExtensionPolicy};
use actix_session::{Session, SessionMiddleware};
use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, Key, time::Duration as Ttl};
use actix_web::dev::{Service, ServiceResponse};
use actix_web::{App, HttpResponse, test, web};
use common::{scan, store};
use session_store::{DynamoDbSessionStore, Operation, SessionHandle};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{Barrier, watch};

async fn login(session: Session, user: web::Path<String>) -> actix_web::Result<HttpResponse> {
    session.renew();
    session.insert("user", user.into_inner())?;
    Ok(HttpResponse::Ok().finish())
}

async fn logout(session: Session) -> HttpResponse {
    session.purge();
    HttpResponse::Ok().finish()
}

/// Holds `/views` requests after they changed the session and before the
/// middleware writes it, so a test can run a logout exactly in that window.
pub struct Gate {
    /// Whether requests are held.
    pub armed: AtomicBool,
    /// Where held requests and the test meet.
    pub arrived: Barrier,
    /// Lets held requests go on.
    pub open: watch::Sender<bool>,
}

impl Gate {
    pub fn new(writers: usize) -> Self {
        Self {
            armed: AtomicBool::new(false),
            arrived: Barrier::new(writers + 1),
            open: watch::channel(false).0,
        }
    }
}

async fn views(session: Session, gate: web::Data<Gate>) -> actix_web::Result<HttpResponse> {
    let views = session.get::<u64>("views")?.unwrap_or(0) + 1;
    session.insert("views", views)?;
    if gate.armed.load(Ordering::SeqCst) {
        gate.arrived.wait().await;
        let _ = gate.open.subscribe().wait_for(|open| *open).await;
    }
    Ok(HttpResponse::Ok().body(views.to_string()))
}

async fn whoami(session: Session) -> actix_web::Result<HttpResponse> {
    let user = session.get::<String>("user")?.unwrap_or_default();
    let handle = SessionHandle::of(&session)
        .map(|h| h.to_string())
        .unwrap_or_default();
    Ok(HttpResponse::Ok().body(format!("{user} {handle}")))
}

pub const TTL: Ttl = Ttl::seconds(60);

async fn app(
    store: &DynamoDbSessionStore,
) -> impl Service<
    actix_http::Request,
    Response = ServiceResponse<impl MessageBody>,
    Error = actix_web::Error,
> {
    gated_app(store, web::Data::new(Gate::new(0)), TTL).await
}

pub async fn gated_app(
    store: &DynamoDbSessionStore,
    gate: web::Data<Gate>,
    ttl: Ttl,
) -> impl Service<
    actix_http::Request,
    Response = ServiceResponse<impl MessageBody>,
    Error = actix_web::Error,
> {
    test::init_service(
        App::new()
            .app_data(gate)
            .wrap(
                SessionMiddleware::builder(store.clone(), Key::generate())
                    .cookie_name("session".into())
                    .cookie_secure(false)
                    .session_lifecycle(
                        PersistentSession::default()
                            .session_ttl(ttl)
                            .session_ttl_extension_policy(TtlExtensionPolicy::OnEveryRequest),
                    )
                    .build(),
            )
            .route("/login/{user}", web::post().to(login))
            .route("/logout", web::post().to(logout))
            .route("/views", web::post().to(views))
            .route("/whoami", web::get().to(whoami)),
    )
    .await
}

pub fn session_cookie<B>(response: &ServiceResponse<B>) -> Option<Cookie<'static>> {
    response
        .response()
        .cookies()
        .find(|c| c.name() == "session")
        .map(|c| c.into_owned())
}

pub async fn body_text<B: MessageBody>(response: ServiceResponse<B>) -> String {
    String::from_utf8(test::read_body(response).await.to_vec()).unwrap()
}

#[actix_web::test]
async fn login_renews_the_key_and_logout_purges_the_session() {
    let store = store().await;
    let app = app(&store).await;

    let anonymous =
        test::call_service(&app, test::TestRequest::post().uri("/views").to_request()).await;
    let cookie = session_cookie(&anonymous).expect("a session cookie");
    assert_eq!(scan(&store).await.len(), 1);
    let anonymous_id = scan(&store).await[0]["id"].as_s().unwrap().clone();

    let request = test::TestRequest::post()
        .uri("/login/alice")
        .cookie(cookie.clone())
        .to_request();
    let logged_in = test::call_service(&app, request).await;
    let renewed = session_cookie(&logged_in).expect("a new cookie");
    assert_ne!(renewed.value(), cookie.value());
    let items = scan(&store).await;
    assert_eq!(items.len(), 1, "the pre-login session is gone");
    assert_ne!(
        items[0]["id"].as_s().unwrap(),
        &anonymous_id,
        "under a new key"
    );
    assert_eq!(items[0]["principal"].as_s().unwrap(), "alice");

    // The old cookie no longer carries the login.
    let request = test::TestRequest::get()
        .uri("/whoami")
        .cookie(cookie)
        .to_request();
    assert_eq!(
        body_text(test::call_service(&app, request).await).await,
        " "
    );
    let request = test::TestRequest::get()
        .uri("/whoami")
        .cookie(renewed.clone())
        .to_request();
    let whoami = body_text(test::call_service(&app, request).await).await;
    assert!(whoami.starts_with("alice "), "{whoami}");
    assert_eq!(
        whoami.len(),
        "alice ".len() + 64,
        "the handle of the current session"
    );

    let request = test::TestRequest::post()
        .uri("/logout")
        .cookie(renewed.clone())
        .to_request();
    let logged_out = test::call_service(&app, request).await;
    let removal = session_cookie(&logged_out).expect("a removal cookie");
    assert_eq!(removal.value(), "");
    assert!(scan(&store).await.is_empty(), "logout deletes the item");
    let request = test::TestRequest::get()
        .uri("/whoami")
        .cookie(renewed)
        .to_request();
    assert_eq!(
        body_text(test::call_service(&app, request).await).await,
        " "
    );
}

#[actix_web::test]
async fn a_read_only_request_costs_one_get_item_and_no_write() {
    let store = store().await;
    let app = app(&store).await;
    let request = test::TestRequest::post().uri("/login/alice").to_request();
    let cookie = session_cookie(&test::call_service(&app, request).await).unwrap();

    let before = store.operation_counts();
    for _ in 0..5 {
        let request = test::TestRequest::get()
            .uri("/whoami")
            .cookie(cookie.clone())
            .to_request();
        assert!(
            test::call_service(&app, request)
                .await
                .status()
                .is_success()
        );
    }
    let spent = store.operation_counts().since(&before);
    assert_eq!(spent.calls(Operation::GetItem), 5);
    assert_eq!(spent.writes(), 0);

    let before = store.operation_counts();
    let request = test::TestRequest::post()
        .uri("/views")
        .cookie(cookie)
        .to_request();
    assert!(
        test::call_service(&app, request)
            .await
            .status()
            .is_success()
    );
    let spent = store.operation_counts().since(&before);
    assert_eq!((spent.calls(Operation::GetItem), spent.writes()), (1, 1));
}

#[actix_web::test]
async fn a_session_that_is_only_read_does_not_expire_in_use() {
    // A lifetime of 4 s, far under the 30 s touch interval: read every half
    // second for 6 s, the session is there every time.
    let store = store().await;
    let app = gated_app(&store, web::Data::new(Gate::new(0)), Ttl::seconds(4)).await;
    let request = test::TestRequest::post().uri("/login/alice").to_request();
    let cookie = session_cookie(&test::call_service(&app, request).await).unwrap();

    let before = store.operation_counts();
    let started = Instant::now();
    let mut reads = 0;
    while started.elapsed() < Duration::from_secs(6) {
        let request = test::TestRequest::get()
            .uri("/whoami")
            .cookie(cookie.clone())
            .to_request();
        let body = body_text(test::call_service(&app, request).await).await;
        assert!(
            body.starts_with("alice "),
            "logged out after {:?} of reading: {body:?}",
            started.elapsed()
        );
        reads += 1;
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    // Extended once per 2 s at most (half the lifetime), not on every read.
    let touches = store
        .operation_counts()
        .since(&before)
        .calls(Operation::UpdateItem);
    let most = started.elapsed().as_secs() / 2 + 1;
    assert!(
        (2..=most).contains(&touches) && touches < reads,
        "{touches} touches for {reads} reads in {:?}",
        started.elapsed()
    );
}
