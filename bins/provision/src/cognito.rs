//! The demo's user pool (the original's 2-cognito.sh): pool, app client, users a
//! and b; and invited users, who choose their password at their first login.

use anyhow::{Context, bail};
use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{AttributeType, MessageActionType};
use rand::Rng;

use crate::{DEMO_USERS, Provisioner, failed, is_not_found};

/// The pool named `name`, if any (found by name: never a second pool).
async fn find_pool(idp: &Client, name: &str) -> anyhow::Result<Option<String>> {
    let mut token = None;
    loop {
        let page = idp
            .list_user_pools()
            .max_results(60)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| failed("cognito-idp:ListUserPools", e))?;
        if let Some(pool) = page.user_pools().iter().find(|p| p.name() == Some(name)) {
            return Ok(pool.id().map(str::to_owned));
        }
        match page.next_token {
            Some(next) if !next.is_empty() => token = Some(next),
            _ => return Ok(None),
        }
    }
}

async fn find_client(idp: &Client, pool: &str, name: &str) -> anyhow::Result<Option<String>> {
    let clients = idp
        .list_user_pool_clients()
        .user_pool_id(pool)
        .max_results(60)
        .send()
        .await
        .map_err(|e| failed("cognito-idp:ListUserPoolClients", e))?;
    Ok(clients
        .user_pool_clients()
        .iter()
        .find(|c| c.client_name() == Some(name))
        .and_then(|c| c.client_id().map(str::to_owned)))
}

/// Whether the pool has `user`; a failed lookup is an error, not "missing".
async fn user_exists(idp: &Client, pool: &str, user: &str) -> anyhow::Result<bool> {
    match idp
        .admin_get_user()
        .user_pool_id(pool)
        .username(user)
        .send()
        .await
    {
        Ok(_) => Ok(true),
        Err(e) if is_not_found(&e) => Ok(false),
        Err(e) => Err(failed("cognito-idp:AdminGetUser", e)),
    }
}

/// Creates what is missing of: the pool, its client, users a and b.
pub async fn ensure(p: &mut Provisioner) -> anyhow::Result<()> {
    let idp = Client::new(&p.cognito_aws);
    let name = p.required("POOL_NAME")?;
    let pool = match find_pool(&idp, &name).await? {
        Some(id) => {
            println!("cognito: found user pool {name} ({id})");
            id
        }
        None => {
            let created = crate::pool::new_pool(&idp, &name)
                .send()
                .await
                .map_err(|e| failed("cognito-idp:CreateUserPool", e))?;
            let id = created
                .user_pool()
                .and_then(|p| p.id())
                .context("no pool id in the answer")?
                .to_owned();
            println!("cognito: created user pool {name} ({id})");
            id
        }
    };
    // Also on a pool made before: a setting, set again alike.
    crate::pool::optional_totp(&idp, &pool)
        .send()
        .await
        .map_err(|e| failed("cognito-idp:SetUserPoolMfaConfig", e))?;
    let client = match find_client(&idp, &pool, &name).await? {
        Some(id) => {
            println!("cognito: found app client {id}");
            id
        }
        None => {
            let created = crate::pool::new_app_client(&idp, &pool, &name)
                .send()
                .await
                .map_err(|e| failed("cognito-idp:CreateUserPoolClient", e))?;
            let id = created
                .user_pool_client()
                .and_then(|c| c.client_id())
                .context("no client id")?
                .to_owned();
            println!("cognito: created app client {id}");
            id
        }
    };
    ensure_managed_login(p, &idp, &pool, &client, &name).await?;
    for (user, password, email) in DEMO_USERS {
        if user_exists(&idp, &pool, user).await? {
            println!("cognito: found user {user}");
            continue;
        }
        idp.admin_create_user()
            .user_pool_id(&pool)
            .username(user)
            .message_action(MessageActionType::Suppress)
            .user_attributes(
                AttributeType::builder()
                    .name("email")
                    .value(email)
                    .build()?,
            )
            .user_attributes(
                AttributeType::builder()
                    .name("email_verified")
                    .value("true")
                    .build()?,
            )
            .send()
            .await
            .map_err(|e| failed("cognito-idp:AdminCreateUser", e))?;
        // Confirms the user, as answering NEW_PASSWORD_REQUIRED did in the original.
        idp.admin_set_user_password()
            .user_pool_id(&pool)
            .username(user)
            .password(password)
            .permanent(true)
            .send()
            .await
            .map_err(|e| failed("cognito-idp:AdminSetUserPassword", e))?;
        println!("cognito: created user {user} / {email}");
    }
    p.settings.set("POOL_ID", &pool);
    p.settings.set("CLIENT_ID", &client);
    p.settings.save()?;
    // The app's user may now read this pool's settings.
    if let (Some(user), Some(account)) = (p.settings.get("USER_NAME"), p.settings.get("AWS_ID")) {
        crate::iam::put_policy(p, user, account).await?;
    }
    Ok(())
}

/// The app's address, as stage 2 reads it: APP_URL, or localhost at PORT.
fn app_url(p: &Provisioner) -> String {
    match p.settings.get("APP_URL") {
        Some(url) => url.trim_end_matches('/').to_owned(),
        None => format!(
            "http://localhost:{}",
            p.settings.get("PORT").unwrap_or("3000")
        ),
    }
}

/// The pool's managed-login domain, if it has one.
async fn find_domain(idp: &Client, pool: &str) -> anyhow::Result<Option<String>> {
    let described = idp
        .describe_user_pool()
        .user_pool_id(pool)
        .send()
        .await
        .map_err(|e| failed("cognito-idp:DescribeUserPool", e))?;
    Ok(described
        .user_pool()
        .and_then(|p| p.domain())
        .filter(|d| !d.is_empty())
        .map(str::to_owned))
}

/// Cognito's managed login for the demo (`COGNITO_LOGIN` hosted or both):
/// a domain for the pool, and the app client's code grant, scopes and
/// URLs (APP_URL/auth/callback, APP_URL/), set again alike on every run.
async fn ensure_managed_login(
    p: &Provisioner,
    idp: &Client,
    pool: &str,
    client: &str,
    name: &str,
) -> anyhow::Result<()> {
    match find_domain(idp, pool).await? {
        Some(domain) => println!("cognito: found domain {domain}"),
        None => {
            let prefix = crate::pool::domain_prefix(name);
            idp.create_user_pool_domain()
                .user_pool_id(pool)
                .domain(&prefix)
                .send()
                .await
                .map_err(|e| failed("cognito-idp:CreateUserPoolDomain", e))?;
            println!("cognito: created domain {prefix}");
        }
    }
    let app = app_url(p);
    let (callback, logout) = (format!("{app}/auth/callback"), format!("{app}/"));
    crate::pool::app_client_with_managed_login(idp, pool, client, name, &callback, &logout)
        .send()
        .await
        .map_err(|e| failed("cognito-idp:UpdateUserPoolClient", e))?;
    println!("cognito: managed login back to {callback}, logout to {logout}");
    Ok(())
}

/// Creates `user` with a temporary password, printed once: the user's first
/// login answers NEW_PASSWORD_REQUIRED (Cognito sends nothing: the
/// administrator passes the password on).
pub async fn invite(p: &Provisioner, user: &str) -> anyhow::Result<()> {
    let idp = Client::new(&p.cognito_aws);
    let name = p.required("POOL_NAME")?;
    let pool = find_pool(&idp, &name)
        .await?
        .with_context(|| format!("no user pool {name}: run `provision cognito` first"))?;
    if user_exists(&idp, &pool, user).await? {
        bail!("the pool {name} has a user {user} already");
    }
    // Lowercase letters, as the demo pool's policy asks; 56 bits.
    let temporary: String = (0..12)
        .map(|_| char::from(rand::rng().random_range(b'a'..=b'z')))
        .collect();
    idp.admin_create_user()
        .user_pool_id(&pool)
        .username(user)
        .temporary_password(&temporary)
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .map_err(|e| failed("cognito-idp:AdminCreateUser", e))?;
    println!("cognito: invited user {user} with the temporary password {temporary}");
    println!("  Its first login on stage 2 asks for a password of the user's own.");
    Ok(())
}

/// Pool, client and users: present or missing.
pub async fn status(p: &Provisioner) -> anyhow::Result<Vec<(String, bool)>> {
    let idp = Client::new(&p.cognito_aws);
    let name = p.required("POOL_NAME")?;
    let Some(pool) = find_pool(&idp, &name).await? else {
        return Ok(vec![(format!("Cognito user pool {name}"), false)]);
    };
    let mut lines = vec![(format!("Cognito user pool {name} ({pool})"), true)];
    lines.push((
        format!("Cognito app client {name}"),
        find_client(&idp, &pool, &name).await?.is_some(),
    ));
    for (user, _, _) in DEMO_USERS {
        let exists = user_exists(&idp, &pool, user).await?;
        lines.push((format!("Cognito user {user}"), exists));
    }
    Ok(lines)
}

/// Deletes the users, the client and the pool.
pub async fn teardown(p: &mut Provisioner) -> anyhow::Result<()> {
    let idp = Client::new(&p.cognito_aws);
    let name = p.required("POOL_NAME")?;
    if let Some(pool) = find_pool(&idp, &name).await? {
        for (user, _, _) in DEMO_USERS {
            if idp
                .admin_delete_user()
                .user_pool_id(&pool)
                .username(user)
                .send()
                .await
                .is_ok()
            {
                println!("teardown: deleted user {user}");
            }
        }
        if let Some(domain) = find_domain(&idp, &pool).await? {
            idp.delete_user_pool_domain()
                .user_pool_id(&pool)
                .domain(&domain)
                .send()
                .await
                .map_err(|e| failed("cognito-idp:DeleteUserPoolDomain", e))?;
            println!("teardown: deleted domain {domain}");
        }
        if let Some(client) = find_client(&idp, &pool, &name).await? {
            idp.delete_user_pool_client()
                .user_pool_id(&pool)
                .client_id(&client)
                .send()
                .await
                .map_err(|e| failed("cognito-idp:DeleteUserPoolClient", e))?;
            println!("teardown: deleted app client {client}");
        }
        idp.delete_user_pool()
            .user_pool_id(&pool)
            .send()
            .await
            .map_err(|e| failed("cognito-idp:DeleteUserPool", e))?;
        println!("teardown: deleted user pool {name} ({pool})");
    }
    p.settings.set("POOL_ID", "");
    p.settings.set("CLIENT_ID", "");
    Ok(p.settings.save()?)
}

#[cfg(test)]
mod tests {
    use test_support::cognito::DemoPool;

    use super::*;

    #[tokio::test]
    async fn a_user_lookup_that_fails_is_an_error_not_a_missing_user() {
        let aws = test_support::local_aws().await;
        let pool = DemoPool::create(&aws).await;
        pool.confirmed_user("a", "aaaaaa").await;
        let idp = Client::new(&aws.config);
        assert!(user_exists(&idp, &pool.pool_id, "a").await.unwrap());
        assert!(!user_exists(&idp, &pool.pool_id, "b").await.unwrap());

        // The lookup cannot be made at all.
        let down = test_support::sdk_config(&test_support::unreachable_endpoint()).await;
        let err = user_exists(&Client::new(&down), &pool.pool_id, "a")
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("cognito-idp:AdminGetUser"),
            "{err:#}"
        );
    }
}
