#!/usr/bin/env bash
# Installs Debian's `chromium` (headless editor checks of the e2e suite) when it is missing.
# Idempotent and instant when it is there. Needs root for apt (CI runs as root).
#
#   bash test/scripts/install-chromium.sh     prints the path of the chromium binary
set -euo pipefail
bin="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$bin" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "install-chromium: $bin is missing; run as root: apt-get install -y chromium" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	lock_wait=(-o DPkg::Lock::Timeout=300)
	timeout 600 apt-get "${lock_wait[@]}" update -qq >/dev/null || echo "install-chromium: apt-get update failed, trying the install anyway" >&2
	timeout 900 apt-get "${lock_wait[@]}" install -y -qq --no-install-recommends chromium >/dev/null
fi
[ -x "$bin" ] || { echo "install-chromium: $bin still missing after apt-get install" >&2; exit 1; }
echo "$bin"
