#!/bin/sh
# Instructions per iteration of one bench function, under callgrind.
#
#   benches/callgrind-row.sh ROW SIDE [SECONDS]
#   benches/callgrind-row.sh yield_many this
#   benches/callgrind-row.sh yield_many tokio
#
# Runs the function in criterion's profile mode (`--profile-time`, default
# 3 s of callgrind time; no analysis) and prints the instructions per
# iteration and the 25 functions with the most inclusive instructions.
# Instruction counts do not depend on the machine's load, so this is how a
# losing row is explained on a shared machine. The output file stays in
# target/callgrind/ROW.SIDE.out for callgrind_annotate or kcachegrind.
# Needs valgrind (apt-get install valgrind).
set -eu

if [ $# -lt 2 ]; then
    echo "usage: $0 ROW SIDE [SECONDS]" >&2
    exit 2
fi
row=$1
side=$2
seconds=${3:-3}
command -v valgrind > /dev/null || {
    echo "$0: valgrind is missing: apt-get install valgrind" >&2
    exit 1
}

cd "$(dirname "$0")/.."
bins=$(cargo bench -p benches --no-run --message-format=json 2> /dev/null |
    grep -o '"executable":"[^"]*/deps/[^"]*"' | cut -d'"' -f4)
bin=
for candidate in $bins; do
    if "$candidate" --bench --list 2> /dev/null | grep -qx "$row/$side: benchmark"; then
        bin=$candidate
    fi
done
if [ -z "$bin" ]; then
    echo "$0: no bench function $row/$side (see: cargo bench -p benches -- --list)" >&2
    exit 1
fi

mkdir -p target/callgrind
out="target/callgrind/$row.$side.out"
if ! valgrind --tool=callgrind --compress-strings=no --compress-pos=no \
    --callgrind-out-file="$out" \
    "$bin" --bench --profile-time "$seconds" "^$row/$side\$" > "$out.log" 2>&1; then
    # Under valgrind everything runs tens of times slower: a row with real
    # timeouts (flags_all's 3.1 s per request) can fail here.
    echo "$0: $row/$side failed under valgrind; the end of $out.log:" >&2
    grep -v '^==' "$out.log" | tail -5 >&2
    exit 1
fi

# Criterion's Bencher::iter runs the measured routine once per iteration,
# inlined into it; the routine calls one of the suite's runners once
# (benches::rt's block_on and run, flags.rs's download_this and
# download_tokio, and the floor's workloads in benches::floor::work, which
# are never inlined for this reason). Their call
# count from Bencher::iter is the number of iterations, and everything
# Bencher::iter costs (its callees', spawns made before block_on included)
# divided by it is the cost of one iteration, within a few instructions of
# criterion's own clock reads.
awk '
    /^fn=/ { in_iter = ($0 ~ /criterion::bencher::Bencher<.*>::iter/); next }
    !in_iter { next }
    /^cfn=/ { runner = ($0 ~ /benches::rt::[A-Za-z]+::(block_on|run)$|::download_(this|tokio)$|benches::floor::work::[a-z_0-9]+$/); next }
    /^calls=/ { if (runner) { split($1, c, "="); iterations += c[2] } next }
    /^[0-9+-]/ { total += $2 }
    END {
        if (iterations == 0) { print "no iterations found"; exit 1 }
        printf "%s/%s: %d iterations\n", row, side, iterations
        printf "%.0f instructions per iteration\n", total / iterations
    }
' row="$row" side="$side" "$out"
callgrind_annotate --inclusive=yes "$out" 2> /dev/null |
    grep -v -e '^-' -e '^$' | sed -n '/file:function/,$p' | sed -n '2,26p' | cut -c1-160
