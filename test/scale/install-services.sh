#!/usr/bin/env bash
# Installs the services the scale suite needs, from Debian packages: redis-server and postgresql.
# Idempotent and fast when both are already there (no apt call at all then). Installs through
# test/scripts/apt-install.sh, which needs root (CI runs as root).
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

have_all || bash "$(dirname "$0")/../scripts/apt-install.sh" redis-server postgresql

have_all || { echo "install-services: still missing after apt-get install" >&2; exit 1; }
echo "redis-server=$(command -v redis-server) postgres-bin=$(pg_bin)"
