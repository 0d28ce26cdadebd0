//! NEW_PASSWORD_REQUIRED: a user with a temporary password chooses one.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use auth::NewPasswordChallenge;
use serde::{Deserialize, Serialize};

use crate::authenticator::LoginError;
use crate::error::AppError;
use crate::page::{Page, see_other};
use crate::routes::forms;
use auth::actix::return_to;

/// The new password form's fields.
#[derive(Deserialize)]
pub struct NewPasswordForm {
    csrf: String,
    #[serde(default)]
    password: String,
    /// The password typed a second time: a typo in a password the user
    /// never typed before would leave them unable to sign in.
    #[serde(default)]
    password_again: String,
    /// `attribute.NAME`: the attributes the pool requires and the user has
    /// not got yet (Cognito's `requiredAttributes`).
    #[serde(flatten)]
    fields: HashMap<String, String>,
}

/// A required attribute's field on the form.
#[derive(Serialize)]
struct AttributeField<'a> {
    name: &'a str,
    field: String,
    input_type: &'static str,
    value: &'a str,
}

fn field_name(attribute: &str) -> String {
    format!("attribute.{attribute}")
}

/// The challenge's required attributes with the values the form gave, or
/// `None` while one is empty.
fn required_values(
    challenge: &NewPasswordChallenge,
    fields: &HashMap<String, String>,
) -> Option<Vec<(String, String)>> {
    challenge
        .required_attributes
        .iter()
        .map(|name| {
            let value = fields.get(&field_name(name))?.trim();
            (!value.is_empty()).then(|| (name.clone(), value.to_owned()))
        })
        .collect()
}

fn form_page(
    page: &Page,
    challenge: &NewPasswordChallenge,
    typed: &HashMap<String, String>,
    error: Option<&str>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let attributes: Vec<AttributeField> = challenge
        .required_attributes
        .iter()
        .map(|name| {
            let field = field_name(name);
            AttributeField {
                name,
                value: typed.get(&field).map_or("", String::as_str),
                field,
                input_type: match name.as_str() {
                    "email" => "email",
                    "phone_number" => "tel",
                    _ => "text",
                },
            }
        })
        .collect();
    let mut context = tera::Context::new();
    context.insert("username", &challenge.username);
    context.insert("attributes", &attributes);
    context.insert("error", &error);
    context.insert("back", &return_to::passed_on(page.request()));
    page.render_as(status, "new_password.html", context)
}

/// `GET /new-password`: the form, while a challenge is pending.
pub async fn show(page: Page) -> Result<HttpResponse, AppError> {
    match page.session().challenge()? {
        Some(challenge) => form_page(&page, &challenge, &HashMap::new(), None, StatusCode::OK),
        None => Ok(see_other(&format!(
            "/login{}",
            return_to::passed_on(page.request())
        ))),
    }
}

/// `POST /new-password`: answers the challenge; on success signs in and
/// goes where the login was to go.
pub async fn submit(
    page: Page,
    form: web::Form<NewPasswordForm>,
) -> Result<HttpResponse, AppError> {
    let session = page.session();
    session.check_csrf(&form.csrf)?;
    let Some(challenge) = session.challenge()? else {
        // The session ended while the form was open (or the challenge was
        // answered already): the password typed cannot be used.
        return forms::login_failed(
            &page,
            "",
            "This sign-in has ended before the new password was sent. Please sign in again.",
            StatusCode::UNAUTHORIZED,
        );
    };
    let again =
        |message: &str, status| form_page(&page, &challenge, &form.fields, Some(message), status);
    let attributes = match required_values(&challenge, &form.fields) {
        Some(attributes) if !form.password.is_empty() && !form.password_again.is_empty() => {
            attributes
        }
        _ => return again("Input missing", StatusCode::BAD_REQUEST),
    };
    if let Some(problem) = page
        .new_password_problem(&form.password, &form.password_again)
        .await
    {
        return again(&problem, StatusCode::BAD_REQUEST);
    }
    let answer = page
        .state()
        .authenticator
        .answer_new_password(page.request(), &challenge, &form.password, &attributes)
        .await;
    match answer {
        Ok(outcome) => super::signed_in(&page, outcome),
        Err(LoginError::Rejected(message)) => again(&message, StatusCode::BAD_REQUEST),
        Err(err @ (LoginError::NotConfirmed | LoginError::ResetRequired)) => {
            again(&err.to_string(), StatusCode::BAD_REQUEST)
        }
        Err(LoginError::StartAgain(message)) => {
            session.clear_challenge();
            forms::login_failed(
                &page,
                &challenge.username,
                &message,
                StatusCode::UNAUTHORIZED,
            )
        }
        Err(LoginError::Unavailable(message)) => again(&message, StatusCode::SERVICE_UNAVAILABLE),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_required_attribute_needs_a_value() {
        let challenge = NewPasswordChallenge {
            username: "c".into(),
            session: "s".into(),
            required_attributes: vec!["name".into(), "custom:team".into()],
        };
        let form = |pairs: &[(&str, &str)]| -> HashMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        };
        assert_eq!(
            required_values(
                &challenge,
                &form(&[
                    ("attribute.name", " Carol "),
                    ("attribute.custom:team", "ops"),
                    ("attribute.email_verified", "true"),
                ])
            ),
            Some(vec![
                ("name".into(), "Carol".into()),
                ("custom:team".into(), "ops".into())
            ]),
            "trimmed, and only the required ones"
        );
        assert_eq!(
            required_values(&challenge, &form(&[("attribute.name", "Carol")])),
            None
        );
        assert_eq!(
            required_values(
                &challenge,
                &form(&[("attribute.name", " "), ("attribute.custom:team", "ops")])
            ),
            None
        );
    }
}
