//! Entry point of the SPA: a readable panic message in the console, then mount the app.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(socio_frontend::App);
}
