#!/usr/bin/env bash
# Makes the timeline screenshots of the top README and docs/INTERNALS.md
# again, from a fresh release build:
#
#   bash docs/timelines/make.sh                       # every picture
#   bash docs/timelines/make.sh remote-wake one-sleep # only these
#
# Each picture is a page that one of our programs wrote with `--timeline
# FILE.html`, opened from disk in headless Chromium and photographed:
#
# | picture              | the run                                                   |
# |----------------------|-----------------------------------------------------------|
# | sequential.png       | flags -s DELAY --seed 1 --mode sequential BR CN ID IN PK US |
# | threads.png          | flags -s DELAY --seed 1 --mode threads -m 3 (same codes)  |
# | async.png            | flags -s DELAY --seed 1 --mode async -m 3 (same codes)    |
# | spinner-blocking.png | spinner blocking                                          |
# | one-flag.png         | flags BR (-s LOCAL, async: the download docs/INTERNALS.md walks through) |
# | remote-wake.png      | runtime's examples/remote_wake.rs (INTERNALS' second walk) |
# | one-sleep.png        | runtime's examples/one_sleep.rs (INTERNALS' third walk)    |
#
# The DELAY server (the embedded one, drawing its own GIFs) answers each
# request after 0.5 to 5 s, and the client gives up on a phase after 3.1 s
# (--timeout, httpx's in the book), so some codes time out, as in the book;
# `flags` then exits 1, which is expected here. `--seed 1` makes the delays
# the same from run to run (in sequential mode exactly; with several requests
# in flight the order they reach the server may differ).
#
# Needs cargo and chromium (`apt-get install -y chromium`). If optipng is on
# the PATH (`apt-get install -y optipng`), it shrinks the PNGs; without it
# they are only larger. Takes about 45 s after the build, most of it waiting
# for the DELAY server. Nothing outside docs/timelines/ is changed: the
# programs write into a temporary directory that is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=docs/timelines

# The page's width, and the height of what stands above its chart (title,
# summary, legend, buttons) at that width: the window is this plus the
# chart's own height, so that each picture ends where the chart ends.
width=1200
above_chart=212

chromium=$(type -P chromium || type -P chromium-browser || true)
if [ -z "$chromium" ]; then
  echo "make.sh: chromium is not on the PATH: apt-get install -y chromium" >&2
  exit 1
fi

cargo build --release --quiet -p flags-app -p spinner-demo
cargo build --release --quiet -p runtime --example remote_wake --example one_sleep
bin=${CARGO_TARGET_DIR:-target}/release

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# flags ARGS...: a run of the downloader whose only acceptable failure is
# exit status 1 (some codes failed, as the DELAY server makes them).
flags() {
  local status=0
  "$bin/flags" --dest "$tmp/downloaded" "$@" >"$tmp/flags.log" 2>&1 || status=$?
  if [ "$status" -gt 1 ]; then
    cat "$tmp/flags.log" >&2
    exit 1
  fi
  tail -n 1 "$tmp/flags.log"
}

# browser ARGS... PAGE: headless Chromium on a page from disk, with a fresh
# profile and none of the switches that would let it reach the network by
# itself, bounded to 90 s (as the tests' runs in headless-chromium/).
browser() {
  local page=${*: -1}
  local profile
  profile=$(mktemp -d "$tmp/profile.XXXXXX")
  timeout 90 "$chromium" --headless --no-sandbox --disable-gpu \
    --disable-background-networking --disable-component-update --disable-sync \
    --no-first-run --hide-scrollbars --user-data-dir="$profile" \
    "${@:1:$#-1}" "file://$(realpath "$page")" 2>>"$tmp/chromium.log"
}

# shoot NAME: photographs $tmp/NAME.html into $out/NAME.png, in a window as
# tall as the page's chart (read from the rendered page) and what is above it.
shoot() {
  local page=$tmp/$1.html png=$out/$1.png chart
  chart=$(browser --window-size="$width,800" --dump-dom "$page" |
    grep -o '<svg id="timeline-svg" [^>]*' | grep -o 'height="[0-9]*"' | tr -dc 0-9)
  if [ -z "$chart" ]; then
    echo "make.sh: the page $page drew no chart" >&2
    cat "$tmp/chromium.log" >&2
    exit 1
  fi
  browser --window-size="$width,$((above_chart + chart))" --screenshot="$png" "$page" >/dev/null
  if type -P optipng >/dev/null; then
    optipng -quiet -o2 "$png"
  fi
  echo "$png: $(wc -c <"$png") bytes"
}

# record NAME: runs the program behind picture NAME, writing $tmp/NAME.html.
record() {
  local codes=(BR CN ID IN PK US) delay=(-s DELAY --seed 1)
  case $1 in
  sequential) flags "${delay[@]}" --mode sequential --timeline "$tmp/$1.html" "${codes[@]}" ;;
  threads) flags "${delay[@]}" --mode threads -m 3 --timeline "$tmp/$1.html" "${codes[@]}" ;;
  async) flags "${delay[@]}" --mode async -m 3 --timeline "$tmp/$1.html" "${codes[@]}" ;;
  one-flag) flags --timeline "$tmp/$1.html" BR ;;
  spinner-blocking) "$bin/spinner" blocking --timeline "$tmp/$1.html" 2>&1 | grep '^timeline' ;;
  remote-wake) RUNTIME_TIMELINE="$tmp/$1.html" "$bin/examples/remote_wake" ;;
  one-sleep) RUNTIME_TIMELINE="$tmp/$1.html" "$bin/examples/one_sleep" ;;
  *)
    echo "make.sh: no picture named '$1'" >&2
    exit 2
    ;;
  esac
}

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  names=(sequential threads async spinner-blocking one-flag remote-wake one-sleep)
fi
for name in "${names[@]}"; do
  record "$name"
done
for name in "${names[@]}"; do
  shoot "$name"
done
