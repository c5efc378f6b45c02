"""Summarizes an Autobahn|Testsuite report: counts per behaviour, close behaviour and
section, one line per bad case (with Autobahn's own words for it) and per informational
one. Used by fuzzingclient.sh (our server) and run_client.sh (our client).

    python3 summarize.py REPORT_DIR SECONDS STRICT

Exit status 1 if any case failed (under STRICT=1 also NON-STRICT, UNCLEAN and WRONG CODE).
"""
import json
import os
import sys
from collections import Counter

out, secs, strict = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
idx = json.load(open(os.path.join(out, "index.json")))
bad_b = {"FAILED"} | ({"NON-STRICT"} if strict else set())
bad_c = {"FAILED", "FAILED BY CLIENT"} | ({"UNCLEAN", "WRONG CODE"} if strict else set())
fail = False
for agent, cases in idx.items():
    key = lambda c: [int(x) for x in c.split(".")]
    b = Counter(v["behavior"] for v in cases.values())
    c = Counter(v["behaviorClose"] for v in cases.values())
    print(f"agent={agent} cases={len(cases)} wall_s={secs}")
    print("behavior:      " + ", ".join(f"{k}={n}" for k, n in sorted(b.items())))
    print("behaviorClose: " + ", ".join(f"{k}={n}" for k, n in sorted(c.items())))
    sections = Counter(k.split(".")[0] for k in cases)
    print("sections:      " + ", ".join(f"{k}:{n}" for k, n in sorted(sections.items(), key=lambda x: int(x[0]))))
    for name in sorted(cases, key=key):
        v = cases[name]
        if v["behavior"] in bad_b or v["behaviorClose"] in bad_c:
            fail = True
            detail = {}
            try:
                detail = json.load(open(os.path.join(out, v["reportfile"])))
            except (OSError, KeyError, ValueError):
                pass
            print(f"  BAD {name}: behavior={v['behavior']} close={v['behaviorClose']}")
            print(f"      result: {detail.get('result', '?')}")
            print(f"      resultClose: {detail.get('resultClose', '?')}")
        elif v["behavior"] in ("NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED") and not name.startswith(("12.", "13.")):
            print(f"  note {name}: {v['behavior']}")
sys.exit(1 if fail else 0)
