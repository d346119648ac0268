#!/bin/bash
# Trino is ready when a table scan runs: the native start (TrinoService.is_ready)
# and the compose healthcheck both run this. /v1/info's "starting": false comes
# first; for a second or two after it a scan fails with NO_NODES_AVAILABLE until
# the coordinator's node poller has this node for the catalog (seen in CI right
# after `docker compose up --wait`). The scan is on readiness.tiny.region (the
# TPC-H generator, catalog/readiness.properties): it needs no table in the lake.
# The image has bash but no curl: this speaks Trino's client protocol
# (POST /v1/statement, then GET each nextUri) over /dev/tcp with HTTP/1.0.
# Exit 0 when the scan returned its rows; 1 otherwise, with Trino's error on stderr.
set -u
PORT=${STEDI_TRINO_PORT:-8080}

request() {  # METHOD PATH [BODY]: the response body on stdout
    local body=${3:-}
    exec 3<>"/dev/tcp/127.0.0.1/$PORT" || return 1
    printf '%s %s HTTP/1.0\r\nHost: localhost\r\nX-Trino-User: healthcheck\r\nContent-Length: %d\r\n\r\n%s' \
        "$1" "$2" "${#body}" "$body" >&3
    sed '1,/^\r$/d' <&3
    exec 3<&-
}

response=$(request POST /v1/statement "select count(*) from readiness.tiny.region") || exit 1
for _ in $(seq 1 100); do
    case $response in
        *'"error"'*) grep -o '"message":"[^"]*"' <<<"$response" | head -1 >&2; exit 1 ;;
        *'"data":[[5]]'*) exit 0 ;;
    esac
    next=$(grep -o '"nextUri" *: *"[^"]*"' <<<"$response" | sed 's/.*"\(http[^"]*\)"$/\1/')
    [ -n "$next" ] || exit 1
    response=$(request GET "/${next#*://*/}") || exit 1
done
exit 1
