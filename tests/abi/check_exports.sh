#!/usr/bin/env bash
# Every plugin library in the given folders must export exactly one dynamic symbol,
# berth_plugin_entry (libberth-filter-noentry.so is the deliberate exception: it tests the
# loader's refusal of a library without it). Fails when a folder holds no plugin at all.
set -euo pipefail
checked=0
failed=0
for dir in "$@"; do
  for lib in "$dir"/libberth-*.so; do
    [[ -e "$lib" ]] || continue
    [[ "$(basename "$lib")" == "libberth-filter-noentry.so" ]] && continue
    symbols=$(nm -D --defined-only "$lib" | awk '{print $NF}' | sort)
    if [[ "$symbols" != "berth_plugin_entry" ]]; then
      echo "FAIL $lib exports:"
      echo "$symbols" | sed 's/^/  /'
      failed=$((failed + 1))
    fi
    checked=$((checked + 1))
  done
done
if [[ $checked -eq 0 ]]; then
  echo "no plugin libraries found in: $*"
  exit 1
fi
echo "$checked plugin libraries checked, $failed with extra exports"
[[ $failed -eq 0 ]]
