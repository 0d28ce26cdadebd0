//! `/metrics` in Prometheus text format: HTTP requests by route and status
//! with a latency histogram, the latency the app adds beyond its DynamoDB
//! calls, DynamoDB operations and Cognito calls by kind
//! with failures (read from the store's and the client's own counters).

use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};
use prometheus::core::Collector;
use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry, TextEncoder,
};
use session_store::Operation;

use crate::startup::AppState;

/// The app's metrics.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    own_latency: Histogram,
    dynamodb_calls: IntCounterVec,
    dynamodb_failures: IntCounterVec,
    cognito_calls: IntCounterVec,
    cognito_failures: IntCounterVec,
}

/// `metric`, registered in `registry`.
fn registered<M: Collector + Clone + 'static>(registry: &Registry, metric: M) -> M {
    registry
        .register(Box::new(metric.clone()))
        .expect("registered once");
    metric
}

fn counter(registry: &Registry, name: &str, help: &str, label: &str) -> IntCounterVec {
    registered(
        registry,
        IntCounterVec::new(Opts::new(name, help), &[label]).expect("a valid metric"),
    )
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
            dynamodb_calls: counter(
                &registry,
                "dynamodb_operations_total",
                "DynamoDB calls by operation",
                "operation",
            ),
            dynamodb_failures: counter(
                &registry,
                "dynamodb_operation_failures_total",
                "Failed DynamoDB calls",
                "operation",
            ),
            cognito_calls: counter(
                &registry,
                "cognito_calls_total",
                "Cognito calls by operation",
                "operation",
            ),
            cognito_failures: counter(
                &registry,
                "cognito_call_failures_total",
                "Failed Cognito calls",
                "operation",
            ),
            registry,
        }
    }
}

impl Metrics {
    fn observe(&self, route: &str, status: u16, total: Duration, in_dynamodb: Duration) {
        self.requests
            .with_label_values(&[route, &status.to_string()])
            .inc();
        self.latency
            .with_label_values(&[route])
            .observe(total.as_secs_f64());
        self.own_latency
            .observe(total.saturating_sub(in_dynamodb).as_secs_f64());
    }

    /// The text exposition, with the store's and Cognito's counters brought up to date.
    fn render(&self, state: &AppState) -> String {
        let counts = state.store.operation_counts();
        for op in Operation::ALL {
            catch_up(&self.dynamodb_calls, op.name(), counts.calls(op));
            catch_up(&self.dynamodb_failures, op.name(), counts.failures(op));
        }
        for count in state.authenticator.call_counts() {
            catch_up(&self.cognito_calls, count.call, count.calls);
            catch_up(&self.cognito_failures, count.call, count.failures);
        }
        let mut buffer = Vec::new();
        TextEncoder::new()
            .encode(&self.registry.gather(), &mut buffer)
            .expect("text encoding");
        String::from_utf8(buffer).expect("the text format is UTF-8")
    }
}

/// Brings a counter to an external monotonic total.
fn catch_up(counter: &IntCounterVec, label: &str, total: u64) {
    let counter = counter.with_label_values(&[label]);
    counter.inc_by(total.saturating_sub(counter.get()));
}

/// Middleware: counts each request by route pattern (not raw path, so
/// random URLs cannot blow up the label set) and status.
pub async fn track(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let route = req
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let (response, in_dynamodb) = session_store::call_time::measure(next.call(req)).await;
    if let Some(state) = state {
        let status = match &response {
            Ok(r) => r.status().as_u16(),
            Err(e) => e.as_response_error().status_code().as_u16(),
        };
        state
            .metrics
            .observe(&route, status, started.elapsed(), in_dynamodb);
    }
    response
}

/// `GET /metrics`.
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(state.metrics.render(&state))
}
