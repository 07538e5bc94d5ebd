#!/usr/bin/env python3
"""The circulation end across enterprises (R-4.3.2, R-4.3.4, R-4.2.4): goods moving by scan and a
recall that follows them through every enterprise, against PostgreSQL 15 in the same run.

Starts `agritrace serve` (embedded ledger) on an empty data folder and seeds through the public
HTTP API, with registered enterprises whose USCCs carry a valid GB 32100 check character:
  farm        fertiliser bought on a priced purchase order (lot-1), a harvest batch consuming it,
              CRATES crate codes of 10 kg, sold to the plant and shipped by scan;
  plant       receives the crates by scan (its lot-1), consumes that lot into its batch, generates
              ITEMS item codes, sells them to the wholesaler and ships them by scan, 1,000 codes per
              request (the JSON body limit is 64 KiB);
  wholesaler  receives by scan, 1,000 codes per request (one lot per shipment), sells SHOPS
              orders of ITEMS/SHOPS codes from those lots, ships each by scan;
  SHOPS shops each a customer counterparty of the wholesaler (enterprise, its USCC, a phone),
              receives its shipment by scan and makes SALES retail sales of one code each, with
              a payment voucher;
and the farm then recalls its fertiliser lot. Measures receive-by-scan and ship-by-scan
throughput (codes/s), retail-sale latency, and the farm's GET /v1/recalls/rc-1 (asserting it
lists every retail sale), GET /v1/recalls/rc-1/report.csv and GET /v1/whereabouts?lot_id=lot-1
(median and p99 of RUNS runs each, over one keep-alive HTTP connection).

Baseline, same run: the same facts (enterprises, items, consumption edges, sales orders,
shipments, receipts, retail sales) in PostgreSQL 15 (bench/postgres/chain_schema.sql), and
bench/postgres/chain_recall.sql, a recursive CTE building the same recall document, timed with
pgbench -M prepared (percentiles from its per-transaction log); its retail-sale count is checked.
The commands' baseline, same run: PostgreSQL replays every timed scan (the same serials, request
sizes, order and ids) on the codes as generated (bench/postgres/chain_commands.sql, schema cmd),
each request one transaction with fsync, synchronous_commit and full_page_writes turned on for the
phase (ALTER SYSTEM + reload; put back afterwards): one prepared statement whose conditional UPDATE
of the scanned codes is the check and the lock, inserting the header and one row per code only if
every code qualified; the driver COMMITs on ok, else ROLLBACKs. It goes through ONE long-running
`psql` on the unix socket (no process start per request), timed in Python from writing the
request to reading the `\echo` that ends it. Checked: every code ends where AgriTrace put it, and
each kind's first scan, made again, is refused.

usage: bench/chain_recall.py build/release/agritrace [port]
env:   BENCH_PG_HOST, BENCH_PG_PORT  a running PostgreSQL 15 (socket dir or host; user postgres,
                                     trust) to use, as scripts/bench passes; otherwise a private
                                     cluster is created under a temporary folder (port
                                     CHAIN_PG_PORT, 25433) and removed
       CHAIN_SHOPS (40), CHAIN_SALES (10 per shop), CHAIN_ITEMS (20000), CHAIN_RUNS (50)
       CHAIN_MD=FILE      also write the results as a Markdown section (scripts/bench, docs)
       CHAIN_DUMP=DIR     write both recall documents there (to compare them)
       CHAIN_EXPLAIN=FILE write PostgreSQL's EXPLAIN (ANALYZE, BUFFERS) of the recall there
       CHAIN_PERF=FILE    afterwards, `perf record $CHAIN_PERF_ARGS` (-g) the server for
                          CHAIN_PERF_SECS (15) s of the three queries into FILE (not part of the
                          timed figures)
"""
import csv
import datetime
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

BIN = sys.argv[1] if len(sys.argv) > 1 else "build/release/agritrace"
PORT = int(sys.argv[2]) if len(sys.argv) > 2 else 18932
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADMIN = "bench-admin-key-0123456789abcdef0123456789abcdef"
SHOPS = int(os.environ.get("CHAIN_SHOPS", "40"))
SALES = int(os.environ.get("CHAIN_SALES", "10"))
ITEMS = int(os.environ.get("CHAIN_ITEMS", "20000"))
RUNS = max(20, int(os.environ.get("CHAIN_RUNS", "50")))
WARMUP = 3
CRATES = 200             # 10 kg each: the farm's 2 t harvest
PER_REQUEST = 1_000      # codes per scan request (64 KiB JSON body limit)
PER_SHOP = ITEMS // SHOPS
assert PER_SHOP >= SALES and ITEMS % PER_REQUEST == 0 and ITEMS % SHOPS == 0
BASE_URL = "https://trace.example.cn"
PGBIN = "/usr/lib/postgresql/15/bin"

# ---- identifiers ------------------------------------------------------------------------------

# GB 32100-2015 (core/base/identifiers.cpp validate_uscc): 31 characters, weights 3^(i-1) mod 31.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def uscc_check(first17):
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def mint_uscc(region6, seq, kind="91"):
    """An 18-character USCC: registration authority and type (91 = enterprise, 93 = cooperative),
    the GB/T 2260 region, a 9-character organisation code, the check character."""
    body = f"{kind}{region6}MA{seq:07d}"
    assert len(body) == 17
    return body + uscc_check(body)


for known in ("91441900MA51ABCD7J", "91440101MA59XYW12B", "93441322MA4W12345F", "91440300708461136T"):
    assert uscc_check(known[:17]) == known[17], known  # the demo's real-looking codes


def gtin13(first12):
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return first12 + str((10 - total % 10) % 10)


# ---- HTTP ---------------------------------------------------------------------------------------

class Api:
    """One keep-alive connection; commands carry an Idempotency-Key, so a retry after a dropped
    connection never appends twice."""

    def __init__(self, port):
        self.port = port
        self.conn = None
        self.positions = {}  # ledger partition -> highest position seen in an answer
        self.events = 0
        self.seq = 0

    def request(self, method, path, key, body=None):
        data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        headers = {"Authorization": "Bearer " + key}
        if data is not None:
            headers["Content-Type"] = "application/json"
        if method == "POST":
            self.seq += 1
            headers["Idempotency-Key"] = f"chain-{self.seq}"
        for attempt in (1, 2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
                self.conn.request(method, path, body=data, headers=headers)
                r = self.conn.getresponse()
                return r.status, r.read()
            except (http.client.HTTPException, ConnectionError, OSError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise

    def call(self, method, path, key, body=None, raw=False):
        status, text = self.request(method, path, key, body)
        if status >= 300:
            sys.exit(f"{method} {path} -> {status}: {text[:600]!r}")
        if raw:
            return text
        doc = json.loads(text)
        if method == "POST":
            for e in doc.get("events", []):
                self.note(e["position"])
            self.events += len(doc.get("events", []))
        return doc

    def timed(self, method, path, key, body=None, raw=False):
        t0 = time.perf_counter()
        doc = self.call(method, path, key, body, raw)
        return doc, (time.perf_counter() - t0) * 1000.0

    def note(self, position):
        part, _, off = position.partition(":")
        if int(off) >= self.positions.get(part, (-1, ""))[0]:
            self.positions[part] = (int(off), position)


def pct(values, q):
    """Nearest-rank percentile (as scripts/bench's pct_file)."""
    v = sorted(values)
    i = min(len(v), max(1, int(q * len(v))))
    return v[i - 1]


def median(values):
    return pct(values, 0.5)


# ---- seeding ------------------------------------------------------------------------------------

def beijing_today():
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).date()


class Chain:
    """What was seeded, as facts for PostgreSQL (ids exactly as the API answered them)."""

    def __init__(self):
        self.enterprises = []   # (id, uscc, name, region, key)
        self.items = []         # (enterprise id, item id, kind, product, lot_code, quantity, unit, produced, expiry)
        self.consumption = []   # (enterprise id, lot id, batch id, quantity)
        self.orders = []        # (enterprise id, so id, item id, customer name, quantity, shipped, status)
        self.shipments = []     # (enterprise id, sh id, so id, item id, date, to enterprise, name, uscc, quantity, unit, codes)
        self.receipts = []      # (enterprise id, rcv id, lot id, from enterprise, sh id, date, quantity)
        self.sales = []         # (enterprise id, sh id, so id, item id, date, quantity, unit, name, region, voucher)
        # For the commands' baseline: the codes as generated, the orders before any shipment, and
        # every timed scan in the order it was made (with the ids the API answered).
        self.codes = []         # (serial, holder enterprise id, item id, quantity per code, state)
        self.open_orders = []   # (enterprise id, so id, item id, customer name, quantity, shipped, status)
        self.commands = []      # (timing bucket, kind, fields)


def serials_of(paths):
    return [p.rsplit("/21/", 1)[1] for p in paths]


def code_paths(api, key, run, count):
    """The Digital Link paths (/01/.../10/.../21/...) of a run, read from its CSV pages."""
    paths = []
    for offset in range(0, count, 10_000):
        text = api.call("GET", f"/v1/code-runs/{run['id']}/codes.csv?offset={offset}&limit=10000"
                               f"&after={run['position']}&wait_ms=30000", key, raw=True).decode()
        for line in text.splitlines()[1:]:
            uri = line.split(",")[1]
            paths.append(uri[uri.index("/01/"):])
    assert len(paths) == count, (len(paths), count)
    return paths


def shipment_of(answer):
    return next(e["subject"] for e in answer["events"] if e["type"] == "shipment.recorded")


def seed(api, chain, t):
    today = beijing_today()
    d = lambda days: (today + datetime.timedelta(days=days)).isoformat()  # noqa: E731
    ship_date = d(0)

    # Enterprises: farm, plant, wholesaler, SHOPS shops (USCC minted with the check character).
    districts = [("440303", "罗湖区"), ("440304", "福田区"), ("440305", "南山区"), ("440306", "宝安区"),
                 ("440307", "龙岗区"), ("440308", "盐田区")]
    plan = [(mint_uscc("441322", 1, "93"), "博罗县绿源菜心种植专业合作社", "广东省惠州市博罗县"),
            (mint_uscc("441900", 2), "东莞市鲜达农产品加工有限公司", "广东省东莞市"),
            (mint_uscc("440111", 3), "广州江南果菜批发有限公司", "广东省广州市白云区")]
    for k in range(SHOPS):
        code, district = districts[k % len(districts)]
        plan.append((mint_uscc(code, 100 + k), f"深圳市{district}鲜果坊第{k + 1}分店", f"广东省深圳市{district}"))
    for n, (uscc, name, region) in enumerate(plan, start=1):
        ent = api.call("POST", "/v1/enterprises", ADMIN, {"uscc": uscc, "name": name, "region": region})
        chain.enterprises.append((n, uscc, name, region, ent["api_key"]))
    farm, plant, wholesaler, shops = chain.enterprises[0], chain.enterprises[1], chain.enterprises[2], chain.enterprises[3:]
    key = lambda e: e[4]  # noqa: E731

    def customer(seller, buyer):
        return api.call("POST", "/v1/counterparties", key(seller), {
            "kind": "enterprise", "roles": ["customer"], "name": buyer[2], "uscc": buyer[1],
            "contact_person": "李敏", "phone": "13711112222", "region": buyer[3]})["id"]

    # ---- farm
    sup = api.call("POST", "/v1/counterparties", key(farm), {
        "kind": "enterprise", "roles": ["supplier"], "name": "惠州市绿丰肥业有限公司", "uscc": mint_uscc("441322", 9),
        "contact_person": "陈国强", "phone": "13826601234"})["id"]
    po = api.call("POST", "/v1/purchase-orders", key(farm), {
        "material": "有机肥", "supplier_id": sup, "quantity": {"amount": 1, "unit": "t"}, "supplier_lot": "LF-07",
        "production_date": d(-60), "expiry_date": d(300), "price_fen": 180000})["id"]
    api.call("POST", f"/v1/purchase-orders/{po}/receive", key(farm),
             {"quantity": {"amount": 1, "unit": "t"}, "received_on": d(-50)})
    chain.items.append((farm[0], "lot-1", "lot", "有机肥", "LF-07", 1_000_000, "g", d(-60), d(300)))
    harvest = api.call("POST", "/v1/batches", key(farm), {
        "product": "菜心（鲜）", "lot_code": "HZ-CX-1", "quantity": {"amount": CRATES * 10, "unit": "kg"},
        "production_date": d(-3), "expiry_date": d(30)})["id"]
    chain.items.append((farm[0], harvest, "batch", "菜心（鲜）", "HZ-CX-1", CRATES * 10_000, "g", d(-3), d(30)))
    api.call("POST", f"/v1/batches/{harvest}/materials", key(farm),
             {"lot_id": "lot-1", "quantity": {"amount": 300, "unit": "kg"}})
    chain.consumption.append((farm[0], "lot-1", harvest, 300_000))
    tpl = api.call("POST", "/v1/code-templates", key(farm), {
        "name": "菜心 10kg 周转箱码", "gtin": gtin13("690123400001"), "base_url": BASE_URL,
        "packaging_level": "case", "quantity_per_code": {"amount": 10, "unit": "kg"}})["id"]
    run = api.call("POST", "/v1/code-runs", key(farm), {"template_id": tpl, "batch_id": harvest, "count": CRATES})
    crates = code_paths(api, key(farm), run, CRATES)
    chain.codes += [(s, farm[0], harvest, 10_000, "held") for s in serials_of(crates)]
    cp = customer(farm, plant)
    so = api.call("POST", "/v1/sales-orders", key(farm), {
        "customer_id": cp, "batch_id": harvest, "quantity": {"amount": CRATES * 10, "unit": "kg"}, "price_fen": 900000})["id"]
    chain.orders.append((farm[0], so, harvest, plant[2], CRATES * 10_000, CRATES * 10_000, "shipped"))
    chain.open_orders.append((farm[0], so, harvest, plant[2], CRATES * 10_000, 0, "open"))
    ans, ms = api.timed("POST", f"/v1/sales-orders/{so}/shipments", key(farm), {"codes": crates})
    t["ship_farm"] = [(CRATES, ms)]
    chain.commands.append(("ship_farm", "ship", dict(e=farm[0], sh=shipment_of(ans), so=so, item=harvest,
                                                     to=plant[0], serials=serials_of(crates))))
    chain.shipments.append((farm[0], shipment_of(ans), so, harvest, ship_date, plant[0], plant[2], plant[1],
                            CRATES * 10_000, "g", CRATES))

    # ---- plant
    ans, ms = api.timed("POST", "/v1/receipts", key(plant), {"codes": crates, "price_fen": 900000})
    t["recv_plant"] = [(CRATES, ms)]
    chain.commands.append(("recv_plant", "recv", dict(e=plant[0], rcv=ans["id"], lot="lot-1", serials=serials_of(crates))))
    chain.receipts.append((plant[0], ans["id"], "lot-1", farm[0], chain.shipments[-1][1], ship_date, CRATES * 10_000))
    chain.items.append((plant[0], "lot-1", "lot", "菜心（鲜）", "HZ-CX-1", CRATES * 10_000, "g", d(-3), d(30)))
    batch = api.call("POST", "/v1/batches", key(plant), {
        "product": "净菜菜心 500g 装", "lot_code": "DG-JCX-1", "quantity": {"amount": ITEMS, "unit": "piece"},
        "production_date": d(-2), "expiry_date": d(5)})["id"]
    chain.items.append((plant[0], batch, "batch", "净菜菜心 500g 装", "DG-JCX-1", ITEMS, "piece", d(-2), d(5)))
    api.call("POST", f"/v1/batches/{batch}/materials", key(plant),
             {"lot_id": "lot-1", "quantity": {"amount": CRATES * 10 - 100, "unit": "kg"}})
    chain.consumption.append((plant[0], "lot-1", batch, (CRATES * 10 - 100) * 1000))
    tpl = api.call("POST", "/v1/code-templates", key(plant), {
        "name": "净菜菜心 500g 单件码", "gtin": gtin13("690123400002"), "base_url": BASE_URL,
        "packaging_level": "item", "quantity_per_code": {"amount": 1, "unit": "piece"}})["id"]
    t0 = time.perf_counter()
    run = api.call("POST", "/v1/code-runs", key(plant), {"template_id": tpl, "batch_id": batch, "count": ITEMS})
    t["codegen_ms"] = (time.perf_counter() - t0) * 1000
    items = code_paths(api, key(plant), run, ITEMS)
    chain.codes += [(s, plant[0], batch, 1, "held") for s in serials_of(items)]
    cp = customer(plant, wholesaler)
    so = api.call("POST", "/v1/sales-orders", key(plant), {
        "customer_id": cp, "batch_id": batch, "quantity": {"amount": ITEMS, "unit": "piece"}, "price_fen": ITEMS * 700})["id"]
    chain.orders.append((plant[0], so, batch, wholesaler[2], ITEMS, ITEMS, "shipped"))
    chain.open_orders.append((plant[0], so, batch, wholesaler[2], ITEMS, 0, "open"))
    t["ship_plant"] = []
    for start in range(0, ITEMS, PER_REQUEST):
        ans, ms = api.timed("POST", f"/v1/sales-orders/{so}/shipments", key(plant),
                            {"codes": items[start:start + PER_REQUEST]})
        t["ship_plant"].append((PER_REQUEST, ms))
        chain.commands.append(("ship_plant", "ship", dict(e=plant[0], sh=shipment_of(ans), so=so, item=batch, to=wholesaler[0],
                                                          serials=serials_of(items[start:start + PER_REQUEST]))))
        chain.shipments.append((plant[0], shipment_of(ans), so, batch, ship_date, wholesaler[0], wholesaler[2],
                                wholesaler[1], PER_REQUEST, "piece", PER_REQUEST))

    # ---- wholesaler: one receipt (and lot) per 1,000-code pallet, as shipped
    t["recv_wholesaler"] = []
    for n, start in enumerate(range(0, ITEMS, PER_REQUEST), start=1):
        ans, ms = api.timed("POST", "/v1/receipts", key(wholesaler),
                            {"codes": items[start:start + PER_REQUEST], "price_fen": PER_REQUEST * 700})
        t["recv_wholesaler"].append((PER_REQUEST, ms))
        lot = f"lot-{n}"  # the wholesaler's n-th receipt creates its lot-n (checked below)
        chain.commands.append(("recv_wholesaler", "recv", dict(e=wholesaler[0], rcv=ans["id"], lot=lot,
                                                               serials=serials_of(items[start:start + PER_REQUEST]))))
        chain.receipts.append((wholesaler[0], ans["id"], lot, plant[0], chain.shipments[n][1], ship_date, PER_REQUEST))
        chain.items.append((wholesaler[0], lot, "lot", "净菜菜心 500g 装", "DG-JCX-1", PER_REQUEST, "piece", d(-2), d(5)))
    t["ship_wholesaler"] = []
    for k, shop in enumerate(shops):
        lot = f"lot-{k * PER_SHOP // PER_REQUEST + 1}"
        cp = customer(wholesaler, shop)
        so = api.call("POST", "/v1/sales-orders", key(wholesaler), {
            "customer_id": cp, "batch_id": lot, "quantity": {"amount": PER_SHOP, "unit": "piece"},
            "price_fen": PER_SHOP * 900})["id"]
        chain.orders.append((wholesaler[0], so, lot, shop[2], PER_SHOP, PER_SHOP, "shipped"))
        chain.open_orders.append((wholesaler[0], so, lot, shop[2], PER_SHOP, 0, "open"))
        ans, ms = api.timed("POST", f"/v1/sales-orders/{so}/shipments", key(wholesaler),
                            {"codes": items[k * PER_SHOP:(k + 1) * PER_SHOP]})
        t["ship_wholesaler"].append((PER_SHOP, ms))
        chain.commands.append(("ship_wholesaler", "ship", dict(e=wholesaler[0], sh=shipment_of(ans), so=so, item=lot, to=shop[0],
                                                               serials=serials_of(items[k * PER_SHOP:(k + 1) * PER_SHOP]))))
        chain.shipments.append((wholesaler[0], shipment_of(ans), so, lot, ship_date, shop[0], shop[2], shop[1],
                                PER_SHOP, "piece", PER_SHOP))

    # ---- shops: receive by scan, then sell to consumers one code at a time
    t["recv_shops"] = []
    for k, shop in enumerate(shops):
        ans, ms = api.timed("POST", "/v1/receipts", key(shop),
                            {"codes": items[k * PER_SHOP:(k + 1) * PER_SHOP], "price_fen": PER_SHOP * 900})
        t["recv_shops"].append((PER_SHOP, ms))
        chain.commands.append(("recv_shops", "recv", dict(e=shop[0], rcv=ans["id"], lot="lot-1",
                                                          serials=serials_of(items[k * PER_SHOP:(k + 1) * PER_SHOP]))))
        chain.receipts.append((shop[0], ans["id"], "lot-1", wholesaler[0], chain.shipments[1 + ITEMS // PER_REQUEST + k][1],
                               ship_date, PER_SHOP))
        chain.items.append((shop[0], "lot-1", "lot", "净菜菜心 500g 装", "DG-JCX-1", PER_SHOP, "piece", d(-2), d(5)))
    t["retail"] = []
    for k, shop in enumerate(shops):
        for j in range(SALES):
            voucher = f"42000012342026{k:03d}{j:05d}"
            ans, ms = api.timed("POST", "/v1/retail-sales", key(shop), {
                "codes": [items[k * PER_SHOP + j]], "payment_voucher": voucher, "price_fen": 1290})
            t["retail"].append((1, ms))
            chain.sales.append((shop[0], shipment_of(ans), ans["id"], "lot-1", ship_date, 1, "piece", None, None, voucher))
            chain.commands.append(("retail", "retail", dict(e=shop[0], sh=shipment_of(ans), so=ans["id"], item="lot-1",
                                                            voucher=voucher, serials=serials_of([items[k * PER_SHOP + j]]))))
    # Retail sales are sales orders of their own (shipped at once), as AgriTrace records them.
    for s in chain.sales:
        chain.orders.append((s[0], s[2], s[3], "消费者", 1, 1, "shipped"))

    # ---- the farm recalls its fertiliser lot
    rc = api.call("POST", "/v1/recalls", key(farm), {"scope": "lot", "id": "lot-1", "reason": "有机肥抽检镉含量超标"})
    return farm, wholesaler, shops, rc["id"]


def wait_views(api, key, path):
    """Reads `path` once the views include every position any command answered (every partition)."""
    # Each read waits for one partition only, so `path` may not exist yet (404) until the last.
    sep = "&" if "?" in path else "?"
    for _, position in sorted(api.positions.values()):
        status, text = api.request("GET", f"{path}{sep}after={position}&wait_ms=30000", key)
        if status not in (200, 404):
            sys.exit(f"GET {path} after {position} -> {status}: {text[:600]!r}")
    api.call("GET", path, key, raw=True)


def check_ids(api, wholesaler, shop):
    """The lots the receipts created are the ones the facts name."""
    for ent, rcv, lot in ((wholesaler, f"rcv-{ITEMS // PER_REQUEST}", f"lot-{ITEMS // PER_REQUEST}"), (shop, "rcv-1", "lot-1")):
        got = api.call("GET", f"/v1/receipts/{rcv}", ent[4])
        assert got.get("lot_id") == lot, (ent[1], rcv, got.get("lot_id"), lot)


# ---- PostgreSQL -------------------------------------------------------------------------------

class Postgres:
    def __init__(self, workdir):
        self.private = None
        host, port = os.environ.get("BENCH_PG_HOST"), os.environ.get("BENCH_PG_PORT")
        if not (host and port):
            host, port = self.start_private(workdir)
        self.host, self.port = host, port
        self.db = "chain_recall"
        self.psql_base = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", str(port), "-U", "postgres"]
        self.version = ""

    def create_db(self):
        self.run(["-d", "postgres", "-c", f"DROP DATABASE IF EXISTS {self.db}"])
        self.run(["-d", "postgres", "-c", f"CREATE DATABASE {self.db}"])
        self.version = self.run(["-d", self.db, "-At", "-c", "SHOW server_version"]).strip()

    def as_postgres(self, cmd):
        return (["runuser", "-u", "postgres", "--"] + cmd) if os.geteuid() == 0 else cmd

    def start_private(self, workdir):
        pgdata = os.path.join(workdir, "pg")
        os.makedirs(pgdata)
        if os.geteuid() == 0:
            shutil.chown(pgdata, "postgres", "postgres")
            os.chmod(workdir, 0o755)
        port = os.environ.get("CHAIN_PG_PORT", "25433")
        subprocess.run(self.as_postgres([f"{PGBIN}/initdb", "-D", pgdata, "-A", "trust", "-U", "postgres", "-E", "UTF8",
                                         "--no-locale"]), check=True, stdout=subprocess.DEVNULL)
        # As scripts/bench tunes its cluster for a read benchmark: data in shared_buffers, no JIT.
        with open(os.path.join(pgdata, "postgresql.conf"), "a") as f:
            f.write(f"port = {port}\nlisten_addresses = ''\nunix_socket_directories = '{pgdata}'\n"
                    "shared_buffers = 256MB\nwork_mem = 16MB\njit = off\nfsync = off\n"
                    "synchronous_commit = off\nfull_page_writes = off\n")
        subprocess.run(self.as_postgres([f"{PGBIN}/pg_ctl", "-D", pgdata, "-l", os.path.join(pgdata, "server.log"),
                                         "-w", "start"]), check=True, stdout=subprocess.DEVNULL)
        self.private = pgdata
        return pgdata, port

    def stop(self):
        if self.private:
            subprocess.run(self.as_postgres([f"{PGBIN}/pg_ctl", "-D", self.private, "-m", "fast", "-w", "stop"]),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.private = None

    def run(self, args):
        r = subprocess.run(self.psql_base + args, capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"psql {' '.join(args)[:200]}: {r.stderr[:2000]}")
        return r.stdout

    def load(self, chain, workdir):
        self.run(["-d", self.db, "-f", os.path.join(ROOT, "bench/postgres/chain_schema.sql")])
        tables = {
            "enterprise": [e[:4] for e in chain.enterprises],
            "item": chain.items,
            "consumption": chain.consumption,
            "sales_order": chain.orders,
            "shipment": chain.shipments,
            "receipt": chain.receipts,
            "retail_sale": chain.sales,
        }
        script = []
        for table, rows in tables.items():
            path = os.path.join(workdir, f"{table}.csv")
            with open(path, "w", newline="") as f:
                csv.writer(f).writerows([["" if v is None else v for v in row] for row in rows])
            script.append(f"\\copy {table} FROM '{path}' WITH (FORMAT csv)")
        script.append("VACUUM (ANALYZE);")
        load = os.path.join(workdir, "load.sql")
        with open(load, "w") as f:
            f.write("\n".join(script) + "\n")
        t0 = time.perf_counter()
        self.run(["-d", self.db, "-f", load])
        return time.perf_counter() - t0, {k: len(v) for k, v in tables.items()}

    def query_doc(self, farm_id, lot_id, explain=None):
        """The document and its size as PostgreSQL sends it; the plan into `explain` if given."""
        sql = open(os.path.join(ROOT, "bench/postgres/chain_recall.sql")).read()
        sql = sql.replace(":farm_t", str(farm_id)).replace(":farm_lot", f"'{lot_id}'")
        text = self.run(["-d", self.db, "-At", "-c", sql]).rstrip("\n")
        if explain:
            with open(explain, "w") as f:
                f.write(self.run(["-d", self.db, "-At", "-c", "EXPLAIN (ANALYZE, BUFFERS) " + sql]))
        return json.loads(text), len(text.encode())

    def pgbench(self, farm_id, lot_id, runs, workdir):
        """Latencies (ms) of `runs` transactions after WARMUP in the same connection (prepared)."""
        prefix = os.path.join(workdir, "pglog")
        cmd = ["pgbench", "-n", "-h", self.host, "-p", str(self.port), "-U", "postgres", "-M", "prepared",
               "-c", "1", "-t", str(runs + WARMUP), "-D", f"farm_t={farm_id}", "-D", f"farm_lot={lot_id}",
               "-f", os.path.join(ROOT, "bench/postgres/chain_recall.sql"), "--log", f"--log-prefix={prefix}", self.db]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"pgbench: {r.stdout[-1000:]} {r.stderr[-2000:]}")
        rows = []
        for name in os.listdir(workdir):
            if name.startswith("pglog"):
                with open(os.path.join(workdir, name)) as f:
                    rows += [(int(cols[1]), int(cols[2])) for cols in (line.split() for line in f)]
        rows.sort()  # by transaction number; latency in µs
        assert len(rows) == runs + WARMUP, (len(rows), runs)
        return [us / 1000.0 for _, us in rows[WARMUP:]]


class PgCommands:
    """The commands' baseline: PostgreSQL replays every timed scan of the AgriTrace run (same
    serials, same order, same request sizes), one durable transaction per request, through ONE
    long-running `psql` (unix socket, prepared statements): the driver writes a request's script to
    its stdin and reads up to the `\\echo DONE` that ends it, so the time is PostgreSQL's work plus
    a few socket round trips, never a process start. Schema: bench/postgres/chain_commands.sql."""

    DURABLE = ("fsync", "synchronous_commit", "full_page_writes")
    SAFE = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_."

    # One statement per request: the conditional UPDATE of the scanned codes is the check and the
    # lock (a code qualifies only if it is where the command needs it: shipped to the receiver /
    # held by the shipper in the order's item); the header and one row per code are inserted only
    # if every scanned code qualified, and the driver COMMITs if so, ROLLBACKs otherwise.
    PREPARE = """
PREPARE recv(text[], smallint, text, text) AS
  WITH moved AS (
    UPDATE cmd.code c SET holder = $2, item_id = $4, state = 'held', ship_to = NULL
    WHERE c.serial = ANY($1) AND c.state = 'shipped' AND c.ship_to = $2
    RETURNING c.serial, c.ship_from, c.shipment_id, c.per_code),
  hdr AS (SELECT count(*) AS n, count(DISTINCT (m.ship_from, m.shipment_id)) AS k, min(m.ship_from) AS f,
                 min(m.shipment_id) AS sh, sum(m.per_code) AS q FROM moved m),
  good AS (SELECT * FROM hdr WHERE n = cardinality($1) AND k = 1),
  rc AS (INSERT INTO cmd.receipt SELECT $2, $3, $4, f, sh, current_date, q, n FROM good),
  rcode AS (INSERT INTO cmd.receipt_code SELECT $2, $3, m.serial FROM moved m, good)
  SELECT count(*) = 1 AS ok FROM good;
PREPARE ship(text[], smallint, text, text, text, smallint) AS
  WITH o AS (SELECT quantity, shipped, status FROM cmd.sales_order
             WHERE enterprise_id = $2 AND id = $4 AND item_id = $3 FOR UPDATE),
  moved AS (
    UPDATE cmd.code c SET state = 'shipped', shipment_id = $5, ship_from = $2, ship_to = $6
    WHERE c.serial = ANY($1) AND c.holder = $2 AND c.item_id = $3 AND c.state = 'held'
    RETURNING c.serial, c.per_code),
  hdr AS (SELECT count(*) AS n, coalesce(sum(m.per_code), 0) AS q FROM moved m),
  good AS (SELECT hdr.* FROM hdr, o
           WHERE hdr.n = cardinality($1) AND o.status <> 'shipped' AND o.shipped + hdr.q <= o.quantity),
  sh AS (INSERT INTO cmd.shipment SELECT $2, $5, $4, $3, current_date, $6, q, n, false, NULL FROM good),
  sc AS (INSERT INTO cmd.shipment_code SELECT $2, $5, m.serial FROM moved m, good),
  so AS (UPDATE cmd.sales_order s
         SET shipped = s.shipped + good.q,
             status = CASE WHEN s.shipped + good.q >= s.quantity THEN 'shipped' ELSE 'partially_shipped' END
         FROM good WHERE s.enterprise_id = $2 AND s.id = $4)
  SELECT count(*) = 1 AS ok FROM good;
PREPARE retail(text, smallint, text, text, text, text) AS
  WITH moved AS (
    UPDATE cmd.code c SET state = 'sold', shipment_id = $5
    WHERE c.serial = $1 AND c.holder = $2 AND c.item_id = $3 AND c.state = 'held'
    RETURNING c.serial, c.per_code),
  so AS (INSERT INTO cmd.sales_order SELECT $2, $4, $3, '消费者', per_code, per_code, 'shipped' FROM moved),
  sh AS (INSERT INTO cmd.shipment SELECT $2, $5, $4, $3, current_date, NULL, per_code, 1, true, $6 FROM moved),
  sc AS (INSERT INTO cmd.shipment_code SELECT $2, $5, serial FROM moved)
  SELECT count(*) = 1 AS ok FROM moved;
"""

    def __init__(self, pg):
        self.pg = pg
        self.saved = None
        self.proc = None
        self.settings = ""

    def make_durable(self):
        """fsync, synchronous_commit and full_page_writes on for this phase (both clusters are tuned
        for reads with them off); put back as they were by restore()."""
        shown = self.pg.run(["-d", self.pg.db, "-At", "-F", " ", "-c",
                             "SELECT name, setting, coalesce(sourcefile, '') LIKE '%postgresql.auto.conf' FROM pg_settings "
                             "WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes')"])
        self.saved = {n: (v, auto == "t") for n, v, auto in (line.split() for line in shown.splitlines())}
        self.alter([f"ALTER SYSTEM SET {n} = on" for n in self.DURABLE])
        for _ in range(100):
            if self.pg.run(["-d", self.pg.db, "-At", "-c", "SHOW fsync"]).strip() == "on":
                return
            time.sleep(0.05)
        sys.exit("PostgreSQL did not turn fsync on")

    def alter(self, stmts):
        args = ["-d", self.pg.db]
        for stmt in stmts + ["SELECT pg_reload_conf()"]:  # ALTER SYSTEM: one statement per -c
            args += ["-c", stmt]
        self.pg.run(args)

    def restore(self):
        if self.proc:
            self.proc.stdin.close()
            self.proc.wait()
            self.proc = None
        if self.saved is not None:
            # A value set by ALTER SYSTEM before us is set again; otherwise the configuration file's.
            stmts = [f"ALTER SYSTEM SET {n} = {v}" if auto else f"ALTER SYSTEM RESET {n}"
                     for n, (v, auto) in self.saved.items()]
            self.alter(stmts)
            self.saved = None

    def load(self, chain, workdir):
        self.pg.run(["-d", self.pg.db, "-f", os.path.join(ROOT, "bench/postgres/chain_commands.sql")])
        script = []
        for table, rows in (("cmd.sales_order", chain.open_orders),
                            ("cmd.code (serial, holder, item_id, per_code, state)", chain.codes)):
            path = os.path.join(workdir, f"{table.split()[0]}.csv")
            with open(path, "w", newline="") as f:
                csv.writer(f).writerows(rows)
            script.append(f"\\copy {table} FROM '{path}' WITH (FORMAT csv)")
        script += ["VACUUM (ANALYZE) cmd.sales_order, cmd.code;", "CHECKPOINT;"]
        path = os.path.join(workdir, "cmd_load.sql")
        with open(path, "w") as f:
            f.write("\n".join(script) + "\n")
        self.pg.run(["-d", self.pg.db, "-f", path])

    def start(self):
        self.proc = subprocess.Popen(self.pg.psql_base + ["-d", self.pg.db, "-At"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, bufsize=1)
        self.send(self.PREPARE + "SELECT count(*) FROM cmd.code \\g /dev/null\n"
                  "SELECT current_setting('fsync') || ' ' || current_setting('synchronous_commit') || ' ' || "
                  "current_setting('full_page_writes') AS settings \\gset\n\\echo :settings\n")
        self.settings = self.proc.stdout.readline().strip()
        if self.settings != "on on on":
            sys.exit(f"PostgreSQL session is not durable (fsync, synchronous_commit, full_page_writes: {self.settings})")

    def send(self, text):
        self.proc.stdin.write(text)
        self.proc.stdin.flush()

    def array(self, serials):
        for s in serials:
            if not s or s.strip(self.SAFE):
                sys.exit(f"serial {s!r} needs quoting; the baseline driver only passes plain serials")
        return "'{" + ",".join(serials) + "}'"

    def script(self, kind, f):
        e = f["e"]
        if kind == "recv":
            stmt = f"EXECUTE recv({self.array(f['serials'])}, {e}, '{f['rcv']}', '{f['lot']}')"
        elif kind == "ship":
            stmt = f"EXECUTE ship({self.array(f['serials'])}, {e}, '{f['item']}', '{f['so']}', '{f['sh']}', {f['to']})"
        else:
            self.array(f["serials"] + [f["voucher"]])
            stmt = f"EXECUTE retail('{f['serials'][0]}', {e}, '{f['item']}', '{f['so']}', '{f['sh']}', '{f['voucher']}')"
        return f"BEGIN;\n{stmt} \\gset\n\\if :ok\nCOMMIT;\n\\echo DONE\n\\else\nROLLBACK;\n\\echo REFUSED\n\\endif\n"

    def replay(self, commands):
        """Each command in order, timed from writing its script to reading its answer: {bucket: [(codes, ms)]}."""
        t = {}
        for bucket, kind, f in commands:
            text = self.script(kind, f)
            t0 = time.perf_counter()
            self.send(text)
            line = self.proc.stdout.readline()
            ms = (time.perf_counter() - t0) * 1000.0
            if line.strip() != "DONE":
                sys.exit(f"PostgreSQL refused or failed {kind} {f.get('sh') or f.get('rcv')} of enterprise {f['e']}: {line!r}")
            t.setdefault(bucket, []).append((len(f["serials"]), ms))
        # The checks are real: each kind's first scan, made again, must be refused (not timed).
        for kind in ("recv", "ship", "retail"):
            again = next(f for _, k, f in commands if k == kind)
            self.send(self.script(kind, again))
            if self.proc.stdout.readline().strip() != "REFUSED":
                sys.exit(f"PostgreSQL accepted a repeated {kind} scan: the baseline does not check")
        return t

    def check(self, chain):
        """Every code ended where AgriTrace put it."""
        got = self.pg.run(["-d", self.pg.db, "-At", "-c",
                           "SELECT (SELECT count(*) FROM cmd.code WHERE state = 'sold') || ' ' || "
                           "(SELECT count(*) FROM cmd.code WHERE state = 'held' AND holder > 3) || ' ' || "
                           "(SELECT count(*) FROM cmd.receipt_code) || ' ' || (SELECT count(*) FROM cmd.shipment_code) || ' ' || "
                           "(SELECT count(*) FROM cmd.sales_order WHERE status <> 'shipped')"]).split()
        want = [SHOPS * SALES, ITEMS - SHOPS * SALES, CRATES + 2 * ITEMS, CRATES + 2 * ITEMS + SHOPS * SALES, 0]
        if [int(x) for x in got] != want:
            sys.exit(f"PostgreSQL's codes after the replay (sold, held by shops, received, shipped, open orders): {got}, expected {want}")


# ---- main ---------------------------------------------------------------------------------------

def throughput(samples):
    codes = sum(n for n, _ in samples)
    ms = sum(m for _, m in samples)
    return codes / (ms / 1000.0), codes, len(samples)


def main():
    t_start = time.time()
    work = tempfile.mkdtemp(prefix="agritrace-chain-")
    data = os.path.join(work, "data")
    env = dict(os.environ, AGRITRACE_ADMIN_KEY=ADMIN)
    log = open(os.path.join(work, "serve.log"), "w")
    server = subprocess.Popen([BIN, "serve", "--data", data, "--listen", f"127.0.0.1:{PORT}", "--rate-per-key", "0", "--rate-per-address", "0"], env=env,
                              stdout=log, stderr=subprocess.STDOUT)
    pg = None
    try:
        for _ in range(300):
            try:
                c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=1)
                c.request("GET", "/healthz")
                r = c.getresponse()
                r.read()
                # The port is bound before the ledger is loaded: 503 `starting` until then.
                if r.status == 200:
                    break
                time.sleep(0.1)
            except OSError:
                if server.poll() is not None:
                    sys.exit("agritrace serve exited; see " + log.name)
                time.sleep(0.1)
        api = Api(PORT)
        t = {}
        t0 = time.perf_counter()
        chain = Chain()
        farm, wholesaler, shops, rc = seed(api, chain, t)
        seed_s = time.perf_counter() - t0
        print(f"seeded {len(chain.enterprises)} enterprises through the API in {seed_s:.1f} s "
              f"({api.events} events; {ITEMS} item codes, {len(chain.shipments)} shipments, "
              f"{len(chain.receipts)} receipts, {len(chain.sales)} retail sales)", flush=True)
        t0 = time.perf_counter()
        wait_views(api, farm[4], f"/v1/recalls/{rc}")
        catchup_s = time.perf_counter() - t0
        check_ids(api, wholesaler, shops[0])

        # The recall must reach every retail sale, or the figures mean nothing.
        recall = api.call("GET", f"/v1/recalls/{rc}", farm[4])
        want = SHOPS * SALES
        got = len(recall.get("retail_sales", []))
        if got != want or recall.get("truncated"):
            sys.exit(f"GET /v1/recalls/{rc} lists {got} retail sales (truncated: {recall.get('truncated')}), "
                     f"expected {want}: the recall does not follow the goods")
        reached = {e["enterprise"] for e in recall.get("enterprises", [])}
        print(f"check: the farm's recall lists {got} retail sales in {len(reached)} enterprises", flush=True)

        queries = [("recall", f"/v1/recalls/{rc}", "GET /v1/recalls/rc-1"),
                   ("csv", f"/v1/recalls/{rc}/report.csv", "GET /v1/recalls/rc-1/report.csv"),
                   ("where", "/v1/whereabouts?lot_id=lot-1", "GET /v1/whereabouts?lot_id=lot-1")]
        q = {}
        for name, path, _ in queries:
            for _ in range(WARMUP):
                api.call("GET", path, farm[4], raw=True)
            lat, size = [], 0
            for _ in range(RUNS):
                body, ms = api.timed("GET", path, farm[4], raw=True)
                lat.append(ms)
                size = len(body)
            q[name] = (lat, size)

        # ---- PostgreSQL, same facts, same question
        pg = Postgres(work)
        pg.create_db()
        load_s, rows = pg.load(chain, work)
        doc, pg_size = pg.query_doc(1, "lot-1", os.environ.get("CHAIN_EXPLAIN"))
        pg_sales = len(doc["retail_sales"])
        pg_ents = len(doc["enterprises"])
        if pg_sales != want:
            sys.exit(f"PostgreSQL's recall lists {pg_sales} retail sales, expected {want}")
        if os.environ.get("CHAIN_DUMP"):  # both documents, to compare them
            os.makedirs(os.environ["CHAIN_DUMP"], exist_ok=True)
            for name, d in (("agritrace-recall.json", recall), ("postgres-recall.json", doc)):
                with open(os.path.join(os.environ["CHAIN_DUMP"], name), "w") as f:
                    json.dump(d, f, ensure_ascii=False, indent=1)
        pg_lat = pg.pgbench(1, "lot-1", RUNS, work)
        print(f"check: PostgreSQL {pg.version} lists {pg_sales} retail sales in {pg_ents} enterprises "
              f"(loaded {sum(rows.values())} rows in {load_s:.2f} s)", flush=True)

        # ---- PostgreSQL replays the timed commands, durably, in the same order
        cmds = PgCommands(pg)
        try:
            cmds.make_durable()
            cmds.load(chain, work)
            cmds.start()
            t0 = time.perf_counter()
            pg_t = cmds.replay(chain.commands)
            replay_s = time.perf_counter() - t0
        finally:
            cmds.restore()
        cmds.check(chain)
        print(f"check: PostgreSQL replayed the {len(chain.commands)} scans in {replay_s:.1f} s "
              f"(fsync, synchronous_commit, full_page_writes: {cmds.settings}); every code ended where AgriTrace put it",
              flush=True)

        rss = hwm = 0
        with open(f"/proc/{server.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) // 1024
                if line.startswith("VmHWM:"):
                    hwm = int(line.split()[1]) // 1024

        if os.environ.get("CHAIN_PERF"):
            secs = float(os.environ.get("CHAIN_PERF_SECS", "15"))
            perf = subprocess.Popen(["perf", "record"] + os.environ.get("CHAIN_PERF_ARGS", "-g").split() +
                                    ["-o", os.environ["CHAIN_PERF"], "-p", str(server.pid)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1)
            end, n = time.time() + secs, 0
            while time.time() < end:
                for _, path, _ in queries:
                    api.call("GET", path, farm[4], raw=True)
                    n += 1
            perf.send_signal(signal.SIGINT)
            perf.wait()
            print(f"perf: {n} queries recorded into {os.environ['CHAIN_PERF']}", flush=True)

        report(t, pg_t, q, queries, pg_lat, pg_size, pg.version, chain, api, seed_s, catchup_s, load_s, rows,
               len(reached), rss, hwm, time.time() - t_start)
    finally:
        server.terminate()
        server.wait()
        log.close()
        if pg:
            pg.stop()
        shutil.rmtree(work, ignore_errors=True)


def report(t, pg_t, q, queries, pg_lat, pg_size, pg_version, chain, api, seed_s, catchup_s, load_s, rows, reached, rss,
           hwm, total_s):
    f2 = lambda v: f"{v:.2f}"  # noqa: E731
    lines = []
    out = lines.append
    rw, nw, kw = throughput(t["recv_wholesaler"])
    rs, ns, ks = throughput(t["recv_shops"])
    rall, nall, _ = throughput(t["recv_wholesaler"] + t["recv_shops"])
    sp, np_, kp = throughput(t["ship_plant"])
    sw, nws, kws = throughput(t["ship_wholesaler"])
    sall, nsall, _ = throughput(t["ship_plant"] + t["ship_wholesaler"])
    retail = [ms for _, ms in t["retail"]]
    per_req = lambda s: f"{median([ms for _, ms in s]):.1f} / {pct([ms for _, ms in s], 0.99):.1f}"  # noqa: E731
    pg50, pg99 = median(pg_lat), pct(pg_lat, 0.99)
    machine = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                machine = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        ram = int(f.readline().split()[1]) / 1048576
    osname = "Linux"
    if os.path.exists("/etc/os-release"):
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    osname = line.split("=", 1)[1].strip().strip('"')
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", ROOT, "diff", "--quiet", "HEAD", "--", "."]).returncode != 0
    load = open("/proc/loadavg").read().split()[:3]

    out(f"**Machine.** {os.cpu_count()} CPUs, {machine}, {ram:.1f} GiB RAM; {osname}, {os.uname().release}. "
        f"**Date.** {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC. "
        f"**Commit.** `{commit}{'+dirty' if dirty else ''}`. **Command.** `bench/chain_recall.py {BIN} {PORT}` "
        f"(CHAIN_SHOPS={SHOPS} CHAIN_SALES={SALES} CHAIN_ITEMS={ITEMS} CHAIN_RUNS={RUNS}); "
        f"Release `agritrace serve` (embedded ledger, default threads); PostgreSQL {pg_version}. "
        f"**Runtime** {total_s:.0f} s; load average at the end {' '.join(load)} (2 CPUs shared with other engineers).")
    out("")
    out(f"**Chain.** {len(chain.enterprises)} registered enterprises: farm → plant → wholesaler → {SHOPS} shops → "
        f"{SHOPS * SALES} consumers; {CRATES} crate codes, {ITEMS} item codes; {len(chain.shipments)} shipments by scan, "
        f"{len(chain.receipts)} receipts by scan, {len(chain.sales)} retail sales; {api.events} events, seeded through the "
        f"API in {seed_s:.1f} s (views caught up {catchup_s:.1f} s after the last command). "
        f"PostgreSQL: {sum(rows.values())} rows ({', '.join(f'{k} {v}' for k, v in rows.items())}), "
        f"COPY + VACUUM ANALYZE {load_s:.2f} s. Server RSS after the queries {rss} MiB (peak {hwm}).")
    out("")
    out("| command (one client, sequential) | requests | codes | AgriTrace codes/s | PostgreSQL codes/s "
        "| AgriTrace / PostgreSQL codes/s | AgriTrace ms per request p50 / p99 | PostgreSQL ms p50 / p99 "
        "| AgriTrace / PostgreSQL p50 ms |")
    out("|---|---|---|---|---|---|---|---|---|")
    rows = [(f"receive by scan: wholesaler, {PER_REQUEST} codes per request", ["recv_wholesaler"], False),
            (f"receive by scan: {SHOPS} shops, {PER_SHOP} codes each", ["recv_shops"], False),
            ("receive by scan: both", ["recv_wholesaler", "recv_shops"], True),
            (f"ship by scan: plant → wholesaler, {PER_REQUEST} codes per request", ["ship_plant"], False),
            (f"ship by scan: wholesaler → {SHOPS} shops, {PER_SHOP} codes each", ["ship_wholesaler"], False),
            ("ship by scan: both", ["ship_plant", "ship_wholesaler"], True),
            ("retail sale (1 code, payment voucher)", ["retail"], False)]
    ratios = {}
    for label, buckets, total in rows:
        a = [x for b in buckets for x in t[b]]
        p = [x for b in buckets for x in pg_t[b]]
        assert [n for n, _ in a] == [n for n, _ in p], label  # same requests, same sizes
        ra, codes, k = throughput(a)
        rp, _, _ = throughput(p)
        am, pm = [ms for _, ms in a], [ms for _, ms in p]
        ratios[buckets[0] if len(buckets) == 1 else buckets[0][:4]] = (ra / rp, median(am) / median(pm))
        bold = (lambda v: f"**{v}**") if total or buckets == ["retail"] else (lambda v: v)  # noqa: E731
        lat = "–" if total else f"{median(am):.2f} / {pct(am, 0.99):.2f}"
        plat = "–" if total else f"{median(pm):.2f} / {pct(pm, 0.99):.2f}"
        lratio = "–" if total else bold(f"{median(am) / median(pm):.2f}×")
        out(f"| {label} | {k} | {codes} | {ra:.0f} | {rp:.0f} | {bold(f'{ra / rp:.2f}×')} | {lat} | {plat} | {lratio} |")
    out("")
    out(f"Commands: above 1× in the codes/s ratio means AgriTrace moves codes faster; above 1× in the p50 ratio means "
        f"AgriTrace takes longer per request. PostgreSQL replays the same {sum(len(v) for v in pg_t.values())} scans "
        f"(the same serials, request sizes and order, with the ids AgriTrace answered; "
        f"bench/postgres/chain_commands.sql), each one transaction with fsync, synchronous_commit and "
        f"full_page_writes on, over one persistent `psql` on the unix socket (prepared statements; time from "
        f"writing the request to reading its answer). Not in the rows: the plant's {ITEMS} codes were generated in "
        f"one request in {t['codegen_ms']:.0f} ms; the farm shipped {CRATES} crates in {t['ship_farm'][0][1]:.1f} ms "
        f"(PostgreSQL {pg_t['ship_farm'][0][1]:.1f} ms) and the plant received them in {t['recv_plant'][0][1]:.1f} ms "
        f"(PostgreSQL {pg_t['recv_plant'][0][1]:.1f} ms).")
    out("")
    out(f"| query, the farm's key ({RUNS} runs after {WARMUP} warm-up) | bytes | AgriTrace p50 (ms) | AgriTrace p99 (ms) "
        f"| PostgreSQL p50 / p99 (ms) | AgriTrace / PostgreSQL p50 | p99 |")
    out("|---|---|---|---|---|---|---|")
    for name, _, label in queries:
        lat, size = q[name]
        a50, a99 = median(lat), pct(lat, 0.99)
        out(f"| `{label}` | {size} | {f2(a50)} | {f2(a99)} | {pg50:.2f} / {pg99:.2f} | **{a50 / pg50:.2f}×** | {a99 / pg99:.2f}× |")
    out("")
    speedups = [pg50 / median(q[name][0]) for name, _, _ in queries]
    out(f"**Verdict.** At p50 AgriTrace answers {' / '.join(f'{v:.2f}×' for v in speedups)} as fast as PostgreSQL "
        f"(recall / CSV / whereabouts; above 1× = faster). Goal for recall (section 3): ≥ 20× PostgreSQL — "
        f"{'met' if min(speedups) >= 20 else '**short**'}. What limits it: “Circulation-end recall” below. "
        f"Commands: AgriTrace moves codes {ratios['recv'][0]:.2f}× (receive) and {ratios['ship'][0]:.2f}× (ship) as fast "
        f"as PostgreSQL, and a retail sale takes {ratios['retail'][1]:.2f}× PostgreSQL's p50.")
    out("")
    out(f"PostgreSQL: bench/postgres/chain_recall.sql (recursive CTE over consumption → shipment → receipt → …, "
        f"one JSON document of {pg_size} bytes: the reached items of {reached} enterprises with their figures and "
        f"shipments, the shipped / open-order / quarantine lists, the {SHOPS * SALES} retail sales, in transit), "
        f"`pgbench -M prepared -c 1 -t {RUNS + WARMUP}` over the unix socket, first {WARMUP} transactions dropped. "
        f"AgriTrace: Python `http.client` on one keep-alive TCP connection, time to the last byte. Both list "
        f"{SHOPS * SALES} retail sales (checked). A ratio above 1× means AgriTrace is slower.")
    md = "\n".join(lines)
    print()
    print(md)
    if os.environ.get("CHAIN_MD"):
        with open(os.environ["CHAIN_MD"], "w") as f:
            f.write(md + "\n")


if __name__ == "__main__":
    main()
