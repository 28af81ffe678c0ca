#!/usr/bin/env bash
# Proves that the committed stripe-node-vectors.json is exactly what Stripe's official Node
# SDK (the version pinned in package.json / package-lock.json) produces: installs the pinned
# SDK, regenerates into a temp file and compares byte for byte.
#   bash tests/vectors/check.sh        exit 0 = identical, 1 = differs or generation failed
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

command -v node >/dev/null || { echo "check.sh: FAIL: node is not installed (need Node.js >= 20)" >&2; exit 1; }
command -v npm >/dev/null || { echo "check.sh: FAIL: npm is not installed" >&2; exit 1; }

if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
else
  npm install --no-audit --no-fund --loglevel=error
fi

tmp="$(mktemp "${TMPDIR:-/tmp}/stripe-node-vectors.XXXXXX.json")"
trap 'rm -f "$tmp"' EXIT

if ! node generate.mjs --out "$tmp"; then
  echo "check.sh: FAIL: generate.mjs failed (see above)" >&2
  exit 1
fi

if [ ! -f stripe-node-vectors.json ]; then
  echo "check.sh: FAIL: tests/vectors/stripe-node-vectors.json is not committed" >&2
  exit 1
fi

if ! cmp -s "$tmp" stripe-node-vectors.json; then
  echo "check.sh: FAIL: tests/vectors/stripe-node-vectors.json differs from what generate.mjs produces" >&2
  echo "check.sh: with the pinned stripe SDK; regenerate with: cd tests/vectors && npm ci && node generate.mjs" >&2
  diff -u stripe-node-vectors.json "$tmp" | head -n 40 >&2 || true
  exit 1
fi

echo "check.sh: OK: stripe-node-vectors.json is byte-identical to a fresh generation"
