//! A settings file of the test's own, and the `provision` binary run on it
//! against the emulator.

use std::path::{Path, PathBuf};
use std::process::Output;

use settings_file::SettingsFile;

pub struct Workspace {
    /// Where the settings file is, and `provision` runs.
    pub dir: tempfile::TempDir,
    /// The emulator's endpoint.
    pub endpoint: String,
}

impl Workspace {
    pub async fn new() -> Self {
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

    pub fn settings_path(&self) -> PathBuf {
        self.dir.path().join("settings.sh")
    }

    pub fn command(&self, args: &[&str]) -> std::process::Command {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_provision"));
        // The settings are the file's alone, whatever the shell holds.
        for &key in settings_file::KEYS.iter() {
            command.env_remove(key);
        }
        command
            .args(args)
            .current_dir(self.dir.path())
            .env("AWS_ENDPOINT_URL", &self.endpoint)
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env_remove("AWS_PROFILE");
        command
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    pub fn ok(&self, args: &[&str]) -> String {
        let output = self.run(args);
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(
            output.status.success(),
            "{args:?}: {text}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        text
    }

    pub fn value(&self, key: &str) -> String {
        let file = SettingsFile::open(&self.settings_path()).unwrap();
        file.get(key).unwrap_or_default().to_owned()
    }

    pub async fn aws(&self) -> aws_config::SdkConfig {
        test_support::sdk_config(&self.endpoint).await
    }
}

/// What `provision` said of its failure, from the `error: ` line on: the
/// log's lines (a warning on `UNKNOWN_KEY`) come before it.
pub fn error(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let at = stderr
        .find("error: ")
        .unwrap_or_else(|| panic!("no error: {stderr}"));
    stderr[at..].to_owned()
}

pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}
