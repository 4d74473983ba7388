# syntax=docker/dockerfile:1
#
# The `kaiten` binary (API, CDC relay and webhooks worker) in a small image.
#
#   docker build -t kaiten .
#   docker run --rm -p 6060:6060 -e KAITEN_DATABASE_URL=... -e KAITEN_AMQP_URL=... kaiten
#
# BuildKit cache mounts keep the crates.io registry and the whole workspace's target directory
# between builds, so a change to one crate rebuilds only what depends on it. The binary is copied
# out of the cache mount, which is not part of any image layer.

ARG RUST_VERSION=1.95
ARG DEBIAN_RELEASE=bookworm
# The runtime's base image, and the stage its binary comes from: `build` by default.
# scripts/container-check.sh builds the same runtime stage on a base made with debootstrap, with the
# binary built on the host (`prebuilt`, from a build context holding only `kaiten`).
ARG RUNTIME_BASE=debian:${DEBIAN_RELEASE}-slim
ARG BINARY_FROM=build

FROM rust:${RUST_VERSION}-${DEBIAN_RELEASE} AS build
# aws-lc-sys (rustls' crypto provider) compiles C code; cmake and clang cover every platform it
# supports. No OpenSSL: TLS is rustls everywhere.
RUN apt-get update \
    && apt-get install -y --no-install-recommends cmake clang \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
ENV CARGO_TARGET_DIR=/src/target \
    CARGO_TERM_COLOR=never
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry,sharing=locked \
    --mount=type=cache,target=/usr/local/cargo/git,sharing=locked \
    --mount=type=cache,target=/src/target,sharing=locked \
    cargo build --release --locked -p kaiten --bin kaiten \
    && install -D -m 0755 /src/target/release/kaiten /out/kaiten

FROM scratch AS prebuilt
COPY kaiten /out/kaiten

FROM ${BINARY_FROM} AS binary

FROM ${RUNTIME_BASE} AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 kaiten \
    && useradd --system --uid 10001 --gid kaiten --home-dir /nonexistent --no-create-home \
       --shell /usr/sbin/nologin kaiten
COPY --from=binary /out/kaiten /usr/local/bin/kaiten
USER 10001:10001
ENV KAITEN_BIND=0.0.0.0 \
    KAITEN_PORT=6060
EXPOSE 6060
ENTRYPOINT ["/usr/local/bin/kaiten"]
CMD ["serve"]
