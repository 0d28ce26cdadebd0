//! The settings as the app reads them: the environment over the file, a
//! missing key named, an unknown one warned about.

use crate::workspace::Workspace;

#[tokio::test]
async fn the_environment_overrides_the_settings_file_as_for_the_app() {
    let ws = Workspace::new().await;
    let table = test_support::unique_name("env-table");
    let output = ws
        .command(&["table"])
        .env("TABLE_NAME", &table)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(
        stdout.contains(&format!("table: created {table}")),
        "{stdout}"
    );
    let dynamodb = aws_sdk_dynamodb::Client::new(&ws.aws().await);
    for (name, exists) in [(table, true), (ws.value("TABLE_NAME"), false)] {
        let described = dynamodb.describe_table().table_name(&name).send().await;
        assert_eq!(described.is_ok(), exists, "{name}");
    }
}

#[tokio::test]
async fn a_missing_setting_is_named_and_a_misspelt_one_draws_a_warning() {
    let ws = Workspace::new().await;
    let path = ws.settings_path();
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("TABLE_NAME=", "TABLENAME=")).unwrap();
    let output = ws.run(&["table"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for expected in [
        "unknown setting TABLENAME ignored: did you mean TABLE_NAME?",
        "unknown setting UNKNOWN_KEY ignored",
        "error: missing setting TABLE_NAME: set it in settings.sh or in the environment",
    ] {
        assert!(stderr.contains(expected), "{expected}: {stderr}");
    }
}
