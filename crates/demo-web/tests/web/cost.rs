//! What a request costs DynamoDB, and the metrics that count it.

use demo_web::settings::Stage;

use crate::common::{self, Browser, settings, spawn_app};

#[tokio::test]
async fn concurrent_scrapes_count_each_dynamodb_call_once() {
    let app = spawn_app(settings(Stage::Store).await).await;
    let browser = Browser::new();
    app.log_in(&browser, "a", "a").await;
    let scrape = Browser::new();
    let get_items =
        |page: &str| common::metric(page, "dynamodb_operations_total{operation=\"GetItem\"}");
    let mut last = get_items(&scrape.get(&app.url("/metrics")).await.body);
    for _ in 0..10 {
        // One GetItem, then scrapes racing on the new total.
        browser.get(&app.url("/session.json")).await;
        let pages = futures::future::join_all(
            (0..8).map(|_| async { scrape.get(&app.url("/metrics")).await.body }),
        )
        .await;
        for page in &pages {
            assert_eq!(get_items(page), last + 1.0, "{page}");
        }
        last += 1.0;
    }
}

#[tokio::test]
async fn a_read_only_request_costs_one_get_item_and_no_write() {
    let mut settings = settings(Stage::Store).await;
    // Long enough that the touch is skipped for the whole 30 s interval, not
    // only half of stage 1's 8 s lifetime.
    settings.session_ttl = std::time::Duration::from_secs(600);
    let app = spawn_app(settings).await;
    let browser = Browser::new();
    app.log_in(&browser, "a", "a").await;
    let scrape = Browser::new();
    let ops = |page: &str, op: &str| {
        common::metric(
            page,
            &format!("dynamodb_operations_total{{operation=\"{op}\"}}"),
        )
    };
    let before = scrape.get(&app.url("/metrics")).await.body;
    for _ in 0..5 {
        let json = browser.get(&app.url("/session.json")).await;
        assert_eq!(json.status, 200);
        json.assert_shows("\"user\":\"a\"");
    }
    let after = scrape.get(&app.url("/metrics")).await.body;
    assert_eq!(ops(&after, "GetItem") - ops(&before, "GetItem"), 5.0);
    for write in ["PutItem", "UpdateItem", "DeleteItem"] {
        assert_eq!(ops(&after, write), ops(&before, write), "{write}");
    }
    // And the capacity DynamoDB reported: read units only.
    let units = |page: &str, op: &str| {
        common::metric(
            page,
            &format!("dynamodb_consumed_capacity_units_total{{operation=\"{op}\"}}"),
        )
    };
    assert!(units(&after, "GetItem") > units(&before, "GetItem"));
    assert_eq!(units(&after, "UpdateItem"), units(&before, "UpdateItem"));
    // A page view changes the session: one read, one write.
    browser.get(&app.url("/")).await;
    let last = scrape.get(&app.url("/metrics")).await.body;
    assert_eq!(ops(&last, "GetItem") - ops(&after, "GetItem"), 1.0);
    assert_eq!(ops(&last, "UpdateItem") - ops(&after, "UpdateItem"), 1.0);

    assert!(
        common::metric(
            &last,
            "http_requests_total{route=\"/session.json\",status=\"200\"}"
        ) >= 5.0,
        "{last}"
    );
    assert!(last.contains("http_request_duration_seconds_bucket{route=\"/\""));
    // The app's own latency: every request, less than the whole (each of
    // these requests waited on DynamoDB).
    let total = |prefix: &str| -> f64 {
        last.lines()
            .filter(|l| l.starts_with(prefix))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .sum()
    };
    assert_eq!(
        total("http_request_app_seconds_count"),
        total("http_request_duration_seconds_count")
    );
    assert!(
        total("http_request_app_seconds_sum") < total("http_request_duration_seconds_sum"),
        "{last}"
    );
    // The stylesheet, the icon and /metrics need no session: no DynamoDB call.
    for path in ["/static/style.css", "/static/favicon.svg", "/favicon.ico"] {
        assert_eq!(browser.get(&app.url(path)).await.status, 200, "{path}");
    }
    let page = scrape.get(&app.url("/metrics")).await.body;
    for op in ["GetItem", "PutItem", "UpdateItem", "DeleteItem"] {
        assert_eq!(ops(&page, op), ops(&last, op), "{op}");
    }
    // Unknown paths share one label.
    browser.get(&app.url("/random/junk/123")).await;
    let page = scrape.get(&app.url("/metrics")).await.body;
    assert!(page.contains("route=\"unmatched\",status=\"404\"") && !page.contains("junk"));
}
