# Build stage: a static binary, no cgo.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=devel
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/crmbot ./cmd/crmbot

# Run stage: distroless, non-root, with CA certificates and time zones.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/crmbot /usr/local/bin/crmbot
COPY configs/crmbot.example.yaml /etc/crmbot/crmbot.yaml
WORKDIR /home/nonroot
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/crmbot"]
CMD ["run", "--config", "/etc/crmbot/crmbot.yaml"]
