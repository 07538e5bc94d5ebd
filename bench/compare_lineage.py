#!/usr/bin/env python3
"""Checks, before anything is timed, that PostgreSQL (bench/postgres/lineage.sql) and AgriTrace
(projections::LineageQueries through `agritrace_bench query --print`) give the same answer
DOCUMENTS to the timed lineage questions, on the first N samples of each question's sample file:
forward trace (lot_ids.txt), recall = forward lineage of a consumed material lot
(recall_lot_ids.txt), backward trace (batch_ids.txt).

The whole document is compared, every member at every depth: forward/recall "root", every
"holders" row (own stock, in transit, missing, consumed into naming the batch, written off, sold
to consumers, at customers not on the platform: state, enterprise and its name, item, product, lot
code, codes, quantity and the row's own members), "totals" (codes, quantity per unit, by state),
"batches" and "items" (with "from"); backward "item" and "upstream" (with "from"). An unknown item
is AgriTrace's 404 and PostgreSQL's NULL, and only then (two such items are asked per question).

Normalised: object key order only (JSON objects are unordered; PostgreSQL's json keeps the order it
was built in). Arrays are compared in order: AgriTrace defines the order of every array (items by
enterprise USCC, batches before lots, then number; a holder's rows by state, then shipment /
batch number or customer USCC; quantities by unit; `from` in item order) and the SQL writes the
same order, so an array in another order is a difference. Numbers compare as integers.

Exits 1 with the first differences (the path of each differing member and both values) when any
answer differs: scripts/bench then stops (a faster wrong answer is no figure).

  compare_lineage.py BENCH_BIN DATA CSV_DIR N  (PG via psql: BENCH_PG_HOST, BENCH_PG_PORT)
  COMPARE_DUMP=DIR also writes every compared pair (DIR/<question>.jsonl) for a closer look.
"""
import json
import os
import subprocess
import sys
import tempfile


def agritrace(bench_bin, data, kind, samples, n):
    # The first N samples, then two items no enterprise has (404 / NULL on both sides).
    with open(samples) as f:
        lines = [line.split() for _, line in zip(range(n), f)]
    lines += [[lines[0][0], "lot-999999999"], [lines[-1][0], "b-999999999"]]
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as probe:
        probe.write("".join(f"{t} {i}\n" for t, i in lines))
        probe.flush()
        out = subprocess.run([bench_bin, "query", "--data", data, "--kind", kind, "--samples", probe.name,
                              "--print", str(len(lines))], check=True, capture_output=True, text=True).stdout
    answers = []
    for line in out.splitlines():
        tenant, item, answer = line.split(" ", 2)
        answers.append((tenant, item, None if answer.startswith("!") else json.loads(answer)))
    return answers


def postgres(function, pairs):
    sql = "".join(
        f"SELECT coalesce({function}((SELECT id FROM enterprise WHERE uscc = '{t}'), '{i}')::text, 'null');\n"
        for t, i in pairs)
    out = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", os.environ["BENCH_PG_HOST"],
                          "-p", os.environ["BENCH_PG_PORT"], "-U", "postgres", "-d", "postgres"],
                         input=sql, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def differences(a, p, path="$"):
    """Every path where the two documents differ (objects by key, arrays by position)."""
    if isinstance(a, dict) and isinstance(p, dict):
        out = []
        for k in sorted(set(a) | set(p)):
            if k not in p:
                out.append(f"{path}.{k}: only in AgriTrace: {json.dumps(a[k], ensure_ascii=False)[:200]}")
            elif k not in a:
                out.append(f"{path}.{k}: only in PostgreSQL: {json.dumps(p[k], ensure_ascii=False)[:200]}")
            else:
                out += differences(a[k], p[k], f"{path}.{k}")
        return out
    if isinstance(a, list) and isinstance(p, list):
        out = []
        for i in range(max(len(a), len(p))):
            if i >= len(a):
                out.append(f"{path}[{i}]: only in PostgreSQL: {json.dumps(p[i], ensure_ascii=False)[:200]}")
            elif i >= len(p):
                out.append(f"{path}[{i}]: only in AgriTrace: {json.dumps(a[i], ensure_ascii=False)[:200]}")
            else:
                out += differences(a[i], p[i], f"{path}[{i}]")
        return out
    # bool is an int in Python: compare types too (true != 1).
    if type(a) is not type(p) or a != p:
        return [f"{path}: AgriTrace {json.dumps(a, ensure_ascii=False)[:200]} != "
                f"PostgreSQL {json.dumps(p, ensure_ascii=False)[:200]}"]
    return []


def main():
    bench_bin, data, csv_dir, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    dump = os.environ.get("COMPARE_DUMP")
    if dump:
        os.makedirs(dump, exist_ok=True)
    failures = []
    checked = {"forward": 0, "recall": 0, "backward": 0}
    unknown = 0
    rows = {}  # holder state -> rows compared
    other_enterprise_items = 0
    for name, kind, function, samples in (("forward", "lineage-forward", "lineage_forward", "lot_ids.txt"),
                                          ("recall", "lineage-forward", "lineage_forward", "recall_lot_ids.txt"),
                                          ("backward", "lineage-backward", "lineage_backward", "batch_ids.txt")):
        at = agritrace(bench_bin, data, kind, os.path.join(csv_dir, samples), n)
        pg = postgres(function, [(t, i) for t, i, _ in at])
        if len(pg) != len(at):
            failures.append(f"{name}: {len(at)} AgriTrace answers, {len(pg)} PostgreSQL answers")
            continue
        out = open(os.path.join(dump, f"{name}.jsonl"), "w") if dump else None
        for (tenant, item, a), p in zip(at, pg):
            checked[name] += 1
            if out:
                out.write(json.dumps({"tenant": tenant, "item": item, "agritrace": a, "postgresql": p},
                                     ensure_ascii=False) + "\n")
            if a is None:
                unknown += 1
            else:
                for h in a.get("holders", []):
                    rows[h["state"]] = rows.get(h["state"], 0) + 1
                listed = a["upstream"] if name == "backward" else a["items"]
                other_enterprise_items += sum(1 for x in listed if x["enterprise_id"] != tenant)
            diff = differences(a, p)
            if diff:
                failures.append(f"{name} {tenant} {item}: {len(diff)} differences\n    " + "\n    ".join(diff[:8]))
        if out:
            out.close()
    print(f"compare_lineage: {checked} whole answers compared ({unknown} unknown items: 404 / NULL); "
          f"holder rows by state {dict(sorted(rows.items()))}; {other_enterprise_items} items in other "
          f"enterprises; {len(failures)} differ", file=sys.stderr)
    for f in failures[:5]:
        print(f, file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
