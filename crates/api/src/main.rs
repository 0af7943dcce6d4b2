//! `socio`: see [`socio_api::cli`].

/// mimalloc instead of glibc's allocator: searches and JSON answers allocate many small,
/// short-lived strings, and `cargo xtask bench-search` measured the difference.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    socio_api::cli::run().await
}
