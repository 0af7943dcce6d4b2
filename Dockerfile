# syntax=docker/dockerfile:1
# Multi-stage build of the `socio` server and the SPA: compile with the Rust toolchain, run on a
# slim Debian. The SPA is built by `cargo xtask spa`, the same step as `cargo xtask run` and the
# test command (it installs wasm-bindgen-cli through cargo and wasm-opt through npm, at the
# versions it pins; the cache mounts keep them, the registry and the target folder).

FROM rust:1.95-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends brotli nodejs npm && rm -rf /var/lib/apt/lists/* \
    && rustup target add wasm32-unknown-unknown
ENV CARGO_INSTALL_ROOT=/opt/tools PATH=/opt/tools/bin:$PATH
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/opt/tools \
    --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo xtask spa \
    && cargo build --release --locked -p socio-api \
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
