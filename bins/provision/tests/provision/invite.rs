//! `provision invite USER`: a user who chooses a password at the first login.

use crate::workspace::Workspace;

#[tokio::test]
async fn an_invited_user_chooses_a_password_at_the_first_login() {
    let ws = Workspace::new().await;
    let no_pool = ws.run(&["invite", "c"]);
    assert_eq!(no_pool.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&no_pool.stderr);
    assert!(stderr.contains("run `provision cognito` first"), "{stderr}");

    ws.ok(&["cognito"]);
    let invited = ws.ok(&["invite", "c"]);
    let temporary = invited
        .split("temporary password ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("the password is printed: {invited}"));
    assert_eq!(temporary.len(), 12, "{temporary}");
    let cognito =
        auth::Cognito::builder(&ws.aws().await, ws.value("POOL_ID"), ws.value("CLIENT_ID"))
            .auth_flow(auth::AuthFlow::Password)
            .build();
    let asked = async |password: &str| {
        matches!(
            cognito.sign_in("c", password).await,
            Ok(auth::SignIn::NewPasswordRequired(_))
        )
    };
    assert!(asked(temporary).await, "c is asked for a password");
    assert!(!asked("wrong!").await);

    // Inviting again changes nothing: the first password stands.
    let again = ws.run(&["invite", "c"]);
    assert_eq!(again.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(stderr.contains("has a user c already"), "{stderr}");
    assert!(asked(temporary).await);
}
