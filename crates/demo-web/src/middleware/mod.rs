//! What wraps every request: error pages, security headers, the request
//! log and the metrics' tracking.

mod error_pages;
mod request_log;
mod security_headers;
mod track_metrics;

use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;

pub(crate) use error_pages::error_pages;
pub(crate) use request_log::log_requests;
pub(crate) use security_headers::{content_policy, security_headers};
pub(crate) use track_metrics::track_metrics;

/// The status the client gets for a middleware's result: an error raised by
/// inner middleware is answered with its own response's status.
pub(crate) fn answered_status<B>(
    result: &Result<ServiceResponse<B>, actix_web::Error>,
) -> StatusCode {
    match result {
        Ok(response) => response.status(),
        Err(err) => err.as_response_error().status_code(),
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use actix_web::HttpResponse;
    use actix_web::body::BoxBody;
    use actix_web::error::InternalError;

    use super::*;

    #[test]
    fn an_error_is_answered_with_its_pages_status() {
        let page = HttpResponse::ServiceUnavailable().finish();
        let err: actix_web::Error = InternalError::from_response("store down", page).into();
        assert_eq!(
            answered_status::<BoxBody>(&Err(err)),
            StatusCode::SERVICE_UNAVAILABLE
        );
        let ok = TestRequest::default().to_srv_response(HttpResponse::Ok().finish());
        assert_eq!(answered_status(&Ok(ok)), StatusCode::OK);
    }
}
