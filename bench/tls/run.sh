#!/usr/bin/env bash
# The TLS measurements of docs/benchmarks.md: builds a Release tree (build-bench/), makes a CA
# and a server certificate (EC P-256) with openssl, starts one berthd with transport-tcp and
# transport-tls side by side (mmap store, async flush, under --dir), then measures with
# berth-bench, alternating TCP and TLS so that both see the same broker and store:
#   1. produce throughput: 2 producers, 1 KiB bodies, SEND_BATCH of 16, 10 s;
#   2. produce and consume: 1 producer and 1 push consumer, 1 KiB bodies, batch 16, 10 s;
#   3. new connections per second (connect, handshake, HELLO, one request), 2 at a time.
# Each throughput pair runs 5 times; the table shows every round and the TLS/TCP ratio of the
# medians. The connection rows add berthd's own CPU time per connection (from /proc), which is
# the server's cost of a handshake. The broker and berth-bench share the machine.
#
#   bench/tls/run.sh [--dir DIR] [--quick] [--port PORT]     (TLS on PORT + 1)
#
# --quick: 2 s runs, one round, 300 connections (a smoke run, not figures to record).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
parse_bench_args 10962 "$@"
duration=10s
rounds=5
connections=3000
if [[ $quick == 1 ]]; then duration=2s; rounds=1; connections=300; fi

build_bench_targets berthd berth-bench berth-store-mmap berth-transport-tcp berth-transport-tls
tls_port=$((port + 1))
plain="127.0.0.1:$port"
secure="127.0.0.1:$tls_port"

work="$dir/berth-tls-bench"
rm -rf "$work"
mkdir -p "$work/certs"
certs="$work/certs"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
  -keyout "$certs/ca.key" -out "$certs/ca.pem" -subj "/CN=Berth Bench CA" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$certs/server.key" \
  -out "$certs/server.csr" -subj "/CN=localhost" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > "$certs/server.ext"
openssl x509 -req -in "$certs/server.csr" -CA "$certs/ca.pem" -CAkey "$certs/ca.key" \
  -CAcreateserial -days 2 -extfile "$certs/server.ext" -out "$certs/server.pem" 2>/dev/null

sed -e "s|@DATA_DIR@|$work/data|" -e "s|@PORT@|$port|" -e "s|@TLS_PORT@|$tls_port|" \
  -e "s|@CERTS@|$certs|" "$root/bench/tls/berthd.toml.in" > "$work/berth.toml"
"$bin/berthd" --config "$work/berth.toml" 2> "$work/berthd.log" &
berthd_pid=$!
trap 'kill -TERM $berthd_pid 2>/dev/null || true; wait $berthd_pid 2>/dev/null || true' EXIT
for p in "$port" "$tls_port"; do
  for _ in $(seq 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then break; fi
    sleep 0.1
  done
done

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM; $(openssl version)"

bench() {  # transport (tcp|tls), jq expression, then berth-bench options
  local transport=$1 expr=$2
  shift 2
  local target=(--server "$plain")
  if [[ $transport == tls ]]; then target=(--server "$secure" --ca "$certs/ca.pem"); fi
  "$bin/berth-bench" "${target[@]}" --output json "$@" 2>/dev/null | jq -r "$expr"
}

compare() {  # label, topic prefix, jq expression of the figure, then berth-bench options
  local label=$1 topic=$2 expr=$3
  shift 3
  local tcp=() tls=()
  for round in $(seq "$rounds"); do
    tcp+=("$(bench tcp "$expr" --topic "$topic-tcp-$round" "$@")")
    tls+=("$(bench tls "$expr" --topic "$topic-tls-$round" "$@")")
  done
  local m_tcp m_tls
  m_tcp=$(printf '%s\n' "${tcp[@]}" | median)
  m_tls=$(printf '%s\n' "${tls[@]}" | median)
  echo "| $label | ${tcp[*]} | ${tls[*]} | $(percent_of "$m_tls" "$m_tcp") |"
}

echo
echo "== throughput, msg/s (1 KiB bodies, SEND_BATCH of 16, $duration; each round TCP then TLS)"
echo "| run | TCP | TLS | TLS / TCP (medians) |"
echo "|---|---|---|---|"
compare "produce, 2 producers" produce '.produced_msgs_per_s | round' --queues 8 --producers 2 \
  --size 1024 --batch 16 --duration "$duration"
compare "produce + consume, 1 + 1" both '.consumed_msgs_per_s | round' --queues 8 --producers 1 \
  --consumers 1 --size 1024 --batch 16 --duration "$duration"

echo
echo "== new connections ($connections, 2 at a time: connect, handshake, HELLO, one request)"
echo "| transport | connections/s | p50 ms | p99 ms | berthd CPU per connection |"
echo "|---|---|---|---|---|"
row='"\(.connections_per_s | round) | \(.connect_latency.p50_ms * 1000 | round / 1000) | \(.connect_latency.p99_ms * 1000 | round / 1000) |"'
broker_cpu() { awk '{print $14 + $15}' "/proc/$berthd_pid/stat"; }  # clock ticks
connect_row() {  # label, transport
  local before after figures
  before=$(broker_cpu)
  figures=$(bench "$2" "$row" --topic conn --connections "$connections" --producers 2)
  after=$(broker_cpu)
  echo "| $1 | $figures $(awk -v t=$((after - before)) -v n="$connections" -v hz="$(getconf CLK_TCK)" \
    'BEGIN {printf "%.2f ms", 1000 * t / hz / n}') |"
}
connect_row TCP tcp
connect_row "TLS 1.3 (ECDSA P-256)" tls
