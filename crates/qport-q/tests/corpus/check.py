#!/usr/bin/env python3
"""Checks a corpus run (run_corpus.py --out results.jsonl) against the baseline.

Every id in passing.txt must still pass; the run fails otherwise. Prints the pass rates
the q engine is measured by: tier-0 checkable cases, and tier-0 and tier-1 checkable cases
of part 1 (no dictionary, table, qSQL or temporal feature), then by category.

    check.py RESULTS [--baseline passing.txt] [--corpus dev.jsonl] [--update]

--update rewrites the baseline as every case that passes now (to extend it after work
that makes more cases pass; review the diff).
"""

import argparse
import collections
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def load_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def rate(rows):
    passed = sum(r["status"] == "pass" for r in rows)
    return passed, len(rows), (100.0 * passed / len(rows)) if rows else 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("--baseline", default=os.path.join(HERE, "passing.txt"))
    ap.add_argument("--corpus", default=os.path.join(HERE, "dev.jsonl"))
    ap.add_argument("--divergences", default=os.path.join(HERE, "divergences.txt"))
    ap.add_argument("--update", action="store_true")
    args = ap.parse_args()

    parts = {c["id"]: c.get("part") for c in load_jsonl(args.corpus)}
    results = load_jsonl(args.results)
    for r in results:
        r["part"] = parts.get(r["id"])

    with open(args.divergences, encoding="utf-8") as f:
        divergent = {line.split()[0] for line in f if line.strip() and not line.startswith("#")}
    tier0 = [r for r in results if r["tier"] == 0]
    part1 = [r for r in results if r["tier"] in (0, 1) and r["part"] == 1]
    print("pass rate (checkable cases, known-bad excluded; then divergences.txt excluded too):")
    for name, rows, target in (
        ("tier 0", tier0, 95.0),
        ("tiers 0-1, part 1", part1, 85.0),
        ("all", results, None),
    ):
        p, n, pct = rate(rows)
        q, m, qct = rate([r for r in rows if r["id"] not in divergent])
        goal = f"  (target {target:.0f}%)" if target else ""
        print(f"  {name:<18} {p:>5} / {n:<5} {pct:5.1f}%   {q:>5} / {m:<5} {qct:5.1f}%{goal}")
    print("by category (tiers 0-1, part 1):")
    by_category = collections.defaultdict(list)
    for r in part1:
        by_category[r["category"]].append(r)
    for category in sorted(by_category, key=lambda c: -len(by_category[c])):
        p, n, pct = rate(by_category[category])
        print(f"  {category:<18} {p:>5} / {n:<5} {pct:5.1f}%")

    passing_now = sorted(r["id"] for r in results if r["status"] == "pass")
    if args.update:
        with open(args.baseline, "w", encoding="utf-8") as f:
            f.write("".join(i + "\n" for i in passing_now))
        print(f"baseline rewritten: {len(passing_now)} ids")
        return 0

    with open(args.baseline, encoding="utf-8") as f:
        baseline = [line.split()[0] for line in f if line.strip() and not line.startswith("#")]
    status = {r["id"]: r for r in results}
    lost = [i for i in baseline if status.get(i, {}).get("status") != "pass"]
    new = len(set(passing_now) - set(baseline))
    print(f"baseline: {len(baseline)} ids; {len(lost)} no longer pass; {new} pass and are not in it")
    for i in lost:
        r = status.get(i)
        if r is None:
            print(f"  {i}: not run")
        else:
            print(f"  {i}: {r['status']} ({r.get('reason') or ''}) expected {r['expected']!r} got {r.get('actual')!r}")
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
