//! Entry point of the route wizard page.

fn main() {
    socio_frontend::mount(socio_frontend::RouteApp);
}
