//! A page of the site: who is signed in (checked by the authenticator on
//! each request), and a template rendered with what every page shows (the
//! user, the CSRF token, the footer with cookies, session data and views).

use actix_web::dev::Payload;
use actix_web::http::{Method, StatusCode};
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use serde_json::{Map, Value};

use auth::actix::return_to;

use crate::authenticator::LoginError;
use crate::error::AppError;
use crate::session::AppSession;
use crate::state::AppState;

/// What the extractors below return: their check of the user is async.
type Extracting<T> = std::pin::Pin<Box<dyn Future<Output = Result<T, AppError>>>>;

/// The request as a page: its app state, session and signed-in user.
///
/// Only a GET or HEAD checks who is signed in (stage 2: verifies the tokens,
/// refreshing them when due). A form's post is answered as by no one: its
/// handler checks the CSRF token before anything else happens, and a login
/// or logout changes the session itself. A handler that needs the user of a
/// post takes [`SignedIn`].
pub(crate) struct Page {
    state: web::Data<AppState>,
    req: HttpRequest,
    session: AppSession,
    user: Option<String>,
}

impl FromRequest for Page {
    type Error = AppError;
    type Future = Extracting<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        let reads = matches!(*req.method(), Method::GET | Method::HEAD);
        Box::pin(async move {
            let mut page = Page::of(req)?;
            if reads {
                page.user = current_user(&page).await?;
            }
            Ok(page)
        })
    }
}

/// A page that needs a login. Anonymous requests are sent to the login,
/// which comes back to the page afterwards.
pub(crate) struct SignedIn {
    /// The page.
    pub page: Page,
    /// Who is signed in.
    pub user: String,
}

impl FromRequest for SignedIn {
    type Error = AppError;
    type Future = Extracting<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let mut page = Page::of(req)?;
            let Some(user) = current_user(&page).await? else {
                return Err(AppError::SignInRequired(login_for(&page.req)));
            };
            page.user = Some(user.clone());
            Ok(SignedIn { page, user })
        })
    }
}

/// The login that comes back to `req`'s page.
pub(crate) fn login_for(req: &HttpRequest) -> String {
    return_to::login_for(req, "/login")
}

/// The signed-in user of a session, after the authenticator's check
/// (stage 2: verified tokens, refreshed when due; invalid ones log out).
async fn current_user(page: &Page) -> Result<Option<String>, AppError> {
    match page.state().authenticator.current_user(&page.req).await {
        Ok(user) => Ok(user),
        Err(
            LoginError::Unavailable(reason)
            | LoginError::Rejected(reason)
            | LoginError::StartAgain(reason),
        ) => Err(AppError::SignIn(reason)),
        Err(err @ (LoginError::NotConfirmed | LoginError::ResetRequired)) => {
            Err(AppError::SignIn(err.to_string()))
        }
    }
}

impl Page {
    fn of(req: HttpRequest) -> Result<Self, AppError> {
        let state = req
            .app_data::<web::Data<AppState>>()
            .cloned()
            .ok_or_else(|| AppError::Internal("no app state".into()))?;
        Ok(Page {
            state,
            session: AppSession::of(&req),
            req,
            user: None,
        })
    }

    /// The app's state.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The request.
    pub fn request(&self) -> &HttpRequest {
        &self.req
    }

    /// The session.
    pub fn session(&self) -> &AppSession {
        &self.session
    }

    /// Refuses, as not found, a page of account management (sign-up,
    /// password, two-factor sign-in) where users are not managed here
    /// (stage 1's local users).
    pub fn require_account_pages(&self) -> Result<(), AppError> {
        match self.state.authenticator.manages_accounts() {
            true => Ok(()),
            false => Err(AppError::NotFound("Accounts are managed in stage 2 only.")),
        }
    }

    /// Why a new password typed twice cannot be sent (they differ, or the
    /// password misses some of the pool's policy), said for the form.
    pub async fn new_password_problem(&self, password: &str, again: &str) -> Option<String> {
        if password != again {
            return Some("The two passwords differ.".into());
        }
        let authenticator = &self.state.authenticator;
        authenticator.read_password_policy().await;
        let policy = authenticator.password_policy()?;
        let unmet: Vec<String> = policy
            .unmet(password)
            .iter()
            .map(|r| r.to_string())
            .collect();
        match unmet.as_slice() {
            [] => None,
            [one] => Some(format!("The password needs {one}.")),
            [first @ .., last] => Some(format!(
                "The password needs {} and {last}.",
                first.join(", ")
            )),
        }
    }

    /// Who is signed in (always `None` for a post: see [`Page`]).
    pub fn user(&self) -> Option<&str> {
        self.user.as_deref()
    }

    /// Renders `template` as a counted page view, with status 200.
    pub fn render(&self, template: &str, context: tera::Context) -> Result<HttpResponse, AppError> {
        self.render_as(StatusCode::OK, template, context)
    }

    /// Renders `template` as a counted page view.
    pub fn render_as(
        &self,
        status: StatusCode,
        template: &str,
        mut context: tera::Context,
    ) -> Result<HttpResponse, AppError> {
        let views = self.session.count_view()?;
        context.insert("user", &self.user);
        context.insert("csrf", &self.session.csrf_token()?);
        context.insert("stage_title", self.state.stage_title);
        context.insert(
            "manages_accounts",
            &self.state.authenticator.manages_accounts(),
        );
        context.insert("form_login", &self.state.form_login);
        context.insert("hosted_login", &self.state.hosted_logout.is_some());
        // Shown wherever a new password is typed.
        if let Some(policy) = self.state.authenticator.password_policy() {
            context.insert("password_policy", &policy.to_string());
        }
        // A login from this page comes back to it; the pages of a login pass
        // on where that login returns instead.
        if !context.contains_key("back") {
            context.insert("back", &return_to::query(Some(self.req.path())));
        }
        context.insert("cookies", &shown_cookies(&self.req));
        let data = serde_json::to_string_pretty(&self.session.shown()).unwrap_or_default();
        context.insert("session_data", &data);
        context.insert("views", &views);
        let body = self.state.templates.render(template, &context)?;
        Ok(HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(body))
    }
}

/// The request's cookies for the footer, values shortened: the session
/// cookie is HttpOnly, and a page must not hand it to scripts.
fn shown_cookies(req: &HttpRequest) -> String {
    let cookies = match req.cookies() {
        Ok(cookies) if !cookies.is_empty() => cookies,
        _ => return "undefined".to_owned(),
    };
    let map: Map<String, Value> = cookies
        .iter()
        .map(|c| (c.name().to_owned(), Value::String(auth::redact(c.value()))))
        .collect();
    serde_json::to_string_pretty(&map).unwrap_or_default()
}

/// A 303 redirect (after a POST, the browser follows with a GET).
pub(crate) fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", location))
        .finish()
}
