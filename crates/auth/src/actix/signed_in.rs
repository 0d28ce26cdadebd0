//! The signed-in user of a request, as an extractor.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};

use super::{AuthRejection, CognitoLogin};
use crate::{Claims, Tokens};

/// The user signed in on the request's session, its access token verified
/// (and refreshed when due) on this request. Rejected with
/// [`AuthRejection::SignInRequired`] for an anonymous request.
///
/// ```
/// use auth::actix::SignedInUser;
/// async fn profile(user: SignedInUser) -> String {
///     format!("{} ({})", user.username(), user.claims().sub)
/// }
/// let _route = actix_web::web::get().to(profile);
/// ```
#[derive(Clone, Debug)]
pub struct SignedInUser {
    claims: Claims,
    tokens: Tokens,
}

impl SignedInUser {
    pub(super) fn new(claims: Claims, tokens: Tokens) -> Self {
        Self { claims, tokens }
    }

    /// The user name.
    pub fn username(&self) -> &str {
        &self.claims.username
    }

    /// The verified claims of the access token.
    pub fn claims(&self) -> &Claims {
        &self.claims
    }

    /// The tokens, for calls on the user's behalf
    /// ([`Cognito::change_password`](crate::Cognito::change_password)...).
    /// Never show them: [`redact`](crate::redact) them in logs and pages.
    pub fn tokens(&self) -> &Tokens {
        &self.tokens
    }
}

impl FromRequest for SignedInUser {
    type Error = AuthRejection;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AuthRejection>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let login = CognitoLogin::of(&req)?;
            match login.current_user(&req).await? {
                Some(user) => Ok(user),
                None => Err(AuthRejection::sign_in_required(&login, &req)),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use actix_web::{App, test, web};

    use super::*;

    #[actix_web::test]
    async fn an_app_without_a_cognito_login_answers_500_not_anonymous() {
        let app = test::init_service(App::new().route(
            "/",
            web::get().to(|user: SignedInUser| async move { user.username().to_owned() }),
        ))
        .await;
        let response = test::call_service(&app, test::TestRequest::get().to_request()).await;
        assert_eq!(response.status(), 500);
        let body = test::read_body(response).await;
        assert_eq!(
            body, "Something went wrong on our side.",
            "no detail for the client"
        );
    }
}
