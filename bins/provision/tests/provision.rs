//! The `provision` binary against the emulator: each subcommand, idempotence,
//! status, teardown, the written policy and the settings file.

use std::path::{Path, PathBuf};
use std::process::Output;

use settings_file::SettingsFile;

struct Workspace {
    dir: tempfile::TempDir,
    endpoint: String,
}

impl Workspace {
    async fn new() -> Self {
        let aws = test_support::local_aws().await;
        let dir = tempfile::tempdir().unwrap();
        let settings = format!(
            "# Project settings\nAWS_REGION=us-east-1\nCOGNITO_REGION=us-east-1\nTABLE_NAME={}\nPOOL_NAME={}\n# mine\nUNKNOWN_KEY=kept\nUSER_NAME=\nACCESS_KEY_ID=\nSECRET_ACCESS_KEY=\nPOOL_ID=\nCLIENT_ID=\n",
            test_support::unique_name("table"),
            test_support::unique_name("pool"),
        );
        std::fs::write(dir.path().join("settings.sh"), settings).unwrap();
        Self {
            dir,
            endpoint: aws.endpoint,
        }
    }

    fn settings_path(&self) -> PathBuf {
        self.dir.path().join("settings.sh")
    }

    fn command(&self, args: &[&str]) -> std::process::Command {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_provision"));
        command
            .args(args)
            .current_dir(self.dir.path())
            .env("AWS_ENDPOINT_URL", &self.endpoint)
            .env("AWS_ACCESS_KEY_ID", "admin")
            .env("AWS_SECRET_ACCESS_KEY", "admin")
            .env_remove("AWS_PROFILE");
        command
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let output = self.run(args);
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(
            output.status.success(),
            "{args:?}: {text}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        text
    }

    fn value(&self, key: &str) -> String {
        let file = SettingsFile::open(&self.settings_path()).unwrap();
        file.get(key).unwrap_or_default().to_owned()
    }

    async fn aws(&self) -> aws_config::SdkConfig {
        test_support::sdk_config(&self.endpoint).await
    }
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

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
    let pools = idp.list_user_pools().max_results(60).send().await.unwrap();
    let name = ws.value("POOL_NAME");
    assert_eq!(
        pools
            .user_pools()
            .iter()
            .filter(|p| p.name() == Some(name.as_str()))
            .count(),
        1
    );

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

    let client = idp
        .describe_user_pool_client()
        .user_pool_id(ws.value("POOL_ID"))
        .client_id(ws.value("CLIENT_ID"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        client
            .user_pool_client()
            .unwrap()
            .prevent_user_existence_errors(),
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

#[tokio::test]
async fn the_policy_is_least_privilege() {
    let ws = Workspace::new().await;
    ws.ok(&["iam-user"]);
    let iam = aws_sdk_iam::Client::new(&ws.aws().await);
    let policy = iam
        .get_user_policy()
        .user_name(ws.value("USER_NAME"))
        .policy_name(provision::POLICY_NAME)
        .send()
        .await
        .unwrap();
    let document = policy.policy_document();
    // IAM returns policy documents URL-encoded.
    let document = percent_encoding::percent_decode_str(document)
        .decode_utf8()
        .unwrap();
    let policy: serde_json::Value = serde_json::from_str(&document).unwrap();
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
async fn status_before_and_after_and_teardown_leaves_nothing() {
    let ws = Workspace::new().await;
    let before = ws.ok(&["status"]);
    assert!(!before.contains("present"), "{before}");
    assert!(before.contains("missing  DynamoDB table"), "{before}");

    ws.ok(&["all"]);
    let after = ws.ok(&["status"]);
    assert!(!after.contains("missing"), "{after}");
    assert_eq!(after.matches("present").count(), 8, "{after}");

    // Without --yes and no answer, nothing is deleted.
    let refused = ws.run(&["teardown"]);
    assert!(!refused.status.success());
    assert!(ws.ok(&["status"]).matches("present").count() == 8);

    let (user, pool, table) = (
        ws.value("USER_NAME"),
        ws.value("POOL_ID"),
        ws.value("TABLE_NAME"),
    );
    ws.ok(&["teardown", "--yes"]);
    let aws = ws.aws().await;
    assert!(
        aws_sdk_iam::Client::new(&aws)
            .get_user()
            .user_name(&user)
            .send()
            .await
            .is_err()
    );
    assert!(
        aws_sdk_cognitoidentityprovider::Client::new(&aws)
            .describe_user_pool()
            .user_pool_id(&pool)
            .send()
            .await
            .is_err()
    );
    assert!(
        aws_sdk_dynamodb::Client::new(&aws)
            .describe_table()
            .table_name(&table)
            .send()
            .await
            .is_err()
    );
    assert!(!ws.ok(&["status"]).contains("present"));
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

#[tokio::test]
async fn an_unreachable_endpoint_is_a_one_line_error() {
    let ws = Workspace {
        endpoint: "http://127.0.0.1:9".into(),
        ..Workspace::new().await
    };
    let output = ws.run(&["table"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("error: ") && stderr.contains("DescribeTable"),
        "{stderr}"
    );
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
    let stderr = String::from_utf8_lossy(&output.stderr);
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
