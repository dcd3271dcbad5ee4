#!/usr/bin/env bash
# Installs the services the scale suite needs, from Debian packages: redis-server and postgresql.
# Idempotent and fast when both are already there (no apt call at all then). Needs root for apt
# (CI runs as root); as another user it only checks and explains.
#
#   bash test/scale/install-services.sh     prints "redis-server=<path> postgres-bin=<dir>"
set -euo pipefail

pg_bin() {
	local dir
	for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ]; then echo "$dir"; return 0; fi
	done
	return 1
}

have_all() { command -v redis-server >/dev/null 2>&1 && pg_bin >/dev/null; }

if ! have_all; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "install-services: redis-server and/or postgresql are missing; run as root: apt-get install -y redis-server postgresql" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	# A package install must not start the system services (we run our own, on free ports).
	policy=/usr/sbin/policy-rc.d
	created_policy=0
	if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod +x "$policy"; created_policy=1; fi
	trap '[ "$created_policy" = 1 ] && rm -f "$policy"' EXIT
	lock_wait=(-o DPkg::Lock::Timeout=300)
	timeout 600 apt-get "${lock_wait[@]}" update -qq >/dev/null || echo "install-services: apt-get update failed, trying the install anyway" >&2
	timeout 900 apt-get "${lock_wait[@]}" install -y -qq --no-install-recommends redis-server postgresql >/dev/null
fi

have_all || { echo "install-services: still missing after apt-get install" >&2; exit 1; }
echo "redis-server=$(command -v redis-server) postgres-bin=$(pg_bin)"
