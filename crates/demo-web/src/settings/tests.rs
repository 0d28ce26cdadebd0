use secrecy::ExposeSecret;

use super::*;

/// Settings from a file holding `file_text` and an environment of `env`'s
/// `KEY=VALUE` lines.
fn load(stage: Stage, file_text: &str, env: &str) -> Result<Settings, SettingsError> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("settings.sh");
    std::fs::write(&file, file_text).unwrap();
    let env: HashMap<String, String> = env
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(k, v)| (k.into(), v.into()))
        .collect();
    Settings::load(stage, &file, move |k| env.get(k).cloned())
}

const STAGE_2: &str = "AWS_REGION=r\nTABLE_NAME=t\nPOOL_ID=p\nCLIENT_ID=c\n";

fn invalid_key(err: &SettingsError) -> Option<&'static str> {
    match err {
        SettingsError::Invalid { key, .. } => Some(key),
        _ => None,
    }
}

#[test]
fn environment_overrides_the_file_and_defaults_apply() {
    let text = "AWS_REGION=eu-west-3\nTABLE_NAME=t\nPORT=4000\n";
    let s = load(Stage::Store, text, "PORT=5000").unwrap();
    assert_eq!(s.port, 5000);
    assert_eq!(s.session_ttl, Duration::from_secs(8));
    assert_eq!(s.touch_interval, Duration::from_secs(30));
    assert!(s.cookie_secure, "Secure is on unless turned off");
    assert!(s.credentials.is_none());
    assert_eq!(s.host, "127.0.0.1");
    assert_eq!(s.session_max_lifetime, None, "no limit unless set");
    let s = load(Stage::Cognito, STAGE_2, "SESSION_SECRET=from env").unwrap();
    assert_eq!((s.port, s.session_ttl), (3000, Duration::from_secs(150)));
    assert_eq!(s.session_secret.unwrap().expose_secret(), "from env");
    assert_eq!(s.cognito.unwrap().refresh_margin, Duration::from_secs(60));
}

#[test]
fn a_missing_key_names_the_key_and_the_file() {
    let err = load(Stage::Cognito, "AWS_REGION=r\nTABLE_NAME=t\nPOOL_ID=\n", "").unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("POOL_ID") && text.contains("settings.sh"),
        "{text}"
    );
    let err = load(
        Stage::Store,
        "AWS_REGION=r\nTABLE_NAME=t\nACCESS_KEY_ID=x\n",
        "",
    )
    .unwrap_err();
    assert!(err.to_string().contains("SECRET_ACCESS_KEY"), "{err}");
    // No file at all: the message sends the reader to the sample.
    let err = Settings::load(Stage::Store, "no-such-settings.sh".as_ref(), |_| None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "missing setting AWS_REGION: set it in no-such-settings.sh \
         (not found: copy settings.sample.sh) or in the environment"
    );
    // The file exists but lacks a required key: not sent to the sample.
    let err = load(Stage::Store, "TABLE_NAME=t\n", "").unwrap_err();
    let found = matches!(
        err,
        SettingsError::Missing {
            key: "AWS_REGION",
            file_found: true,
            ..
        }
    );
    assert!(
        found && !err.to_string().contains("settings.sample.sh"),
        "{err}"
    );
}

#[test]
fn a_settings_file_named_on_the_command_line_must_exist() {
    let missing = tempfile::tempdir().unwrap().path().join("settings.sh");
    let args = ["--settings".to_owned(), missing.display().to_string()];
    let err = Settings::from_args(Stage::Store, args).unwrap_err();
    assert!(
        matches!(err, SettingsError::File(FileError::Unreadable { .. })),
        "{err}"
    );
    assert!(
        err.to_string().contains(&*missing.to_string_lossy()),
        "{err}"
    );
}

#[test]
fn the_cognito_region_is_the_pools() {
    let text = "AWS_REGION=eu-west-3\nTABLE_NAME=t\nPOOL_ID=eu-west-1_AbC\nCLIENT_ID=c\n";
    let err = load(Stage::Cognito, text, "COGNITO_REGION=eu-west-3").unwrap_err();
    assert_eq!(invalid_key(&err), Some("COGNITO_REGION"), "{err}");
    for region in [None, Some("eu-west-1")] {
        let env = region
            .map(|r| format!("COGNITO_REGION={r}"))
            .unwrap_or_default();
        let cognito = load(Stage::Cognito, text, &env).unwrap().cognito.unwrap();
        assert_eq!(cognito.region.as_deref(), region);
    }
}

#[test]
fn bad_values_are_named_and_out_of_range_durations_too() {
    let bad = "PORT=abc PORT=70000 COOKIE_SECURE=maybe COGNITO_AUTH_FLOW=custom SESSION_TTL=-5 \
               SESSION_TTL=nan SESSION_TTL=inf SESSION_TTL=0 SESSION_TTL=0.5 SESSION_TTL=1e300 \
               SESSION_TTL=ten SESSION_MAX_LIFETIME=0 SESSION_MAX_LIFETIME=-1 \
               SESSION_MAX_LIFETIME=1e9 TOUCH_INTERVAL=-1 DYNAMODB_TIMEOUT=0 \
               TOKEN_REFRESH_MARGIN=1e19 TRUSTED_PROXIES=10.0.0.0/33 TRUSTED_PROXIES=proxy.example";
    for setting in bad.split_whitespace() {
        let (key, value) = setting.split_once('=').unwrap();
        let err = load(Stage::Cognito, STAGE_2, setting).expect_err(setting);
        assert_eq!(invalid_key(&err), Some(key), "{setting}: {err}");
        assert!(err.to_string().contains(value), "{err}");
    }
    let text = "AWS_REGION=r\nTABLE_NAME=t\nTOUCH_INTERVAL=0\nSESSION_TTL=1.5\nCOOKIE_SECURE=off\n\
                SESSION_MAX_LIFETIME=86400\nTRUSTED_PROXIES=10.0.0.0/8,192.0.2.7\n";
    let s = load(Stage::Store, text, "").unwrap();
    assert_eq!(
        s.touch_interval,
        Duration::ZERO,
        "touching on every request is allowed"
    );
    assert_eq!(s.session_ttl, Duration::from_millis(1500));
    assert!(!s.cookie_secure);
    assert_eq!(s.session_max_lifetime, Some(Duration::from_secs(86400)));
    let proxies = ["10.0.0.0/8", "192.0.2.7/32"].map(|n| n.parse::<ipnet::IpNet>().unwrap());
    assert_eq!(s.trusted_proxies, proxies);
}

#[test]
fn secrets_never_show_in_debug_output() {
    let env = "SESSION_SECRET=hunter2-session\nCLIENT_SECRET=hunter2-client\n\
               ACCESS_KEY_ID=id\nSECRET_ACCESS_KEY=hunter2-key";
    let shown = format!("{:?}", load(Stage::Cognito, STAGE_2, env).unwrap());
    assert!(
        !shown.contains("hunter2") && shown.contains("pool_id: \"p\""),
        "{shown}"
    );
}

#[test]
fn an_unknown_key_in_the_file_draws_a_warning_and_changes_nothing() {
    let log = tempfile::NamedTempFile::new().unwrap();
    let writer = log.reopen().unwrap();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .finish();
    let text = "AWS_REGION=r\nTABLE_NAME=t\nSESION_TTL=60\n";
    let settings = tracing::subscriber::with_default(subscriber, || load(Stage::Store, text, ""));
    assert_eq!(
        settings.unwrap().session_ttl,
        Stage::Store.default_session_ttl()
    );
    let log = std::fs::read_to_string(log.path()).unwrap();
    let warning = "unknown setting SESION_TTL ignored: did you mean SESSION_TTL?";
    assert!(
        log.contains("WARN") && log.contains(warning) && log.contains("settings.sh"),
        "{log}"
    );
    // A garbled line is an error naming its number, not a warning quoting it.
    let err = load(
        Stage::Store,
        "AWS_REGION=r\nSESSION_SECRET: hunter2=x\n",
        "",
    )
    .unwrap_err();
    let numbered = matches!(
        err,
        SettingsError::File(FileError::Malformed { line: 2, .. })
    );
    assert!(numbered && !err.to_string().contains("hunter2"), "{err}");
}
