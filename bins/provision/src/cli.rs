//! `provision [--settings FILE] [--yes] SUBCOMMAND`

use std::io::BufRead;
use std::path::PathBuf;

use anyhow::{Context, bail};

use crate::settings_file::SettingsFile;
use crate::{Provisioner, cognito, iam, table};

const USAGE: &str = "usage: provision [--settings FILE] [--yes] iam-user|table|cognito|all|invite USER|status|teardown";
const HELP: &str = "
  iam-user  the IAM user the demo runs as: its access key and a policy allowing only
            the session store's DynamoDB actions on the table
  table     the session table, with TTL on `expires`
  cognito   the user pool, its app client, and users a / aaaaaa and b / bbbbbb
  all       the three above (running it again changes nothing)
  invite USER
            a user of the pool with a temporary password, as an administrator makes
            one: its first login on stage 2 asks for a new password
  status    what exists of what the settings name
  teardown  deletes all of it (asks first)

  --settings FILE  the settings to read, and to write the new ids and the access key
                   into (default ./settings.sh)
  -y, --yes        teardown without asking
  -h, --help       this text
";
const SAMPLE: &str = include_str!("../../../settings.sample.sh");

/// A parsed command line.
///
/// ```
/// let command = provision::cli::parse(["all".to_owned()]).unwrap();
/// assert_eq!(command.subcommand, "all");
/// assert_eq!(command.settings, std::path::PathBuf::from("settings.sh"));
/// assert!(!command.yes);
/// ```
#[derive(Debug, PartialEq, Eq)]
pub struct Command {
    /// The subcommand (`help` for `--help`).
    pub subcommand: String,
    /// The user of `invite USER`.
    pub user: Option<String>,
    /// The settings file (default `./settings.sh`).
    pub settings: PathBuf,
    /// Skip teardown's confirmation.
    pub yes: bool,
}

/// Parses the arguments; options may stand before or after the subcommand.
///
/// ```
/// use provision::cli::parse;
/// let args = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
/// let command = parse(args(&["teardown", "--settings", "demo.sh", "--yes"])).unwrap();
/// assert_eq!((command.subcommand.as_str(), command.yes), ("teardown", true));
/// assert!(parse(args(&["everything"])).is_err());
/// ```
pub fn parse(args: impl IntoIterator<Item = String>) -> anyhow::Result<Command> {
    let (mut subcommand, mut settings, mut yes) = (None, PathBuf::from("settings.sh"), false);
    let mut user = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--settings" => match args.next() {
                Some(file) => settings = PathBuf::from(file),
                None => bail!("--settings needs a file\n{USAGE}"),
            },
            "--yes" | "-y" => yes = true,
            // Shown whatever else the command line holds.
            "--help" | "-h" | "help" => {
                return Ok(Command {
                    subcommand: "help".to_owned(),
                    user: None,
                    settings,
                    yes,
                });
            }
            "iam-user" | "table" | "cognito" | "all" | "status" | "teardown"
                if subcommand.is_none() =>
            {
                subcommand = Some(arg)
            }
            "invite" if subcommand.is_none() => match args.next() {
                Some(name) if !name.starts_with('-') => {
                    (subcommand, user) = (Some(arg), Some(name));
                }
                _ => bail!("invite needs a user name\n{USAGE}"),
            },
            other => bail!("unexpected argument {other:?}\n{USAGE}"),
        }
    }
    match subcommand {
        Some(subcommand) => Ok(Command {
            subcommand,
            user,
            settings,
            yes,
        }),
        None => bail!("{USAGE}"),
    }
}

/// Runs a command; what it did is printed as it goes.
///
/// ```
/// # async fn example() -> anyhow::Result<()> {
/// // `provision status`: what exists of what settings.sh names.
/// let command = provision::cli::parse(["status".to_owned()])?;
/// provision::cli::run(command).await?;
/// # Ok(()) }
/// ```
pub async fn run(command: Command) -> anyhow::Result<()> {
    if command.subcommand == "help" {
        println!(
            "provision: creates, inspects and deletes what the demo needs on AWS.\n\n{USAGE}\n{HELP}"
        );
        return Ok(());
    }
    let settings = SettingsFile::load(&command.settings, Some(SAMPLE))?;
    let mut p = Provisioner::new(settings).await?;
    match command.subcommand.as_str() {
        "iam-user" => iam::ensure(&mut p).await,
        "table" => table::ensure(&p).await,
        "cognito" => cognito::ensure(&mut p).await,
        "invite" => {
            let user = command
                .user
                .as_deref()
                .context("invite needs a user name")?;
            cognito::invite(&p, user).await
        }
        "all" => {
            iam::ensure(&mut p).await?;
            table::ensure(&p).await?;
            cognito::ensure(&mut p).await
        }
        "status" => {
            let mut lines = iam::status(&p).await?;
            lines.extend(table::status(&p).await?);
            lines.extend(cognito::status(&p).await?);
            for (what, present) in lines {
                println!("{:8} {what}", if present { "present" } else { "missing" });
            }
            Ok(())
        }
        "teardown" => {
            if !command.yes && !confirm(&command.settings)? {
                bail!("teardown cancelled");
            }
            cognito::teardown(&mut p).await?;
            table::teardown(&p).await?;
            iam::teardown(&mut p).await
        }
        other => bail!("unknown subcommand {other}"),
    }
}

fn confirm(settings: &std::path::Path) -> anyhow::Result<bool> {
    eprint!(
        "Delete the users, app client, user pool, table, access key, policy and IAM user named in {}? [y/N] ",
        settings.display()
    );
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn options_go_before_or_after_the_subcommand() {
        let before = parse(args(&["--settings", "x.sh", "status"])).unwrap();
        let after = parse(args(&["status", "--settings", "x.sh"])).unwrap();
        assert_eq!(before, after);
        assert_eq!(before.settings, PathBuf::from("x.sh"));
        assert!(parse(args(&["teardown", "--yes"])).unwrap().yes);
        assert!(parse(args(&[])).is_err());
        assert!(parse(args(&["all", "table"])).is_err());
        assert!(parse(args(&["--settings"])).is_err());
        let invite = parse(args(&["invite", "c", "--settings", "x.sh"])).unwrap();
        assert_eq!(
            (invite.subcommand.as_str(), invite.user.as_deref()),
            ("invite", Some("c"))
        );
        assert!(parse(args(&["invite"])).is_err());
        assert!(parse(args(&["invite", "--yes"])).is_err());
        assert!(parse(args(&["all", "invite", "c"])).is_err());
    }

    #[test]
    fn help_wins_over_everything_else() {
        for line in [
            &["--help"][..],
            &["-h"],
            &["help"],
            &["teardown", "--yes", "-h"],
        ] {
            assert_eq!(parse(args(line)).unwrap().subcommand, "help", "{line:?}");
        }
    }
}
