#!/usr/bin/env bash
# Usage: build_example.sh <berth build dir> <example source dir>
# Installs the SDK component into a temporary prefix, copies the example out of the tree,
# builds it with only that prefix, checks its exports, runs berthd with it and PINGs it.
set -euo pipefail
build=$1
example=$2
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
pid=

cmake --install "$build" --component sdk --prefix "$work/sdk" > "$work/install.log"
[[ -f "$work/sdk/include/berth/abi/berth_abi.h" ]] || { echo "SDK headers not installed"; exit 1; }
[[ -f "$work/sdk/include/berth/plugin/testing/fake_host.hpp" ]] \
  || { echo "the SDK's fake host for plugin unit tests is not installed"; exit 1; }
cp -r "$example" "$work/src"   # outside the tree: nothing but the installed SDK to build against
cmake -S "$work/src" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/sdk" \
  -DCMAKE_BUILD_TYPE=Release > "$work/configure.log" || { cat "$work/configure.log"; exit 1; }
cmake --build "$work/build" > "$work/build.log" || { cat "$work/build.log"; exit 1; }
lib="$work/build/libberth-transport-ping.so"
[[ -f "$lib" ]] || { echo "the example did not produce $lib"; exit 1; }
exports=$(nm -D --defined-only "$lib" | awk '{print $NF}')
[[ "$exports" == "berth_plugin_entry" ]] || { echo "unexpected exports: $exports"; exit 1; }

cat > "$work/berth.toml" <<TOML
[admin]
listen = "127.0.0.1:0"

[broker]
name = "sdk-example"
data_dir = "$work/data"
[plugins]
search_path = ["$work/build"]
[store]
plugin = "memory"
[[transport]]
plugin = "ping"
listen = "127.0.0.1:0"
reply = "HELLO"
TOML
"$build/bin/berthd" --check-config "$work/berth.toml" | grep -q "file=$lib" \
  || { echo "berthd does not compose the example from $lib"; exit 1; }
"$build/bin/berthd" --config "$work/berth.toml" 2> "$work/berthd.log" &
pid=$!
for _ in $(seq 100); do grep -q "' listening on" "$work/berthd.log" && break; sleep 0.1; done
port=$(sed -n "s/.*' listening on 127.0.0.1:\([0-9]*\).*/\1/p" "$work/berthd.log" | head -1)
[[ -n "$port" ]] || { echo "berthd did not start the example transport"; cat "$work/berthd.log"; exit 1; }
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'PING\n' >&3
read -r -t 5 reply <&3
exec 3>&-
[[ "$reply" == "HELLO sdk-example" ]] || { echo "unexpected reply '$reply'"; cat "$work/berthd.log"; exit 1; }
kill -TERM "$pid"
wait "$pid"
echo "example plugin built against the installed SDK, loaded and answered: $reply"
