//! The settings file of the demo binaries and of `provision`
//! (`settings.sh`, see `settings.sample.sh`): which keys it holds, how it is
//! read with the environment over it (a missing or refused value named by
//! its key), and how `provision` writes ids into it without losing a comment.
//!
//! The format is dotenv's, read by [dotenvy]: `KEY=VALUE` lines, `export `
//! prefixes, single and double quotes, and comments after a blank, as the
//! shell reads them (a secret's `#` without a blank before it stays).
//!
//! ```
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("settings.sh");
//! std::fs::write(&path, "# mine\nexport TABLE_NAME='sessions'\nPORT=3000 # the default\n").unwrap();
//! let mut file = settings_file::SettingsFile::open(&path).unwrap();
//! assert_eq!(file.get("PORT"), Some("3000"));
//! file.set("POOL_ID", "eu-west-1_AbC");
//! file.save().unwrap(); // mode 0600, comments kept
//! assert!(std::fs::read_to_string(&path).unwrap().ends_with("# the default\nPOOL_ID=eu-west-1_AbC\n"));
//! ```

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

mod de;
pub mod declared;

pub use declared::Declared;

/// Every key a settings file may hold: the fields of [`Declared`], in its
/// order. What the binaries read, and what `provision` writes there for the
/// record (`AWS_ID`, `USER_NAME`, `POOL_NAME`). `settings.sample.sh` lists
/// each of them.
///
/// ```
/// assert_eq!(settings_file::KEYS[..2], ["AWS_ID", "USER_NAME"]);
/// assert!(settings_file::KEYS.contains(&"SESSION_TTL"));
/// ```
pub static KEYS: LazyLock<&'static [&'static str]> = LazyLock::new(de::field_names::<Declared>);

/// A settings file that cannot be read or written, a required setting
/// missing or a value not valid. No message quotes a line of the file: it
/// may hold a secret.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// A required key has no value, in the file or the environment; a first
    /// run without a file is told where to start.
    #[error(
        "missing setting {key}: set it in {file}{} or in the environment",
        if *.file_found { "" } else { " (not found: copy settings.sample.sh)" }
    )]
    Missing {
        /// The key.
        key: &'static str,
        /// The file.
        file: String,
        /// Whether the file exists.
        file_found: bool,
    },
    /// A value that [`SettingsFile::declared`] refuses, or that breaks a
    /// rule between settings.
    #[error("setting {key}={value:?} is not valid: expected {expected}")]
    Invalid {
        /// The key.
        key: &'static str,
        /// The value.
        value: String,
        /// What the value should be.
        expected: String,
    },
    /// Reading failed (a missing file is not an error of [`SettingsFile::open`]).
    #[error("cannot read settings file {file}: {source}")]
    Unreadable {
        /// The file.
        file: String,
        /// Why.
        source: std::io::Error,
    },
    /// A line that is not `KEY=VALUE` (an unclosed quote, a key with a
    /// blank or a colon in it...).
    #[error("line {line} of {file} is not KEY=VALUE (see settings.sample.sh)")]
    Malformed {
        /// The file.
        file: String,
        /// The line's number, from 1.
        line: usize,
    },
    /// Writing failed.
    #[error("cannot write settings file {file}: {source}")]
    Unwritable {
        /// The file.
        file: String,
        /// Why.
        source: std::io::Error,
    },
}

/// A settings file, read once, editable by key, with the environment over
/// it once [`SettingsFile::with_env`] has read it.
#[derive(Debug)]
pub struct SettingsFile {
    path: PathBuf,
    found: bool,
    lines: Vec<String>,
    values: HashMap<String, String>,
    env: HashMap<&'static str, String>,
}

impl SettingsFile {
    /// Reads `path`; a file that does not exist reads as empty (and
    /// [`SettingsFile::required`] then points to the sample).
    ///
    /// ```
    /// let file = settings_file::SettingsFile::open("/nonexistent/settings.sh".as_ref()).unwrap();
    /// assert!(file.get("PORT").is_none());
    /// ```
    pub fn open(path: &Path) -> Result<Self, FileError> {
        Self::open_or(path, "")
    }

    /// Reads `path`, or starts from `template` (`settings.sample.sh`'s
    /// text) when it does not exist. Each key that nothing here reads draws
    /// a warning naming the key it probably misspells: a typo in an optional
    /// setting would otherwise go unnoticed, its default silently in force.
    ///
    /// ```
    /// let file = settings_file::SettingsFile::open_or("/nonexistent".as_ref(), "PORT=1\n").unwrap();
    /// assert_eq!(file.get("PORT"), Some("1"));
    /// ```
    pub fn open_or(path: &Path, template: &str) -> Result<Self, FileError> {
        let (text, found) = match std::fs::read_to_string(path) {
            Ok(text) => (text, true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (template.to_owned(), false),
            Err(source) => {
                return Err(FileError::Unreadable {
                    file: path.display().to_string(),
                    source,
                });
            }
        };
        let values = parse(&text).map_err(|line| FileError::Malformed {
            file: path.display().to_string(),
            line,
        })?;
        let file = Self {
            path: path.to_owned(),
            found,
            lines: text.lines().map(str::to_owned).collect(),
            values,
            env: HashMap::new(),
        };
        for (key, meant) in file.unknown_keys() {
            let hint = meant
                .map(|m| format!(": did you mean {m}?"))
                .unwrap_or_default();
            tracing::warn!(file = %path.display(), "unknown setting {key} ignored{hint}");
        }
        Ok(file)
    }

    /// The same settings with the environment over the file: for each
    /// known key, `env(key)` (`std::env::var` outside tests) wins when it
    /// is set and not blank.
    ///
    /// ```
    /// let file = settings_file::SettingsFile::open_or("/nonexistent".as_ref(), "PORT=1\nHOST=h\n").unwrap();
    /// let file = file.with_env(|key| Some(if key == "PORT" { "2" } else { " " }.to_owned()));
    /// assert_eq!((file.get("PORT"), file.get("HOST")), (Some("2"), Some("h")));
    /// ```
    pub fn with_env(mut self, env: impl Fn(&str) -> Option<String>) -> Self {
        self.env = KEYS
            .iter()
            .filter_map(|&key| Some((key, env(key).filter(|v| !v.trim().is_empty())?)))
            .collect();
        self
    }

    /// The value of `key`, from the environment or else the file; an empty
    /// value is absent.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.env
            .get(key)
            .or_else(|| self.values.get(key).filter(|v| !v.trim().is_empty()))
            .map(String::as_str)
    }

    /// The value of a key that must have one.
    ///
    /// ```
    /// let file = settings_file::SettingsFile::open("/nonexistent/settings.sh".as_ref()).unwrap();
    /// let err = file.with_env(|_| None).required("TABLE_NAME").unwrap_err();
    /// assert_eq!(err.to_string(), "missing setting TABLE_NAME: set it in /nonexistent/settings.sh \
    ///     (not found: copy settings.sample.sh) or in the environment");
    /// ```
    pub fn required(&self, key: &'static str) -> Result<&str, FileError> {
        self.get(key).ok_or_else(|| self.missing(key))
    }

    /// The error of `key` missing: it names the key and the file, and sends
    /// a first run (no file) to the sample.
    ///
    /// ```
    /// let file = settings_file::SettingsFile::open("/nonexistent/settings.sh".as_ref()).unwrap();
    /// let pool_id = file.declared().unwrap().pool_id.ok_or_else(|| file.missing("POOL_ID"));
    /// assert!(pool_id.unwrap_err().to_string().starts_with("missing setting POOL_ID"));
    /// ```
    pub fn missing(&self, key: &'static str) -> FileError {
        FileError::Missing {
            key,
            file: self.path.display().to_string(),
            file_found: self.found,
        }
    }

    /// Every setting, typed ([`Declared`]): the environment over the file,
    /// an empty value absent. A value its type refuses is an error naming
    /// the key and what was expected. That error shows the value: a secret's
    /// type (a string) refuses none.
    ///
    /// ```
    /// let file = settings_file::SettingsFile::open("/nonexistent".as_ref()).unwrap();
    /// let file = file.with_env(|key| (key == "PORT").then(|| "http".to_owned()));
    /// let err = file.declared().unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     r#"setting PORT="http" is not valid: expected a whole number from 0 to 65535"#
    /// );
    /// ```
    pub fn declared(&self) -> Result<Declared, FileError> {
        let values = KEYS.iter().filter_map(|&key| Some((key, self.get(key)?)));
        de::fill(values.collect()).map_err(|refusal| {
            let (key, value) = refusal.at.unwrap_or(("", String::new()));
            FileError::Invalid {
                key,
                value,
                expected: refusal.expected,
            }
        })
    }

    /// The keys that nothing here reads, sorted, each with the known key it
    /// probably misspells.
    fn unknown_keys(&self) -> Vec<(String, Option<&'static str>)> {
        let mut unknown: Vec<_> = self
            .values
            .keys()
            .filter(|key| !KEYS.contains(&key.as_str()))
            .map(|key| {
                let upper = key.to_ascii_uppercase();
                let meant = KEYS
                    .iter()
                    .map(|known| (strsim::levenshtein(&upper, known), *known))
                    .filter(|(distance, _)| *distance <= 2)
                    .min()
                    .map(|(_, known)| known);
                (key.clone(), meant)
            })
            .collect();
        unknown.sort();
        unknown
    }

    /// Sets `key` on its existing line, keeping a comment after the old
    /// value, or appends a line. `value` is written as it is: ids and keys
    /// need no quotes.
    pub fn set(&mut self, key: &str, value: &str) {
        let existing = self.lines.iter_mut().find_map(|line| {
            let text = line.trim_start();
            let text = text.strip_prefix("export ").unwrap_or(text);
            let (k, old) = text.split_once('=')?;
            let comment = trailing_comment(old).to_owned();
            (k.trim() == key).then_some((line, comment))
        });
        match existing {
            Some((line, comment)) => *line = format!("{key}={value}{comment}"),
            None => self.lines.push(format!("{key}={value}")),
        }
        self.values.insert(key.to_owned(), value.to_owned());
    }

    /// Writes the file: a temporary file beside it with mode 0600 (it
    /// holds a secret), then a rename, so that a crash leaves the old file.
    pub fn save(&self) -> Result<(), FileError> {
        let dir = self
            .path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let unwritable = |source| FileError::Unwritable {
            file: self.path.display().to_string(),
            source,
        };
        let mut text = self.lines.join("\n");
        text.push('\n');
        // Beside the file, so that the rename is atomic; tempfile creates it
        // with mode 0600 (the file holds secrets) and removes it on failure.
        let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(unwritable)?;
        temp.write_all(text.as_bytes())
            .and_then(|()| temp.as_file().sync_all())
            .map_err(unwritable)?;
        temp.persist(&self.path)
            .map(drop)
            .map_err(|err| unwritable(err.error))
    }
}

/// The values of a settings file's text, or the number of its first line
/// that is not `KEY=VALUE`.
fn parse(text: &str) -> Result<HashMap<String, String>, usize> {
    dotenvy::from_read_iter(text.as_bytes())
        .map(|item| {
            item.map_err(|err| match err {
                // dotenvy quotes the line; only its number leaves here.
                dotenvy::Error::LineParse(line, _) => line_number(text, &line),
                _ => 1,
            })
        })
        .collect()
}

fn line_number(text: &str, line: &str) -> usize {
    let first = line.lines().next().unwrap_or_default().trim();
    text.lines()
        .position(|candidate| candidate.trim() == first)
        .map_or(1, |at| at + 1)
}

/// The comment after a line's value, with the blank before it: a `#`
/// starts a comment only after whitespace, as in the shell. Quoted values
/// are skipped whole, their `#` kept.
fn trailing_comment(after_equals: &str) -> &str {
    let text = after_equals.trim();
    let comment_at = |at: usize| {
        let rest = &text[at..];
        rest.starts_with(char::is_whitespace) && rest.trim_start().starts_with('#')
    };
    let start = ['"', '\'']
        .into_iter()
        .find_map(|quote| {
            let close = text.strip_prefix(quote)?.find(quote)?;
            Some(close + 2)
        })
        .unwrap_or(0);
    (start..text.len())
        .find(|&at| text.is_char_boundary(at) && comment_at(at))
        .map_or("", |at| &text[at..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> HashMap<String, String> {
        parse(text).unwrap()
    }

    #[test]
    fn the_sample_lists_every_key_and_only_those_in_the_declared_order() {
        let sample = include_str!("../../../settings.sample.sh");
        let in_sample: Vec<&str> = sample
            .lines()
            .filter_map(|line| line.split_once('=').map(|(key, _)| key))
            .filter(|key| !key.starts_with('#'))
            .collect();
        assert_eq!(in_sample, *KEYS);
        assert_eq!(values(sample).len(), KEYS.len());
    }

    #[test]
    fn reads_the_seeds_format() {
        let values = values(
            "# comment\nAWS_REGION=eu-west-3\nexport PORT=\"4000\"\nEMPTY=\n  TABLE_NAME = 't'  \n",
        );
        assert_eq!(values["AWS_REGION"], "eu-west-3");
        assert_eq!(values["PORT"], "4000");
        assert_eq!(values["EMPTY"], "");
        assert_eq!(values["TABLE_NAME"], "t");
        assert_eq!(values.len(), 4);
    }

    #[test]
    fn a_comment_after_a_value_is_not_part_of_it() {
        let values = values(concat!(
            "SESSION_SECRET=abc#def # made with openssl\n",
            "PORT=3000\t# the default\n",
            "TABLE_NAME='my table' # quoted: spaces kept\n",
            "POOL_NAME=\"a # b\"\n",
            "AWS_REGION=\n",
        ));
        assert_eq!(values["SESSION_SECRET"], "abc#def");
        assert_eq!(values["PORT"], "3000");
        assert_eq!(values["TABLE_NAME"], "my table");
        assert_eq!(values["POOL_NAME"], "a # b");
        assert_eq!(values["AWS_REGION"], "");
    }

    #[test]
    fn a_malformed_line_is_named_by_its_number_not_its_text() {
        for (text, line) in [
            ("AWS_REGION=r\n\nSESSION_SECRET: hunter2=x\n", 3),
            ("# a\nCLIENT_ID='unclosed hunter2\nPORT=1\n", 2),
            ("not a line hunter2\n", 1),
        ] {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("settings.sh");
            std::fs::write(&path, text).unwrap();
            let err = SettingsFile::open(&path).unwrap_err();
            assert!(
                matches!(err, FileError::Malformed { line: l, .. } if l == line),
                "{text:?}: {err:?}"
            );
            let message = err.to_string();
            assert!(!message.contains("hunter2"), "{message}");
            assert!(message.contains(&format!("line {line} of ")), "{message}");
        }
    }

    #[test]
    fn unknown_keys_are_named_with_the_key_they_misspell() {
        let file = SettingsFile::open_or(
            Path::new("/nonexistent"),
            "SESION_TTL=60\nTABLENAME=t\nsession_secret=x\nAWS_PROFILE=p\nPORT=1\nHOST=h\n",
        )
        .unwrap();
        assert_eq!(
            file.unknown_keys(),
            [
                ("AWS_PROFILE".to_owned(), None),
                ("SESION_TTL".to_owned(), Some("SESSION_TTL")),
                ("TABLENAME".to_owned(), Some("TABLE_NAME")),
                ("session_secret".to_owned(), Some("SESSION_SECRET")),
            ]
        );
    }

    #[test]
    fn a_missing_setting_names_the_key_and_the_file_and_sends_a_first_run_to_the_sample() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.sh");
        let message = |file: &SettingsFile| file.required("AWS_REGION").unwrap_err().to_string();
        let no_file = SettingsFile::open(&path).unwrap();
        let shown = path.display();
        assert_eq!(
            message(&no_file),
            format!(
                "missing setting AWS_REGION: set it in {shown} \
                 (not found: copy settings.sample.sh) or in the environment"
            )
        );
        std::fs::write(&path, "AWS_REGION=\nTABLE_NAME=t\n").unwrap();
        let file = SettingsFile::open(&path).unwrap();
        assert_eq!(
            message(&file),
            format!("missing setting AWS_REGION: set it in {shown} or in the environment")
        );
        let file = file.with_env(|key| (key == "AWS_REGION").then(|| "r".to_owned()));
        assert_eq!(file.required("AWS_REGION").unwrap(), "r");
    }

    #[test]
    fn setting_a_value_keeps_comments_unknown_keys_and_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.sh");
        std::fs::write(
            &path,
            "# Project\nAWS_REGION=eu-west-3\n\n# mine\nMY_KEY=kept\nPOOL_ID=\nUSER_NAME=old  # from provision\nHOST='a # b' # quoted\n",
        )
        .unwrap();
        let mut file = SettingsFile::open(&path).unwrap();
        file.set("POOL_ID", "eu-west-1_x");
        file.set("CLIENT_ID", "abc");
        file.set("USER_NAME", "new");
        file.set("HOST", "h");
        file.save().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            "# Project\nAWS_REGION=eu-west-3\n\n# mine\nMY_KEY=kept\nPOOL_ID=eu-west-1_x\nUSER_NAME=new  # from provision\nHOST=h # quoted\nCLIENT_ID=abc\n"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        let again = SettingsFile::open(&path).unwrap();
        assert_eq!(again.get("POOL_ID"), Some("eu-west-1_x"));
        assert_eq!(again.get("MY_KEY"), Some("kept"));
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp file left"
        );
    }
}
