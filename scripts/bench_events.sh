#!/usr/bin/env bash
# Incremental event clustering as the store grows (issue 4): ingest the 1,667 WHO DON dev
# reports, then the 2,868 WHO DON HTML pages, into a fresh store; print the event count and the
# consolidation time per document for each batch, and for the first and the last thousand;
# then ingest the pages of the last thousand alone into an empty store ("last alone"), so that
# the last thousand's cost at the end of the run compares with the same documents' in an empty
# store (the first thousand are texts, the last pages whose reports are already stored).
#
#   cargo build --release && scripts/bench_events.sh [SHARED_DATA_DIR (default ../shared/data)]
#
# Environment: EPIWIRE (binary, default target/release/epiwire; copy it elsewhere to compare
# builds while others rebuild), KEEP (a directory: the store and the log are kept there
# instead of being deleted), EMPTY_VIEW=0 (skip the empty-store view).
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data}
bin=${EPIWIRE:-target/release/epiwire}
# Not /tmp/tmp.*: a run lost its extracted pages to a clean-up of those on a shared machine
# (369 "errors", an empty last-alone view).
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench_events.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
out=$tmp
if [[ -n ${KEEP:-} ]]; then
    out=$KEEP
    mkdir -p "$out"
    rm -rf "$out/store" "$out/log"
fi
mkdir -p "$tmp/html"
tar -xJf "$data/who-don-html/DONs_full_pages.tar.xz" -C "$tmp/html"
log="$out/log"
for input in "$data/who-don/dons-1996-2012.jsonl" "$tmp/html"; do
    /usr/bin/time -f "peak RSS %M KB, %e s wall" "$bin" -v ingest --data "$out/store" "$input" 2>&1 \
        | grep -E "consolidated documents|epiwire: (ingest|events)|peak RSS" | tee -a "$log"
done
echo "events stored: $("$bin" events --data "$out/store" --format jsonl -n 10000 | wc -l)"
# The second view isolates the size of the store: the pages of the last ~1000 documents
# ingested again, alone, into an empty store (their CPU ms/doc there against at the end of the
# full run). EMPTY_VIEW=0 skips it.
if [[ ${EMPTY_VIEW:-1} != 0 ]]; then
    last=$(python3 - "$out/store/epiwire.sqlite" <<'PY'
import sqlite3, sys
c = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
for (s,) in c.execute("SELECT source FROM documents ORDER BY seq DESC LIMIT 1000"):
    print(s)
PY
)
    mkdir -p "$tmp/last"
    while IFS= read -r f; do
        [[ -f $f ]] && cp "$f" "$tmp/last/"
    done <<<"$last"
    echo "empty-store view: $(ls "$tmp/last" | wc -l) pages of the last documents, alone" | tee -a "$log"
    rm -rf "$tmp/alone"
    "$bin" -v ingest --data "$tmp/alone" "$tmp/last" 2>&1 \
        | grep -E "consolidated documents|epiwire: (ingest|events)" | sed 's/^/alone: /' | tee -a "$log"
fi
python3 - "$log" <<'PY'
import re, sys
rows, alone = [], []
for line in open(sys.argv[1]):
    into = alone if line.startswith("alone: ") else rows
    m = re.search(r"consolidated documents \d+..=\d+: (\d+) in (\d+) ms .*?([\d.]+) candidate events/doc.*?; (?:cpu (\d+) ms)?", line)
    if m:
        into.append((int(m.group(1)), float(m.group(2)), float(m.group(3)), m.group(4)))
def window(rs):
    n = sum(r[0] for r in rs); ms = sum(r[1] for r in rs)
    cand = sum(r[0] * r[2] for r in rs) / max(n, 1)
    cpu = sum(float(r[3]) for r in rs) / max(n, 1) if all(r[3] for r in rs) else None
    return n, ms / max(n, 1), cand, cpu
def take(rs, k, first=True):
    out, n = [], 0
    for r in (rs if first else reversed(rs)):
        if n >= k: break
        out.append(r); n += r[0]
    return out
# Wall time counts the waits for a core on a shared machine; the consolidation thread's CPU time
# (logged per batch) does not.
views = [("first ~1000", take(rows, 1000)), ("last ~1000", take(rows, 1000, False)), ("all", rows)]
if alone:
    views.append(("last alone", alone))
for name, rs in views:
    n, ms, cand, cpu = window(rs)
    cpu = f"{cpu:6.2f} ms/doc CPU" if cpu is not None else "   (no CPU time)"
    print(f"{name:12} {n:6} documents  {ms:6.2f} ms/doc wall  {cpu}  {cand:5.1f} candidate events/doc")
PY
