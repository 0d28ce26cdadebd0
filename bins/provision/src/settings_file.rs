//! Editing `settings.sh` in place: values change, comments, order and
//! unknown keys stay; written atomically (temp file + rename) with mode 0600,
//! because it holds a secret.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

/// A settings file's lines, editable by key.
pub struct SettingsFile {
    path: PathBuf,
    lines: Vec<String>,
}

impl SettingsFile {
    /// Reads `path`; a missing file starts from `settings.sample.sh`'s text
    /// when given, else empty.
    pub fn load(path: &Path, template: Option<&str>) -> anyhow::Result<Self> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                template.unwrap_or_default().to_owned()
            }
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        };
        Ok(Self {
            path: path.to_owned(),
            lines: text.lines().map(str::to_owned).collect(),
        })
    }

    /// The value of `key` (empty values are absent).
    pub fn get(&self, key: &str) -> Option<String> {
        demo_web::settings::parse_settings_file(&self.lines.join("\n"))
            .remove(key)
            .filter(|v| !v.is_empty())
    }

    /// Sets `key` on its existing line, keeping a comment after the old
    /// value, or appends a line.
    pub fn set(&mut self, key: &str, value: &str) {
        let existing = self.lines.iter_mut().find_map(|line| {
            let text = line.trim_start();
            let text = text.strip_prefix("export ").unwrap_or(text);
            let (k, old) = text.split_once('=')?;
            let comment = demo_web::settings::split_setting_value(old).1.to_owned();
            (k.trim() == key).then_some((line, comment))
        });
        match existing {
            Some((line, comment)) => *line = format!("{key}={value}{comment}"),
            None => self.lines.push(format!("{key}={value}")),
        }
    }

    /// Writes the file: a temp file beside it (mode 0600), then a rename.
    pub fn save(&self) -> anyhow::Result<()> {
        let dir = self
            .path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let temp = dir.join(format!(
            ".{}.tmp-{}",
            file_name(&self.path),
            std::process::id()
        ));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options
            .open(&temp)
            .with_context(|| format!("writing {}", temp.display()))?;
        let mut text = self.lines.join("\n");
        text.push('\n');
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&temp, &self.path)
            .with_context(|| format!("replacing {}", self.path.display()))?;
        Ok(())
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || "settings".to_owned(),
        |n| n.to_string_lossy().into_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_comments_unknown_keys_and_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.sh");
        std::fs::write(
            &path,
            "# Project\nAWS_REGION=eu-west-3\n\n# mine\nMY_KEY=kept\nPOOL_ID=\nUSER_NAME=old  # from provision\n",
        )
        .unwrap();
        let mut file = SettingsFile::load(&path, None).unwrap();
        file.set("POOL_ID", "eu-west-1_x");
        file.set("CLIENT_ID", "abc");
        file.set("USER_NAME", "new");
        file.save().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            "# Project\nAWS_REGION=eu-west-3\n\n# mine\nMY_KEY=kept\nPOOL_ID=eu-west-1_x\nUSER_NAME=new  # from provision\nCLIENT_ID=abc\n"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        let again = SettingsFile::load(&path, None).unwrap();
        assert_eq!(again.get("POOL_ID").as_deref(), Some("eu-west-1_x"));
        assert_eq!(again.get("MY_KEY").as_deref(), Some("kept"));
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp file left"
        );
    }
}
