#!/usr/bin/env bash
# Runs fuzz targets one after the other for a bounded time each and prints one summary line per
# target (runs, coverage, corpus, crashes). Usage, from the repository root or fuzz/:
#
#   fuzz/scripts/run_all.sh [SECONDS] [TARGET ...]      # default 120 s, every target
#
# Each run: one job, -rss_limit_mb=2048 (an OOM is a finding), -timeout=10 (a slow unit is a
# finding), -max_len per target below. Logs go to fuzz/logs/<target>.log (git-ignored), crashes
# to fuzz/artifacts/<target>/. Build the seed corpora first: python3 fuzz/scripts/seed_corpus.py
set -u
cd "$(dirname "$0")/.."
secs=${1:-120}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(warc jsonl feed number date count html)
mkdir -p logs
for t in "${targets[@]}"; do
  case $t in
    html) len=16384 ;;
    warc | jsonl) len=65536 ;;
    *) len=4096 ;;
  esac
  mkdir -p "corpus/$t"
  start=$(date +%s)
  cargo +nightly fuzz run "$t" -- -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
    -max_len="$len" -print_final_stats=1 >"logs/$t.log" 2>&1
  rc=$?
  took=$(($(date +%s) - start))
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "logs/$t.log" | grep -o '[0-9]*$')
  cov=$(grep -o 'cov: [0-9]*' "logs/$t.log" | tail -1 | grep -o '[0-9]*')
  corp=$(grep -o 'corp: [0-9]*/[0-9]*[a-zA-Z]*' "logs/$t.log" | tail -1)
  bad=$(grep -c -E 'panicked at|ERROR: libFuzzer|SUMMARY:' "logs/$t.log")
  echo "$t: ${took}s rc=$rc runs=${runs:-?} cov=${cov:-?} ${corp:-} findings=$bad max_len=$len"
done
