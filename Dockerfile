# Padrón: one static Go binary plus Debian's Chromium for the census checks.

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/padron .

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium ca-certificates curl fonts-dejavu-core tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --home-dir /home/padron --uid 10001 padron \
 && mkdir -p /pb_data && chown padron:padron /pb_data
COPY --from=build /out/padron /usr/local/bin/padron
USER padron
ENV PADRON_CHROMIUM=/usr/bin/chromium TZ=America/Bogota
VOLUME /pb_data
EXPOSE 8090
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s \
  CMD curl -fsS http://127.0.0.1:8090/api/health || exit 1
# The web app is embedded in the binary (pb_public/embed.go); mount a
# directory and pass --public-dir to serve another copy.
ENTRYPOINT ["padron", "--dir", "/pb_data"]
CMD ["serve", "--http", "0.0.0.0:8090"]
