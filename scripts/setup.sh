#!/usr/bin/env bash
# From a fresh clone to a server whose offline engines work: the Debian packages (through sudo when
# not root), npm dependencies with the PocketSphinx addon, the Prisma client and a build.
# Safe to run again: it installs only what is missing. VOXLENS_SKIP_APT=1 skips the Debian step.
set -euo pipefail
cd "$(dirname "$0")/.."

# Runtime: build tools for the addon, the recogniser and its English model, ffmpeg for M4A/AAC.
# Tests: sox, flite and espeak-ng make the speech the test suite listens to; poppler-utils reads the PDFs it gets back.
PACKAGES=(build-essential pkg-config python3 ffmpeg pocketsphinx pocketsphinx-en-us libpocketsphinx-dev sox flite espeak-ng poppler-utils)

major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt 20 ]; then
  echo "voxlens needs Node.js 20 or newer (found: $(node --version 2>/dev/null || echo none))." >&2
  echo "Debian 12's own nodejs is 18: install Node 20 from NodeSource (https://github.com/nodesource/distributions)" >&2
  echo "or with nvm (nvm install 20), then run this again." >&2
  exit 1
fi

if [ "${VOXLENS_SKIP_APT:-0}" != 1 ]; then
  if ! command -v apt-get >/dev/null; then
    echo "No apt-get here: install the equivalents of ${PACKAGES[*]} yourself, then run with VOXLENS_SKIP_APT=1." >&2
    exit 1
  fi
  missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "== installing Debian packages: ${missing[*]}"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

echo "== npm ci"
npm ci --no-audit --no-fund
# npm ci built the addon if the library was already there; build it again in case it was not.
if [ ! -f native/sphinx/build/Release/sphinx.node ]; then npm run build:native >/dev/null; fi

echo "== build"
npm run build >/dev/null

if node -e "require('./native/sphinx/build/Release/sphinx.node')" 2>/dev/null; then
  echo "== ready: the offline recogniser works. Start with: npm start"
else
  echo "== installed, but the offline recogniser's addon did not build: see the output of 'npm run build:native'." >&2
  exit 1
fi
