#!/usr/bin/env bash
# API latency under load on loopback: `epiwire serve` over a store of the 1,667 WHO Disease
# Outbreak News texts (1996-2012), hit by wrk with 100 connections for a bounded time per route.
#
#   scripts/bench_api.sh                      # build release, ingest into a temp dir, measure
#   DURATION=30s CONNECTIONS=200 scripts/bench_api.sh
#   BENCH_DATA=/tmp/ew-bench scripts/bench_api.sh   # keep (and reuse) the ingested store
#
# Needs wrk (Debian: apt-get install wrk) or oha (cargo install oha), python3, and
# ../shared/data/who-don/dons-1996-2012.jsonl beside the checkout (SHARED overrides).
# The DON records carry their date as `date`; ingest reads `published`, so they are renamed.
set -euo pipefail

cd "$(dirname "$0")/.."
SHARED=${SHARED:-../shared/data}
DON="$SHARED/who-don/dons-1996-2012.jsonl"
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-100}
THREADS=${THREADS:-2}
PORT=${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
BIN=${EPIWIRE_BIN:-target/release/epiwire}
ROUTES=${ROUTES:-"/api/events /api/search?q=cholera"}

[ -f "$DON" ] || { echo "missing $DON" >&2; exit 1; }
if [ -z "${EPIWIRE_BIN:-}" ]; then
  cargo build --release --locked --bin epiwire >&2
fi

if [ -n "${BENCH_DATA:-}" ]; then
  DATA=$BENCH_DATA
  mkdir -p "$DATA"
  KEEP=1
else
  DATA=$(mktemp -d /tmp/epiwire-bench.XXXXXX)
  KEEP=0
fi
if [ ! -f "$DATA/epiwire.sqlite" ]; then
  python3 - "$DON" "$DATA/dons.jsonl" <<'PY'
import json, sys
with open(sys.argv[1]) as src, open(sys.argv[2], "w") as out:
    for line in src:
        r = json.loads(line)
        rec = {"id": r["id"], "title": r.get("title"), "url": r.get("url"),
               "published": r.get("date"), "text": r["text"]}
        out.write(json.dumps(rec) + "\n")
PY
  start=$(date +%s.%N)
  "$BIN" ingest --data "$DATA" --progress never "$DATA/dons.jsonl" >&2
  echo "ingest: $(echo "$(date +%s.%N) - $start" | bc) s" >&2
fi
"$BIN" stats --data "$DATA" | head -3 >&2 || true

"$BIN" serve --data "$DATA" --addr "127.0.0.1:$PORT" --sync-every 0 2>"$DATA/serve.log" &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; [ "$KEEP" = 1 ] || rm -rf "$DATA"' EXIT
for _ in $(seq 1 600); do
  kill -0 "$SERVER" 2>/dev/null || { cat "$DATA/serve.log" >&2; echo "the server died" >&2; exit 1; }
  grep -q "serving on" "$DATA/serve.log" && break
  sleep 0.2
done
curl -fs "http://127.0.0.1:$PORT/api/health" >&2; echo >&2

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for route in $ROUTES; do
  url="http://127.0.0.1:$PORT$route"
  bytes=$(curl -fs "$url" | wc -c)
  echo "== GET $route ($bytes bytes per answer), $CONNECTIONS connections, $DURATION"
  if command -v oha >/dev/null 2>&1; then
    echo "\$ oha -c $CONNECTIONS -z $DURATION --no-tui $url"
    oha -c "$CONNECTIONS" -z "$DURATION" --no-tui "$url"
  else
    echo "\$ wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency $url"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$url"
  fi
done
