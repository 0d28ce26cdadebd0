//! Stage 2: sessions in DynamoDB, users in a Cognito user pool.
//! Usage: with-dynamodb-cognito [--settings FILE] [--port PORT]

// Per request, glibc's malloc took a fifth of the process's instructions
// (scripts/bench-instructions); mimalloc does the same work in fewer.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // SAFETY: no other thread exists yet.
    unsafe { demo_web::logging::keep_backtraces_for_panics() };
    demo_web::main(demo_web::Stage::Cognito)
}
