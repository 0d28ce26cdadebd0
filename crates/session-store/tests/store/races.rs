//! Requests racing a logout under actix-session's middleware: the session
//! never comes back.

use std::sync::atomic::Ordering;

use actix_web::{test, web};
use session_store::Operation;

use crate::actix_app::{Gate, TTL, body_text, gated_app, session_cookie};
use crate::common::{scan, store};

const WRITERS: usize = 12;

/// Even rounds hold every writer between its change and its write until the
/// logout has finished (the worst interleaving, every time); odd rounds let
/// the scheduler interleave them freely.
#[actix_web::test]
async fn requests_racing_a_logout_never_bring_the_session_back() {
    let store = store().await;
    let gate = web::Data::new(Gate::new(WRITERS));
    let app = gated_app(&store, gate.clone(), TTL).await;
    let before = store.operation_counts();
    let rounds: u64 = 6;
    for round in 0..rounds {
        let held = round.is_multiple_of(2);
        let request = test::TestRequest::post().uri("/login/alice").to_request();
        let cookie = session_cookie(&test::call_service(&app, request).await).unwrap();
        gate.open.send_replace(false);
        gate.armed.store(held, Ordering::SeqCst);
        let writers = (0..WRITERS).map(|_| {
            let request = test::TestRequest::post()
                .uri("/views")
                .cookie(cookie.clone())
                .to_request();
            test::call_service(&app, request)
        });
        let logout = async {
            if held {
                gate.arrived.wait().await;
            }
            let request = test::TestRequest::post()
                .uri("/logout")
                .cookie(cookie.clone())
                .to_request();
            let response = test::call_service(&app, request).await;
            gate.open.send_replace(true);
            response
        };
        let (responses, logged_out) = futures::join!(futures::future::join_all(writers), logout);
        assert!(logged_out.status().is_success());
        for response in responses {
            assert!(
                response.status().is_success(),
                "round {round}: {}",
                response.status()
            );
        }
        // Gone, and stays gone.
        let request = test::TestRequest::get()
            .uri("/whoami")
            .cookie(cookie.clone())
            .to_request();
        assert_eq!(
            body_text(test::call_service(&app, request).await).await,
            " ",
            "round {round}"
        );
        let leftovers: Vec<_> = scan(&store).await;
        assert!(
            leftovers.iter().all(|item| !item.contains_key("principal")),
            "round {round}: a logged-in item survived: {leftovers:?}"
        );
    }
    assert!(store.list_sessions("alice").await.unwrap().is_empty());
    // Every held writer reached the store after the logout and was refused.
    let refused = store
        .operation_counts()
        .since(&before)
        .refused(Operation::UpdateItem);
    assert!(
        refused >= WRITERS as u64 * rounds.div_ceil(2),
        "only {refused} writes were refused"
    );
}
