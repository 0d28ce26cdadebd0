//! Where a login returns: `?next=PATH` on the login's address, followed
//! only to a path of this site (no open redirect).
//!
//! ```
//! use actix_web::test::TestRequest;
//! use auth::actix::return_to;
//!
//! // The guard sent an anonymous GET /orders?page=2 to the login...
//! let page = TestRequest::get().uri("/orders?page=2").to_http_request();
//! let login = return_to::login_for(&page, "/login");
//! assert_eq!(login, "/login?next=/orders%3Fpage%3D2");
//! // ...which, once signed in, goes back there; never to another site.
//! let form = TestRequest::post().uri(&login).to_http_request();
//! assert_eq!(return_to::requested(&form).as_deref(), Some("/orders?page=2"));
//! let forged = TestRequest::post().uri("/login?next=//evil.example").to_http_request();
//! assert_eq!(return_to::requested(&forged), None);
//! ```

use actix_web::http::Method;
use actix_web::{HttpRequest, web};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;

/// Everything but unreserved characters and `/`: a way back may hold a
/// query of its own (`?`, `&`, `=`, `%`).
const NEXT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The query of a login's way back, as sent: [`requested`] checks it.
#[derive(Deserialize)]
struct ReturnTo {
    next: String,
}

/// Where a successful login from this request goes: the `next` of its
/// query if that is a path of this site (`None`: to `/`). See the
/// [module](self)'s example.
pub fn requested(req: &HttpRequest) -> Option<String> {
    let next = web::Query::<ReturnTo>::from_query(req.query_string())
        .ok()?
        .into_inner()
        .next;
    is_local_path(&next).then_some(next)
}

/// The query that asks a login to return to `to` (none for `/`, where a
/// login goes anyway).
///
/// ```
/// use auth::actix::return_to::query;
/// assert_eq!(query(Some("/a?b=c")), "?next=/a%3Fb%3Dc");
/// assert_eq!(query(Some("/")), "");
/// ```
pub fn query(to: Option<&str>) -> String {
    match to {
        Some(to) if to != "/" => format!("?next={}", utf8_percent_encode(to, NEXT)),
        _ => String::new(),
    }
}

/// The query that passes this request's way back on to the next step of
/// the login (none if it has none): a form asking for a one-time code
/// returns where the password form would have.
///
/// ```
/// use actix_web::test::TestRequest;
/// let form = TestRequest::post().uri("/login?next=/orders").to_http_request();
/// let code_form = format!("/login/code{}", auth::actix::return_to::passed_on(&form));
/// assert_eq!(code_form, "/login/code?next=/orders");
/// ```
pub fn passed_on(req: &HttpRequest) -> String {
    query(requested(req).as_deref())
}

/// The login at `login_path` that comes back to `req`'s page. A form's
/// action lives under its page (`/sessions/revoke` on `/sessions`): for a
/// request other than GET or HEAD the way back is that page, not an address
/// that answers only a post. See the [module](self)'s example.
pub fn login_for(req: &HttpRequest, login_path: &str) -> String {
    let back = if matches!(*req.method(), Method::GET | Method::HEAD) {
        match req.query_string() {
            "" => req.path().to_owned(),
            query => format!("{}?{query}", req.path()),
        }
    } else {
        let path = req.path();
        path.rsplit_once('/')
            .map_or("/", |(page, _)| if page.is_empty() { "/" } else { page })
            .to_owned()
    };
    format!("{login_path}{}", query(Some(&back)))
}

/// A path on this site, safe in a `Location` header: `//host`, `/\host`
/// (which browsers read as `//host`) and full URLs lead elsewhere, and
/// anything but visible ASCII could break the header.
fn is_local_path(path: &str) -> bool {
    path.len() <= 256
        && path.starts_with('/')
        && !path.starts_with("//")
        && path.bytes().all(|b| b.is_ascii_graphic() && b != b'\\')
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn a_login_returns_only_to_a_path_of_this_site() {
        for path in ["/", "/sessions", "/restricted?x=1"] {
            assert!(is_local_path(path), "{path}");
        }
        for path in [
            "",
            "sessions",
            "//evil.example",
            "/\\evil.example",
            "https://evil.example/",
            "/a b",
            "/a\r\nSet-Cookie: x=y",
            "/é",
            &format!("/{}", "a".repeat(256)),
        ] {
            assert!(!is_local_path(path), "{path:?}");
        }
    }

    #[test]
    fn a_login_comes_back_to_the_page_not_to_a_forms_action() {
        let get = TestRequest::get().uri("/sessions?x=1").to_http_request();
        assert_eq!(login_for(&get, "/login"), "/login?next=/sessions%3Fx%3D1");
        let post = TestRequest::post()
            .uri("/sessions/revoke")
            .to_http_request();
        assert_eq!(login_for(&post, "/login"), "/login?next=/sessions");
        let top = TestRequest::post().uri("/logout").to_http_request();
        assert_eq!(login_for(&top, "/sign-in"), "/sign-in");
    }

    #[test]
    fn the_way_back_survives_its_own_query() {
        assert_eq!(query(None), "");
        assert_eq!(query(Some("/")), "");
        assert_eq!(query(Some("/sessions")), "?next=/sessions");
        let to = "/restricted?x=1&y=50%#top";
        let asked = query(Some(to));
        assert_eq!(asked, "?next=/restricted%3Fx%3D1%26y%3D50%25%23top");
        let req = TestRequest::with_uri(&format!("/login{asked}")).to_http_request();
        assert_eq!(requested(&req).as_deref(), Some(to));
    }
}
