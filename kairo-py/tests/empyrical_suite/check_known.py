"""Compares a pytest run of empyrical's suite with the list of tests known not to pass yet.

    python check_known.py <pytest output with -rfE> <known-failures.txt> <pytest exit status>

Exits 1 when a test outside the list fails or errors, when a listed test passes, or when pytest itself failed to
run (a collection error, a missing name); prints the run's header lines (what was substituted) and the counts.
"""
from __future__ import annotations

import re
import sys


def main() -> int:
    output, known_path, status = sys.argv[1], sys.argv[2], int(sys.argv[3])
    text = open(output, encoding="utf-8").read()
    known = {
        line.strip()
        for line in open(known_path, encoding="utf-8")
        if line.strip() and not line.startswith("#")
    }
    failed = set(re.findall(r"^(?:FAILED|ERROR) (\S+)", text, re.M))
    failed = {re.sub(r" - .*", "", f) for f in failed}
    summary = next((line for line in reversed(text.splitlines()) if re.search(r"\d+ (passed|failed)", line)), "")
    passed = int(m.group(1)) if (m := re.search(r"(\d+) passed", summary)) else 0
    new = sorted(failed - known)
    fixed = sorted(known - failed)
    if status not in (0, 1) or "missing: none" not in text:
        print(text[-4000:])
        print("empyrical suite: the run did not complete, or an empyrical name is missing from kairo")
        return 1
    print(next((line for line in text.splitlines() if line.startswith("kairo ") and "substituted" in line), ""))
    print(f"empyrical suite: {passed} passed, {len(failed)} failing ({len(known)} listed as known)")
    for t in new:
        print(f"  newly failing: {t}")
    for t in fixed:
        print(f"  now passing (remove from known-failures.txt): {t}")
    if new:
        print(text[-6000:])
    return 1 if new or fixed else 0


if __name__ == "__main__":
    sys.exit(main())
