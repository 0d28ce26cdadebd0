//! The pool's password policy, read once, so that a form can show it and
//! refuse a password that breaks it before Cognito sees it.

use aws_sdk_cognitoidentityprovider::types::PasswordPolicyType;
use serde::{Deserialize, Serialize};

use crate::error::Call;
use crate::{AuthError, Cognito};

/// What a user pool asks of a new password (DescribeUserPool's
/// `PasswordPolicy`). Cognito still checks every password: a check here
/// only spares the user a round trip and says all that is missing at once.
///
/// ```
/// let policy = auth::PasswordPolicy::new(8).require_numbers(true);
/// assert!(policy.unmet("correct horse 1").is_empty());
/// let unmet: Vec<String> = policy.unmet("horse").iter().map(|r| r.to_string()).collect();
/// assert_eq!(unmet, ["at least 8 characters", "a number"]);
/// assert_eq!(policy.to_string(), "at least 8 characters, with a number");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordPolicy {
    minimum_length: u32,
    require_lowercase: bool,
    require_uppercase: bool,
    require_numbers: bool,
    require_symbols: bool,
}

/// One requirement of a [`PasswordPolicy`]; its `Display` completes
/// "The password needs …".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PasswordRule {
    /// At least this many characters.
    MinimumLength(u32),
    /// A lowercase letter, a to z.
    Lowercase,
    /// An uppercase letter, A to Z.
    Uppercase,
    /// A digit, 0 to 9.
    Number,
    /// One of Cognito's special characters (`^ $ * . [ ] { } ( ) ? " ! @ # %
    /// & / \ , > < ' : ; | _ ~ ` = + -`, or a space inside the password).
    Symbol,
}

impl std::fmt::Display for PasswordRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PasswordRule::MinimumLength(n) => write!(f, "at least {n} characters"),
            PasswordRule::Lowercase => f.write_str("a lowercase letter"),
            PasswordRule::Uppercase => f.write_str("an uppercase letter"),
            PasswordRule::Number => f.write_str("a number"),
            PasswordRule::Symbol => f.write_str("a special character such as ! or #"),
        }
    }
}

/// Cognito's special characters: the only ones that count as symbols.
const SYMBOLS: &str = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-";

impl PasswordPolicy {
    /// A policy of `minimum_length` characters and nothing else; add
    /// requirements with the other methods.
    pub fn new(minimum_length: u32) -> Self {
        Self {
            minimum_length,
            require_lowercase: false,
            require_uppercase: false,
            require_numbers: false,
            require_symbols: false,
        }
    }

    /// Also a lowercase letter.
    pub fn require_lowercase(mut self, on: bool) -> Self {
        self.require_lowercase = on;
        self
    }

    /// Also an uppercase letter.
    pub fn require_uppercase(mut self, on: bool) -> Self {
        self.require_uppercase = on;
        self
    }

    /// Also a number.
    pub fn require_numbers(mut self, on: bool) -> Self {
        self.require_numbers = on;
        self
    }

    /// Also a special character.
    pub fn require_symbols(mut self, on: bool) -> Self {
        self.require_symbols = on;
        self
    }

    /// Every requirement, the length first: what a form shows.
    ///
    /// ```
    /// let rules = auth::PasswordPolicy::new(6).require_lowercase(true).rules();
    /// assert_eq!(rules, [auth::PasswordRule::MinimumLength(6), auth::PasswordRule::Lowercase]);
    /// ```
    pub fn rules(&self) -> Vec<PasswordRule> {
        let optional = [
            (self.require_lowercase, PasswordRule::Lowercase),
            (self.require_uppercase, PasswordRule::Uppercase),
            (self.require_numbers, PasswordRule::Number),
            (self.require_symbols, PasswordRule::Symbol),
        ];
        std::iter::once(PasswordRule::MinimumLength(self.minimum_length))
            .chain(optional.into_iter().filter(|(on, _)| *on).map(|(_, r)| r))
            .collect()
    }

    /// The requirements `password` does not meet (none: it may go to
    /// Cognito). Leading or trailing spaces are Cognito's to refuse.
    ///
    /// ```
    /// let policy = auth::PasswordPolicy::new(6).require_symbols(true);
    /// assert_eq!(policy.unmet("abcdef"), [auth::PasswordRule::Symbol]);
    /// assert!(policy.unmet("abc def").is_empty(), "a space inside counts");
    /// ```
    pub fn unmet(&self, password: &str) -> Vec<PasswordRule> {
        let inner_space = password.trim() != password.trim().replace(' ', "");
        self.rules()
            .into_iter()
            .filter(|rule| !match rule {
                PasswordRule::MinimumLength(n) => password.chars().count() >= *n as usize,
                PasswordRule::Lowercase => password.chars().any(|c| c.is_ascii_lowercase()),
                PasswordRule::Uppercase => password.chars().any(|c| c.is_ascii_uppercase()),
                PasswordRule::Number => password.chars().any(|c| c.is_ascii_digit()),
                PasswordRule::Symbol => {
                    inner_space || password.chars().any(|c| SYMBOLS.contains(c))
                }
            })
            .collect()
    }

    fn from_cognito(policy: &PasswordPolicyType) -> Self {
        Self {
            // Cognito's default where a pool does not say.
            minimum_length: policy
                .minimum_length()
                .and_then(|n| u32::try_from(n).ok())
                .unwrap_or(8),
            require_lowercase: policy.require_lowercase(),
            require_uppercase: policy.require_uppercase(),
            require_numbers: policy.require_numbers(),
            require_symbols: policy.require_symbols(),
        }
    }
}

impl std::fmt::Display for PasswordPolicy {
    /// "at least 8 characters, with a number and a lowercase letter".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let rules = self.rules();
        let (length, others) = rules.split_first().expect("the length is always a rule");
        write!(f, "{length}")?;
        let others: Vec<String> = others.iter().map(ToString::to_string).collect();
        match others.as_slice() {
            [] => Ok(()),
            [one] => write!(f, ", with {one}"),
            [first @ .., last] => write!(f, ", with {} and {last}", first.join(", ")),
        }
    }
}

impl Cognito {
    /// The pool's password policy (DescribeUserPool). The credentials need
    /// `cognito-idp:DescribeUserPool` on the pool; without it, Cognito's
    /// AccessDenied is [`AuthError::Misconfigured`]. Read it once and keep
    /// it: it changes only with the pool.
    ///
    /// ```no_run
    /// # async fn example(cognito: auth::Cognito) -> Result<(), auth::AuthError> {
    /// let policy = cognito.password_policy().await?;
    /// println!("Choose a password of {policy}.");
    /// # Ok(()) }
    /// ```
    pub async fn password_policy(&self) -> Result<PasswordPolicy, AuthError> {
        let output = self
            .client
            .describe_user_pool()
            .user_pool_id(&self.pool_id)
            .send()
            .await;
        let output = self.settle("DescribeUserPool", Call::Admin, output)?;
        let policy = output
            .user_pool
            .and_then(|pool| pool.policies)
            .and_then(|policies| policies.password_policy);
        Ok(policy.map_or_else(
            || PasswordPolicy::new(8),
            |p| PasswordPolicy::from_cognito(&p),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_is_checked_alone() {
        let all = PasswordPolicy::new(4)
            .require_lowercase(true)
            .require_uppercase(true)
            .require_numbers(true)
            .require_symbols(true);
        assert!(all.unmet("aB1!").is_empty());
        assert_eq!(all.unmet("AB1!"), [PasswordRule::Lowercase]);
        assert_eq!(all.unmet("ab1!"), [PasswordRule::Uppercase]);
        assert_eq!(all.unmet("aBc!"), [PasswordRule::Number]);
        assert_eq!(all.unmet("aB1c"), [PasswordRule::Symbol]);
        assert_eq!(
            all.unmet("aB!"),
            [PasswordRule::MinimumLength(4), PasswordRule::Number]
        );
    }

    #[test]
    fn only_cognitos_letters_digits_and_symbols_count() {
        let all = PasswordPolicy::new(1)
            .require_lowercase(true)
            .require_uppercase(true)
            .require_numbers(true)
            .require_symbols(true);
        // Letters and digits beyond ASCII, and symbols Cognito does not list.
        assert_eq!(all.unmet("éÉ٣§").len(), 4);
        // A leading or trailing space is no symbol (Cognito refuses it).
        assert_eq!(
            PasswordPolicy::new(1).require_symbols(true).unmet(" a "),
            [PasswordRule::Symbol]
        );
    }

    #[test]
    fn the_length_counts_characters_not_bytes() {
        assert!(PasswordPolicy::new(6).unmet("éééééé").is_empty());
        assert_eq!(
            PasswordPolicy::new(6).unmet("ééééé"),
            [PasswordRule::MinimumLength(6)]
        );
    }

    #[test]
    fn the_policy_reads_as_a_sentence() {
        assert_eq!(PasswordPolicy::new(6).to_string(), "at least 6 characters");
        let two = PasswordPolicy::new(8)
            .require_lowercase(true)
            .require_numbers(true);
        assert_eq!(
            two.to_string(),
            "at least 8 characters, with a lowercase letter and a number"
        );
        let three = two.require_uppercase(true);
        assert_eq!(
            three.to_string(),
            "at least 8 characters, with a lowercase letter, an uppercase letter and a number"
        );
    }
}
