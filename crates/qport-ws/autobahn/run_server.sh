#!/usr/bin/env bash
# Autobahn|Testsuite against our server: ws_echo (release, permessage-deflate on) on a free
# loopback port, tested by the fuzzingclient recipe beside this script (fuzzingclient.sh,
# our copy of the team's shared recipe, so a clean checkout has all it needs). By default
# sections 1-10, strict.
#
#   crates/qport-ws/autobahn/run_server.sh [REPORT_DIR]      (default target/autobahn/server)
#
# Environment: CASES (default sections 1-7, 9, 10), STRICT (default 1); the rest (AB_HOME,
# EXCLUDE, AB_TIMEOUT) as fuzzingclient.sh reads them. The first run installs wstest (1-2 minutes).
# Exit status: fuzzingclient.sh's: 0 every case passed, 1 some did not, 2 a setup problem.
set -euo pipefail
cd "$(dirname "$0")/../../.."

recipe=crates/qport-ws/autobahn/fuzzingclient.sh
out=${1:-target/autobahn/server}
target=${CARGO_TARGET_DIR:-target}

cargo build --release --locked --quiet -p qport-ws --example ws_echo
rm -rf "$out"
mkdir -p "$out"
"$target/release/examples/ws_echo" -p 0 --deflate >"$out/ws_echo.log" 2>&1 &
echo_pid=$!
trap 'kill "$echo_pid" 2>/dev/null || true; wait "$echo_pid" 2>/dev/null || true' EXIT

# ws_echo prints its port once it listens.
port=
for _ in $(seq 100); do
  port=$(sed -n 's/^listening on port \([0-9][0-9]*\)$/\1/p' "$out/ws_echo.log")
  [[ -n $port ]] && break
  kill -0 "$echo_pid" 2>/dev/null || break
  sleep 0.1
done
if [[ -z $port ]]; then
  echo "autobahn: ws_echo did not start:" >&2
  cat "$out/ws_echo.log" >&2
  exit 2
fi

start=$SECONDS
status=0
CASES=${CASES:-'["1.*","2.*","3.*","4.*","5.*","6.*","7.*","9.*","10.*"]'} STRICT=${STRICT:-1} \
  AGENT=qport bash "$recipe" "ws://127.0.0.1:$port/" "$out" || status=$?
echo "autobahn: server run took $((SECONDS - start)) s (report in $out), exit $status"
exit "$status"
