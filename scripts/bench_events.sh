#!/usr/bin/env bash
# Incremental event clustering as the store grows (issue 4): ingest the 1,667 WHO DON dev
# reports, then the 2,868 WHO DON HTML pages, into a fresh store; print the event count and the
# consolidation time per document for each batch, and for the first and the last thousand.
#
#   cargo build --release && scripts/bench_events.sh [SHARED_DATA_DIR (default ../shared/data)]
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data}
bin=target/release/epiwire
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/html"
tar -xJf "$data/who-don-html/DONs_full_pages.tar.xz" -C "$tmp/html"
log="$tmp/log"
for input in "$data/who-don/dons-1996-2012.jsonl" "$tmp/html"; do
    /usr/bin/time -f "peak RSS %M KB, %e s wall" "$bin" -v ingest --data "$tmp/store" "$input" 2>&1 \
        | grep -E "consolidated documents|epiwire: (ingest|events)|peak RSS" | tee -a "$log"
done
echo "events stored: $("$bin" events --data "$tmp/store" --format jsonl -n 10000 | wc -l)"
python3 - "$log" <<'PY'
import re, sys
rows = []
for line in open(sys.argv[1]):
    m = re.search(r"consolidated documents \d+..=\d+: (\d+) in (\d+) ms .*?([\d.]+) candidate events/doc", line)
    if m:
        rows.append((int(m.group(1)), float(m.group(2)), float(m.group(3))))
docs = sum(r[0] for r in rows)
def window(rs):
    n = sum(r[0] for r in rs); ms = sum(r[1] for r in rs)
    cand = sum(r[0] * r[2] for r in rs) / max(n, 1)
    return n, ms / max(n, 1), cand
def take(rs, k, first=True):
    out, n = [], 0
    for r in (rs if first else reversed(rs)):
        if n >= k: break
        out.append(r); n += r[0]
    return out
for name, rs in [("first ~1000", take(rows, 1000)), ("last ~1000", take(rows, 1000, False)), ("all", rows)]:
    n, ms, cand = window(rs)
    print(f"{name:12} {n:6} documents  {ms:6.2} ms/doc  {cand:5.1f} candidate events/doc")
PY
