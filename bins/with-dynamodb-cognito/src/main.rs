//! Stage 2: sessions in DynamoDB, users in a Cognito user pool.
//! Usage: with-dynamodb-cognito [--settings FILE] [--port PORT]

#[actix_web::main]
async fn main() -> std::process::ExitCode {
    demo_web::main(demo_web::Stage::Cognito).await
}
