#!/usr/bin/env bash
# Build berthd and its plugins (Release) and run it in the foreground on config/berth.toml.
# Ctrl-C (SIGINT) or SIGTERM stops it gracefully. Extra arguments go to berthd.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
cmake -S "$root" -B "$root/build-release" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DBERTH_BUILD_TESTS=OFF > /dev/null
cmake --build "$root/build-release"
exec "$root/build-release/bin/berthd" --config "$root/config/berth.toml" "$@"
