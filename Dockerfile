# vjcorpus container: a build stage that runs the project's own make targets,
# and a slim runtime stage with only the shared libraries, the binary, the
# corpus and lexicon (data/) and the OpenAPI document.
#
#   docker build -t vjcorpus .
#   docker run --rm -p 8080:8080 vjcorpus

FROM debian:bookworm-slim AS build
WORKDIR /src
COPY scripts scripts
RUN apt-get update -qq \
 && ./scripts/deps build \
 && rm -rf /var/lib/apt/lists/*
COPY Makefile ./
COPY include include
COPY src src
COPY openapi openapi
RUN make -j"$(nproc)" all

FROM debian:bookworm-slim
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libmicrohttpd12 libjansson4 libuv1 libutf8proc2 zlib1g \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin vjcorpus
WORKDIR /app
COPY --from=build /src/build/vjcorpus /usr/local/bin/vjcorpus
COPY data data
COPY openapi openapi
COPY web web
USER vjcorpus
ENV VJCORPUS_HOST=0.0.0.0 \
    VJCORPUS_PORT=8080 \
    VJCORPUS_CORPUS=/app/data/corpus \
    VJCORPUS_LEXICON=/app/data/lexicon \
    VJCORPUS_WEB=/app/web
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
    CMD ["vjcorpus", "health"]
ENTRYPOINT ["vjcorpus"]
CMD ["serve"]
