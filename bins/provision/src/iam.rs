//! The demo's IAM user (the original's 1-setup.sh), with least privilege: only
//! the DynamoDB actions the session store calls, on its table and index,
//! and the reading of its user pool's settings (the password policy).

use anyhow::Context;
use aws_sdk_iam::Client;
use rand::distr::{Distribution, Uniform};
use serde_json::{Value, json};

use crate::{Provisioner, failed, is_not_found};

/// The inline policy's name.
///
/// ```
/// # async fn example(iam: aws_sdk_iam::Client, user_name: &str) -> Result<(), aws_sdk_iam::Error> {
/// // The demo user's permissions (its name is USER_NAME in settings.sh).
/// let policy = iam
///     .get_user_policy()
///     .user_name(user_name)
///     .policy_name(provision::POLICY_NAME)
///     .send()
///     .await?;
/// println!("{}", policy.policy_document());
/// # Ok(()) }
/// ```
pub const POLICY_NAME: &str = "session-table";

/// The policy: [`session_store::IAM_ACTIONS`] on exactly the table and its
/// index, and `cognito-idp:DescribeUserPool` on the user pool (`pool_arn`)
/// once it exists, so that the app can show and check its password policy.
///
/// ```
/// let policy = provision::policy_document("eu-west-1", "123456789012", "sessions", None);
/// assert_eq!(policy["Statement"].as_array().unwrap().len(), 1);
/// ```
pub fn policy_document(region: &str, account: &str, table: &str, pool_arn: Option<&str>) -> Value {
    let table_arn = format!("arn:aws:dynamodb:{region}:{account}:table/{table}");
    let mut statements = vec![json!({
        "Effect": "Allow",
        "Action": session_store::IAM_ACTIONS,
        "Resource": [table_arn.clone(), format!("{table_arn}/index/principal-index")],
    })];
    if let Some(pool_arn) = pool_arn {
        statements.push(json!({
            "Effect": "Allow",
            "Action": ["cognito-idp:DescribeUserPool"],
            "Resource": pool_arn,
        }));
    }
    json!({ "Version": "2012-10-17", "Statement": statements })
}

/// Puts the user's policy, with the pool of POOL_ID when there is one (the
/// pool is made after the user: `provision cognito` puts it again).
pub(crate) async fn put_policy(p: &Provisioner, user: &str, account: &str) -> anyhow::Result<()> {
    let table = p.required("TABLE_NAME")?;
    let pool_arn = p.settings.get("POOL_ID").map(|pool| {
        let region = p
            .cognito_aws
            .region()
            .map(|r| r.to_string())
            .unwrap_or_default();
        format!("arn:aws:cognito-idp:{region}:{account}:userpool/{pool}")
    });
    let policy = policy_document(&p.region(), account, &table, pool_arn.as_deref());
    Client::new(&p.aws)
        .put_user_policy()
        .user_name(user)
        .policy_name(POLICY_NAME)
        .policy_document(policy.to_string())
        .send()
        .await
        .map_err(|e| failed("iam:PutUserPolicy", e))?;
    let pool = match &pool_arn {
        Some(_) => " and the reading of its user pool",
        None => "",
    };
    println!(
        "iam-user: policy {POLICY_NAME} allows {} actions on table {table} and its index{pool}",
        session_store::IAM_ACTIONS.len()
    );
    Ok(())
}

fn new_user_name() -> String {
    let letters = Uniform::new_inclusive(b'a', b'z').expect("a valid range");
    let suffix: String = letters
        .sample_iter(rand::rng())
        .take(6)
        .map(char::from)
        .collect();
    format!("aws-dynamodb-cognito-{suffix}")
}

async fn user_exists(iam: &Client, name: &str) -> anyhow::Result<bool> {
    match iam.get_user().user_name(name).send().await {
        Ok(_) => Ok(true),
        Err(e) if is_not_found(&e) => Ok(false),
        Err(e) => Err(failed("iam:GetUser", e)),
    }
}

/// Creates what is missing of: the user, its policy, its access key.
pub async fn ensure(p: &mut Provisioner) -> anyhow::Result<()> {
    let iam = Client::new(&p.aws);
    let sts = aws_sdk_sts::Client::new(&p.aws);
    let account = sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| failed("sts:GetCallerIdentity", e))?
        .account
        .context("STS returned no account id")?;
    // Before making anything: the policy names the table.
    p.required("TABLE_NAME")?;

    let user = match p.settings.get("USER_NAME").map(str::to_owned) {
        Some(name) if user_exists(&iam, &name).await? => {
            println!("iam-user: found user {name}");
            name
        }
        _ => {
            let name = new_user_name();
            iam.create_user()
                .user_name(&name)
                .send()
                .await
                .map_err(|e| failed("iam:CreateUser", e))?;
            println!("iam-user: created user {name}");
            name
        }
    };
    put_policy(p, &user, &account).await?;

    let keys = iam
        .list_access_keys()
        .user_name(&user)
        .send()
        .await
        .map_err(|e| failed("iam:ListAccessKeys", e))?;
    let known = p.settings.get("ACCESS_KEY_ID").map(str::to_owned);
    let has_known = known.as_deref().is_some_and(|id| {
        keys.access_key_metadata()
            .iter()
            .any(|k| k.access_key_id() == Some(id))
    });
    if has_known && p.settings.get("SECRET_ACCESS_KEY").is_some() {
        println!("iam-user: found access key {}", known.unwrap_or_default());
    } else {
        let key = iam
            .create_access_key()
            .user_name(&user)
            .send()
            .await
            .map_err(|e| failed("iam:CreateAccessKey", e))?
            .access_key
            .context("no access key in the answer")?;
        // IAM is eventually consistent: AWS refuses a new key for a few seconds.
        println!(
            "iam-user: created access key {} (AWS accepts it within a few seconds)",
            key.access_key_id()
        );
        p.settings.set("ACCESS_KEY_ID", key.access_key_id());
        p.settings.set("SECRET_ACCESS_KEY", key.secret_access_key());
    }
    p.settings.set("AWS_ID", &account);
    p.settings.set("USER_NAME", &user);
    Ok(p.settings.save()?)
}

/// One line per part: present or missing.
pub async fn status(p: &Provisioner) -> anyhow::Result<Vec<(String, bool)>> {
    let iam = Client::new(&p.aws);
    let Some(user) = p.settings.get("USER_NAME").map(str::to_owned) else {
        return Ok(vec![("IAM user (USER_NAME not set)".into(), false)]);
    };
    let exists = user_exists(&iam, &user).await?;
    let mut lines = vec![(format!("IAM user {user}"), exists)];
    if exists {
        let policy = iam
            .get_user_policy()
            .user_name(&user)
            .policy_name(POLICY_NAME)
            .send()
            .await;
        lines.push((format!("IAM policy {POLICY_NAME}"), policy.is_ok()));
        let keys = iam
            .list_access_keys()
            .user_name(&user)
            .send()
            .await
            .map_err(|e| failed("iam:ListAccessKeys", e))?;
        let id = p
            .settings
            .get("ACCESS_KEY_ID")
            .map(str::to_owned)
            .unwrap_or_default();
        let has = keys
            .access_key_metadata()
            .iter()
            .any(|k| k.access_key_id() == Some(id.as_str()));
        lines.push((format!("access key {id}"), has));
    }
    Ok(lines)
}

/// Deletes the access keys, the policy and the user.
pub async fn teardown(p: &mut Provisioner) -> anyhow::Result<()> {
    let iam = Client::new(&p.aws);
    let Some(user) = p.settings.get("USER_NAME").map(str::to_owned) else {
        println!("teardown: no IAM user in the settings");
        return Ok(());
    };
    if user_exists(&iam, &user).await? {
        let keys = iam
            .list_access_keys()
            .user_name(&user)
            .send()
            .await
            .map_err(|e| failed("iam:ListAccessKeys", e))?;
        for key in keys.access_key_metadata() {
            let id = key.access_key_id().unwrap_or_default();
            iam.delete_access_key()
                .user_name(&user)
                .access_key_id(id)
                .send()
                .await
                .map_err(|e| failed("iam:DeleteAccessKey", e))?;
            println!("teardown: deleted access key {id}");
        }
        match iam
            .delete_user_policy()
            .user_name(&user)
            .policy_name(POLICY_NAME)
            .send()
            .await
        {
            Ok(_) => println!("teardown: deleted policy {POLICY_NAME}"),
            Err(e) if is_not_found(&e) => {}
            Err(e) => return Err(failed("iam:DeleteUserPolicy", e)),
        }
        iam.delete_user()
            .user_name(&user)
            .send()
            .await
            .map_err(|e| failed("iam:DeleteUser", e))?;
        println!("teardown: deleted IAM user {user}");
    }
    for key in ["USER_NAME", "ACCESS_KEY_ID", "SECRET_ACCESS_KEY"] {
        p.settings.set(key, "");
    }
    Ok(p.settings.save()?)
}
