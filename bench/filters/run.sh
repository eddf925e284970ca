#!/usr/bin/env bash
# The filter measurements of docs/benchmarks.md: builds a Release tree (build-bench/), then
#   1. berth-filter-bench: the cost of one match for tag, a 3-term SQL92 expression and a small
#      Lua function (google-benchmark, through the ABI as the broker calls them);
#   2. with berthd (tcp on loopback, mmap store under --dir, the sql filter): a backlog of
#      --messages 128 B messages, each with the property bucket = n % 10, consumed from the
#      earliest offset by 2 push consumers of a new group, once without a filter and once with
#      "bucket = 0" (10 % selective). The broker, the producer and the consumers share the
#      machine.
#
#   bench/filters/run.sh [--dir DIR] [--quick] [--port PORT]
#
# --quick: 100k messages and short google-benchmark runs (a smoke run, not figures to record).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
parse_bench_args 10952 "$@"
messages=1000000
min_time=1
if [[ $quick == 1 ]]; then messages=100000; min_time=0.1; fi

build_bench_targets berthd berth-bench berth-filter-bench berth-store-mmap berth-transport-tcp \
  berth-filter-tag berth-filter-sql berth-filter-lua
server="127.0.0.1:$port"

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM"
echo
echo "== cost per match (berth-filter-bench)"
"$bin/berth-filter-bench" --benchmark_min_time="$min_time"

work="$dir/berth-filter-bench"
rm -rf "$work"
mkdir -p "$work"
sed -e "s|@DATA_DIR@|$work/data|" -e "s|@PORT@|$port|" "$root/bench/filters/berthd.toml.in" \
  > "$work/berth.toml"
"$bin/berthd" --config "$work/berth.toml" 2> "$work/berthd.log" &
berthd_pid=$!
trap 'kill -TERM $berthd_pid 2>/dev/null || true; wait $berthd_pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
  sleep 0.1
done

run() {  # label, then berth-bench options
  local label=$1
  shift
  "$bin/berth-bench" --server "$server" --output json "$@" 2>/dev/null |
    jq -r --arg name "$label" '"| \($name) | \(.consumed) | \(.consume_seconds * 100 | round / 100) s | \(.consumed_msgs_per_s | round) msg/s |"'
}

echo
echo "== consuming a backlog of $messages messages (2 push consumers), without and with a 10 % SQL filter"
"$bin/berth-bench" --server "$server" --topic filtered --queues 8 --producers 2 --size 128 \
  --messages "$messages" --duration 300s --buckets 10 --output json 2>/dev/null |
  jq -r '"produced \(.produced) messages at \(.produced_msgs_per_s | round) msg/s"'
echo
echo "| consumer | messages delivered | backlog read in | delivered msg/s |"
echo "|---|---|---|---|"
run "no filter" --topic filtered --producers 0 --consumers 2 --from earliest --group all \
  --duration 120s
run "SQL \`bucket = 0\`" --topic filtered --producers 0 --consumers 2 --from earliest \
  --group tenth --sql "bucket = 0" --duration 120s
