#!/usr/bin/env bash
# The data path with and without an admin client scraping /metrics and the JSON API as fast as
# it can: berth-bench against one berthd (mmap store, async flush).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
B=${1:-$root/build/bin}
dir=$(mktemp -d)
cd "$dir"
"$B/berthd" > berthd.log 2>&1 &
pid=$!
sleep 1.5
run() { "$B/berth-bench" --server 127.0.0.1:10911 --topic t$1 --queues 4 --producers 2 --consumers 1 --size 256 --duration 10s --output json | jq -c '{produced: (.produced_msgs_per_s|floor), consumed: (.consumed_msgs_per_s|floor), send_ack_p99_ms: .send_ack_latency.p99_ms, end_to_end_p99_ms: .end_to_end_latency.p99_ms}'; }
echo "quiet:"; run a
( while :; do curl -s -o /dev/null 127.0.0.1:10980/metrics; curl -s -o /dev/null 127.0.0.1:10980/api/v1/groups; curl -s -o /dev/null 127.0.0.1:10980/api/v1/topics; done ) &
scraper=$!
echo "with a scraper:"; run b
kill $scraper
n=0; start=$(date +%s%N); for i in $(seq 200); do curl -s -o /dev/null 127.0.0.1:10980/metrics; done; end=$(date +%s%N)
echo "/metrics: $(( (end-start)/200000 )) us per scrape (curl included), $(curl -s 127.0.0.1:10980/metrics | wc -c) bytes"
kill $pid; wait $pid || true
rm -rf "$dir"
