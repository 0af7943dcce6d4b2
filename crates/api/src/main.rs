//! `socio`: see [`socio_api::cli`].

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    socio_api::cli::run().await
}
