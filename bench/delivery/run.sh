#!/usr/bin/env bash
# The delivery measurements of docs/benchmarks.md (issue 5): builds a Release tree
# (build-bench/), starts berthd (tcp on loopback, mmap store under --dir, flush async) and runs
# berth-bench against it:
#   a. pending timers: berthd's memory (VmRSS, and RssAnon: the heap, without the mapped log)
#      and idle CPU (utime + stime from /proc/PID/stat) empty, then with 1 000 000 messages of
#      128 B parked for an hour; how long producing them took; restart time and memory after
#      the restart, with the count of timers the broker reloaded (its log).
#   b. lateness: 1 producer at 2000 msg/s of messages delivered 5 s after their send, 2 push
#      consumers; alone, then next to a second berth-bench producing without limit to another
#      topic.
#   c. pop/ack against pull: a backlog (2 producers, 10 s, unlimited, 128 B, 8 queues) read by
#      2 push consumers of a new group, then by 2 (and 8) pop consumers of new groups.
# and prints markdown tables. The broker and the benchmarks share the machine.
#
#   bench/delivery/run.sh [--dir DIR] [--quick] [--port PORT]
#
# --quick: 100 000 timers, 30 s idle windows, shorter runs (a smoke run, not figures to
# record). BERTH_JOBS sets the build's -j.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
parse_bench_args 10961 "$@"
timers=1000000 idle=60 lateness_run=30 backlog_run=10
[[ $quick == 1 ]] && timers=100000 idle=30 lateness_run=8 backlog_run=2

build_bench_targets berthd berth-bench berth-store-mmap berth-transport-tcp
server="127.0.0.1:$port"
clk_tck=$(getconf CLK_TCK)

berthd_pid=
stop_broker() {
  if [[ -n $berthd_pid ]]; then
    kill -TERM "$berthd_pid" 2>/dev/null || true
    wait "$berthd_pid" 2>/dev/null || true
    berthd_pid=
  fi
}
load_pid=
stop_all() {
  [[ -n $load_pid ]] && kill -TERM "$load_pid" 2>/dev/null || true
  stop_broker
}
trap stop_all EXIT

now() { date +%s.%N; }
seconds_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

# Starts berthd on the work dir $1 (made anew with $2 = fresh) and waits until it listens;
# sets berthd_pid and started_in (seconds from exec to listening).
start_broker() {
  local work=$1 fresh=$2
  if [[ $fresh == fresh ]]; then
    rm -rf "$work"
    mkdir -p "$work"
    sed -e "s|@DATA_DIR@|$work/data|" -e "s|@PORT@|$port|" \
      "$root/bench/delivery/berthd.toml.in" > "$work/berth.toml"
  fi
  local t0
  t0=$(now)
  "$bin/berthd" --config "$work/berth.toml" 2>> "$work/berthd.log" &
  berthd_pid=$!
  for _ in $(seq 6000); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      started_in=$(seconds_since "$t0")
      return 0
    fi
    if ! kill -0 "$berthd_pid" 2>/dev/null; then cat "$work/berthd.log" >&2; exit 1; fi
    sleep 0.02
  done
  echo "berthd did not listen on $server" >&2
  exit 1
}

kib() { awk -v f="$1:" '$1 == f { print $2 }' "/proc/$berthd_pid/status"; }  # VmRSS, RssAnon
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
cpu_ticks() {  # utime + stime; the fields after the command name, which may hold spaces
  local f
  read -ra f < <(sed 's/^.*) //' "/proc/$berthd_pid/stat")
  echo $((f[11] + f[12]))
}
idle_cpu() {  # CPU-ms per second over $1 s
  local t0 t1
  t0=$(cpu_ticks)
  sleep "$1"
  t1=$(cpu_ticks)
  awk -v d=$((t1 - t0)) -v hz="$clk_tck" -v s="$1" 'BEGIN { printf "%.2f", d * 1000 / hz / s }'
}

bench_json() {  # berth-bench options; its JSON report on stdout ("" when it failed to run)
  "$bin/berth-bench" --server "$server" --output json "$@" 2>/dev/null || true
}

echo "== machine" >&2
machine="$(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(df -T "$dir" | awk 'NR==2 {print $2}') under $dir; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$machine" >&2

# --- a. pending timers
echo "== a. $timers pending timers" >&2
work="$dir/berth-delivery-timers"
start_broker "$work" fresh
first_start=$started_in
sleep 2
rss0=$(kib VmRSS) anon0=$(kib RssAnon)
echo "empty: VmRSS $(mib "$rss0"), RssAnon $(mib "$anon0"); idle CPU over ${idle} s..." >&2
cpu0=$(idle_cpu "$idle")
out=$(bench_json --topic timers --queues 8 --producers 4 --size 128 --messages "$timers" \
  --deliver-after 1h --duration 30m)
[[ -n $out ]] || { echo "berth-bench failed to produce the timers" >&2; exit 1; }
produced=$(jq -r .produced <<< "$out")
produce_s=$(jq -r '.produce_seconds * 100 | round / 100' <<< "$out")
produce_rate=$(jq -r '.produced_msgs_per_s | round' <<< "$out")
produce_errors=$(jq -r .errors <<< "$out")
sleep 5  # the timer service loads what arrived (it is behind the acks by a wake-up at most)
rss1=$(kib VmRSS) anon1=$(kib RssAnon)
echo "with $produced pending: VmRSS $(mib "$rss1"), RssAnon $(mib "$anon1"); idle CPU..." >&2
cpu1=$(idle_cpu "$idle")
per_timer=$(awk -v a="$anon1" -v b="$anon0" -v n="$produced" 'BEGIN { printf "%.1f", (a - b) * 1024 / n }')
per_timer_rss=$(awk -v a="$rss1" -v b="$rss0" -v n="$produced" 'BEGIN { printf "%.1f", (a - b) * 1024 / n }')
t0=$(now)
stop_broker
stopped_in=$(seconds_since "$t0")
start_broker "$work" keep
restart_in=$started_in
sleep 2
rss2=$(kib VmRSS) anon2=$(kib RssAnon)
reloaded=$(grep -o '[0-9]* timed message(s) pending' "$work/berthd.log" | tail -1 | cut -d' ' -f1)
echo "restarted in $restart_in s: $reloaded reloaded; VmRSS $(mib "$rss2"), RssAnon $(mib "$anon2"); idle CPU..." >&2
cpu2=$(idle_cpu "$idle")
stop_broker

# --- b. lateness, c. pop/ack against pull: one fresh broker
work="$dir/berth-delivery-load"
start_broker "$work" fresh
rows=()
row() {  # scenario, then berth-bench's JSON
  rows+=("$(jq -r --arg what "$1" '
    def f(x): (x * 100 | round) / 100;
    def lat(l): if l.count == 0 then "–" else "\(f(l.p50_ms)) / \(f(l.p99_ms)) / \(f(l.p999_ms)) / \(f(l.max_ms))" end;
    "| \($what) | \(.producers) / \(.consumers)\(if .pop then " pop" else "" end) | " +
    (if .producers > 0 then "\(.produced_msgs_per_s | round) msg/s (\(.produced) msgs)" else "–" end) + " | " +
    (if .consumers > 0 then "\(.consumed_msgs_per_s | round) msg/s (\(.consumed) msgs\(if .pop then ", \(.pop_acks) acks" else "" end))" else "–" end) + " | " +
    "\(lat(.end_to_end_latency)) | \(lat(.lateness))\(if .early > 0 then " (\(.early) early!)" else "" end) | \(.errors) / \(.consume_errors) |"' <<< "$2")")
  echo "${rows[-1]}" >&2
}
failed_row() { rows+=("| $1 | failed | | | | | |"); echo "${rows[-1]}" >&2; }
run_row() {  # scenario, then berth-bench options
  local what=$1 out
  shift
  out=$(bench_json "$@")
  if [[ -n $out ]]; then row "$what" "$out"; else failed_row "$what"; fi
}

echo "== b. lateness" >&2
delayed=(--topic delayed --queues 8 --producers 1 --consumers 2 --size 128 --rate 2000
  --deliver-after 5s --duration "${lateness_run}s")
run_row "timed, 5 s, at 2000 msg/s, alone" "${delayed[@]}" --group late-alone
load_out="$work/load.json"
"$bin/berth-bench" --server "$server" --output json --topic plain --queues 8 --producers 1 \
  --size 128 --duration "$((lateness_run + 10))s" > "$load_out" 2>/dev/null &
load_pid=$!
sleep 2  # the load runs before the first timed message and until after the last is due
run_row "timed, 5 s, at 2000 msg/s, next to the load below" "${delayed[@]}" --group late-loaded
wait "$load_pid" || true
load_pid=
if [[ -s $load_out ]]; then
  row "the load: plain messages, unlimited" "$(cat "$load_out")"
else
  failed_row "the load"
fi

echo "== c. pop/ack against pull" >&2
run_row "backlog: plain, unlimited" --topic backlog --queues 8 --producers 2 --size 128 \
  --duration "${backlog_run}s"
run_row "backlog read by pull (push consumers)" --topic backlog --producers 0 --consumers 2 \
  --from earliest --group pull-2 --duration 300s
run_row "backlog read by pop + ack" --topic backlog --producers 0 --consumers 2 --pop \
  --group pop-2 --duration 300s
run_row "backlog read by pop + ack" --topic backlog --producers 0 --consumers 8 --pop \
  --group pop-8 --duration 300s
stop_broker

echo
echo "Machine: $machine."
echo
echo "| pending timers: $produced messages of 128 B, delivered after 1 h | figure |"
echo "|---|---|"
echo "| berthd empty (started in $first_start s) | VmRSS $(mib "$rss0"), RssAnon $(mib "$anon0"); idle CPU **$cpu0 ms/s** over $idle s |"
echo "| produce them (4 producers, 64 in flight each) | **$produce_s s** ($produce_rate msg/s), $produce_errors errors |"
echo "| berthd with them pending | VmRSS $(mib "$rss1") ($per_timer_rss B per timer), RssAnon $(mib "$anon1") (**$per_timer B per timer** over empty); idle CPU **$cpu1 ms/s** over $idle s |"
echo "| stop (SIGTERM) | $stopped_in s |"
echo "| restart on the same data dir, to listening | **$restart_in s**; the log: $reloaded timed message(s) pending |"
echo "| berthd after the restart | VmRSS $(mib "$rss2"), RssAnon $(mib "$anon2"); idle CPU **$cpu2 ms/s** over $idle s |"
echo
echo "| scenario | producers / consumers | produced | consumed | end-to-end ms p50 / p99 / p99.9 / max | lateness ms p50 / p99 / p99.9 / max | errors send / consume |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
