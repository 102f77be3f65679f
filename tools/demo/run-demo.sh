#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `make run`: the server on its embedded defaults (SQLite under one data directory) with a local
# sentinel, a short built-in demo attack, and the console where a display exists. The demo never
# touches this host's firewall: its sentinel runs with respond.enforce off (dry run).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
data="$root/.vanopticon/demo"
port=${VANOPTICON_DEMO_PORT:-8470}
url="http://127.0.0.1:$port"

mkdir -p "$data"
chmod 700 "$root/.vanopticon" "$data"

# The administrator's password: chosen once, kept (mode 600) so later runs can show it again.
if [ ! -s "$data/admin-password" ]; then
    (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$data/admin-password")
fi
password=$(cat "$data/admin-password")

cat > "$data/sentinel.yaml" <<YAML
# Written by tools/demo/run-demo.sh: the demo's local sentinel.
collector:
  sources:
    - type: syslog
      path: $data/auth.log
      format: rfc3164
      start_at: end
respond:
  enforce: false   # the demo answers commands as a dry run; this host's firewall is not changed
transmitter:
  heartbeat_interval: 5s
YAML
cat > "$data/server.yaml" <<YAML
# Written by tools/demo/run-demo.sh.
server:
  listen: 127.0.0.1:$port
  data_dir: $data/server
  correlation_rules: $root/resources/rules/correlation
  policies: $root/resources/policies
  local_sentinel: $data/sentinel.yaml
YAML
touch "$data/auth.log"

pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

VANOPTICON_ADMIN_PASSWORD="$password" "$build/bin/vanopticond" --config "$data/server.yaml" \
    > >(sed 's/^/[server] /') 2>&1 &
pids+=($!)

for _ in $(seq 1 50); do
    curl -fsS "$url/api/v1/health" >/dev/null 2>&1 && break
    sleep 0.2
done
if ! curl -fsS "$url/api/v1/health" >/dev/null 2>&1; then
    echo "run-demo: the server did not come up on $url (is the port taken? set VANOPTICON_DEMO_PORT)" >&2
    exit 1
fi

cat <<INFO

  Vanopticon is running: $url   (data in $data)
  Sign in as: admin / $password

INFO

console=$(find "$build" -name vanopticon-console -type f -perm -u+x 2>/dev/null | head -n 1)
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -n "$console" ]; then
    VANOPTICON_CONSOLE_PASSWORD="$password" "$console" --server "$url" --user admin &
    pids+=($!)
    echo "  The console is open: approve or deny the block requests it shows."
else
    echo "  No display here: the live stream follows. Approve a block with:"
    echo "    curl -s -X POST -H \"Authorization: Bearer \$TOKEN\" $url/api/v1/approvals/ID/approve -d '{\"reason\":\"…\"}'"
    echo "  (TOKEN from: curl -s -X POST $url/api/v1/auth/login -d '{\"username\":\"admin\",\"password\":\"…\"}')"
fi
echo

VANOPTICON_PASSWORD="$password" "$build/bin/vanopticonctl" watch --server "$url" &
pids+=($!)
sleep 1
"$build/bin/vanopticonctl" demo-attack --log "$data/auth.log"
echo
echo "  Press Ctrl-C to stop."
wait "${pids[0]}"
