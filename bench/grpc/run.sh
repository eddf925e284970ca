#!/usr/bin/env bash
# The RocketMQ 5 gRPC measurements of docs/benchmarks.md: one berthd (mmap store, async flush)
# with transport-tcp and transport-grpc side by side; the official Node.js client
# (rocketmq-client-nodejs, the version tests/compat pins) sends and then receives+acks MESSAGES
# single 1 KiB messages through transport-grpc, with 16 calls in flight; berth-bench does the
# same through the native protocol (single SENDs, window 16; pop consumers acking each
# message), in alternating rounds. The question it answers: is the gRPC path the bottleneck
# of a Node.js application? (It is not when berth-bench over the native protocol on the same
# broker is much faster than the Node.js client.)
#
#   bench/grpc/run.sh [--dir DIR] [--quick] [--port PORT]     (gRPC on PORT + 1)
#
# --quick: 2,000 messages, one round (a smoke run, not figures to record).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
parse_bench_args 10964 "$@"
messages=20000
rounds=3
if [[ $quick == 1 ]]; then messages=2000; rounds=1; fi

build_bench_targets berthd berthctl berth-bench berth-store-mmap berth-transport-tcp berth-transport-grpc \
  berth-filter-tag
node_modules="$tree/npm-rocketmq/node_modules"
grpc_port=$((port + 1))

work="$dir/berth-grpc-bench"
rm -rf "$work"
mkdir -p "$work"
cat > "$work/berthd.toml" <<TOML
[broker]
name = "berth-grpc-bench"
data_dir = "$work/data"

[plugins]
search_path = ["$tree/lib/berth"]

[store]
plugin = "mmap"
flush = "async"

[[transport]]
plugin = "tcp"
listen = "127.0.0.1:$port"

[[transport]]
plugin = "grpc"
listen = "127.0.0.1:$grpc_port"
TOML
"$bin/berthd" --config "$work/berthd.toml" > "$work/berthd.log" 2>&1 &
berthd_pid=$!
trap 'kill $berthd_pid 2>/dev/null; wait $berthd_pid 2>/dev/null' EXIT
for _ in $(seq 50); do grep -q "transport-grpc-1' listening" "$work/berthd.log" && break; sleep 0.1; done

# CPU seconds (user + system) a process has used so far.
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$1/stat"; }

echo "| round | Node.js gRPC produce | Node.js gRPC receive+ack | berthd CPU, Node.js phase | native produce | native pop+ack |"
echo "|---|---|---|---|---|---|"
declare -a gp gc np nc
for round in $(seq "$rounds"); do
  "$bin/berthctl" --server "127.0.0.1:$port" topic create "node-$round" --queues 4 > /dev/null
  before=$(cpu_seconds "$berthd_pid")
  started=$(date +%s.%N)
  node_out=$(NODE_PATH="$node_modules" HOME="$work" node "$root/bench/grpc/node_bench.js" \
    "127.0.0.1:$grpc_port" "node-$round" "$messages" 1024 16)
  busy=$(awk -v a="$before" -v b="$(cpu_seconds "$berthd_pid")" -v t0="$started" -v t1="$(date +%s.%N)" \
    'BEGIN {printf "%.0f %% of a core", 100 * (b - a) / (t1 - t0)}')
  gp+=("$(jq -r .produce_msgs_per_s <<< "$node_out")")
  gc+=("$(jq -r .consume_msgs_per_s <<< "$node_out")")
  native=$("$bin/berth-bench" --server "127.0.0.1:$port" --topic "native-$round" --producers 1 \
    --consumers 1 --pop --size 1024 --in-flight 16 --messages "$messages" --duration 60s \
    --output json 2>/dev/null)
  np+=("$(jq -r '.produced_msgs_per_s | floor' <<< "$native")")
  nc+=("$(jq -r '.consumed_msgs_per_s | floor' <<< "$native")")
  echo "| $round | ${gp[-1]} msg/s | ${gc[-1]} msg/s | $busy | ${np[-1]} msg/s | ${nc[-1]} msg/s |"
done
echo "| median | $(printf '%s\n' "${gp[@]}" | median) msg/s | $(printf '%s\n' "${gc[@]}" | median) msg/s | | $(printf '%s\n' "${np[@]}" | median) msg/s | $(printf '%s\n' "${nc[@]}" | median) msg/s |"
