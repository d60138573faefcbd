#!/usr/bin/env bash
# Backfill throughput: `epiwire ingest` of a CC-NEWS-style WARC, end to end (HTML → facts →
# store → events → search index), on one core and on two, each into a fresh store.
#
#   scripts/bench_backfill.sh            # 1 GB WARC (1024 MiB uncompressed)
#   scripts/bench_backfill.sh 200        # 200 MiB WARC
#   scripts/bench_backfill.sh 200 1024   # both, one after the other
#
# The WARC is built by scripts/build_test_warc.py from the WHO DON and trafilatura-eval pages in
# ../shared/data: every record is a distinct page or a copy varied inside its article body, so
# every record is really extracted, annotated and stored (see that script). Built files are kept
# in $BENCH_DIR (default /tmp/epiwire-bench) and reused.
#
# -j 1 runs under `taskset -c 0` when taskset exists, so every thread of the process (reader,
# worker, store writer) shares one core: that is the per-core figure. -j 2 uses two cores.
# Reported: wall time, MB/s of WARC (compressed file size and uncompressed WARC bytes), MB/s per
# core, docs/s, CPU seconds, peak RSS (/usr/bin/time %M), and the time split that `ingest -v`
# logs (reading, extraction, annotation, store writes, consolidation, search sync). On a machine
# shared with other work, wall time counts the waits for a core: the "per CPU second" line and
# the CPU split are then the figures to compare; `uptime` is printed with each run.
# Environment: EPIWIRE (binary, default target/release/epiwire, built when missing),
# JOBS (default "1 2").
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=("${@:-1024}")
dir=${BENCH_DIR:-/tmp/epiwire-bench}
bin=${EPIWIRE:-target/release/epiwire}
jobs=${JOBS:-1 2}
mkdir -p "$dir"

if [[ ! -x $bin ]]; then
  cargo build --release --bin epiwire >&2
fi

for size in "${sizes[@]}"; do
  warc="$dir/backfill-${size}m.warc.gz"
  if [[ ! -s $warc ]]; then
    python3 scripts/build_test_warc.py --size "$size" -o "$warc" >&2
  fi
  compressed=$(stat -L -c %s "$warc")
  uncompressed=$(gzip -dc "$warc" | wc -c)
  echo "== $warc: $(awk -v c="$compressed" -v u="$uncompressed" 'BEGIN{printf "%.1f MB compressed, %.1f MB uncompressed", c/1e6, u/1e6}')"
  for j in $jobs; do
    data="$dir/store-${size}m-j$j"
    rm -rf "$data"
    pin=()
    if [[ $j == 1 ]] && command -v taskset >/dev/null; then pin=(taskset -c 0); fi
    log="$dir/ingest-${size}m-j$j.log"
    echo "-j $j: load before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
    /usr/bin/time -f 'TIME %e %U %S %M' "${pin[@]}" "$bin" -v -j "$j" ingest --progress never \
      --data "$data" "$warc" >"$log" 2>&1 || { echo "ingest failed, see $log"; tail "$log"; exit 1; }
    read -r _ wall user sys rss < <(grep '^TIME ' "$log" | tail -1)
    docs=$(grep -o 'ingest: [0-9]* documents' "$log" | tail -1 | grep -o '[0-9]*' || echo 0)
    cores=$j
    awk -v j="$j" -v wall="$wall" -v user="$user" -v sys="$sys" -v rss="$rss" -v c="$compressed" \
        -v u="$uncompressed" -v docs="$docs" -v cores="$cores" 'BEGIN {
      printf "-j %d: %.1f s wall, %.1f s CPU, %d docs (%.1f docs/s), peak RSS %.0f MB\n",
        j, wall, user + sys, docs, docs / wall, rss / 1024;
      printf "  WARC uncompressed %.2f MB/s (%.2f MB/s per core); compressed %.2f MB/s (%.2f MB/s per core)\n",
        u / 1e6 / wall, u / 1e6 / wall / cores, c / 1e6 / wall, c / 1e6 / wall / cores;
      printf "  per CPU second (what a core does when it is not shared): %.2f MB uncompressed, %.2f MB compressed, %.1f docs\n",
        u / 1e6 / (user + sys), c / 1e6 / (user + sys), docs / (user + sys);
    }'
    grep -o 'ingest time: .*' "$log" | sed 's/^/  /' || true
    grep -o 'events: .*' "$log" | sed 's/^/  /' || true
  done
done
