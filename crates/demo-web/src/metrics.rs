//! `/metrics` in Prometheus text format: HTTP requests by route and status
//! with a latency histogram, the latency the app adds beyond its DynamoDB
//! calls, DynamoDB operations and Cognito calls by kind
//! with failures (read from the store's and the client's own counters).

use std::time::Duration;

use prometheus::core::Collector;
use prometheus::proto::MetricFamily;
use prometheus::{
    CounterVec, Encoder, Histogram, HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry,
    TextEncoder,
};
use session_store::{DynamoDbSessionStore, Operation};

/// The app's metrics.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    own_latency: Histogram,
}

/// `metric`, registered in `registry`.
fn registered<M: Collector + Clone + 'static>(registry: &Registry, metric: M) -> M {
    registry
        .register(Box::new(metric.clone()))
        .expect("registered once");
    metric
}

impl Default for Metrics {
    fn default() -> Self {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests by route and status"),
            &["route", "status"],
        )
        .expect("a valid metric");
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "HTTP request latency by route",
            )
            .buckets(vec![
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            ]),
            &["route"],
        )
        .expect("a valid metric");
        let own_latency = Histogram::with_opts(
            HistogramOpts::new(
                "http_request_app_seconds",
                "HTTP request latency minus the time spent waiting on DynamoDB calls",
            )
            .buckets(vec![
                0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.002, 0.005, 0.01, 0.025, 0.1, 1.0,
            ]),
        )
        .expect("a valid metric");
        Self {
            requests: registered(&registry, requests),
            latency: registered(&registry, latency),
            own_latency: registered(&registry, own_latency),
            registry,
        }
    }
}

impl Metrics {
    /// Counts a request.
    pub(crate) fn observe(&self, route: &str, status: u16, total: Duration, in_dynamodb: Duration) {
        self.requests
            .with_label_values(&[route, &status.to_string()])
            .inc();
        self.latency
            .with_label_values(&[route])
            .observe(total.as_secs_f64());
        self.own_latency
            .observe(total.saturating_sub(in_dynamodb).as_secs_f64());
    }

    /// The text exposition, with the store's and Cognito's counters as they are now.
    pub(crate) fn render(
        &self,
        store: &DynamoDbSessionStore,
        cognito: &[auth::CallCount],
    ) -> String {
        let dynamodb = store.operation_counts();
        let mut families = self.registry.gather();
        families.extend(totals(
            "dynamodb_operations_total",
            "DynamoDB calls by operation",
            Operation::ALL.map(|op| (op.name(), dynamodb.calls(op) as f64)),
        ));
        families.extend(totals(
            "dynamodb_operation_failures_total",
            "Failed DynamoDB calls",
            Operation::ALL.map(|op| (op.name(), dynamodb.failures(op) as f64)),
        ));
        families.extend(totals(
            "dynamodb_consumed_capacity_units_total",
            "Capacity units DynamoDB reported consumed (read units for reads, write units for writes)",
            Operation::ALL.map(|op| (op.name(), dynamodb.capacity_units(op))),
        ));
        families.extend(totals(
            "session_states_unreadable_total",
            "Session states that did not decrypt (treated as no session)",
            [("load", dynamodb.unreadable() as f64)],
        ));
        families.extend(totals(
            "cognito_calls_total",
            "Cognito calls by operation",
            cognito.iter().map(|c| (c.call, c.calls as f64)),
        ));
        families.extend(totals(
            "cognito_call_failures_total",
            "Failed Cognito calls",
            cognito.iter().map(|c| (c.call, c.failures as f64)),
        ));
        let mut buffer = Vec::new();
        TextEncoder::new()
            .encode(&families, &mut buffer)
            .expect("text encoding");
        String::from_utf8(buffer).expect("the text format is UTF-8")
    }
}

/// A counter by operation whose totals are kept elsewhere (by the store, by
/// the Cognito client). Built afresh at each scrape: copying totals into a
/// long-lived counter would add a delta twice when two scrapes race.
fn totals<'a>(
    name: &str,
    help: &str,
    totals: impl IntoIterator<Item = (&'a str, f64)>,
) -> Vec<MetricFamily> {
    let counter = CounterVec::new(Opts::new(name, help), &["operation"]).expect("a valid metric");
    for (operation, total) in totals {
        counter.with_label_values(&[operation]).inc_by(total);
    }
    // A family without series (no Cognito in stage 1) cannot be encoded.
    let mut families = counter.collect();
    families.retain(|family| !family.get_metric().is_empty());
    families
}
