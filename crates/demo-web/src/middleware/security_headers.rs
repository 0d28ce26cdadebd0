//! Headers on every answer that keep the site's pages out of other sites'
//! frames (no clickjacking of the login or revoke buttons), out of shared and
//! back-button caches (pages show a user's session), and away from MIME
//! sniffing. The pages have no script and no inline style, so the content
//! policy allows nothing but this site's stylesheet and forms.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;

/// The content policy: nothing but this site's stylesheet and forms. A
/// form may also lead to `form_target` (an origin): the logout goes on to
/// Cognito's managed login, and a browser holds the redirect of a form to
/// the policy's `form-action`.
pub(crate) fn content_policy(form_target: Option<&str>) -> HeaderValue {
    let also = form_target.map(|t| format!(" {t}")).unwrap_or_default();
    let policy = format!(
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'{also}; \
         frame-ancestors 'none'; base-uri 'none'"
    );
    HeaderValue::try_from(policy).expect("an origin holds no control character")
}

// Built at compile time: `from_static` checks its text, once here rather
// than on every request.
static HEADERS: [(HeaderName, HeaderValue); 4] = [
    // For browsers without frame-ancestors.
    (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
    (
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    ),
    (
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    ),
    // Unless the answer says otherwise (the stylesheet may be cached).
    (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
];

fn add_missing(headers: &mut HeaderMap, policy: &HeaderValue) {
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy.clone());
    }
    for (name, value) in &HEADERS {
        if !headers.contains_key(name) {
            headers.insert(name.clone(), value.clone());
        }
    }
}

/// Middleware: adds the headers to every answer, error pages raised by inner
/// middleware included.
pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let policy = req
        .app_data::<actix_web::web::Data<crate::state::AppState>>()
        .map_or_else(
            || content_policy(None),
            |state| state.content_policy.clone(),
        );
    match next.call(req).await {
        Ok(mut response) => {
            add_missing(response.headers_mut(), &policy);
            Ok(response)
        }
        Err(err) => {
            let mut page = err.error_response();
            add_missing(page.headers_mut(), &policy);
            Err(InternalError::from_response(err.to_string(), page).into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::content_policy;

    #[test]
    fn a_form_leads_to_this_site_and_to_the_managed_login_only() {
        let alone = content_policy(None);
        assert!(alone.to_str().unwrap().contains("form-action 'self';"));
        let hosted = content_policy(Some("https://auth.example.com"));
        assert!(
            hosted
                .to_str()
                .unwrap()
                .contains("form-action 'self' https://auth.example.com;")
        );
    }
}
