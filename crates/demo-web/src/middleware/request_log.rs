//! One tracing line per request: method, path (without the query), status, time.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;

/// Middleware logging each request at INFO.
pub async fn log_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let (method, path) = (req.method().clone(), req.path().to_owned());
    let response = next.call(req).await;
    let status = super::answered_status(&response).as_u16();
    // Rounded to the microsecond: an f64 of milliseconds prints as 18.082962000000002.
    let elapsed_ms = format_args!("{:.3}", started.elapsed().as_secs_f64() * 1e3);
    tracing::info!(%method, %path, status, %elapsed_ms, "request");
    response
}
