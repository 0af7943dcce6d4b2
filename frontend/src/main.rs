//! Entry point of the SPA: mount the app. (No panic hook: its formatting code costs more wasm
//! than it is worth in production; debug builds show panics in the console anyway.)

fn main() {
    socio_frontend::mount(socio_frontend::App);
}
