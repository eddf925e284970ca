#!/usr/bin/env bash
# The messaging measurements of docs/benchmarks.md: builds a Release tree (build-bench/), then,
# for flush = "async" and then flush = "sync", starts berthd (tcp on loopback, mmap store under
# --dir) and runs berth-bench:
#   - produce: 128 B and 1 KiB bodies x 1 and 4 producers, unlimited rate, 10 s
#   - consume: the backlog each produce run left, read by 2 push consumers of a new group
#   - latency: 1 producer and 1 consumer at 1000 msg/s, 128 B, 10 s (send->ack, end-to-end)
# and prints a markdown table. The broker, the producers and the consumers share the machine.
#
#   bench/messaging/run.sh [--dir DIR] [--quick] [--port PORT]
#
# --quick: 2 s runs (a smoke run, not figures to record). BERTH_JOBS sets the build's -j.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
parse_bench_args 10951 "$@"
seconds=10s
[[ $quick == 1 ]] && seconds=2s

build_bench_targets berthd berth-bench berth-store-mmap berth-transport-tcp
server="127.0.0.1:$port"

berthd_pid=
stop_broker() {
  if [[ -n $berthd_pid ]]; then
    kill -TERM "$berthd_pid" 2>/dev/null || true
    wait "$berthd_pid" 2>/dev/null || true
    berthd_pid=
  fi
}
trap stop_broker EXIT

start_broker() {  # flush mode
  local work="$dir/berth-msg-$1"
  rm -rf "$work"
  mkdir -p "$work"
  sed -e "s|@DATA_DIR@|$work/data|" -e "s|@FLUSH@|$1|" -e "s|@PORT@|$port|" \
    "$root/bench/messaging/berthd.toml.in" > "$work/berth.toml"
  "$bin/berthd" --config "$work/berth.toml" 2> "$work/berthd.log" &
  berthd_pid=$!
  for _ in $(seq 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    if ! kill -0 "$berthd_pid" 2>/dev/null; then cat "$work/berthd.log" >&2; exit 1; fi
    sleep 0.1
  done
  echo "berthd did not listen on $server" >&2
  exit 1
}

rows=()
bench() {  # flush, what, then berth-bench options
  local flush=$1 what=$2
  shift 2
  local out
  out=$("$bin/berth-bench" --server "$server" --output json "$@" 2>/dev/null) || true
  if [[ -z $out ]]; then
    rows+=("| $flush | $what | failed: berth-bench $* | | | | | |")
    return
  fi
  rows+=("$(jq -r --arg flush "$flush" --arg what "$what" '
    def f(x): (x * 100 | round) / 100;
    def lat(l): if l.count == 0 then "–" else "\(f(l.p50_ms)) / \(f(l.p99_ms)) / \(f(l.p999_ms)) / \(f(l.max_ms))" end;
    "| \($flush) | \($what) | \(.size) B | \(.producers) / \(.consumers) | " +
    (if .producers > 0 then "\(.produced_msgs_per_s | round) msg/s, \(f(.produced_mb_per_s)) MB/s" else "–" end) + " | " +
    (if .consumers > 0 then "\(.consumed_msgs_per_s | round) msg/s (\(.consumed) msgs)" else "–" end) + " | " +
    "\(lat(.send_ack_latency)) | \(lat(.end_to_end_latency)) | \(.errors) |"' <<< "$out")")
  echo "${rows[-1]}" >&2
}

echo "== machine" >&2
machine="$(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(df -T "$dir" | awk 'NR==2 {print $2}') under $dir"
echo "$machine" >&2

for flush in async sync; do
  start_broker "$flush"
  for size in 128 1024; do
    for producers in 1 4; do
      topic="t-$size-$producers"
      bench "$flush" "produce" --topic "$topic" --queues 8 --producers "$producers" --size "$size" \
        --duration "$seconds"
      bench "$flush" "consume backlog" --topic "$topic" --producers 0 --consumers 2 \
        --from earliest --group "g-$size-$producers" --size "$size" --duration 60s
    done
  done
  bench "$flush" "latency at 1000 msg/s" --topic latency --queues 4 --producers 1 --consumers 1 \
    --size 128 --rate 1000 --duration "$seconds"
  stop_broker
done

echo
echo "Machine: $machine; berth-bench defaults: in-flight 64 async sends per producer, batch 1."
echo
echo "| flush | scenario | body | producers / consumers | produced | consumed | send→ack ms p50 / p99 / p99.9 / max | end-to-end ms p50 / p99 / p99.9 / max | errors |"
echo "|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
