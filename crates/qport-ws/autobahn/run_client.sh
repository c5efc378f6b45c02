#!/usr/bin/env bash
# Autobahn|Testsuite against our client: wstest in fuzzingserver mode on a free loopback
# port, and examples/autobahn_client (permessage-deflate offered, every message echoed)
# running each case against it. wstest is the private CPython 2.7 install that
# fuzzingclient.sh (beside this script) makes (same AB_HOME); when it is not there yet, a
# one-case run of run_server.sh installs it.
#
#   crates/qport-ws/autobahn/run_client.sh [REPORT_DIR]      (default target/autobahn/client)
#
# Environment (all optional):
#   CASES       JSON list of patterns  (default: ["*"], all 517 cases incl. 12.*/13.* deflate)
#   EXCLUDE     JSON list of patterns  (default: [])
#   AB_HOME     wstest's install dir   (default: ${XDG_CACHE_HOME:-$HOME/.cache}/autobahn-py27)
#   AB_TIMEOUT  seconds for the run    (default: 3600)
#   STRICT=1    also fail on NON-STRICT behavior and UNCLEAN / WRONG CODE closes
# Output: REPORT_DIR/index.json (+ per-case json/html), summary.txt, spec.json, wstest.log,
#         client.log. Exit status: 0 no case FAILED, 1 some did, 2 a setup problem.
set -euo pipefail
cd "$(dirname "$0")/../../.."
here=crates/qport-ws/autobahn

out=${1:-target/autobahn/client}
target=${CARGO_TARGET_DIR:-target}
CASES=${CASES:-'["*"]'}
EXCLUDE=${EXCLUDE:-'[]'}
AB_TIMEOUT=${AB_TIMEOUT:-3600}
# As fuzzingclient.sh lays it out.
AB_HOME=${AB_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/autobahn-py27}
export AB_HOME
PY27=$AB_HOME/py27/usr/bin/python2.7
WSTEST=$AB_HOME/py27/usr/local/bin/wstest
py27env=(env LD_LIBRARY_PATH="$AB_HOME/py27/usr/lib/x86_64-linux-gnu" PYTHONHOME="$AB_HOME/py27/usr")

wstest_ready() {
  [[ -x $WSTEST ]] && "${py27env[@]}" "$WSTEST" -a >/dev/null 2>&1 &&
    "${py27env[@]}" "$PY27" -c 'import wsaccel' >/dev/null 2>&1
}
if ! wstest_ready; then
  echo "autobahn: installing wstest through a one-case server run" >&2
  CASES='["1.1.1"]' bash "$here/run_server.sh" target/autobahn/install >&2
  wstest_ready || { echo "autobahn: wstest is still not runnable" >&2; exit 2; }
fi

cargo build --release --locked --quiet -p qport-ws --example autobahn_client
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 - "$out/spec.json" "ws://127.0.0.1:$port" "$out" "$CASES" "$EXCLUDE" <<'PY'
import json, sys
spec, url, out, cases, exclude = sys.argv[1:]
json.dump({
    "url": url,
    "outdir": out,
    "options": {"failByDrop": False},
    "cases": json.loads(cases),
    "exclude-cases": json.loads(exclude),
    "exclude-agent-cases": {},
}, open(spec, "w"), indent=2)
PY

(cd "$out" && exec "${py27env[@]}" timeout "$AB_TIMEOUT" "$WSTEST" -m fuzzingserver -s "$out/spec.json") \
  >"$out/wstest.log" 2>&1 &
wstest_pid=$!
trap 'kill "$wstest_pid" 2>/dev/null || true; wait "$wstest_pid" 2>/dev/null || true' EXIT
for _ in $(seq 300); do
  (: <"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  kill -0 "$wstest_pid" 2>/dev/null || { echo "autobahn: wstest did not start:" >&2; cat "$out/wstest.log" >&2; exit 2; }
  sleep 0.1
done

echo "autobahn: wstest -m fuzzingserver on port $port, our client against it (report in $out)" >&2
start=$(date +%s.%N)
rc=0
"$target/release/examples/autobahn_client" "ws://127.0.0.1:$port" qport >"$out/client.log" 2>&1 || rc=$?
secs=$(python3 -c "import time, sys; print(round(time.time() - float(sys.argv[1]), 1))" "$start")
if [[ $rc -ne 0 || ! -f $out/index.json ]]; then
  echo "autobahn: the client run failed (exit $rc) after ${secs}s; see $out/client.log and $out/wstest.log" >&2
  tail -20 "$out/client.log" >&2
  exit 2
fi

python3 crates/qport-ws/autobahn/summarize.py "$out" "$secs" "${STRICT:-0}" >"$out/summary.txt" && status=0 || status=$?
cat "$out/summary.txt"
exit $status
