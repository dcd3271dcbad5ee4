#!/usr/bin/env bash
# Installs Debian's `chromium` (headless editor checks of the e2e suite) when it is missing.
# Idempotent and instant when it is there. Installs through apt-install.sh (root; CI runs as root).
#
#   bash test/scripts/install-chromium.sh     prints the path of the chromium binary
set -euo pipefail
bin="${CHROMIUM:-/usr/bin/chromium}"
[ -x "$bin" ] || bash "$(dirname "$0")/apt-install.sh" chromium
[ -x "$bin" ] || { echo "install-chromium: $bin still missing after apt-get install" >&2; exit 1; }
echo "$bin"
