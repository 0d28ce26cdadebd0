//! `provision [--settings FILE] [--yes] SUBCOMMAND`: the command line
//! (its `--help` is [`Command`]'s doc comment), and running it.
//!
//! ```
//! use clap::Parser;
//! use provision::cli::{Command, Subcommand};
//! let command = Command::try_parse_from(["provision", "invite", "c", "--settings", "demo.sh"]).unwrap();
//! assert_eq!(command.subcommand, Subcommand::Invite { user: "c".into() });
//! assert_eq!(command.settings, std::path::PathBuf::from("demo.sh"));
//! assert!(Command::try_parse_from(["provision", "everything"]).is_err());
//! ```

use std::io::BufRead;
use std::path::PathBuf;

use anyhow::bail;
use clap::Parser;
use settings_file::SettingsFile;

use crate::{Provisioner, cognito, iam, table};

const SAMPLE: &str = include_str!("../../../settings.sample.sh");

/// provision: creates, inspects and deletes what the demo needs on AWS (or
/// the local emulator). Every subcommand finds what exists by name, creates
/// only what is missing, and records ids in the settings file.
#[derive(Debug, Parser)]
#[command(name = "provision")]
pub struct Command {
    /// The settings to read (environment variables of the same names
    /// override them), and to write the new ids and the access key into
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        default_value = "settings.sh"
    )]
    pub settings: PathBuf,
    /// Teardown without asking
    #[arg(short, long, global = true)]
    pub yes: bool,
    /// What to do.
    #[command(subcommand)]
    pub subcommand: Subcommand,
}

/// What `provision` does.
#[derive(Debug, PartialEq, Eq, clap::Subcommand)]
pub enum Subcommand {
    /// The IAM user the demo runs as: its access key and a policy allowing
    /// only the session store's DynamoDB actions on the table
    IamUser,
    /// The session table, with TTL on `expires`
    Table,
    /// The user pool, its app client, and users a / aaaaaa and b / bbbbbb
    Cognito,
    /// The three above (running it again changes nothing)
    All,
    /// A user of the pool with a temporary password, as an administrator
    /// makes one: its first login on stage 2 asks for a new password
    Invite {
        /// The new user's name
        user: String,
    },
    /// What exists of what the settings name
    Status,
    /// Deletes all of it (asks first)
    Teardown,
}

/// Runs a command; what it did is printed as it goes.
///
/// ```
/// # async fn example() -> anyhow::Result<()> {
/// use clap::Parser;
/// // `provision status`: what exists of what settings.sh names.
/// provision::cli::run(provision::cli::Command::parse_from(["provision", "status"])).await?;
/// # Ok(()) }
/// ```
pub async fn run(command: Command) -> anyhow::Result<()> {
    let settings =
        SettingsFile::open_or(&command.settings, SAMPLE)?.with_env(|key| std::env::var(key).ok());
    let mut p = Provisioner::new(settings).await?;
    match command.subcommand {
        Subcommand::IamUser => iam::ensure(&mut p).await,
        Subcommand::Table => table::ensure(&p).await,
        Subcommand::Cognito => cognito::ensure(&mut p).await,
        Subcommand::Invite { user } => cognito::invite(&p, &user).await,
        Subcommand::All => {
            iam::ensure(&mut p).await?;
            table::ensure(&p).await?;
            cognito::ensure(&mut p).await
        }
        Subcommand::Status => {
            let mut lines = iam::status(&p).await?;
            lines.extend(table::status(&p).await?);
            lines.extend(cognito::status(&p).await?);
            for (what, present) in lines {
                println!("{:8} {what}", if present { "present" } else { "missing" });
            }
            Ok(())
        }
        Subcommand::Teardown => {
            if !command.yes && !confirm(&command.settings)? {
                bail!("teardown cancelled");
            }
            cognito::teardown(&mut p).await?;
            table::teardown(&p).await?;
            iam::teardown(&mut p).await
        }
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

    fn parse(args: &[&str]) -> Result<Command, clap::Error> {
        Command::try_parse_from(std::iter::once("provision").chain(args.iter().copied()))
    }

    #[test]
    fn options_go_before_or_after_the_subcommand() {
        let before = parse(&["--settings", "x.sh", "status"]).unwrap();
        let after = parse(&["status", "--settings", "x.sh"]).unwrap();
        assert_eq!(
            (before.settings, before.subcommand),
            (after.settings, after.subcommand)
        );
        assert!(parse(&["teardown", "--yes"]).unwrap().yes);
        assert!(parse(&["-y", "teardown"]).unwrap().yes);
        let invite = parse(&["invite", "c", "--settings", "x.sh"]).unwrap();
        assert_eq!(invite.subcommand, Subcommand::Invite { user: "c".into() });
        for wrong in [
            &[][..],
            &["all", "table"],
            &["--settings"],
            &["invite"],
            &["invite", "--yes"],
            &["all", "invite", "c"],
        ] {
            let err = parse(wrong).unwrap_err();
            assert_eq!(err.exit_code(), 2, "{wrong:?}: {err}");
        }
    }

    #[test]
    fn help_wins_over_everything_else() {
        for line in [
            &["--help"][..],
            &["-h"],
            &["help"],
            &["teardown", "--yes", "-h"],
        ] {
            let err = parse(line).unwrap_err();
            assert_eq!(err.exit_code(), 0, "{line:?}: {err}");
        }
    }
}
