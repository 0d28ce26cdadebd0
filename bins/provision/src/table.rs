//! The session table, made ready by the same code the session store runs at start-up.

use session_store::DynamoDbSessionStore;

use crate::Provisioner;

fn store(p: &Provisioner) -> anyhow::Result<DynamoDbSessionStore> {
    Ok(DynamoDbSessionStore::builder(&p.aws, p.required("TABLE_NAME")?).build())
}

/// Creates the table (and its TTL) if missing.
pub async fn ensure(p: &Provisioner) -> anyhow::Result<()> {
    let store = store(p)?;
    println!(
        "table: checking {} (a new table takes a few seconds to become ACTIVE)",
        store.table()
    );
    let report = store.ensure_table().await?;
    let verb = if report.created { "created" } else { "found" };
    println!(
        "table: {verb} {} (TTL on expires: {})",
        store.table(),
        report.ttl_enabled
    );
    Ok(())
}

/// Whether the table exists.
pub async fn status(p: &Provisioner) -> anyhow::Result<Vec<(String, bool)>> {
    let table = p.required("TABLE_NAME")?;
    let client = aws_sdk_dynamodb::Client::new(&p.aws);
    let exists = match client.describe_table().table_name(&table).send().await {
        Ok(_) => true,
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_resource_not_found_exception()) =>
        {
            false
        }
        Err(e) => {
            return Err(crate::failed("dynamodb:DescribeTable", e));
        }
    };
    Ok(vec![(format!("DynamoDB table {table}"), exists)])
}

/// Deletes the table.
pub async fn teardown(p: &Provisioner) -> anyhow::Result<()> {
    let table = p.required("TABLE_NAME")?;
    let client = aws_sdk_dynamodb::Client::new(&p.aws);
    match client.delete_table().table_name(&table).send().await {
        Ok(_) => println!("teardown: deleted table {table}"),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_resource_not_found_exception()) => {}
        Err(e) => {
            return Err(crate::failed("dynamodb:DeleteTable", e));
        }
    }
    Ok(())
}
