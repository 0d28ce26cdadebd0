//! A user at ministack's managed login (the hosted sign-in page), without a
//! browser: the page's form read and posted as a browser would, the answer
//! followed no further than the redirect back to the app.

use std::collections::HashMap;

/// Opens `authorize_url` (an app's login start, already redirected), signs
/// in as `username` with `password` on the page it serves, and returns the
/// `Location` the hosted page sends the browser to: the app's callback with
/// `code` and `state`, or with `error`. When it does not send the browser
/// back (a wrong password), the page it shows instead.
///
/// Panics when the page has no sign-in form, printing what it answered.
///
/// ```no_run
/// # async fn example(authorize_url: &str) {
/// let back = test_support::hosted_page::sign_in(authorize_url, "a", "aaaaaa").await;
/// assert!(back.unwrap().contains("code="));
/// # }
/// ```
pub async fn sign_in(
    authorize_url: &str,
    username: &str,
    password: &str,
) -> Result<String, String> {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client");
    let page = http
        .get(authorize_url)
        .send()
        .await
        .expect("the hosted page");
    let status = page.status();
    let page_url = page.url().clone();
    let html = page.text().await.expect("its text");
    assert!(
        status.is_success(),
        "the hosted page answered {status}: {html}"
    );
    let document = scraper::Html::parse_document(&html);
    let form_selector = scraper::Selector::parse("form[method=POST], form[method=post]").unwrap();
    let form = document
        .select(&form_selector)
        .next()
        .unwrap_or_else(|| panic!("a sign-in form on the hosted page: {html}"));
    let action = page_url
        .join(form.value().attr("action").unwrap_or(""))
        .expect("the form's action");
    let input = scraper::Selector::parse("input[type=hidden]").unwrap();
    let mut fields: HashMap<String, String> = form
        .select(&input)
        .filter_map(|i| {
            Some((
                i.value().attr("name")?.to_owned(),
                i.value().attr("value").unwrap_or("").to_owned(),
            ))
        })
        .collect();
    fields.insert("username".into(), username.into());
    fields.insert("password".into(), password.into());
    let answer = http
        .post(action)
        .form(&fields)
        .send()
        .await
        .expect("the sign-in form's answer");
    let status = answer.status();
    match answer.headers().get("location") {
        Some(location) if status.is_redirection() => {
            Ok(location.to_str().expect("a text Location").to_owned())
        }
        _ => Err(answer.text().await.unwrap_or_default()),
    }
}
