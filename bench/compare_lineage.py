#!/usr/bin/env python3
"""Checks, before anything is timed, that PostgreSQL (bench/postgres/lineage.sql) and AgriTrace
(projections::LineageQueries through `agritrace_bench query --print`) answer the same
cross-enterprise lineage questions on a sample: forward (whereabouts / recall) and backward.

Compared: the items reached in every enterprise (enterprise_id, item_id, kind) and, forward, the
codes and quantity in transit and missing per shipment to a registered enterprise and written off
at stocktakes per lot. Exits 1 with the
first differences when any answer differs (scripts/bench then stops: a faster wrong answer is no
figure).

  compare_lineage.py BENCH_BIN DATA CSV_DIR N  (PG via psql: BENCH_PG_HOST, BENCH_PG_PORT)
"""
import json
import os
import subprocess
import sys


def agritrace(bench_bin, data, kind, samples, n):
    out = subprocess.run([bench_bin, "query", "--data", data, "--kind", kind, "--samples", samples,
                          "--print", str(n)], check=True, capture_output=True, text=True).stdout
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


def items(lst):
    return sorted((x["enterprise_id"], x["item_id"], x["kind"]) for x in lst)


def moving(holders):
    return sorted((h["state"], h["item"]["enterprise_id"], h["item"]["item_id"], h["shipment_id"], h["to"]["enterprise_id"],
                   h["codes"], h["quantity"]["amount"], h["quantity"]["unit"])
                  for h in holders if h["state"] in ("in_transit", "missing"))


def written_off(holders):
    return sorted((h["state"], h["item"]["enterprise_id"], h["item"]["item_id"], h["codes"], h["quantity"]["amount"],
                   h["quantity"]["unit"]) for h in holders if h["state"] == "written_off")


def main():
    bench_bin, data, csv_dir, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    failures = []
    checked = {"forward": 0, "recall": 0, "backward": 0}
    moving_rows = other_enterprise_items = written_off_rows = 0
    for name, kind, function, samples in (("forward", "lineage-forward", "lineage_forward", "lot_ids.txt"),
                                          ("recall", "lineage-forward", "lineage_forward", "recall_lot_ids.txt"),
                                          ("backward", "lineage-backward", "lineage_backward", "batch_ids.txt")):
        at = agritrace(bench_bin, data, kind, os.path.join(csv_dir, samples), n)
        pg = postgres(function, [(t, i) for t, i, _ in at])
        for (tenant, item, a), p in zip(at, pg):
            checked[name] += 1
            if a is None:
                # AgriTrace answers 404 for an unknown item; PostgreSQL must then know nothing of it.
                known = p["upstream"] if name == "backward" else [x for x in p["items"] if x["item_id"] != item] + p["holders"]
                if known:
                    failures.append(f"{name} {tenant} {item}: unknown to AgriTrace, PostgreSQL answers {p}")
                continue
            if name == "backward":
                got_a = items(a["upstream"])
                got_p = items(p["upstream"])
            else:
                got_a = (items(a["items"]), moving(a["holders"]), written_off(a["holders"]))
                got_p = (items(p["items"]), moving(p["holders"]), written_off(p["written_off"]))
                moving_rows += len(got_a[1])
                written_off_rows += len(got_a[2])
                other_enterprise_items += sum(1 for x in got_a[0] if x[0] != tenant)
            if got_a != got_p:
                failures.append(f"{name} {tenant} {item}:\n  agritrace  {got_a}\n  postgresql {got_p}")
    print(f"compare_lineage: {checked} answers compared; forward/recall: {moving_rows} in-transit/missing rows, "
          f"{written_off_rows} written-off rows, "
          f"{other_enterprise_items} items in other enterprises; {len(failures)} differ", file=sys.stderr)
    for f in failures[:5]:
        print(f, file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
