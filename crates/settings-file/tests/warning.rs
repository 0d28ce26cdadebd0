//! The warning for an unknown key, in a test binary of its own: tracing
//! caches per callsite whether anyone listens, and a test on another thread
//! meeting the callsite with no subscriber could make this one miss it.

use std::path::Path;

use settings_file::SettingsFile;

#[test]
fn an_unknown_key_draws_a_warning_naming_the_key_it_misspells() {
    let log = tempfile::NamedTempFile::new().unwrap();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(log.reopen().unwrap())
        .with_ansi(false)
        .finish();
    let path = Path::new("/nonexistent/settings.sh");
    let file = tracing::subscriber::with_default(subscriber, || {
        SettingsFile::open_or(path, "SESION_TTL=60\nPORT=1\n").unwrap()
    });
    assert_eq!(file.get("SESSION_TTL"), None);
    let log = std::fs::read_to_string(log.path()).unwrap();
    let warning = "unknown setting SESION_TTL ignored: did you mean SESSION_TTL?";
    assert!(
        log.contains("WARN") && log.contains(warning) && log.contains("/nonexistent/settings.sh"),
        "{log}"
    );
    assert_eq!(log.lines().count(), 1, "{log}");
}
