use std::collections::HashMap;

use secrecy::ExposeSecret;

use super::*;

/// Settings from a file and an environment, each written as blank-separated
/// `KEY=VALUE` items.
fn load(stage: Stage, file_items: &str, env_items: &str) -> Result<Settings, SettingsError> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("settings.sh");
    let lines: Vec<&str> = file_items.split_whitespace().collect();
    std::fs::write(&file, lines.join("\n")).unwrap();
    let env: HashMap<String, String> = env_items
        .split_whitespace()
        .filter_map(|item| item.split_once('='))
        .map(|(k, v)| (k.into(), v.into()))
        .collect();
    Settings::load(stage, &file, move |k| env.get(k).cloned())
}

const STAGE_1: &str = "AWS_REGION=r TABLE_NAME=t";
const STAGE_2: &str = "AWS_REGION=r TABLE_NAME=t POOL_ID=p CLIENT_ID=c";

fn invalid_key(err: &SettingsError) -> Option<&'static str> {
    match err {
        SettingsError::File(FileError::Invalid { key, .. }) => Some(key),
        _ => None,
    }
}

#[test]
fn environment_overrides_the_file_and_defaults_apply() {
    let s = load(
        Stage::Store,
        "AWS_REGION=r TABLE_NAME=t PORT=4000",
        "PORT=5000",
    )
    .unwrap();
    assert_eq!(s.port, 5000);
    assert_eq!(s.session_ttl, Duration::from_secs(8));
    assert_eq!(s.touch_interval, Duration::from_secs(30));
    assert!(s.cookie_secure, "Secure is on unless turned off");
    assert!(s.credentials.is_none());
    assert_eq!(s.host, "127.0.0.1");
    assert_eq!(s.session_max_lifetime, None, "no limit unless set");
    let s = load(Stage::Cognito, STAGE_2, "SESSION_SECRET=from-env").unwrap();
    assert_eq!((s.port, s.session_ttl), (3000, Duration::from_secs(150)));
    assert_eq!(s.session_secret.unwrap().expose_secret(), "from-env");
    assert_eq!(s.cognito.unwrap().refresh_margin, Duration::from_secs(60));
}

#[test]
fn a_missing_key_is_named_and_so_is_half_a_credentials_pair() {
    for (stage, items, key) in [
        (Stage::Store, "TABLE_NAME=t", "AWS_REGION"),
        (
            Stage::Cognito,
            "AWS_REGION=r TABLE_NAME=t POOL_ID=",
            "POOL_ID",
        ),
        (
            Stage::Cognito,
            "AWS_REGION=r TABLE_NAME=t POOL_ID=p",
            "CLIENT_ID",
        ),
        (
            Stage::Store,
            "AWS_REGION=r TABLE_NAME=t ACCESS_KEY_ID=x",
            "SECRET_ACCESS_KEY",
        ),
        (
            Stage::Store,
            "AWS_REGION=r TABLE_NAME=t SECRET_ACCESS_KEY=x",
            "ACCESS_KEY_ID",
        ),
    ] {
        let err = load(stage, items, "").unwrap_err();
        let named =
            matches!(&err, SettingsError::File(FileError::Missing { key: k, .. }) if *k == key);
        assert!(
            named && err.to_string().contains("settings.sh"),
            "{items}: {err}"
        );
    }
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
    let items = "AWS_REGION=eu-west-3 TABLE_NAME=t POOL_ID=eu-west-1_AbC CLIENT_ID=c";
    let err = load(Stage::Cognito, items, "COGNITO_REGION=eu-west-3").unwrap_err();
    assert_eq!(invalid_key(&err), Some("COGNITO_REGION"), "{err}");
    for region in [None, Some("eu-west-1")] {
        let env = region
            .map(|r| format!("COGNITO_REGION={r}"))
            .unwrap_or_default();
        let cognito = load(Stage::Cognito, items, &env).unwrap().cognito.unwrap();
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
        let shown = err.to_string();
        assert!(shown.contains(value) && shown.contains("expected"), "{err}");
    }
    let good = "TOUCH_INTERVAL=0 SESSION_TTL=1.5 COOKIE_SECURE=off SESSION_MAX_LIFETIME=86400 \
                TRUSTED_PROXIES=10.0.0.0/8,192.0.2.7";
    let s = load(Stage::Store, STAGE_1, good).unwrap();
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
    let env = "SESSION_SECRET=hunter2-session CLIENT_SECRET=hunter2-client \
               ACCESS_KEY_ID=id SECRET_ACCESS_KEY=hunter2-key";
    let shown = format!("{:?}", load(Stage::Cognito, STAGE_2, env).unwrap());
    assert!(
        !shown.contains("hunter2") && shown.contains("pool_id: \"p\""),
        "{shown}"
    );
}

#[test]
fn the_ways_to_sign_in_and_the_apps_address_are_read_and_checked() {
    let ways = |items: &str| {
        let c = load(Stage::Cognito, &format!("{STAGE_2} {items}"), "")
            .unwrap()
            .cognito
            .unwrap();
        (c.form_login, c.hosted_login, c.app_url)
    };
    let local = "http://localhost:3000".to_owned();
    assert_eq!(ways(""), (true, false, local.clone()), "the form alone");
    assert_eq!(ways("COGNITO_LOGIN=both"), (true, true, local.clone()));
    assert_eq!(
        ways("COGNITO_LOGIN=hosted PORT=8080").2,
        "http://localhost:8080"
    );
    assert_eq!(
        ways("COGNITO_LOGIN=hosted APP_URL=https://app.example.com/"),
        (false, true, "https://app.example.com".to_owned())
    );
    for items in [
        "COGNITO_LOGIN=sso",
        "APP_URL=https://app.example.com/demo",
        "APP_URL=ftp://app.example.com",
        "APP_URL=app.example.com",
    ] {
        let err = load(Stage::Cognito, &format!("{STAGE_2} {items}"), "").unwrap_err();
        let key = items.split('=').next().unwrap();
        assert_eq!(invalid_key(&err), Some(key), "{items}: {err}");
    }
}
