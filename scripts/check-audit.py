#!/usr/bin/env python3
"""Checks an `agritrace audit` export on its own (docs/INVESTIGATION.md, "Checking an export").

For every line: SHA-256 over the length-prefixed fields (prev_hash first) must equal `hash`, and
`prev_hash` / `tenant_seq` must link to the line before. An export that starts after the
enterprise's first event is anchored at its first line's prev_hash. Exit 0 when every line passes.
Usage: scripts/check-audit.py FILE.jsonl
"""
import hashlib
import json
import sys

FIELDS = ["prev_hash", "id", "type", "schema_version", "tenant", "tenant_seq", "actor", "occurred_at_ms",
          "recorded_at_ms", "command_id", "idempotency_key", "request_hash", "subject", "payload_json"]


def chain_hash(e):
    out = b""
    for name in FIELDS:
        v = str(e[name]).encode("utf-8")
        out += str(len(v)).encode() + b":" + v + b"\n"
    return hashlib.sha256(out).hexdigest()


def main(path):
    prev, seq, bad, n = None, None, 0, 0
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            e = json.loads(line)
            if prev is None:  # the anchor: genesis for a full export
                prev, seq = e["prev_hash"], e["tenant_seq"] - 1
            problems = []
            if chain_hash(e) != e["hash"]:
                problems.append("hash does not match the event's fields")
            if e["prev_hash"] != prev or e["tenant_seq"] != seq + 1:
                problems.append("not linked to the line before")
            if problems:
                bad += 1
                print(f"line {n}: seq {e['tenant_seq']} at {e['position']}: {'; '.join(problems)}")
            prev, seq = e["hash"], e["tenant_seq"]
    print(f"{n} events checked, {bad} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
