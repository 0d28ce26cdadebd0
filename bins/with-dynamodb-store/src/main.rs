//! Stage 1: sessions in DynamoDB, local users a/a and b/b.
//! Usage: with-dynamodb-store [--settings FILE] [--port PORT]

#[actix_web::main]
async fn main() -> std::process::ExitCode {
    demo_web::main(demo_web::Stage::Store).await
}
