//! Counts each request for `/metrics`.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web;

use crate::state::AppState;

/// Middleware: counts each request by route pattern (not raw path, so
/// random URLs cannot blow up the label set) and status.
pub(crate) async fn track_metrics(
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
        let status = super::answered_status(&response).as_u16();
        state
            .metrics
            .observe(&route, status, started.elapsed(), in_dynamodb);
    }
    response
}
