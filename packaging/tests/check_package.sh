#!/usr/bin/env bash
# The Debian package as an operator gets it: `cpack -G DEB` in the build tree, then its file
# list, its control data and maintainer scripts, and the extracted berthd finding the
# extracted plugins beside itself.
#   check_package.sh <build dir> <version> [cpack]
set -euo pipefail
build=$1
version=$2
cpack=${3:-cpack}

if ! command -v dpkg-deb >/dev/null || ! command -v dpkg-shlibdeps >/dev/null; then
  echo "dpkg-deb or dpkg-shlibdeps not found (scripts/install-deps.sh installs dpkg-dev): skipped"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unset BERTH_PLUGIN_PATH  # berthd must find the package's plugins by itself

if ! (cd "$build" && "$cpack" -G DEB -B "$work/out" >"$work/cpack.log" 2>&1); then
  cat "$work/cpack.log"
  exit 1
fi
deb=$(echo "$work"/out/berth_"$version"_*.deb)
[[ -f $deb ]] || { echo "no package made:"; ls "$work/out"; exit 1; }

failed=0
fail() { echo "FAIL: $*"; failed=1; }

listing=$(dpkg-deb -c "$deb" | awk '{print $6}')
for file in usr/bin/berthd usr/bin/berthctl usr/bin/berth-bench \
            etc/berth/berth.toml lib/systemd/system/berthd.service \
            usr/include/berth/abi/berth_abi.h usr/include/berth/plugin/plugin.hpp \
            usr/lib/cmake/BerthSDK/BerthSDKConfig.cmake usr/lib/cmake/BerthSDK/BerthPlugin.cmake \
            usr/share/doc/berth/operations.md; do
  grep -qx "./$file" <<<"$listing" || fail "/$file is not in the package"
done
built_plugins=0
for plugin in "$build"/lib/berth/libberth-*.so; do
  built_plugins=$((built_plugins + 1))
  grep -qx "./usr/lib/berth/$(basename "$plugin")" <<<"$listing" ||
    fail "plugin $(basename "$plugin") is not in /usr/lib/berth"
done

dpkg-deb -e "$deb" "$work/control"
grep -qx /etc/berth/berth.toml "$work/control/conffiles" || fail "berth.toml is not a conffile"
for script in postinst prerm postrm; do
  [[ -x $work/control/$script ]] || fail "$script missing or not executable"
done
grep -q "adduser --system" "$work/control/postinst" || fail "postinst does not create the berth user"
depends=$(dpkg-deb -f "$deb" Depends)
for dependency in adduser libsystemd0 libc6; do
  grep -q "$dependency" <<<"$depends" || fail "Depends lacks $dependency: $depends"
done

dpkg-deb -x "$deb" "$work/root"
berthd=$work/root/usr/bin/berthd
"$berthd" --version | grep -q "^berthd $version " || fail "berthd --version: $("$berthd" --version)"
plugins=$("$berthd" --list-plugins)
found=$(grep -c " $work/root/usr/lib/berth/libberth-" <<<"$plugins" || true)
[[ $found -eq $built_plugins ]] ||
  fail "berthd --list-plugins found $found of $built_plugins plugins in $work/root/usr/lib/berth:
$plugins"
"$berthd" --check-config "$work/root/etc/berth/berth.toml" >"$work/check.log" 2>&1 ||
  fail "the packaged config does not check: $(cat "$work/check.log")"

[[ $failed -eq 0 ]] || exit 1
echo "$(basename "$deb"): $(wc -l <<<"$listing") entries, $built_plugins plugins, berthd runs from it"
