# What every bench/*/run.sh does first; sourced, not run.
#
#   source "$(dirname "$0")/../lib.sh"
#   parse_bench_args DEFAULT_PORT "$@"     # sets dir (absolute, made), quick (0/1), port
#   build_bench_targets TARGET...          # installs what is missing, builds a Release tree
#   median, percent_of A B                 # for tables of rounds
#
# After build_bench_targets: root, tree (build-bench), bin (its bin). BERTH_JOBS sets the
# build's -j. BERTH_BENCH_TREE=DIR measures an already built tree instead (its targets are
# built there, in its own build type; docs/benchmarks.md says when a figure came from one).


root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

parse_bench_args() {
  port=$1
  shift
  dir=$PWD
  quick=0
  while [[ $# -gt 0 ]]; do
    case $1 in
      --dir) dir=$2; shift 2 ;;
      --quick) quick=1; shift ;;
      --port) port=$2; shift 2 ;;
      *) echo "usage: $0 [--dir DIR] [--quick] [--port PORT]" >&2; exit 2 ;;
    esac
  done
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
}

# The median of the numbers on stdin, one a line.
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

# "a / b" as a rounded percentage.
percent_of() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.0f %%", 100 * a / b}'; }

build_bench_targets() {
  "$root/scripts/install-deps.sh"
  tree="${BERTH_BENCH_TREE:-$root/build-bench}"
  if [[ -z ${BERTH_BENCH_TREE:-} ]]; then
    cmake -S "$root" -B "$tree" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBERTH_BUILD_TESTS=OFF > /dev/null
  fi
  cmake --build "$tree" -j "${BERTH_JOBS:-$(nproc)}" --target "$@"
  bin="$tree/bin"
}
