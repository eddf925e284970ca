#!/usr/bin/env bash
# Build and run every test: a normal build, an ASan+UBSan build, and bounded fuzz runs
# (clang libFuzzer). Each stage uses its own build tree; any failure fails the script.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)
"$root/scripts/install-deps.sh"

stage() { echo; echo "==== $* ===="; }

# Line tables (-g1) are enough for the backtraces of a failed test and take a third less time to
# compile than full debug info; -Og halves the sanitizer build's compile time against -O0.
stage "normal build (RelWithDebInfo) and tests"
cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" \
  > /dev/null
cmake --build "$root/build" -j "$jobs"
ctest --test-dir "$root/build" --output-on-failure -j "$jobs"

stage "sanitizer build (ASan+UBSan) and tests"
cmake -S "$root" -B "$root/build-asan" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DBERTH_SANITIZE=ON \
  -DCMAKE_CXX_FLAGS_DEBUG="-Og -g1" -DCMAKE_C_FLAGS_DEBUG="-Og -g1" -DBERTH_BUILD_BENCH=OFF > /dev/null
cmake --build "$root/build-asan" -j "$jobs"
# use_tls=0: LeakSanitizer's exit-time scan of the main thread's TLS crashed ("Tracer caught
# signal 11") in berthd processes started by the integration tests, not in berthd started
# from a shell; with TLS not scanned as roots a leak is still reported (it can only report
# more, never hide one). The cause is not understood yet (the stop 20 closing note).
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 LSAN_OPTIONS=use_tls=0 \
  ctest --test-dir "$root/build-asan" --output-on-failure -j "$jobs"

stage "fuzz build (clang libFuzzer) and bounded runs"
CC=clang CXX=clang++ cmake -S "$root" -B "$root/build-fuzz" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DBERTH_FUZZ=ON > /dev/null
cmake --build "$root/build-fuzz" -j "$jobs" --target berth_fuzzers
# Each fuzzer runs on one core: two at a time.
ctest --test-dir "$root/build-fuzz" --output-on-failure -L fuzz -j "$jobs"
