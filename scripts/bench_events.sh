#!/usr/bin/env bash
# Incremental event clustering as the store grows (issue 4): ingest the 1,667 WHO DON dev
# reports and the 2,868 WHO DON HTML pages into a fresh store; print the event count and the
# consolidation time per document for the first and the last thousand; then ingest the inputs
# of the last thousand alone into an empty store ("last alone"), so that the last thousand's
# cost at the end of the run compares with the same documents' in an empty store.
#
#   cargo build --release && scripts/bench_events.sh [SHARED_DATA_DIR (default ../shared/data)]
#
# Two orders (ORDER):
#   seq  (default) the reports (one JSONL file), then the pages: the first thousand are texts,
#        the last pages whose reports are already stored, so the two are different documents.
#   date all 4,535 documents in one ingest in publication-date order (the report of a day
#        before its page): each report is its own one-line JSONL file and each page a link,
#        named by position in one directory (ingest reads a directory in name order). The first
#        thousand (1996 - 2001) are 473 reports and 527 pages, the last (Nov 2012 - 2020) 7
#        and 993: alike in kind, each mostly new to the store.
#   shuffle  the same 4,535 in one ingest in a seeded random order (SEED, default 1): the
#        first and the last thousand are drawn from the same mix of years and kinds, so the
#        two differ only by the store they meet.
#
# Environment: EPIWIRE (binary, default target/release/epiwire; copy it elsewhere to compare
# builds while others rebuild), KEEP (a directory: the store and the log are kept there
# instead of being deleted), EMPTY_VIEW=0 (skip the empty-store view), ORDER and SEED (above).
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
case ${ORDER:-seq} in
    seq) inputs=("$data/who-don/dons-1996-2012.jsonl" "$tmp/html") ;;
    date | shuffle)
        mkdir -p "$tmp/bydate"
        python3 - "$data" "$tmp/html/DONs" "$tmp/bydate" "$ORDER" "${SEED:-1}" <<'PY'
import csv, datetime, json, os, random, sys
data, pages, out, order, seed = sys.argv[1:]
items = []  # (date, "a" report | "b" page, name, JSONL line | page path)
with open(f"{data}/who-don/dons-1996-2012.jsonl", encoding="utf-8") as f:
    for line in f:
        rec = json.loads(line)
        items.append((rec["date"], "a", f"{rec['id']}.jsonl", line))
with open(f"{data}/who-don-html/index_save.csv", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        page = f"{pages}/{row['']}.html"
        if os.path.exists(page):
            day = datetime.datetime.strptime(row["date"].strip(), "%d %B %Y").date()
            items.append((day.isoformat(), "b", f"{int(row['']):05}.html", page))
# By date, "a" before "b": on one date the report comes before the page that retells it.
items.sort()
if order == "shuffle":
    random.Random(int(seed)).shuffle(items)
for rank, (day, kind, name, what) in enumerate(items):
    # The position first: ingest reads the directory in name order.
    path = f"{out}/{rank:05}_{day}_{kind}_{name}"
    if kind == "a":
        with open(path, "w", encoding="utf-8") as g:
            g.write(what)
    else:
        os.symlink(what, path)
PY
        inputs=("$tmp/bydate")
        ;;
    *) echo "ORDER must be seq, date or shuffle" >&2; exit 2 ;;
esac
echo "order: ${ORDER:-seq}" | tee -a "$log"
for input in "${inputs[@]}"; do
    /usr/bin/time -f "peak RSS %M KB, %e s wall" "$bin" -v ingest --data "$out/store" "$input" 2>&1 \
        | grep -E "consolidated documents|epiwire: (ingest|events)|peak RSS" | tee -a "$log"
done
echo "events stored: $("$bin" events --data "$out/store" --format jsonl -n 10000 | wc -l)"
# The second view isolates the size of the store: the pages of the last ~1000 documents
# ingested again, alone, into an empty store (their CPU ms/doc there against at the end of the
# full run). EMPTY_VIEW=0 skips it.
if [[ ${EMPTY_VIEW:-1} != 0 ]]; then
    last=$(python3 - "$out/store/epiwire.sqlite" "$tmp/bydate" <<'PY'
import glob, os, sqlite3, sys
c = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
for s, i in c.execute("SELECT source, id FROM documents ORDER BY seq DESC LIMIT 1000"):
    # A JSONL record's source is its URL: its one-line file of the date order instead.
    found = [s] if os.path.isfile(s) else glob.glob(f"{glob.escape(sys.argv[2])}/*_a_{glob.escape(i)}.jsonl")
    print("\n".join(found))
PY
)
    mkdir -p "$tmp/last"
    while IFS= read -r f; do
        [[ -f $f ]] && cp "$f" "$tmp/last/"
    done <<<"$last"
    echo "empty-store view: $(ls "$tmp/last" | wc -l) inputs of the last documents, alone" | tee -a "$log"
    rm -rf "$tmp/alone"
    "$bin" -v ingest --data "$tmp/alone" "$tmp/last" 2>&1 \
        | grep -E "consolidated documents|epiwire: (ingest|events)" | sed 's/^/alone: /' | tee -a "$log"
fi
python3 - "$log" <<'PY'
import re, sys
rows, alone = [], []
for line in open(sys.argv[1]):
    into = alone if line.startswith("alone: ") else rows
    m = re.search(r"consolidated documents \d+..=\d+: (\d+) in (\d+) ms .*?([\d.]+) candidate events/doc.*?; (?:cpu (\d+) ms, )?(?:user (\d+) ms, sys (\d+) ms, )?", line)
    if m:
        into.append((int(m.group(1)), float(m.group(2)), float(m.group(3)), m.group(4), m.group(5), m.group(6)))
def window(rs):
    n = sum(r[0] for r in rs); ms = sum(r[1] for r in rs)
    cand = sum(r[0] * r[2] for r in rs) / max(n, 1)
    per_doc = lambda i: sum(float(r[i]) for r in rs) / max(n, 1) if all(r[i] for r in rs) else None
    return n, ms / max(n, 1), cand, per_doc(3), per_doc(4), per_doc(5)
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
# User and system time come from /proc in 10 ms ticks per batch: their sum is near the CPU
# figure (schedstat, ns), not equal to it.
for name, rs in views:
    n, ms, cand, cpu, user, sys_ = window(rs)
    cpu = f"{cpu:6.2f} ms/doc CPU" if cpu is not None else "   (no CPU time)"
    split = f" ({user:5.2f} user, {sys_:5.2f} sys)" if user is not None else ""
    print(f"{name:12} {n:6} documents  {ms:6.2f} ms/doc wall  {cpu}{split}  {cand:5.1f} candidate events/doc")
PY
