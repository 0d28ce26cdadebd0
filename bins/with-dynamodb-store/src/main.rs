//! Stage 1: sessions in DynamoDB, local users a/a and b/b.
//! Usage: with-dynamodb-store [--settings FILE] [--port PORT]

// Per request, glibc's malloc took a fifth of the process's instructions
// (scripts/bench-instructions); mimalloc does the same work in fewer.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // SAFETY: no other thread exists yet.
    unsafe { demo_web::logging::keep_backtraces_for_panics() };
    demo_web::main(demo_web::Stage::Store)
}
