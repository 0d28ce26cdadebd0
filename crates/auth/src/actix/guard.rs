//! A guard for the routes that need a signed-in user.

use actix_web::ResponseError;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;

use super::{AuthRejection, CognitoLogin};

/// Lets only signed-in users through; others get
/// [`AuthRejection::SignInRequired`] (a redirect to the login, which comes
/// back, or a 401 for JSON clients). Use it with actix-web's `from_fn`
/// around a scope; its handlers then take [`SignedInUser`](super::SignedInUser)
/// at no extra cost.
///
/// ```
/// use actix_web::{middleware::from_fn, web};
/// let account = web::scope("/account")
///     .wrap(from_fn(auth::actix::require_sign_in))
///     .route("", web::get().to(|| async { "only for the signed-in" }));
/// ```
pub async fn require_sign_in<B: MessageBody>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    let checked = match CognitoLogin::of(req.request()) {
        Ok(login) => match login.current_user(req.request()).await {
            Ok(Some(_)) => return Ok(next.call(req).await?.map_into_left_body()),
            Ok(None) => AuthRejection::sign_in_required(&login, req.request()),
            Err(rejection) => rejection,
        },
        Err(rejection) => rejection,
    };
    // A response, not an error: the session middleware outside saves only
    // responses, and an ended sign-in's session must be deleted.
    let response = checked.error_response();
    Ok(req.into_response(response).map_into_right_body())
}
