#!/usr/bin/env python3
"""R-4.2.4 recall time for a material lot that reaches 100,000 trace codes.

Starts `agritrace serve` (embedded ledger) on an empty data folder, seeds through the public API:
a material lot, a batch of 100,000 pieces that consumed it, 100,000 codes generated through the
codes route, four sales orders of 25,000 shipped by scanning every code (1,000 codes per
shipment request: the JSON body limit is 64 KiB), then times
  GET /v1/whereabouts?lot_id=lot-1,  GET /v1/recalls/rc-1,  GET /v1/recalls/rc-1/report.csv.

usage: bench/recall_100k.py build/rel/agritrace [port]
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

BIN = sys.argv[1] if len(sys.argv) > 1 else "build/rel/agritrace"
PORT = int(sys.argv[2]) if len(sys.argv) > 2 else 18931
BASE = f"http://127.0.0.1:{PORT}"
ADMIN = "bench-admin-key-0123456789abcdef0123456789abcdef"
CODES = 100_000
PER_SHIPMENT = 1_000
ORDERS = 4


def call(method, path, key, body=None, raw=False):
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    req = urllib.request.Request(BASE + path, data=data, method=method)
    req.add_header("Authorization", "Bearer " + key)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=600) as r:
            text = r.read()
            return text if raw else json.loads(text)
    except urllib.error.HTTPError as e:
        sys.exit(f"{method} {path} -> {e.code}: {e.read()[:500]!r}")


def main():
    data = tempfile.mkdtemp(prefix="agritrace-bench-")
    env = dict(os.environ, AGRITRACE_ADMIN_KEY=ADMIN)
    server = subprocess.Popen([BIN, "serve", "--data", data, "--listen", f"127.0.0.1:{PORT}", "--rate-per-key", "0", "--rate-per-address", "0"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(BASE + "/healthz", timeout=1)
                break
            except Exception:
                time.sleep(0.1)
        ent = call("POST", "/v1/enterprises", ADMIN,
                   {"uscc": "91441900MA51ABCD7J", "name": "东莞市鲜达农产品加工有限公司", "region": "广东省东莞市"})
        key = ent["api_key"]
        sup = call("POST", "/v1/counterparties", key, {"kind": "enterprise", "roles": ["supplier"], "name": "博罗县绿源",
                   "uscc": "93441322MA4W12345F", "contact_person": "黄国华", "phone": "13826601234"})["id"]
        customers = []
        for i, (uscc, region) in enumerate([("91440101MA59XYW12B", "广东省广州市"), ("91350100M000100Y43", "福建省福州市")]):
            customers.append(call("POST", "/v1/counterparties", key, {"kind": "enterprise", "roles": ["customer"],
                                  "name": f"客户{i}", "uscc": uscc, "contact_person": "刘洋", "phone": "13711112222",
                                  "region": region})["id"])
        po = call("POST", "/v1/purchase-orders", key, {"material": "菜心", "supplier_id": sup,
                  "quantity": {"amount": 60, "unit": "t"}, "production_date": "2026-11-20", "expiry_date": "2099-12-31"})["id"]
        call("POST", f"/v1/purchase-orders/{po}/receive", key, {"quantity": {"amount": 60, "unit": "t"}, "received_on": "2026-11-21"})
        batch = call("POST", "/v1/batches", key, {"product": "净菜菜心 500g", "lot_code": "DG-100K",
                     "quantity": {"amount": CODES, "unit": "piece"}, "production_date": "2026-11-22"})["id"]
        call("POST", f"/v1/batches/{batch}/materials", key, {"lot_id": "lot-1", "quantity": {"amount": 50, "unit": "t"}})
        tpl = call("POST", "/v1/code-templates", key, {"name": "单件", "gtin": "6291041500213",
                   "base_url": "https://trace.example.cn", "quantity_per_code": {"amount": 1, "unit": "piece"}})["id"]
        t0 = time.time()
        run = call("POST", "/v1/code-runs", key, {"template_id": tpl, "batch_id": batch, "count": CODES})
        print(f"generate {CODES} codes: {time.time() - t0:.2f} s")
        paths = []
        for offset in range(0, CODES, 10_000):
            csv = call("GET", f"/v1/code-runs/{run['id']}/codes.csv?offset={offset}&limit=10000&after={run['position']}&wait_ms=30000",
                       key, raw=True).decode()
            for line in csv.splitlines()[1:]:
                uri = line.split(",")[1]
                paths.append(uri[uri.index("/01/"):])
        assert len(paths) == CODES, len(paths)
        t0 = time.time()
        per_order = CODES // ORDERS
        last = None
        for o in range(ORDERS):
            so = call("POST", "/v1/sales-orders", key, {"customer_id": customers[o % 2], "batch_id": batch,
                      "quantity": {"amount": per_order, "unit": "piece"}})["id"]
            for start in range(o * per_order, (o + 1) * per_order, PER_SHIPMENT):
                last = call("POST", f"/v1/sales-orders/{so}/shipments", key, {"codes": paths[start:start + PER_SHIPMENT]})
        print(f"ship {CODES} codes in {CODES // PER_SHIPMENT} shipments over {ORDERS} orders: {time.time() - t0:.2f} s")
        rc = call("POST", "/v1/recalls", key, {"scope": "lot", "id": "lot-1", "reason": "bench"})
        call("GET", f"/v1/recalls/{rc['id']}?after={rc['position']}&wait_ms=30000", key)  # views caught up
        for name, path, raw in [("whereabouts?lot_id", "/v1/whereabouts?lot_id=lot-1", False),
                                ("recall JSON", f"/v1/recalls/{rc['id']}", False),
                                ("recall report.csv", f"/v1/recalls/{rc['id']}/report.csv", True)]:
            times = []
            for _ in range(5):
                t0 = time.perf_counter()
                body = call("GET", path, key, raw=raw)
                times.append((time.perf_counter() - t0) * 1000)
            size = len(body) if raw else len(json.dumps(body, ensure_ascii=False).encode())
            print(f"{name}: median {sorted(times)[2]:.1f} ms, min {min(times):.1f} ms ({size} bytes)")
        w = call("GET", "/v1/whereabouts?lot_id=lot-1", key)
        b = w["batches"][0]
        print(f"check: in_stock {b['in_stock']['amount']}, shipped {b['shipped']['amount']}, "
              f"customers {sum(1 for l in b['locations'] if l['kind'] == 'customer')}")
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
