#!/usr/bin/env bash
# Instructions and simulated L1 data-cache misses per call, c1 against plain
# reqwest, under cachegrind: 32 tasks on a 2-worker runtime against the
# bench's loopback server (benches/examples/calls.rs), the whole process.
#
# Unlike time, both counts are the same from run to run within about 1 %,
# whatever else the machine is doing. cachegrind runs one thread at a time
# and simulates one cache, so it shows what a call touches, not what
# threads contend on.
#
#   scripts/cache-misses.sh [calls] [runs]     # defaults: 10000 calls, 2 runs
set -euo pipefail
cd "$(dirname "$0")/.."
calls=${1:-10000}
runs=${2:-2}
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }
cargo build -q --release -p c1-bench --example calls
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for run in $(seq "$runs"); do
    for side in reqwest c1; do
        CALLS_RUNTIME=multi CALLS_TASKS=32 valgrind --tool=cachegrind --cache-sim=yes \
            --cachegrind-out-file="$out/cg" target/release/examples/calls "$side" "$calls" \
            2>"$out/log"
        awk -v side="$side" -v run="$run" -v n="$calls" '
            /I *refs:/      { gsub(",", "", $4); ir = $4 }
            /D1 *misses:/   { gsub(",", "", $4); d1 = $4 }
            END { printf "run %d  %-8s %9.0f instructions  %7.1f L1d misses per call\n", run, side, ir / n, d1 / n }
        ' "$out/log"
    done
done
