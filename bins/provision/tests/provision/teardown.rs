//! `provision status` and `provision teardown`.

use crate::workspace::Workspace;

#[tokio::test]
async fn status_before_and_after_and_teardown_leaves_nothing() {
    let ws = Workspace::new().await;
    let before = ws.ok(&["status"]);
    assert!(!before.contains("present"), "{before}");
    assert!(before.contains("missing  DynamoDB table"), "{before}");

    ws.ok(&["all"]);
    let after = ws.ok(&["status"]);
    assert!(!after.contains("missing"), "{after}");
    assert_eq!(after.matches("present").count(), 8, "{after}");

    // Without --yes and no answer, nothing is deleted.
    let refused = ws.run(&["teardown"]);
    assert!(!refused.status.success());
    assert!(ws.ok(&["status"]).matches("present").count() == 8);

    let (user, pool, table) = (
        ws.value("USER_NAME"),
        ws.value("POOL_ID"),
        ws.value("TABLE_NAME"),
    );
    let gone = ws.ok(&["teardown", "--yes"]);
    assert!(gone.contains("teardown: deleted domain"), "{gone}");
    let aws = ws.aws().await;
    assert!(
        aws_sdk_iam::Client::new(&aws)
            .get_user()
            .user_name(&user)
            .send()
            .await
            .is_err()
    );
    assert!(
        aws_sdk_cognitoidentityprovider::Client::new(&aws)
            .describe_user_pool()
            .user_pool_id(&pool)
            .send()
            .await
            .is_err()
    );
    assert!(
        aws_sdk_dynamodb::Client::new(&aws)
            .describe_table()
            .table_name(&table)
            .send()
            .await
            .is_err()
    );
    assert!(!ws.ok(&["status"]).contains("present"));
}
