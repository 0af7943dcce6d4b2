//! Entry point of the partner cabinet's page.

fn main() {
    leptos::mount::mount_to_body(socio_frontend::CabinetApp);
}
