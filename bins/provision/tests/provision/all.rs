//! `provision all`: idempotent, least privilege, and the settings file kept.

use crate::workspace::{Workspace, mode};

#[tokio::test]
async fn all_twice_gives_the_same_ids_and_one_pool() {
    let ws = Workspace::new().await;
    let first = ws.ok(&["all", "--settings", "settings.sh"]);
    assert!(
        first.contains("created user aws-dynamodb-cognito-"),
        "{first}"
    );
    assert!(first.contains("created user pool"));
    let ids = [
        "USER_NAME",
        "ACCESS_KEY_ID",
        "SECRET_ACCESS_KEY",
        "AWS_ID",
        "POOL_ID",
        "CLIENT_ID",
    ]
    .map(|k| ws.value(k));
    assert!(ids.iter().all(|v| !v.is_empty()), "{ids:?}");
    assert!(
        ids[0].len() == "aws-dynamodb-cognito-".len() + 6
            && ids[0][21..].chars().all(|c| c.is_ascii_lowercase())
    );

    let second = ws.ok(&["--settings", "settings.sh", "all"]);
    assert!(
        !second.contains("created"),
        "nothing is created twice: {second}"
    );
    assert!(
        second.contains("found user pool") && second.contains("found access key"),
        "{second}"
    );
    assert_eq!(
        ids,
        [
            "USER_NAME",
            "ACCESS_KEY_ID",
            "SECRET_ACCESS_KEY",
            "AWS_ID",
            "POOL_ID",
            "CLIENT_ID"
        ]
        .map(|k| ws.value(k))
    );

    let idp = aws_sdk_cognitoidentityprovider::Client::new(&ws.aws().await);
    // Every page: the emulator is shared, and holds more pools than one page.
    let name = ws.value("POOL_NAME");
    let (mut named, mut token) = (0, None);
    loop {
        let page = idp
            .list_user_pools()
            .max_results(60)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        named += page
            .user_pools()
            .iter()
            .filter(|p| p.name() == Some(name.as_str()))
            .count();
        match page.next_token {
            Some(next) if !next.is_empty() => token = Some(next),
            _ => break,
        }
    }
    assert_eq!(named, 1);

    let pool = idp
        .describe_user_pool()
        .user_pool_id(ws.value("POOL_ID"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        pool.user_pool()
            .unwrap()
            .username_configuration()
            .map(|c| c.case_sensitive()),
        Some(false),
        "`A` and `A@a.com` sign in as `a` (the emulator keeps the setting, Cognito applies it)"
    );

    let user_pool = pool.user_pool().unwrap();
    // Managed login: a domain, and the client's code grant back to the app.
    let domain = user_pool.domain().unwrap_or_default();
    assert!(domain.starts_with(&format!("{name}-")), "{domain:?}");
    assert!(
        first.contains(&format!("created domain {domain}")),
        "{first}"
    );
    let client = idp
        .describe_user_pool_client()
        .user_pool_id(ws.value("POOL_ID"))
        .client_id(ws.value("CLIENT_ID"))
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    assert_eq!(
        client.callback_urls(),
        ["http://localhost:3000/auth/callback"]
    );
    assert_eq!(client.logout_urls(), ["http://localhost:3000/"]);
    assert!(client.allowed_o_auth_scopes().iter().any(|s| s == "openid"));
    assert_eq!(
        client.explicit_auth_flows().len(),
        5,
        "the update kept the auth flows"
    );
    assert_eq!(
        user_pool
            .admin_create_user_config()
            .map(|c| c.allow_admin_create_user_only()),
        Some(false),
        "visitors sign up themselves"
    );
    let mfa = idp
        .get_user_pool_mfa_config()
        .user_pool_id(ws.value("POOL_ID"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        mfa.mfa_configuration(),
        Some(&aws_sdk_cognitoidentityprovider::types::UserPoolMfaType::Optional)
    );
    assert_eq!(
        mfa.software_token_mfa_configuration().map(|c| c.enabled()),
        Some(true),
        "two-factor sign-in by authenticator app, for those who turn it on"
    );

    assert_eq!(
        client.prevent_user_existence_errors(),
        Some(&aws_sdk_cognitoidentityprovider::types::PreventUserExistenceErrorTypes::Enabled),
        "an unknown user must look like a wrong password, in timing too"
    );

    // The demo users sign in with their passwords.
    let cognito =
        auth::Cognito::builder(&ws.aws().await, ws.value("POOL_ID"), ws.value("CLIENT_ID"))
            .auth_flow(auth::AuthFlow::Password)
            .build();
    for (user, password) in [("a", "aaaaaa"), ("b", "bbbbbb")] {
        assert!(matches!(
            cognito.sign_in(user, password).await.unwrap(),
            auth::SignIn::Tokens(_)
        ));
    }
}

/// The inline policy of the app's IAM user.
async fn user_policy(ws: &Workspace) -> serde_json::Value {
    let iam = aws_sdk_iam::Client::new(&ws.aws().await);
    let policy = iam
        .get_user_policy()
        .user_name(ws.value("USER_NAME"))
        .policy_name(provision::POLICY_NAME)
        .send()
        .await
        .unwrap();
    // IAM returns policy documents URL-encoded.
    let document = percent_encoding::percent_decode_str(policy.policy_document())
        .decode_utf8()
        .unwrap();
    serde_json::from_str(&document).unwrap()
}

#[tokio::test]
async fn the_policy_is_least_privilege() {
    let ws = Workspace::new().await;
    ws.ok(&["iam-user"]);
    let policy = user_policy(&ws).await;
    let statement = &policy["Statement"][0];
    assert_eq!(statement["Effect"], "Allow");
    let actions: Vec<&str> = statement["Action"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(actions, session_store::IAM_ACTIONS);
    assert!(
        actions
            .iter()
            .all(|a| a.starts_with("dynamodb:") && !a.contains('*'))
    );
    let table_arn = format!(
        "arn:aws:dynamodb:us-east-1:{}:table/{}",
        ws.value("AWS_ID"),
        ws.value("TABLE_NAME")
    );
    let resources: Vec<&str> = statement["Resource"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert_eq!(
        resources,
        [
            table_arn.clone(),
            format!("{table_arn}/index/principal-index")
        ]
    );
}

#[tokio::test]
async fn the_app_may_read_its_pools_settings_and_no_other_pools() {
    let ws = Workspace::new().await;
    ws.ok(&["all"]);
    let policy = user_policy(&ws).await;
    let pool_arn = format!(
        "arn:aws:cognito-idp:us-east-1:{}:userpool/{}",
        ws.value("AWS_ID"),
        ws.value("POOL_ID")
    );
    assert_eq!(
        policy["Statement"][1],
        serde_json::json!({
            "Effect": "Allow",
            "Action": ["cognito-idp:DescribeUserPool"],
            "Resource": pool_arn,
        })
    );
}

#[tokio::test]
async fn the_settings_file_keeps_comments_unknown_keys_and_mode_0600() {
    let ws = Workspace::new().await;
    ws.ok(&["table"]);
    ws.ok(&["cognito"]);
    let text = std::fs::read_to_string(ws.settings_path()).unwrap();
    assert!(text.starts_with("# Project settings\n"));
    assert!(text.contains("# mine\nUNKNOWN_KEY=kept\n"));
    assert_eq!(mode(&ws.settings_path()), 0o600);
    assert!(!ws.value("POOL_ID").is_empty());
}
