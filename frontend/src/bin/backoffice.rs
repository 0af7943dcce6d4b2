//! Entry point of the operator's back-office page.

fn main() {
    leptos::mount::mount_to_body(socio_frontend::BackofficeApp);
}
