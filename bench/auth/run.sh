#!/usr/bin/env bash
# The auth and tracing measurements of docs/benchmarks.md: builds a Release tree (build-bench/),
# starts three berthd side by side, identical (mmap store, async flush, under --dir) but for
# [auth] plugin = "acl" on the second and third and [[tracer]] plugin = "topic" on the third,
# and measures produce throughput with berth-bench on each, in turn: the signed ones sign every
# request with HMAC-SHA256 and the broker checks the signature and the topic permission before
# storing; the traced one also writes a record of every message to RMQ_SYS_TRACE_TOPIC.
#   1. 2 producers, 1 KiB bodies, SEND_BATCH of 16 (one signature per 16 messages), 10 s;
#   2. 2 producers, 128 B bodies, one SEND per message (one signature per message), 10 s.
# Each pair runs 5 times; the table shows every round and the ratio of the medians.
#
#   bench/auth/run.sh [--dir DIR] [--quick] [--port PORT]   (signed: PORT + 1, traced: PORT + 2)
#
# --quick: 2 s runs, one round (a smoke run, not figures to record).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
parse_bench_args 10972 "$@"
duration=10s
rounds=5
if [[ $quick == 1 ]]; then duration=2s; rounds=1; fi

build_bench_targets berthd berth-bench berth-store-mmap berth-transport-tcp berth-auth-acl \
  berth-filter-tag berth-tracer-topic
signed_port=$((port + 1))
traced_port=$((port + 2))

work="$dir/berth-auth-bench"
rm -rf "$work"
mkdir -p "$work"
cat > "$work/acl.toml" <<'ACCOUNTS'
[[accounts]]
access_key = "bench"
secret_key = "bench-secret-0000000001"
admin = true
topics = { "*" = "PUB|SUB" }
groups = { "*" = "SUB" }
ACCOUNTS
chmod 600 "$work/acl.toml"
start_broker() {  # name, port, auth and tracer tables
  sed -e "s|@DATA_DIR@|$work/$1/data|" -e "s|@PORT@|$2|" -e "s|@TABLES@|$3|" \
    "$root/bench/auth/berthd.toml.in" > "$work/$1.toml"
  "$bin/berthd" --config "$work/$1.toml" 2> "$work/$1.log" &
  pids+=($!)
  for _ in $(seq 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null; then break; fi
    sleep 0.1
  done
}
pids=()
trap 'kill -TERM "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true' EXIT
start_broker open "$port" ""
auth_table="[auth]\nplugin = \"acl\"\naccounts = \"$work/acl.toml\""
start_broker signed "$signed_port" "$auth_table"
start_broker traced "$traced_port" "$auth_table\n\n[[tracer]]\nplugin = \"topic\""

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM"

bench() {  # open|signed|traced, then berth-bench options
  local which=$1
  shift
  local target=(--server "127.0.0.1:$port")
  local credentials=(--access-key bench --secret-key bench-secret-0000000001)
  if [[ $which == signed ]]; then target=(--server "127.0.0.1:$signed_port" "${credentials[@]}"); fi
  if [[ $which == traced ]]; then target=(--server "127.0.0.1:$traced_port" "${credentials[@]}"); fi
  "$bin/berth-bench" "${target[@]}" --output json "$@" 2>/dev/null | jq -r '.produced_msgs_per_s | round'
}

compare() {  # label, topic prefix, then berth-bench options
  local label=$1 topic=$2
  shift 2
  local open=() signed=() traced=()
  for round in $(seq "$rounds"); do
    open+=("$(bench open --topic "$topic-$round" "$@")")
    signed+=("$(bench signed --topic "$topic-$round" "$@")")
    traced+=("$(bench traced --topic "$topic-$round" "$@")")
  done
  local m_open m_signed m_traced
  m_open=$(printf '%s\n' "${open[@]}" | median)
  m_signed=$(printf '%s\n' "${signed[@]}" | median)
  m_traced=$(printf '%s\n' "${traced[@]}" | median)
  echo "| $label | ${open[*]} | ${signed[*]} | ${traced[*]} |" \
       "$(percent_of "$m_signed" "$m_open") | $(percent_of "$m_traced" "$m_open") |"
}

echo
echo "== produce throughput, msg/s ($duration each; each round: no auth, auth, auth + trace)"
echo "| run | no auth | auth-acl | auth-acl + trace-topic | auth / none | auth + trace / none (medians) |"
echo "|---|---|---|---|---|---|"
compare "2 producers, 1 KiB, batch 16" batched --queues 8 --producers 2 --size 1024 --batch 16 \
  --duration "$duration"
compare "2 producers, 128 B, single SENDs" single --queues 8 --producers 2 --size 128 \
  --duration "$duration"
