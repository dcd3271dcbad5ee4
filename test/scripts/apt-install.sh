#!/usr/bin/env bash
# Installs Debian packages for the test suites (no recommends, without starting their system
# services: the suites run their own on free ports). Needs root (CI runs as root); as another user it
# explains what to run and fails.
#
#   bash test/scripts/apt-install.sh <package>...
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then
	echo "apt-install: $* missing; run as root: apt-get install -y $*" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# A package install must not start the system services.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod +x "$policy"; created_policy=1; fi
trap '[ "$created_policy" = 1 ] && rm -f "$policy"' EXIT
lock_wait=(-o DPkg::Lock::Timeout=300)
timeout 600 apt-get "${lock_wait[@]}" update -qq >/dev/null || echo "apt-install: apt-get update failed, trying the install anyway" >&2
timeout 900 apt-get "${lock_wait[@]}" install -y -qq --no-install-recommends "$@" >/dev/null
