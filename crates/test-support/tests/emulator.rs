//! The foundation's proof: a DynamoDB table and a Cognito user pool created
//! through the Rust SDK on the local emulator.

use aws_sdk_cognitoidentityprovider as cognito;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
};

#[tokio::test]
async fn creates_a_dynamodb_table_on_the_emulator() {
    let aws = test_support::local_aws().await;
    assert!(
        aws.endpoint.starts_with("http://127.0.0.1:"),
        "{}",
        aws.endpoint
    );
    let dynamodb = aws_sdk_dynamodb::Client::new(&aws.config);
    let name = test_support::unique_name("foundation");
    dynamodb
        .create_table()
        .table_name(&name)
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("id")
                .attribute_type(ScalarAttributeType::S)
                .build()
                .unwrap(),
        )
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name("id")
                .key_type(KeyType::Hash)
                .build()
                .unwrap(),
        )
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await
        .expect("CreateTable");
    // Not ListTables: it answers 100 names a page, and the emulator is shared.
    let described = dynamodb
        .describe_table()
        .table_name(&name)
        .send()
        .await
        .expect("DescribeTable");
    assert_eq!(
        described.table().and_then(|t| t.table_name()),
        Some(name.as_str())
    );
}

#[tokio::test]
async fn creates_a_cognito_user_pool_on_the_emulator() {
    let aws = test_support::local_aws().await;
    let idp = cognito::Client::new(&aws.config);
    let name = test_support::unique_name("pool");
    let pool = idp
        .create_user_pool()
        .pool_name(&name)
        .send()
        .await
        .expect("CreateUserPool");
    let id = pool
        .user_pool()
        .and_then(|p| p.id())
        .expect("pool id")
        .to_owned();
    assert!(id.starts_with("us-east-1_"), "{id}");
    let described = idp
        .describe_user_pool()
        .user_pool_id(&id)
        .send()
        .await
        .expect("DescribeUserPool");
    assert_eq!(
        described.user_pool().and_then(|p| p.name()),
        Some(name.as_str())
    );
}

#[test]
fn unique_names_differ() {
    let a = test_support::unique_name("t");
    let b = test_support::unique_name("t");
    assert_ne!(a, b);
    assert!(a.starts_with("t-"));
}
