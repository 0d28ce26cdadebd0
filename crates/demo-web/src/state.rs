//! What every handler can reach.

use std::sync::Arc;

use session_store::DynamoDbSessionStore;

use crate::authenticator::Authenticator;
use crate::metrics::Metrics;
use crate::templates::Templates;

/// The app's shared state, built once at start.
pub(crate) struct AppState {
    /// The compiled templates.
    pub templates: Templates,
    /// The session store (for per-user sessions).
    pub store: DynamoDbSessionStore,
    /// Who may log in.
    pub authenticator: Arc<dyn Authenticator>,
    /// Shown at the top of each page.
    pub stage_title: &'static str,
    /// Request, DynamoDB and Cognito metrics.
    pub metrics: Metrics,
    /// The login page's form (stage 1 always).
    pub form_login: bool,
    /// Where the browser goes after logout to end its session at Cognito's
    /// managed login; `None` without it (the login page then has no link
    /// to the hosted page).
    pub hosted_logout: Option<String>,
    /// The `Content-Security-Policy` of every answer.
    pub content_policy: actix_web::http::header::HeaderValue,
}
