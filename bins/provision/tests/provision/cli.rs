//! The command line and its errors: help, usage, no endpoint, no credentials.

use crate::workspace::{Workspace, error};

#[tokio::test]
async fn an_unreachable_endpoint_is_a_one_line_error() {
    let ws = Workspace {
        endpoint: "http://127.0.0.1:9".into(),
        ..Workspace::new().await
    };
    let output = ws.run(&["table"]);
    assert!(!output.status.success());
    let stderr = error(&output);
    assert!(stderr.contains("DescribeTable"), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
}

#[tokio::test]
async fn without_credentials_it_says_where_they_come_from_and_calls_nothing() {
    let ws = Workspace::new().await;
    let mut command = ws.command(&["all"]);
    for key in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ] {
        command.env_remove(key);
    }
    let empty = ws.dir.path().join("empty");
    std::fs::write(&empty, "").unwrap();
    let output = command
        .env("AWS_CONFIG_FILE", &empty)
        .env("AWS_SHARED_CREDENTIALS_FILE", &empty)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = error(&output);
    // The SDK's list of the providers it tried follows.
    assert!(
        stderr.starts_with("error: no AWS credentials: ")
            && stderr.lines().next().unwrap().contains("AWS_PROFILE"),
        "{stderr}"
    );
    // Nothing was created: the settings file has no id written into it.
    assert_eq!(ws.value("POOL_ID"), "");
    assert_eq!(ws.value("ACCESS_KEY_ID"), "");
}

#[tokio::test]
async fn help_lists_the_subcommands_and_a_wrong_one_gets_the_usage() {
    let ws = Workspace::new().await;
    let help = ws.ok(&["--help"]);
    for subcommand in [
        "iam-user", "table", "cognito", "all", "invite", "status", "teardown",
    ] {
        assert!(
            help.contains(&format!("\n  {subcommand} ")),
            "{subcommand}: {help}"
        );
    }
    let wrong = ws.run(&["everything"]);
    assert_eq!(wrong.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&wrong.stderr);
    assert!(
        stderr.contains("'everything'") && stderr.contains("Usage: provision"),
        "{stderr}"
    );
}
