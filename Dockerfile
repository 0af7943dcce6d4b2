# syntax=docker/dockerfile:1
# Multi-stage build of the `socio` server: compile with the Rust toolchain, run on a slim Debian.

FROM rust:1.95-bookworm AS build
RUN rustup target add wasm32-unknown-unknown \
    && cargo install trunk --locked --version 0.21.14 \
    && cargo install wasm-bindgen-cli --version 0.2.130 \
    && cargo install wasm-opt --locked --version 0.116.1
WORKDIR /src
COPY . .
RUN cd frontend && trunk build --release --offline \
    && trunk build route.html --dist dist/route --public-url /route/ --release --offline \
    && trunk build cabinet.html --dist dist/cabinet --public-url /cabinet/ --release --offline
RUN cargo build --release --locked -p socio-api \
    && mkdir -p /out && cp target/release/socio /out/socio && cp -r frontend/dist /out/dist

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /srv/socio --create-home socio \
    && mkdir -p /srv/socio/data && chown socio /srv/socio/data
COPY --from=build /out/socio /usr/local/bin/socio
COPY --from=build /out/dist /srv/socio/dist
USER socio
WORKDIR /srv/socio
ENV SOCIO_BIND=0.0.0.0:8080 \
    SOCIO_STATIC_DIR=/srv/socio/dist \
    SOCIO_LOG_FORMAT=json \
    SOCIO_OUTBOX_DIR=/srv/socio/data/outbox
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD ["/bin/sh", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080"]
CMD ["socio", "serve", "--migrate"]
