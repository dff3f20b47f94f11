#!/usr/bin/env bash
# Installs a real Learning Record Store for the xAPI integration tests:
# Learning Locker's statement service, the npm package xapi-statements, run
# with in-memory models and storage and Debian's redis-server (listed in
# .ci/deps/apt.txt). The tests start and stop it themselves on 127.0.0.1.
#
# Output: $TIDBIT_CI_CACHE (default $HOME/.cache/tidbit-ci)/lrs-<version>/package,
# reused when present. Use: export TIDBIT_LRS_DIR=$(.ci/lrs.sh)
set -euo pipefail

version=5.0.1
cache=${TIDBIT_CI_CACHE:-$HOME/.cache/tidbit-ci}
out="$cache/lrs-$version"
pkg="$out/package"

# The package folder is moved into place only after a complete install, so
# its presence means it is usable.
if [ -f "$pkg/dist/index.js" ] && [ -d "$pkg/node_modules" ]; then
  echo "$pkg"
  exit 0
fi

command -v npm >/dev/null 2>&1 || { echo "lrs.sh: npm (Node.js >= 20) is needed" >&2; exit 1; }
mkdir -p "$out"
work=$(mktemp -d "$out/.work-XXXXXX")
trap 'rm -rf "$work"' EXIT
(
  cd "$work"
  npm pack --silent "xapi-statements@$version" >&2
  tar xzf "xapi-statements-$version.tgz"
  cd package
  npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >&2
)
rm -rf "$pkg"
mv "$work/package" "$pkg"
echo "$pkg"
