#!/usr/bin/env bash
# Installs, with apt-get, whatever Berth needs to build and test that is not installed yet.
# Idempotent; runs apt-get only when something is missing. Uses sudo when not root.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev binutils
  libboost-dev libtomlplusplus-dev libspdlog-dev libfmt-dev libcli11-dev nlohmann-json3-dev
  prometheus-cpp-dev libgtest-dev libgmock-dev libxxhash-dev libbenchmark-dev strace
  liblua5.4-dev  # plugins/filter-lua
  libssl-dev openssl  # plugins/transport-tls, the client's TLS; tests make certificates and run s_client
  jq  # bench/*/run.sh read berth-bench's JSON
  chromium  # tests/dashboard: a real headless browser loads the admin dashboard (playwright-core drives it; it downloads no browser)
  libsystemd-dev  # berthd tells systemd it is ready, reloading, stopping (sd_notify)
  dpkg-dev  # cpack -G DEB computes the package's dependencies with dpkg-shlibdeps
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc  # plugins/transport-grpc
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# Node.js and npm: the RocketMQ client's .proto files (transport-grpc) and tests/compat. A
# machine with Node.js from elsewhere (its own npm inside) is left as it is.
if ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "installing: ${missing[*]}"
sudo=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
