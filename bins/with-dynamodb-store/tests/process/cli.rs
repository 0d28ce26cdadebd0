//! The binary's command line: `--help`, and an argument it does not take.

use std::process::Command;

const BINARY: &str = env!("CARGO_BIN_EXE_with-dynamodb-store");

#[test]
fn help_is_the_usage_and_exits_with_0() {
    let output = Command::new(BINARY).arg("--help").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with("with-dynamodb-store: stage 1"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Usage: with-dynamodb-store [OPTIONS]")
            && stdout.contains("--settings <FILE>"),
        "{stdout}"
    );
}

#[test]
fn a_bad_argument_is_named_with_a_pointer_to_the_help_and_exits_with_2() {
    for args in [
        &["--bogus"][..],
        &["--port"],
        &["--port", "abc"],
        &["--port", "70000"],
    ] {
        // Before any setting is read: the file named does not exist.
        let settings = ["--settings", "/nonexistent/settings.sh"];
        let output = Command::new(BINARY)
            .args(settings)
            .args(args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(args[0]) && stderr.contains("--help"),
            "{stderr}"
        );
    }
}
