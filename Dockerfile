# syntax=docker/dockerfile:1
#
# StreamRec, CPU image: the `streamrec` executable (a self-contained .NET 10 publish) with ONNX
# Runtime's CPU library (NuGet Microsoft.ML.OnnxRuntime) and librdkafka (NuGet librdkafka.redist) next
# to it, and the default item encoder, trained while the image is built (data/ is not in the
# repository, so nothing is copied from it).
#
#   docker build -t streamrec/streamrec:0.1.0 .
#   docker run --rm streamrec/streamrec:0.1.0 run --stages ingest --Kafka:BootstrapServers=kafka:9092
#
# The build needs Debian's package mirrors and NuGet.
# Base images are pinned by tag; tests/StreamRec.IntegrationTests/Deployment/DockerfileTests.cs checks
# that, the non-root user, that no secret is baked in and that every COPY source exists.

# 1. The data set, with the repository's own fetcher (MovieLens from Debian's r-cran-dslabs package).
FROM debian:12.12-slim AS fetch
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates python3-rdata
WORKDIR /src
COPY scripts/get-movielens.sh scripts/movielens_from_dslabs.py scripts/
RUN bash scripts/get-movielens.sh

# 2. Publish streamrec (self-contained: the runtime image needs no .NET installation), then train the
#    production encoder on every MovieLens rating (deterministic: same data and seed, same bytes).
#    Debian images of the .NET 10 SDK are not published; this stage's output runs on Debian below.
#    The SDK version matches global.json.
FROM mcr.microsoft.com/dotnet/sdk:10.0.401-noble AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY build/ build/
COPY src/ src/
# ONNX Runtime is a NuGet package (build/Platform.props): its linux-x64 libonnxruntime.so is published
# next to streamrec.
RUN dotnet publish src/Cli -c Release -r linux-x64 --self-contained -o /app
COPY --from=fetch /src/data/ml-latest-small/ /data/ml-latest-small/
RUN /app/streamrec train-encoder --holdout 0 --data /data/ml-latest-small --model /models/encoder.onnx

# 3. Runtime: Debian 12 (librdkafka comes with the publish: Confluent.Kafka loads the package's
#    centos8-librdkafka.so there, as the main build needs a libsasl2.so.3 that Debian lacks), a non-root
#    user, nothing writable but /tmp (the chart mounts an emptyDir there and makes the root filesystem
#    read-only).
FROM debian:12.12-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 streamrec \
    && useradd --system --uid 10001 --gid streamrec --home-dir /nonexistent --no-create-home \
       --shell /usr/sbin/nologin streamrec
COPY --from=build /app/ /opt/streamrec/
COPY --from=build /models/encoder.onnx /opt/streamrec/models/encoder.onnx
RUN ln -s /opt/streamrec/streamrec /usr/local/bin/streamrec
# Configuration comes from --config FILE (the chart's ConfigMap) and STREAMREC__Section__Key variables
# (Secrets); the default model is at /opt/streamrec/models/encoder.onnx (Embedder:ModelPath).
WORKDIR /opt/streamrec
USER 10001:10001
EXPOSE 9400
ENTRYPOINT ["streamrec"]
CMD ["--help"]
