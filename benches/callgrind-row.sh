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
    grep -o '"executable":"[^"]*"' | cut -d'"' -f4)
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
valgrind --tool=callgrind --compress-strings=no --compress-pos=no \
    --callgrind-out-file="$out" \
    "$bin" --bench --profile-time "$seconds" "^$row/$side\$" > /dev/null 2>&1

# Criterion's Bencher::iter calls the measured routine once per iteration,
# and the routine is inlined into it down to the runtime's block_on. So the
# callee of Bencher::iter with the most instructions is that block_on, and
# its call count, summed over Bencher::iter's call sites, is the number of
# iterations.
awk '
    /^fn=/ { in_iter = ($0 ~ /criterion::bencher::Bencher<.*>::iter/); want = 0; next }
    in_iter && /^cfn=/ { callee = substr($0, 5); next }
    in_iter && /^calls=/ { split($1, c, "="); calls[callee] += c[2]; want = 1; next }
    in_iter && want { cost[callee] += $2; want = 0 }
    END {
        best = ""
        for (f in cost) if (best == "" || cost[f] > cost[best]) best = f
        if (best == "" || calls[best] == 0) { print "no iterations found"; exit 1 }
        printf "%s/%s: %d iterations of %s\n", row, side, calls[best], best
        printf "%.0f instructions per iteration\n", cost[best] / calls[best]
    }
' row="$row" side="$side" "$out"
callgrind_annotate --inclusive=yes "$out" 2> /dev/null |
    grep -v -e '^-' -e '^$' | sed -n '/file:function/,$p' | sed -n '2,26p' | cut -c1-160
