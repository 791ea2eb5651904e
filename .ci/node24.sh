#!/usr/bin/env bash
# Prints the absolute path of a Node 24 binary, installing the npm registry package node@24 into a
# private prefix under /tmp on first use. Only the path goes to stdout, so callers can write
# NODE24=$(bash .ci/node24.sh). The project's package.json and node_modules are never touched.
set -euo pipefail

PREFIX=${STRONGROOM_NODE24_PREFIX:-/tmp/strongroom-node24}
# node@24 ships no binary itself: its preinstall script installs node-<platform>-<arch> at the same
# version and hard-links that package's bin/node to node_modules/node/bin/node.
BIN="$PREFIX/node_modules/node/bin/node"

is_node24() { [[ -x $BIN ]] && [[ $("$BIN" --version 2>/dev/null) == v24.* ]]; }

if ! is_node24; then
  mkdir -p "$PREFIX"
  # Serialise concurrent first runs so two installs never write the same prefix.
  exec 9>"$PREFIX.lock"
  flock 9
  if ! is_node24; then
    echo "[node24] installing node@24 into $PREFIX" >&2
    # The prefix's own package.json keeps npm from walking up to an enclosing project and approves
    # exactly the one install script that fetches the binary (npm 11's allowScripts gate; the
    # --allow-scripts flag is refused for project-scoped installs).
    printf '{ "private": true, "allowScripts": { "node": true } }\n' >"$PREFIX/package.json"
    (cd "$PREFIX" && npm install --prefix "$PREFIX" --no-save --no-audit --no-fund \
      --no-package-lock node@24 >&2)
  fi
  flock -u 9
  if ! is_node24; then
    echo "[node24] $BIN is missing or does not report v24" >&2
    exit 1
  fi
fi

printf '%s\n' "$BIN"
