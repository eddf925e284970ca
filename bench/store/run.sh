#!/usr/bin/env bash
# The store measurements of docs/benchmarks.md: builds a Release tree (build-bench/), then runs
# each berth-store-bench scenario next to the raw baseline it is compared with. Run it on a
# quiet machine; the work files go to --dir (default: the current directory), whose file system
# is the one measured. Needs about 3 GiB free there.
#
#   bench/store/run.sh [--dir DIR] [--quick]
#
# --quick runs every scenario at a tenth of its size (a smoke run, not figures to record).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=$PWD
quick=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --dir) dir=$2; shift 2 ;;
    --quick) quick=1; shift ;;
    *) echo "usage: $0 [--dir DIR] [--quick]" >&2; exit 2 ;;
  esac
done

"$root/scripts/install-deps.sh"
cmake -S "$root" -B "$root/build-bench" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DBERTH_BUILD_TESTS=OFF > /dev/null
cmake --build "$root/build-bench" -j "$(nproc)" --target berth-store-bench
bench=("$root/build-bench/bin/berth-store-bench" --dir "$dir")

if [[ $quick == 1 ]]; then
  log_bytes=200MiB; dd_mib=200; seconds=2; messages=100000; recovery_bytes=128MiB
else
  log_bytes=2GiB; dd_mib=2048; seconds=10; messages=1000000; recovery_bytes=1GiB
fi

echo "== machine"
echo "$(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM; file system of $dir: $(df -T "$dir" | awk 'NR==2 {print $2}')"

echo "== sequential write baseline: dd, $dd_mib MiB, one fdatasync at the end"
scratch=$(mktemp -p "$dir" berth-dd-XXXXXX)
dd if=/dev/zero of="$scratch" bs=1M count="$dd_mib" conv=fdatasync 2>&1 | tail -1
rm -f "$scratch"

echo "== append-async"
"${bench[@]}" append-async --bytes "$log_bytes" 2>/dev/null
"${bench[@]}" append-async --bytes "$log_bytes" --threads 4 2>/dev/null

echo "== fdatasync baseline, then append-sync (group commit)"
"${bench[@]}" fsync-rate --seconds 3 2>/dev/null
"${bench[@]}" append-sync --seconds "$seconds" --threads 1 2>/dev/null
"${bench[@]}" append-sync --seconds "$seconds" --threads 16 2>/dev/null

echo "== read"
"${bench[@]}" read --messages "$messages" 2>/dev/null

echo "== recovery after SIGKILL"
"${bench[@]}" recovery --bytes "$recovery_bytes" 2>/dev/null
"${bench[@]}" recovery --bytes "$recovery_bytes" --rebuild 2>/dev/null
"${bench[@]}" recovery --bytes "$recovery_bytes" --rebuild --cold 2>/dev/null
