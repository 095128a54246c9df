#!/bin/sh
# `flags serve` against nginx serving the same flag: requests per second under
# wrk, at 10, 100 and 1,000 keep-alive connections, what the README's
# "flag server against nginx" table is made from.
#
#   benches/serve-vs-nginx.sh                 # 3 rounds of 5 s per cell
#   ROUNDS=5 SECONDS_PER_RUN=10 benches/serve-vs-nginx.sh
#   WORKERS=2 benches/serve-vs-nginx.sh       # nginx with 2 workers, and
#                                             # `flags serve --workers 2`
#   BASE=/tmp/flags-before benches/serve-vs-nginx.sh   # also another build of
#                                             # `flags` (base-memory, base-dir)
#
# The peers, each set up as its users would:
#   nginx   one worker (WORKERS), `sendfile on`, its defaults otherwise
#           (access log written, to /dev/null; keepalive_requests 1000), but
#           `worker_connections 4096`: the default 512 cannot hold 1,000
#           connections. Its own config in a temp dir, on a free port.
#   memory  `flags serve`: the flags in memory.
#   dir     `flags serve --dir`: the same file on disk.
# All three serve the same bytes: the file is fetched from the memory server
# and written into the tree that nginx and `--dir` serve. Both servers log a
# line per request, to /dev/null.
#
# The runs alternate (round by round, connection count by connection count,
# peer by peer), so a burst of load from elsewhere lands on every peer alike.
# The machine's load average is printed before each round; on a shared
# machine, report it with the figures. Needs nginx, wrk, curl, python3.
set -eu

cd "$(dirname "$0")/.."
rounds="${ROUNDS:-3}"
seconds="${SECONDS_PER_RUN:-5}"
connections="${CONNECTIONS:-10 100 1000}"
workers="${WORKERS:-1}"
target="${TARGET:-/flags/br/br.gif}"

for program in nginx wrk curl python3; do
    command -v "$program" >/dev/null || {
        echo "$program is needed: apt-get install $program" >&2
        exit 1
    }
done

cargo build --release -p flags-app --bin flags
flags="$PWD/target/release/flags"

# wrk at 1,000 connections, and the servers, need more than the usual 1,024:
# raise the soft limit to the hard one.
ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -ge 4096 ] || {
    echo "the descriptor limit ($(ulimit -n)) is too low for 1,000 connections" >&2
    exit 1
}

tmp="$(mktemp -d /tmp/serve-vs-nginx.XXXXXX)"
chmod 755 "$tmp" # nginx's worker runs as an unprivileged user
pids=""
cleanup() {
    for pid in $pids; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# Starts `flags serve ARGS...` in the background as peer NAME; sets NAME_port.
start_flags() {
    name="$1"
    shift
    worker_args=""
    [ "$workers" -gt 1 ] && worker_args="--workers $workers"
    # shellcheck disable=SC2086 # word splitting of worker_args is intended
    "$flags_for_peer" serve --port 0 $worker_args "$@" >"$tmp/banner.$name" 2>/dev/null &
    pids="$pids $!"
    eval "${name}_pids=$!"
    i=0
    until grep -q 'http://' "$tmp/banner.$name" 2>/dev/null; do
        i=$((i + 1))
        [ "$i" -gt 100 ] && { echo "flags serve $* did not start" >&2; exit 1; }
        sleep 0.1
    done
    port="$(sed -n 's|.*http://[^:]*:\([0-9]*\)/.*|\1|p' "$tmp/banner.$name" | head -n 1)"
    eval "${name}_port=$port"
}

flags_for_peer="$flags"
start_flags memory

# The tree nginx and --dir serve: the memory server's own bytes.
mkdir -p "$tmp/tree$(dirname "$target")"
curl --silent --fail --output "$tmp/tree$target" "http://127.0.0.1:$memory_port$target"
chmod -R a+rX "$tmp/tree"
start_flags dir --dir "$tmp/tree"
peers="nginx memory dir"
if [ -n "${BASE:-}" ]; then
    flags_for_peer="$BASE"
    start_flags base_memory
    start_flags base_dir --dir "$tmp/tree"
    peers="$peers base_memory base_dir"
fi

nginx_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
cat >"$tmp/nginx.conf" <<EOF
worker_processes $workers;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log;
events {
    worker_connections 4096;
}
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    access_log /dev/null;
    client_body_temp_path $tmp/nginx-body;
    proxy_temp_path $tmp/nginx-proxy;
    fastcgi_temp_path $tmp/nginx-fastcgi;
    uwsgi_temp_path $tmp/nginx-uwsgi;
    scgi_temp_path $tmp/nginx-scgi;
    server {
        listen 127.0.0.1:$nginx_port;
        root $tmp/tree;
    }
}
EOF
nginx -c "$tmp/nginx.conf" -e "$tmp/nginx-error.log" &
nginx_master=$!
pids="$pids $nginx_master"
sleep 0.5
# nginx's CPU time is its workers'.
nginx_pids="$(pgrep -P "$nginx_master" | tr '\n' ' ')"

# CPU time (user + system, all threads) of the processes $1..., in clock ticks.
cpu_ticks() {
    for pid in "$@"; do
        cut -d')' -f2 "/proc/$pid/stat" | awk '{print $12 + $13}'
    done | awk '{sum += $1} END {print sum + 0}'
}
ticks_per_second="$(getconf CLK_TCK)"

for name in $peers; do
    eval "port=\$${name}_port"
    curl --silent --fail --output "$tmp/check.$name" "http://127.0.0.1:$port$target" || {
        echo "$name on port $port does not serve $target" >&2
        exit 1
    }
    cmp -s "$tmp/tree$target" "$tmp/check.$name" || {
        echo "$name serves other bytes for $target" >&2
        exit 1
    }
done

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "$target: $(wc -c <"$tmp/tree$target") bytes; wrk -t2, ${seconds} s per run, $rounds rounds, $workers worker(s)"
# Warm-up, not counted: the memory server draws its images on a second thread
# at start-up, and the first requests fill `--dir`'s cache and nginx's page cache.
for name in $peers; do
    eval "port=\$${name}_port"
    wrk -t2 -c100 -d2s "http://127.0.0.1:$port$target" >/dev/null
done
results="$tmp/results"
: >"$results"
round=1
while [ "$round" -le "$rounds" ]; do
    echo "round $round: load average $(cut -d' ' -f1-3 /proc/loadavg)"
    for c in $connections; do
        for name in $peers; do
            eval "port=\$${name}_port; peer_pids=\$${name}_pids"
            # shellcheck disable=SC2154,SC2086 # set by the eval; one word per pid
            before="$(cpu_ticks $peer_pids)"
            out="$(wrk -t2 -c"$c" -d"${seconds}s" "http://127.0.0.1:$port$target")"
            # shellcheck disable=SC2086
            after="$(cpu_ticks $peer_pids)"
            rps="$(echo "$out" | sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p')"
            total="$(echo "$out" | sed -n 's/^ *\([0-9]*\) requests in.*/\1/p')"
            # Microseconds of the server's CPU per request answered.
            cpu_us="$(awk -v t="$((after - before))" -v hz="$ticks_per_second" -v n="${total:-0}" \
                'BEGIN { if (n > 0) printf "%.2f", t / hz * 1e6 / n; else print 0 }')"
            echo "$round $c $name ${rps:-0} $cpu_us" >>"$results"
            echo "  $c connections, $name: ${rps:-0} req/s, ${cpu_us} us of CPU per request"
        done
    done
    round=$((round + 1))
done
echo "end: load average $(cut -d' ' -f1-3 /proc/loadavg)"

# Medians and spread (min-max) per peer, and the ratio to nginx of the same
# round (ours / nginx: above 1 is faster than nginx).
python3 - "$results" $peers <<'EOF'
import statistics, sys
peers = sys.argv[2:]
titles = {"nginx": "nginx", "memory": "`flags serve` (memory)", "dir": "`flags serve --dir`",
          "base_memory": "base (memory)", "base_dir": "base `--dir`"}
header = "| connections | " + " | ".join(titles[p] for p in peers) + " |"
rule = "|---|" + "---:|" * len(peers)
rows = [line.split() for line in open(sys.argv[1])]
runs, cpu = {}, {}
for rnd, c, name, rps, cpu_us in rows:
    runs.setdefault((int(c), name), {})[int(rnd)] = float(rps)
    cpu.setdefault((int(c), name), []).append(float(cpu_us))
print()
print("Requests per second (median, min-max), and ours / nginx of the same round:")
print()
print(header)
print(rule)
for c in sorted({c for c, _ in runs}):
    nginx = runs[(c, "nginx")]
    cells = []
    for name in peers:
        got = runs[(c, name)]
        values = list(got.values())
        cell = f"{statistics.median(values)/1000:.1f}k ({min(values)/1000:.1f}-{max(values)/1000:.1f})"
        if name != "nginx":
            ratios = [got[r] / nginx[r] for r in got if nginx.get(r)]
            cell += f", x{statistics.median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f})"
        cells.append(cell)
    print(f"| {c:,} | " + " | ".join(cells) + " |")
print()
print("Server CPU per request (user + system, microseconds; median, min-max):")
print()
print(header)
print(rule)
for c in sorted({c for c, _ in runs}):
    cells = []
    for name in peers:
        values = cpu[(c, name)]
        cells.append(f"{statistics.median(values):.1f} ({min(values):.1f}-{max(values):.1f})")
    print(f"| {c:,} | " + " | ".join(cells) + " |")
EOF
