#!/usr/bin/env bash
# Berth against NATS JetStream and Redis Streams, side by side (docs/benchmarks.md, issue 12).
# Installs nats-server, redis-server, libnats-dev, libhiredis-dev and jq when missing, builds
# berthd, berth-bench and the peers' load generators (nats_load, redis_load: the peers' own
# C clients), then for each row and each system starts a fresh server on loopback in a work
# folder under --dir, runs the row 3 times (medians are reported), samples the server's CPU
# time (/proc/PID/stat) and memory (/proc/PID/status), and stops it. Writes
# bench/results/compare-<date>.md and .json and prints the markdown.
#
#   bench/compare/run.sh [--dir DIR] [--quick] [--port PORT]
#
# --quick: 1 s runs, 1 run a row, a small backlog (a smoke run, not figures to record).
# --port: the first port tried; every server takes the next free one. BERTH_BENCH_TREE=DIR
# measures an already built tree; BERTH_BUILD_LOCK=FILE builds under `flock FILE` (a tree
# other people build in too). BERTH_JOBS sets the build's -j.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
parse_bench_args 10971 "$@"
here="$root/bench/compare"
started=$SECONDS
seconds=5 runs=3 backlog=500000
if [[ $quick == 1 ]]; then seconds=1 runs=1 backlog=50000; fi

install_peers() {
  local missing=() p sudo=()
  for p in nats-server redis-server libnats-dev libhiredis-dev jq; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$p")
  done
  [[ ${#missing[@]} -eq 0 ]] && return
  [[ $(id -u) -ne 0 ]] && sudo=(sudo)
  echo "installing: ${missing[*]}" >&2
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
}
install_peers
nats_server=$(command -v nats-server || echo /usr/sbin/nats-server)
redis_server=$(command -v redis-server || echo /usr/bin/redis-server)

if [[ -n ${BERTH_BUILD_LOCK:-} ]]; then
  exec {lock_fd}> "$BERTH_BUILD_LOCK"
  flock "$lock_fd"
fi
build_bench_targets berthd berth-bench berth-store-mmap berth-transport-tcp nats_load redis_load
if [[ -n ${lock_fd:-} ]]; then exec {lock_fd}>&-; fi

measuring_since=$SECONDS  # the build may have waited for a lock; the figures start here
work=$(mktemp -d "$dir/compare.XXXXXX")
runs_file="$work/runs.jsonl" rows_file="$work/rows.jsonl" memory_file="$work/memory.jsonl"
touch "$runs_file" "$rows_file" "$memory_file"
tck=$(getconf CLK_TCK)
next_port=$port
server_pid=

stop_server() {
  if [[ -n $server_pid ]]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=
  fi
}
cleanup() {
  stop_server
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {  # the first port from $1 on that nothing on loopback listens on
  local p=$1
  while (exec 3<> "/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
  echo "$p"
}

start_server() {  # system (berth, nats, redis), durability (async, sync), its work folder
  local system=$1 durability=$2 folder=$3 fsync=everysec
  mkdir -p "$folder"
  port=$(free_port "$next_port")
  next_port=$((port + 1))
  case $system in
    berth)
      sed -e "s|@DATA_DIR@|$folder/data|" -e "s|@FLUSH@|$durability|" -e "s|@PORT@|$port|" \
        "$here/berthd.toml.in" > "$folder/berthd.toml"
      "$bin/berthd" --config "$folder/berthd.toml" > "$folder/server.log" 2>&1 &
      ;;
    nats)
      sed -e "s|@PORT@|$port|" -e "s|@STORE_DIR@|$folder/jetstream|" "$here/nats.conf.in" \
        > "$folder/nats.conf"
      "$nats_server" -c "$folder/nats.conf" > "$folder/server.log" 2>&1 &
      ;;
    redis)
      [[ $durability == sync ]] && fsync=always
      sed -e "s|@PORT@|$port|" -e "s|@DIR@|$folder|" -e "s|@APPENDFSYNC@|$fsync|" \
        "$here/redis.conf.in" > "$folder/redis.conf"
      "$redis_server" "$folder/redis.conf" > "$folder/server.log" 2>&1 &
      ;;
  esac
  server_pid=$!
  for _ in $(seq 100); do
    if (exec 3<> "/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    if ! kill -0 "$server_pid" 2>/dev/null; then cat "$folder/server.log" >&2; exit 1; fi
    sleep 0.1
  done
  echo "$system did not listen on 127.0.0.1:$port" >&2
  exit 1
}

load() {  # system, then its generator's options: prints the run's JSON (nothing if it failed)
  local system=$1
  shift
  case $system in
    berth) "$bin/berth-bench" --server "127.0.0.1:$port" --output json "$@" ;;
    nats) "$bin/nats_load" --server "127.0.0.1:$port" "$@" ;;
    redis) "$bin/redis_load" --server "127.0.0.1:$port" "$@" ;;
  esac 2>> "$work/load.log" || true
}

server_cpu_seconds() {  # utime + stime of the server and its reaped children (Redis' rewrites)
  awk -v tck="$tck" '{sub(/^.*\) /, ""); print ($12 + $13 + $14 + $15) / tck}' \
    "/proc/$server_pid/stat"
}

measure() {  # row, system, then the options: one run into runs.jsonl with the server's CPU
  local row=$1 system=$2 before after out
  shift 2
  before=$(server_cpu_seconds)
  out=$(load "$system" "$@")
  after=$(server_cpu_seconds)
  if ! jq -e 'type == "object"' > /dev/null 2>&1 <<< "$out"; then
    echo "$row $system: no result from: $*" >&2
    out='{"failed": true}'
  fi
  jq -c --arg row "$row" --arg system "$system" \
    --argjson cpu "$(awk -v a="$before" -v b="$after" 'BEGIN {print b - a}')" \
    --argjson load "$(cut -d' ' -f1 /proc/loadavg)" \
    '. + {row: $row, system: $system, server_cpu_s: $cpu, load_1m: $load}' <<< "$out" |
    tee -a "$runs_file" |
    jq -r '"  \(.system) \(.row): produced \(.produced_msgs_per_s // 0 | round)/s, " +
      "consumed \(.consumed_msgs_per_s // 0 | round)/s, server CPU \(.server_cpu_s) s, " +
      "errors \(.errors // "-")"' >&2
}

options() {  # system, kind, size, producers, stream: the options of one run of a produce row
  local system=$1 kind=$2 size=$3 producers=$4 stream=$5
  if [[ $system == berth ]]; then
    local base="--topic $stream --queues 8 --size $size --duration ${seconds}s"
    case $kind in
      batched) echo "$base --producers $producers --batch 32 --in-flight 8" ;;
      single) echo "$base --producers $producers --sync" ;;
      rate) echo "$base --producers 1 --consumers 1 --rate 1000" ;;
    esac
  else
    local base="--stream $stream --size $size --seconds $seconds"
    case $kind in
      batched) echo "$base --producers $producers --in-flight 256" ;;
      single) echo "$base --producers $producers --sync" ;;
      rate) echo "$base --producers 1 --consumers 1 --rate 1000" ;;
    esac
  fi
}

fill_options() {  # system, size: the backlog, $backlog messages by 4 pipelined producers
  if [[ $1 == berth ]]; then
    echo "--topic backlog --queues 8 --size $2 --producers 4 --batch 32 --in-flight 8 \
      --messages $backlog --duration 300s"
  else
    echo "--stream backlog --size $2 --producers 4 --in-flight 256 --messages $backlog \
      --seconds 300"
  fi
}

consume_options() {  # system, size, group: 2 consumers read the whole backlog as a new group
  case $1 in
    berth) echo "--topic backlog --size $2 --producers 0 --consumers 2 --from earliest \
      --group $3 --duration 120s" ;;
    nats) echo "--stream backlog --size $2 --producers 0 --consumers 2 --group $3 --fetch 512 \
      --seconds 120" ;;
    redis) echo "--stream backlog --size $2 --producers 0 --consumers 2 --group $3 --fetch 500 \
      --seconds 120" ;;
  esac
}

run_row() {  # id, title, durability, kind (batched, single, rate, backlog), size, producers
  local id=$1 title=$2 durability=$3 kind=$4 size=$5 producers=$6 system folder i
  echo "== $id: $title ($durability)" >&2
  jq -nc --arg id "$id" --arg title "$title" --arg durability "$durability" --arg kind "$kind" \
    --argjson size "$size" '{id: $id, title: $title, durability: $durability, kind: $kind,
      size: $size}' >> "$rows_file"
  for system in berth nats redis; do
    folder="$work/$id-$system"
    start_server "$system" "$durability" "$folder"
    if [[ $kind == backlog ]]; then
      # shellcheck disable=SC2046 # the options are words without spaces
      measure "$id.fill" "$system" $(fill_options "$system" "$size")
      for i in $(seq "$runs"); do
        # shellcheck disable=SC2046
        measure "$id" "$system" $(consume_options "$system" "$size" "g$i")
      done
    else
      for i in $(seq "$runs"); do
        # shellcheck disable=SC2046
        measure "$id" "$system" $(options "$system" "$kind" "$size" "$producers" "t$id")
      done
    fi
    # VmRSS counts the pages of mapped files too (Berth's commit log); RssAnon is the heap.
    awk -v row="$id" -v sys="$system" '/^VmRSS|^VmHWM|^RssAnon/ {kb[$1] = $2}
      END {printf "{\"row\":\"%s\",\"system\":\"%s\",", row, sys
           printf "\"rss_kb\":%d,\"hwm_kb\":%d,\"anon_kb\":%d}\n",
             kb["VmRSS:"], kb["VmHWM:"], kb["RssAnon:"]}' "/proc/$server_pid/status" \
      >> "$memory_file"
    stop_server
    rm -rf "$folder"
  done
}

run_row a "produce 128 B, 4 producers, 256 in flight each" async batched 128 4
run_row b "produce 1 KiB, 4 producers, 256 in flight each" async batched 1024 4
run_row c "produce 128 B, 1 producer, 256 in flight" async batched 128 1
run_row d "produce 1 KiB, 1 producer, 256 in flight" async batched 1024 1
run_row e "produce 1 KiB, 4 producers, 256 in flight each, sync durability" sync batched 1024 4
run_row f "1 producer, one 1 KiB message at a time, sync durability" sync single 1024 1
run_row g "1 producer, one 128 B message at a time" async single 128 1
run_row h "consume a backlog of 1 KiB messages, 2 consumers" async backlog 1024 0
run_row i "consume a backlog of 128 B messages, 2 consumers" async backlog 128 0
run_row j "end-to-end at 1000 msg/s, 128 B, 1 producer, 1 consumer" async rate 128 1

header=$(jq -n \
  --arg date "$(date -u +%Y-%m-%d)" \
  --arg machine "$(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM" \
  --arg filesystem "$(df -T "$dir" | awk 'NR == 2 {print $2}')" \
  --arg berthd "$(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- \
    kernel plugins sdk || echo " with uncommitted changes to kernel/plugins/sdk")" \
  --arg tree "${tree#"$root"/} ($(awk -F= '/^CMAKE_BUILD_TYPE:/ {print $2}' "$tree/CMakeCache.txt"))" \
  --arg nats "$("$nats_server" --version)" \
  --arg redis "$("$redis_server" --version | awk '{print $3}')" \
  --arg libnats "$(pkg-config --modversion libnats)" \
  --arg hiredis "$(pkg-config --modversion hiredis)" \
  --argjson seconds "$seconds" --argjson runs "$runs" --argjson backlog "$backlog" \
  --argjson elapsed "$((SECONDS - started))" --argjson measuring "$((SECONDS - measuring_since))" \
  '{date: $date, machine: $machine, filesystem: $filesystem, berthd_commit: $berthd,
    tree: $tree, nats_server: $nats, redis_server: $redis, libnats: $libnats,
    hiredis: $hiredis, seconds_per_run: $seconds, runs_per_row: $runs,
    backlog_messages: $backlog, elapsed_s: $elapsed, measuring_s: $measuring}')

results="$root/bench/results"
mkdir -p "$results"
base="$results/compare-$(date -u +%Y-%m-%d)"
[[ $quick == 1 ]] && base="$base-quick"
jq -n --argjson header "$header" --slurpfile rows "$rows_file" --slurpfile runs "$runs_file" \
  --slurpfile memory "$memory_file" -f "$here/report.jq" > "$base.json"
jq -r -f "$here/report-md.jq" "$base.json" > "$base.md"
cat "$base.md"
echo "wrote $base.md and $base.json" >&2
