#!/usr/bin/env bash
# Autobahn|Testsuite (wstest 25.10.1, fuzzingclient mode) against a WebSocket server.
#
#   fuzzingclient.sh ws://127.0.0.1:9001/ REPORT_DIR
#
# wstest is Python 2.7 code (it fails on Python 3 with "No module named '_version'"), so
# this script builds a private CPython 2.7 from Debian 11 (bullseye) packages, extracted
# with dpkg-deb into $AB_HOME (nothing is installed system-wide, the system apt state is
# untouched), bootstraps pip 20.3.4 and installs the upstream-pinned Python 2 dependency
# set plus autobahntestsuite==25.10.1 from PyPI.  First run: ~1-2 min; then cached.
#
# Environment (all optional):
#   AB_HOME     install dir            (default: ${XDG_CACHE_HOME:-$HOME/.cache}/autobahn-py27)
#   CASES       JSON list of patterns  (default: ["*"], i.e. 517 cases incl. 12.*/13.* deflate)
#   EXCLUDE     JSON list of patterns  (default: [])  e.g. '["9.*"]' skips the slow perf cases
#   AGENT       agent name in report   (default: testee)
#   AB_TIMEOUT  seconds for the run    (default: 1800)
#   STRICT=1    also fail on NON-STRICT behavior and UNCLEAN / WRONG CODE closes
# Output: REPORT_DIR/index.json (+ per-case json/html), REPORT_DIR/summary.txt,
#         REPORT_DIR/spec.json, REPORT_DIR/wstest.log.
# Exit status: 0 no case FAILED (behavior) nor FAILED close; 1 some did; 2 usage/setup problem.
set -euo pipefail

URL=${1:-}; OUT=${2:-}
if [[ -z "$URL" || -z "$OUT" || "$URL" != ws://* ]]; then
    echo "usage: $0 ws://HOST:PORT/[PATH] REPORT_DIR" >&2; exit 2
fi
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
AB_HOME=${AB_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/autobahn-py27}
CASES=${CASES:-'["*"]'}
EXCLUDE=${EXCLUDE:-'[]'}
AGENT=${AGENT:-testee}
AB_TIMEOUT=${AB_TIMEOUT:-1800}
PY27=$AB_HOME/py27/usr/bin/python2.7
WSTEST=$AB_HOME/py27/usr/local/bin/wstest

py27env() {
    env LD_LIBRARY_PATH="$AB_HOME/py27/usr/lib/x86_64-linux-gnu" PYTHONHOME="$AB_HOME/py27/usr" \
        PIP_FIND_LINKS= PIP_NO_INPUT=1 PIP_NO_PYTHON_VERSION_WARNING=1 PIP_NO_WARN_SCRIPT_LOCATION=1 "$@"
}

install_wstest() {
    echo "[autobahn] installing CPython 2.7 + wstest into $AB_HOME" >&2
    [[ "$(dpkg --print-architecture)" == amd64 ]] || { echo "amd64 only" >&2; exit 2; }
    rm -rf "$AB_HOME/py27" "$AB_HOME/apt"
    mkdir -p "$AB_HOME/apt/lists/partial" "$AB_HOME/apt/cache/archives/partial" "$AB_HOME/debs" "$AB_HOME/py27"
    # the Debian mirror this machine already uses, asked for the older suite
    local mirror
    mirror=$(sed -n 's/^URIs: *\([^ ]*\/debian\)$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
    [[ -n "$mirror" ]] || mirror=$(awk '$1=="deb" && $2 ~ /\/debian\/?$/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null)
    [[ -n "$mirror" ]] || { echo "no Debian mirror configured in apt" >&2; exit 2; }
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror bullseye main" \
        > "$AB_HOME/apt/sources.list"
    : > "$AB_HOME/apt/status"
    local A=(-o Dir::Etc::SourceList="$AB_HOME/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
             -o Dir::State::Lists="$AB_HOME/apt/lists" -o Dir::Cache="$AB_HOME/apt/cache"
             -o Dir::State::status="$AB_HOME/apt/status" -o APT::Sandbox::User="$(id -un)")
    apt-get "${A[@]}" -q update >&2
    (cd "$AB_HOME/debs" && apt-get "${A[@]}" -q download \
        python2.7-minimal libpython2.7-minimal libpython2.7-stdlib python2.7 libpython2.7 \
        libpython2.7-dev python2.7-dev libssl1.1 libffi7 >&2)
    for d in "$AB_HOME"/debs/*.deb; do dpkg-deb -x "$d" "$AB_HOME/py27"; done
    py27env "$PY27" -c 'import ssl, zlib, hashlib' || { echo "python2.7 broken" >&2; exit 2; }
    # pip for Python 2.7, fetched as a wheel by the host's Python 3 pip
    python3 -m pip download -q --no-deps --only-binary=:all: --python-version 2.7 \
        --implementation cp --abi cp27mu --platform manylinux1_x86_64 -d "$AB_HOME/boot" pip==20.3.4 >&2
    py27env "$PY27" "$AB_HOME"/boot/pip-20.3.4-py2.py3-none-any.whl/pip install -q --no-cache-dir \
        pip==20.3.4 setuptools==44.0.0 wheel==0.36.2 >&2
    # dependency pins from upstream autobahntestsuite/requirements.txt (Python 2.7 / Autobahn 0.10.9)
    py27env CFLAGS="-I$AB_HOME/py27/usr/include/python2.7 -I$AB_HOME/py27/usr/include" \
        "$PY27" -m pip install -q --no-cache-dir incremental==16.10.1 >&2
    py27env CFLAGS="-I$AB_HOME/py27/usr/include/python2.7 -I$AB_HOME/py27/usr/include" \
        "$PY27" -m pip install -q --no-cache-dir --no-build-isolation \
        txaio==2.1.0 six==1.16.0 zope.interface==4.6.0 pyOpenSSL==19.1.0 cryptography==3.3.2 \
        Twisted==19.10.0 jinja2==2.11.3 markupsafe==1.1.1 Werkzeug==1.0.1 klein==17.10.0 \
        service_identity==18.1.0 unittest2==1.1.0 'autobahn[twisted]==0.10.9' >&2
    # wsaccel: C XOR-masking + UTF-8 validation picked up by autobahn 0.10.9; without it the
    # pure-Python masking makes the 12.x/13.x (deflate) cases ~10x slower.  0.6.2 ships its .c files.
    py27env CFLAGS="-I$AB_HOME/py27/usr/include/python2.7 -I$AB_HOME/py27/usr/include" \
        "$PY27" -m pip install -q --no-cache-dir --no-build-isolation --no-deps wsaccel==0.6.2 >&2
    py27env "$PY27" -m pip install -q --no-cache-dir --no-deps autobahntestsuite==25.10.1 >&2
    py27env "$WSTEST" -a >&2
}

if ! { [[ -x "$WSTEST" ]] && py27env "$WSTEST" -a >/dev/null 2>&1 \
        && py27env "$PY27" -c 'import wsaccel' >/dev/null 2>&1; }; then
    install_wstest
fi

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
SPEC="$OUT/spec.json"
python3 - "$HERE/fuzzingclient.json.in" "$SPEC" "$URL" "$OUT" "$AGENT" "$CASES" "$EXCLUDE" <<'PY'
import json, sys
tpl, spec, url, out, agent, cases, exclude = sys.argv[1:]
t = open(tpl).read()
for k, v in {"@URL@": url, "@OUTDIR@": out, "@AGENT@": agent}.items():
    t = t.replace(k, v)
t = t.replace("@CASES@", json.dumps(json.loads(cases))).replace("@EXCLUDE@", json.dumps(json.loads(exclude)))
json.loads(t)
open(spec, "w").write(t)
PY

echo "[autobahn] wstest -m fuzzingclient against $URL (report in $OUT)" >&2
start=$(date +%s.%N)
set +e
(cd "$OUT" && py27env timeout "$AB_TIMEOUT" "$WSTEST" -m fuzzingclient -s "$SPEC") > "$OUT/wstest.log" 2>&1
rc=$?
set -e
secs=$(python3 -c "import time,sys; print(round(time.time()-float(sys.argv[1]),1))" "$start")
if [[ $rc -ne 0 || ! -f "$OUT/index.json" ]]; then
    echo "[autobahn] wstest failed (rc=$rc) after ${secs}s; see $OUT/wstest.log" >&2; tail -20 "$OUT/wstest.log" >&2; exit 2
fi

python3 "$HERE/summarize.py" "$OUT" "$secs" "${STRICT:-0}" > "$OUT/summary.txt" && status=0 || status=$?
cat "$OUT/summary.txt"
exit $status
