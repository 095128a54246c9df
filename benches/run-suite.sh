#!/bin/sh
# The whole benchmark suite, three times, then the report and the memory
# figures: what benches/README.md's figures are made from.
#
#   benches/run-suite.sh                                   # criterion's default timing
#   benches/run-suite.sh --warm-up-time 1 --measurement-time 3   # shorter runs
#   RUNS=5 benches/run-suite.sh
#
# Options are passed to every criterion bench binary. Each run is saved as
# a criterion baseline (run1, run2, ...) under $CRITERION_HOME (default:
# target/criterion-runs); run baselines left there by an earlier call are
# removed first, so the report sees exactly these runs. The runs go one
# after the other over the whole suite, so a burst of load on the machine
# lands in one run of each row, not in every run of one row. The machine
# and its load average before and after each run go to
# target/bench-report/machine.txt; the report to target/bench-report/report.md
# (and ratios.svg); the memory table to target/bench-report/memory.md.
set -eu

cd "$(dirname "$0")/.."
runs="${RUNS:-3}"
CRITERION_HOME="${CRITERION_HOME:-$PWD/target/criterion-runs}"
export CRITERION_HOME
out="$PWD/target/bench-report"
mkdir -p "$CRITERION_HOME" "$out"

# Only run baselines are removed: <criterion>/<workload>/<side>/run<N>.
find "$CRITERION_HOME" -mindepth 3 -maxdepth 3 -type d -name 'run[0-9]*' -exec rm -rf {} +

# Build first, so that compiling is not part of the first run's load.
cargo bench -p benches --no-run
cargo build --release -p benches --bin report --bin memory

{
    echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
    echo "memory: $(grep MemTotal /proc/meminfo | tr -s ' ' | cut -d' ' -f2-)"
    echo "kernel: $(uname -sr); $(rustc --version)"
} > "$out/machine.txt"

i=1
while [ "$i" -le "$runs" ]; do
    echo "run$i start: load average $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"
    cargo bench -p benches -- --save-baseline "run$i" "$@"
    echo "run$i end:   load average $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"
    i=$((i + 1))
done

cargo run --release -p benches --bin report | tee "$out/report.md"
cargo run --release -p benches --bin memory | tee "$out/memory.md"
cat "$out/machine.txt"
