//! Entry point of the route wizard page.

fn main() {
    leptos::mount::mount_to_body(socio_frontend::RouteApp);
}
