// The views of a chain of five enterprises (farm -> processor -> Guangzhou wholesaler -> two
// Shenzhen retailers -> consumers) come out byte-identical whatever the order in which the events
// of different enterprises reach the projections (each enterprise's own order kept), and the
// recall of the farm's material lot finds every retail sale (R-4.2.4, R-4.3.2, R-4.3.4).
#include "projections/production/projection.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "core/domain/event.h"
#include "events/codec/domain_codec.h"
#include "events/envelope/envelope.h"
#include "projections/base/view_store.h"
#include "projections/production/queries.h"
#include "projections/sales/queries.h"
#include "projections/trace/lineage.h"
#include "projections/trace/queries.h"
#include "tests/support/api_client.h"
#include "tests/support/lineage_rows.h"
#include "tests/support/test_clock.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

using core::Quantity;
using core::Unit;

constexpr const char* kFarm = "93441322MA4W12345F";
constexpr const char* kProcessor = "91441900MA51ABCD7J";
constexpr const char* kWholesaler = "91440111MA5CWHL01X";
constexpr const char* kRetailer1 = "92440300MA5SZRT01K";
constexpr const char* kRetailer2 = "92440300MA5SZRT02M";

core::Date day(const char* text) { return *core::parse_date(text, "test"); }
Quantity kg(int64_t n) { return Quantity{n * 1000, Unit::kGram}; }
Quantity pieces(int64_t n) { return Quantity{n, Unit::kPiece}; }

std::vector<std::string> serials(const char* prefix, int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i <= to; ++i) out.push_back(fmt::format("{}{:02d}", prefix, i));
  return out;
}

struct Applied {
  events::StoredEvent stored;
  core::Event event;
};

// The events of each enterprise, in its own order, with the envelope fields projections read.
class Chain {
 public:
  void add(const std::string& tenant, core::Event e) {
    events::StoredEvent se;
    se.envelope.id = fmt::format("{:032x}", ++count_);
    se.envelope.type = std::string(core::event_type(e));
    se.envelope.tenant = tenant;
    se.envelope.tenant_seq = static_cast<int64_t>(by_tenant_[tenant].size()) + 1;
    se.envelope.occurred_at_ms = 1795000000000 + count_ * 1000;
    se.envelope.subject = core::event_subject(e);
    se.envelope.payload_json = events::encode_event_payload(e);
    if (std::find(order_.begin(), order_.end(), tenant) == order_.end()) order_.push_back(tenant);
    by_tenant_[tenant].push_back({std::move(se), std::move(e)});
  }

  // All of one enterprise, then the next (in `tenants` order).
  std::vector<const Applied*> tenant_major(const std::vector<std::string>& tenants) const {
    std::vector<const Applied*> out;
    for (const auto& t : tenants) {
      for (const Applied& a : by_tenant_.at(t)) out.push_back(&a);
    }
    return out;
  }
  // One event of each enterprise in turn.
  std::vector<const Applied*> round_robin() const {
    std::vector<const Applied*> out;
    for (size_t i = 0;; ++i) {
      bool any = false;
      for (const auto& t : order_) {
        const auto& list = by_tenant_.at(t);
        if (i < list.size()) {
          out.push_back(&list[i]);
          any = true;
        }
      }
      if (!any) return out;
    }
  }
  // A seeded random interleaving.
  std::vector<const Applied*> shuffled(uint32_t seed) const {
    std::mt19937 rng(seed);
    std::map<std::string, size_t> next;
    std::vector<const Applied*> out;
    for (;;) {
      std::vector<std::string> open;
      for (const auto& t : order_) {
        if (next[t] < by_tenant_.at(t).size()) open.push_back(t);
      }
      if (open.empty()) return out;
      const std::string& t = open[rng() % open.size()];
      out.push_back(&by_tenant_.at(t)[next[t]++]);
    }
  }
  const std::vector<std::string>& tenants() const { return order_; }

 private:
  int64_t count_ = 0;
  std::vector<std::string> order_;
  std::map<std::string, std::vector<Applied>> by_tenant_;
};

core::Event enterprise(const std::string& uscc, const std::string& name, const std::string& region) {
  return core::EnterpriseRegistered{uscc, name, region, "key-" + uscc.substr(0, 4), std::string(64, 'a')};
}

core::Event customer(const std::string& id, const std::string& name, const std::string& uscc,
                     const std::string& region) {
  core::CounterpartyRecord r;
  r.kind = core::CounterpartyKind::kEnterprise;
  r.roles.customer = true;
  r.name = name;
  r.uscc = uscc;
  r.contact_person = "陈经理";
  r.phone = "13711112222";
  r.region = region;
  return core::CounterpartyRegistered{id, r};
}

core::Event person(const std::string& id, const std::string& name, const std::string& id_number,
                   const std::string& phone) {
  core::CounterpartyRecord r;
  r.kind = core::CounterpartyKind::kIndividual;
  r.roles.customer = true;
  r.name = name;
  r.id_number = id_number;
  r.phone = phone;
  r.region = "广东省深圳市";
  return core::CounterpartyRegistered{id, r};
}

core::ShipmentRecorded shipment(const std::string& sh, const std::string& so, const std::string& item,
                                const std::string& lot_code, const std::string& product, const char* date,
                                const std::string& to_id, const std::string& to_name, const std::string& to_uscc,
                                Quantity q, int64_t per_code, std::vector<std::string> codes) {
  core::ShipmentRecorded e;
  e.shipment_id = sh;
  e.so_id = so;
  e.batch_id = item;
  e.lot_code = lot_code;
  e.product = product;
  e.ship_date = day(date);
  e.ship_to_id = to_id;
  e.ship_to_name = to_name;
  e.ship_to_uscc = to_uscc;
  e.ship_to_tenant = to_uscc;
  e.ship_to_region = to_uscc.empty() ? "广东省深圳市" : "广东省";
  e.ship_to_individual = to_uscc.empty();
  e.quantity = q;
  e.quantity_per_code = per_code;
  e.serials = std::move(codes);
  return e;
}

core::Event order(const std::string& so, const std::string& customer_id, const std::string& item,
                  const std::string& product, Quantity q) {
  return core::SalesOrderCreated{so, customer_id, item, product, q, day("2026-11-20"), day("2026-12-20"),
                                 std::nullopt, ""};
}

core::GoodsReceived receipt(const std::string& rcv, const std::string& lot, const std::string& from,
                            const std::string& from_name, const std::string& sh, const std::string& from_item,
                            const std::string& origin, const std::string& origin_batch, const std::string& product,
                            const std::string& lot_code, Quantity q, int64_t per_code, const char* date,
                            std::vector<std::string> got, std::vector<std::string> missing) {
  core::GoodsReceived e;
  e.receipt_id = rcv;
  e.lot_id = lot;
  e.source = core::ReceiptSource::kScan;
  e.received_on = day(date);
  e.from_tenant = from;
  e.from_name = from_name;
  e.shipment_id = sh;
  e.from_item_id = from_item;
  e.origin_tenant = origin;
  e.origin_batch_id = origin_batch;
  e.product = product;
  e.lot_code = lot_code;
  e.production_date = day("2026-11-20");
  e.expiry_date = day("2026-12-20");
  e.quantity = q;
  e.quantity_per_code = per_code;
  e.serials = std::move(got);
  e.missing_serials = std::move(missing);
  return e;
}

core::Event codes(const std::string& gtin, const std::string& lot_code, const std::string& batch,
                  std::vector<std::string> list, std::vector<core::Event>* more) {
  core::CodeRunStarted run;
  run.run_id = "run-1";
  run.template_id = "ct-1";
  run.batch_id = batch;
  run.gtin14 = gtin;
  run.lot_code = lot_code;
  run.base_url = "https://trace.example.cn";
  run.count = static_cast<int64_t>(list.size());
  more->push_back(core::CodesGenerated{"run-1", batch, 0, std::move(list)});
  return run;
}

// farm -> processor -> Guangzhou wholesaler -> two Shenzhen retailers -> consumers.
Chain demo_chain() {
  Chain c;
  const std::string veg = "菜心";
  const std::string pack = "净菜菜心 500g";
  std::vector<core::Event> more;

  // Farm: seed lot -> batch b-1 (200 kg, codes of 10 kg) -> 100 kg to the processor.
  c.add(kFarm, enterprise(kFarm, "博罗县绿源农业有限公司", "广东省惠州市博罗县"));
  core::CounterpartyRecord seeds;
  seeds.kind = core::CounterpartyKind::kEnterprise;
  seeds.roles.supplier = true;
  seeds.name = "广州市良种种业有限公司";
  seeds.uscc = "91440101MA5SEED01Q";
  seeds.contact_person = "黄工";
  seeds.phone = "13800000001";
  c.add(kFarm, core::CounterpartyRegistered{"cp-1", seeds});
  c.add(kFarm, customer("cp-2", "东莞市鲜达农产品加工有限公司", kProcessor, "广东省东莞市"));
  c.add(kFarm, core::PurchaseOrderReceived{"po-1", "lot-1", kg(5), day("2026-09-01"), "菜心种子", "cp-1",
                                           "SEED-26", day("2026-08-01"), day("2027-08-01")});
  c.add(kFarm, core::BatchCreated{"b-1", veg, "FARM-1120", kg(200), day("2026-11-20"), day("2026-12-20"), "", ""});
  c.add(kFarm, core::BatchMaterialConsumed{"b-1", "lot-1", kg(2)});
  c.add(kFarm, codes("06901234000017", "FARM-1120", "b-1", serials("F", 1, 20), &more));
  c.add(kFarm, more.back());
  c.add(kFarm, order("so-1", "cp-2", "b-1", veg, kg(100)));
  c.add(kFarm, shipment("sh-1", "so-1", "b-1", "FARM-1120", veg, "2026-11-21", "cp-2", "东莞市鲜达农产品加工有限公司",
                        kProcessor, kg(100), 10000, serials("F", 1, 10)));
  c.add(kFarm, core::SalesOrderStatusChanged{"so-1", core::SalesOrderStatus::kShipped, kg(100)});

  // Processor: receives the farm's 100 kg as lot-1, makes batch b-1 of 20 packs from 60 kg, ships
  // 12 packs to the wholesaler.
  c.add(kProcessor, enterprise(kProcessor, "东莞市鲜达农产品加工有限公司", "广东省东莞市"));
  c.add(kProcessor, receipt("rcv-1", "lot-1", kFarm, "博罗县绿源农业有限公司", "sh-1", "b-1", kFarm, "b-1", veg,
                            "FARM-1120", kg(100), 10000, "2026-11-21", serials("F", 1, 10), {}));
  c.add(kProcessor, core::BatchCreated{"b-1", pack, "PROC-1122", pieces(20), day("2026-11-22"), day("2026-11-29"), "", ""});
  c.add(kProcessor, core::BatchMaterialConsumed{"b-1", "lot-1", kg(60)});
  c.add(kProcessor, codes("06901234000024", "PROC-1122", "b-1", serials("P", 1, 20), &more));
  c.add(kProcessor, more.back());
  c.add(kProcessor, customer("cp-1", "广州市江南果菜批发有限公司", kWholesaler, "广东省广州市"));
  c.add(kProcessor, order("so-1", "cp-1", "b-1", pack, pieces(12)));
  c.add(kProcessor, shipment("sh-1", "so-1", "b-1", "PROC-1122", pack, "2026-11-22", "cp-1", "广州市江南果菜批发有限公司",
                             kWholesaler, pieces(12), 1, serials("P", 1, 12)));
  c.add(kProcessor, core::SalesOrderStatusChanged{"so-1", core::SalesOrderStatus::kShipped, pieces(12)});

  // Wholesaler: receives 10 packs (P11, P12 missing), then P11 later into the same lot; ships 4
  // to each retailer and P09 to the second one (not received yet); one open order.
  c.add(kWholesaler, enterprise(kWholesaler, "广州市江南果菜批发有限公司", "广东省广州市白云区"));
  c.add(kWholesaler, receipt("rcv-1", "lot-1", kProcessor, "东莞市鲜达农产品加工有限公司", "sh-1", "b-1", kProcessor, "b-1",
                             pack, "PROC-1122", pieces(10), 1, "2026-11-23", serials("P", 1, 10), serials("P", 11, 12)));
  c.add(kWholesaler, receipt("rcv-2", "lot-1", kProcessor, "东莞市鲜达农产品加工有限公司", "sh-1", "b-1", kProcessor, "b-1",
                             pack, "PROC-1122", pieces(1), 1, "2026-11-24", {"P11"}, {}));
  c.add(kWholesaler, customer("cp-1", "深圳市福田区鲜果超市有限公司", kRetailer1, "广东省深圳市"));
  c.add(kWholesaler, customer("cp-2", "深圳市南山区生鲜便利店有限公司", kRetailer2, "广东省深圳市"));
  auto from_lot = [](core::ShipmentRecorded e) {
    e.origin_tenant = kProcessor;
    e.origin_batch_id = "b-1";
    return e;
  };
  c.add(kWholesaler, order("so-1", "cp-1", "lot-1", pack, pieces(4)));
  c.add(kWholesaler, from_lot(shipment("sh-1", "so-1", "lot-1", "PROC-1122", pack, "2026-11-24", "cp-1",
                                       "深圳市福田区鲜果超市有限公司", kRetailer1, pieces(4), 1, serials("P", 1, 4))));
  c.add(kWholesaler, core::SalesOrderStatusChanged{"so-1", core::SalesOrderStatus::kShipped, pieces(4)});
  c.add(kWholesaler, order("so-2", "cp-2", "lot-1", pack, pieces(6)));
  c.add(kWholesaler, from_lot(shipment("sh-2", "so-2", "lot-1", "PROC-1122", pack, "2026-11-24", "cp-2",
                                       "深圳市南山区生鲜便利店有限公司", kRetailer2, pieces(4), 1, serials("P", 5, 8))));
  c.add(kWholesaler, core::SalesOrderStatusChanged{"so-2", core::SalesOrderStatus::kPartiallyShipped, pieces(4)});
  c.add(kWholesaler, from_lot(shipment("sh-3", "so-2", "lot-1", "PROC-1122", pack, "2026-11-25", "cp-2",
                                       "深圳市南山区生鲜便利店有限公司", kRetailer2, pieces(1), 1, {"P09"})));
  c.add(kWholesaler, order("so-3", "cp-1", "lot-1", pack, pieces(2)));

  // Retailers: receive, sell to consumers (one named with a voucher, one anonymous).
  c.add(kRetailer1, enterprise(kRetailer1, "深圳市福田区鲜果超市有限公司", "广东省深圳市福田区"));
  c.add(kRetailer1, receipt("rcv-1", "lot-1", kWholesaler, "广州市江南果菜批发有限公司", "sh-1", "lot-1", kProcessor, "b-1",
                            pack, "PROC-1122", pieces(4), 1, "2026-11-25", serials("P", 1, 4), {}));
  c.add(kRetailer1, person("cp-1", "张伟", "441322197806151238", "13912345678"));
  auto retail = [](core::ShipmentRecorded e, const char* voucher) {
    e.origin_tenant = kProcessor;
    e.origin_batch_id = "b-1";
    e.payment_voucher = voucher;
    e.price_fen = 1290;
    return e;
  };
  c.add(kRetailer1, order("so-1", "cp-1", "lot-1", pack, pieces(1)));
  c.add(kRetailer1, retail(shipment("sh-1", "so-1", "lot-1", "PROC-1122", pack, "2026-11-26", "cp-1", "张伟", "",
                                    pieces(1), 1, {"P01"}), "WX4200001234"));
  c.add(kRetailer1, core::SalesOrderStatusChanged{"so-1", core::SalesOrderStatus::kShipped, pieces(1)});
  c.add(kRetailer1, order("so-2", "", "lot-1", pack, pieces(1)));
  c.add(kRetailer1, retail(shipment("sh-2", "so-2", "lot-1", "PROC-1122", pack, "2026-11-26", "", "", "",
                                    pieces(1), 1, {"P02"}), ""));
  c.add(kRetailer1, core::SalesOrderStatusChanged{"so-2", core::SalesOrderStatus::kShipped, pieces(1)});

  c.add(kRetailer2, enterprise(kRetailer2, "深圳市南山区生鲜便利店有限公司", "广东省深圳市南山区"));
  c.add(kRetailer2, receipt("rcv-1", "lot-1", kWholesaler, "广州市江南果菜批发有限公司", "sh-2", "lot-1", kProcessor, "b-1",
                            pack, "PROC-1122", pieces(4), 1, "2026-11-25", serials("P", 5, 8), {}));
  c.add(kRetailer2, person("cp-1", "李娜", "440305198810108889", "13600001111"));
  c.add(kRetailer2, order("so-1", "cp-1", "lot-1", pack, pieces(2)));
  c.add(kRetailer2, retail(shipment("sh-1", "so-1", "lot-1", "PROC-1122", pack, "2026-11-27", "cp-1", "李娜", "",
                                    pieces(2), 1, {"P05", "P06"}), "AP8800007777"));
  c.add(kRetailer2, core::SalesOrderStatusChanged{"so-1", core::SalesOrderStatus::kShipped, pieces(2)});

  // The farm recalls its seed lot.
  c.add(kFarm, core::RecallRaised{"rc-1", core::RecallScope::kLot, "lot-1", "种子批次农残超标", day("2026-11-28"), {"b-1"}});
  return c;
}

// Fresh views with the events applied in the given order (one commit per event, like a runner
// that polls one event at a time).
struct Views {
  TempDir dir;
  std::unique_ptr<projections::ViewStore> store;
  explicit Views(const std::vector<const Applied*>& order) {
    auto opened = projections::ViewStore::open(dir.path() + "/views");
    REQUIRE(opened.ok());
    store = std::move(opened).value();
    auto all = projections::make_all_projections();
    for (const Applied* a : order) {
      projections::ViewBatch batch(*store);
      for (auto& p : all) REQUIRE(p->apply(a->stored, a->event, batch).ok());
      REQUIRE(store->commit(batch, {}).ok());
    }
  }
};

// A chain's events applied in five orders (each enterprise's own order kept): tenant after
// tenant, tenants reversed, round-robin and two seeded random interleavings.
struct Interleavings {
  Views in_order, backwards, round_robin, random1, random2;
  Interleavings(const Chain& c, uint32_t seed1, uint32_t seed2)
      : in_order(c.tenant_major(c.tenants())),
        backwards(c.tenant_major({c.tenants().rbegin(), c.tenants().rend()})),
        round_robin(c.round_robin()),
        random1(c.shuffled(seed1)),
        random2(c.shuffled(seed2)) {}
  // Every order gives byte-identical views.
  void check_same_views() const {
    const std::string digest = in_order.store->digest();
    CHECK(backwards.store->digest() == digest);
    CHECK(round_robin.store->digest() == digest);
    CHECK(random1.store->digest() == digest);
    CHECK(random2.store->digest() == digest);
  }
};

Reply ok(const Result<std::string>& r) {
  REQUIRE(r.ok());
  return Reply{200, *r, {}};
}

// Every retail sale, as "enterprise/shipment" strings.
std::vector<std::string> retail_sales(const Reply& r, const std::string& list) {
  std::vector<std::string> out;
  for (size_t i = 0; i < r.size(list); ++i) {
    out.push_back(r.str(fmt::format("{}/{}/enterprise", list, i)) + "/" + r.str(fmt::format("{}/{}/shipment_id", list, i)));
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("R-4.2.4 R-4.3.2 R-4.3.4 views of a five-enterprise chain do not depend on arrival order") {
  const Chain chain = demo_chain();
  const Interleavings orders(chain, 7, 2026);
  orders.check_same_views();

  // Whatever the order, the farm's recall finds every retail sale three enterprises downstream.
  for (const Views* v : {&orders.in_order, &orders.backwards, &orders.random1}) {
    projections::SalesQueries sales(*v->store);
    Reply report = ok(sales.recall(kFarm, "rc-1"));
    const std::vector<std::string> expected = {std::string(kRetailer1) + "/sh-1", std::string(kRetailer1) + "/sh-2",
                                               std::string(kRetailer2) + "/sh-1"};
    CHECK(retail_sales(report, "/retail_sales") == expected);
  }
  // Every answer, walk members and per-batch locations included, is the same byte for byte.
  projections::SalesQueries first(*orders.in_order.store);
  for (const Views* v : {&orders.backwards, &orders.round_robin, &orders.random1, &orders.random2}) {
    projections::SalesQueries sales(*v->store);
    CHECK(ok(sales.recall(kFarm, "rc-1")).body == ok(first.recall(kFarm, "rc-1")).body);
    CHECK(*sales.recall_csv(kFarm, "rc-1") == *first.recall_csv(kFarm, "rc-1"));
    CHECK(ok(sales.whereabouts_batch(kProcessor, "b-1")).body ==
          ok(first.whereabouts_batch(kProcessor, "b-1")).body);
  }
}

TEST_CASE("R-4.2.4 recall of a farm's material lot across enterprises: three lists, masked consumers") {
  const Chain chain = demo_chain();
  Views views(chain.round_robin());
  projections::SalesQueries sales(*views.store);
  Reply r = ok(sales.recall(kFarm, "rc-1"));
  INFO(r.body);
  // Own shipment of the farm first (as before), then every enterprise's shipments downstream.
  REQUIRE(r.size("/shipped") == 1 + 1 + 3 + 2 + 1);
  CHECK(r.str("/shipped/0/shipment_id") == "sh-1");
  CHECK(r.str("/shipped/0/enterprise") == kFarm);
  CHECK(r.str("/shipped/1/enterprise") == kProcessor);
  CHECK(r.str("/shipped/1/enterprise_name") == "东莞市鲜达农产品加工有限公司");
  CHECK(r.str("/shipped/1/customer/name") == "广州市江南果菜批发有限公司");
  CHECK(r.str("/shipped/1/receiver/enterprise") == kWholesaler);
  CHECK_FALSE(r.has("/shipped/1/customer/phone"));  // another enterprise's customer: no contact
  // The retail sales: masked consumers, voucher only as present or not.
  const auto sold = retail_sales(r, "/retail_sales");
  REQUIRE(sold.size() == 3);
  CHECK(r.str("/retail_sales/0/customer/name") == "张*");
  CHECK(r.str("/retail_sales/0/customer/kind") == "consumer");  // as the lineage shows consumers
  CHECK(r.num("/retail_sales/0/quantity/amount") == 1);
  CHECK(r.str("/retail_sales/0/sold_on") == "2026-11-26");
  CHECK(r.body.find("\"payment_voucher_present\":true") != std::string::npos);
  CHECK(r.body.find("\"payment_voucher_present\":false") != std::string::npos);
  for (const char* secret : {"张伟", "李娜", "13912345678", "441322197806151238", "WX4200001234", "AP8800007777"}) {
    CHECK_MESSAGE(r.body.find(secret) == std::string::npos, secret);
  }
  // Open orders downstream: the wholesaler's so-2 (1 of 6 left) and so-3 (2 packs).
  REQUIRE(r.size("/open_orders") == 2);
  CHECK(r.str("/open_orders/0/enterprise") == kWholesaler);
  CHECK(r.str("/open_orders/0/so_id") == "so-2");
  CHECK(r.str("/open_orders/0/status") == "partially_shipped");
  CHECK(r.num("/open_orders/0/remaining/amount") == 1);
  CHECK(r.str("/open_orders/0/customer/name") == "深圳市南山区生鲜便利店有限公司");
  CHECK(r.str("/open_orders/1/so_id") == "so-3");
  CHECK(r.num("/open_orders/1/remaining/amount") == 2);
  // Stock to quarantine: the farm's batch (100 kg) and seed lot (3 kg), the processor's lot (40 kg)
  // and batch (8 packs), the wholesaler (2 packs: P10, P11), the retailers (2 and 2).
  REQUIRE(r.size("/quarantine") == 7);
  CHECK(r.str("/quarantine/0/batch_id") == "b-1");
  CHECK(r.num("/quarantine/0/quantity/amount") == 100000);
  CHECK(r.str("/quarantine/1/item_id") == "lot-1");
  CHECK(r.num("/quarantine/1/quantity/amount") == 3000);
  CHECK(r.str("/quarantine/2/enterprise") == kProcessor);
  CHECK(r.num("/quarantine/2/quantity/amount") == 40000);
  CHECK(r.num("/quarantine/3/quantity/amount") == 8);
  CHECK(r.str("/quarantine/4/enterprise") == kWholesaler);
  CHECK(r.num("/quarantine/4/quantity/amount") == 2);
  CHECK(r.str("/quarantine/5/enterprise") == kRetailer1);
  CHECK(r.num("/quarantine/5/quantity/amount") == 2);
  CHECK(r.num("/quarantine/6/quantity/amount") == 2);
  // Not received: P12 of the processor's shipment is missing (recorded so at the wholesaler's
  // receipt, never in transit); P09 to the second retailer is in transit; 5 enterprises reached.
  REQUIRE(r.size("/in_transit") == 1);
  CHECK(r.str("/in_transit/0/shipment_id") == "sh-3");
  CHECK(r.str("/in_transit/0/to/enterprise") == kRetailer2);
  REQUIRE(r.size("/missing") == 1);
  CHECK(r.str("/missing/0/enterprise") == kProcessor);
  CHECK(r.num("/missing/0/quantity/amount") == 1);
  CHECK(r.num("/missing/0/received/amount") == 11);
  // The lineage says the same, with counts: every holder of every enterprise.
  CHECK(r.num("/lineage/totals/by_state/missing/codes") == 1);
  CHECK(r.num("/lineage/totals/by_state/in_transit/codes") == 1);
  CHECK(r.size("/lineage/batches") == 2);  // the farm's and the processor's b-1
  CHECK(r.size("/enterprises") == 5);
  CHECK(r.str("/enterprises/2/items/0/reached_from/enterprise") == kProcessor);
  CHECK(r.num("/enterprises/2/items/0/received/amount") == 11);

  // FSMA 204 CSV: one row per lot per location across enterprises.
  auto csv = sales.recall_csv(kFarm, "rc-1");
  REQUIRE(csv.ok());
  CHECK(csv->find("PROC-1122,4,piece,净菜菜心 "
                  "500g,customer,深圳市福田区鲜果超市有限公司,92440300MA5SZRT01K,广东省,,"
                  "广州市江南果菜批发有限公司,91440111MA5CWHL01X,广东省广州市白云区,") !=
        std::string::npos);
  CHECK(csv->find("PROC-1122,1,piece,净菜菜心 "
                  "500g,missing,广州市江南果菜批发有限公司,91440111MA5CWHL01X,") !=
        std::string::npos);
  CHECK(csv->find("PROC-1122,1,piece,净菜菜心 500g,consumer,张*") != std::string::npos);
  CHECK(csv->find(",enterprise_stock,广州市江南果菜批发有限公司") != std::string::npos);
  CHECK(csv->find("张伟") == std::string::npos);
  CHECK(csv->find("13912345678") == std::string::npos);
}

TEST_CASE("R-4.2.4 R-4.3.4 lineage under the origin batch, whereabouts and one code's path") {
  const Chain chain = demo_chain();
  Views views(chain.shuffled(99));
  projections::SalesQueries sales(*views.store);
  projections::TraceQueries trace(*views.store);
  const auto linq = [&](const char* origin, const char* holder) {
    auto v = views.store->get(std::string("linq/") + origin + "/b-000000000001/" + holder);
    return v ? std::stoll(*v) : 0;
  };
  // Under the farm's batch: the processor keeps 40 kg of the 100 (60 kg went into its batch).
  CHECK(linq(kFarm, kProcessor) == 40000);
  // Under the processor's batch: the wholesaler holds 12 - 9 shipped; retailers minus sales.
  CHECK(linq(kProcessor, kWholesaler) == 3);
  CHECK(linq(kProcessor, kRetailer1) == 2);
  CHECK(linq(kProcessor, kRetailer2) == 3);  // P09 shipped, not received yet: counted with it
  CHECK(linq(kProcessor, (std::string(kRetailer1) + ":cp-1").c_str()) == 1);
  CHECK(linq(kProcessor, (std::string(kRetailer1) + ":consumer").c_str()) == 1);

  // Whereabouts of the processor's batch name downstream holders (consumers only by their seller).
  Reply wb = ok(sales.whereabouts_batch(kProcessor, "b-1"));
  CHECK(wb.num("/batches/0/in_stock/amount") == 8);
  CHECK(wb.size("/retail_sales") == 3);
  INFO(wb.body);
  CHECK(
      wb.body.find(
          R"("kind":"downstream","holder":"consumer","customer":{"kind":"consumer"},"consumer_of":{"enterprise":"92440300MA5SZRT01K")") !=
      std::string::npos);
  CHECK(wb.body.find(":cp-") == std::string::npos);  // a consumer is shown one way everywhere
  // The walk members and the per-batch locations are the lineage's numbers.
  CHECK(walk_amounts(wb, "") == lineage_amounts(lineage_rows(wb, "/lineage")));

  // R-4.2.10: the processor sees its packs downstream: the wholesaler's and the shops' sales.
  Reply ana = ok(sales.downstream(kProcessor, "净菜菜心 500g", std::nullopt, std::nullopt, "day"));
  REQUIRE(ana.size("/rows") == 5);
  CHECK(ana.str("/rows/1/day") == "2026-11-24");
  CHECK(ana.num("/rows/1/wholesale") == 8);
  CHECK(ana.str("/rows/4/day") == "2026-11-27");
  CHECK(ana.num("/rows/4/retail") == 2);

  // The resolver's recall status follows the code upstream (the farm's seed lot) ...
  Reply status = Reply{200, sales.recall_status(kProcessor, "PROC-1122", "P15"), {}};
  CHECK(status.body.find("\"recalled\":true") != std::string::npos);
  CHECK(status.str("/recalls/0/enterprise") == kFarm);
  CHECK(status.str("/recalls/0/recall_id") == "rc-1");

  // One code: sold to a consumer through four enterprises; another in transit; one missing.
  Reply p01 = ok(trace.code(kRetailer1, "P01"));
  INFO(p01.body);
  CHECK(p01.str("/status") == "sold_to_consumer");
  REQUIRE(p01.size("/steps") == 6);
  CHECK(p01.str("/steps/0/step") == "produced");
  CHECK(p01.str("/steps/2/enterprise") == kWholesaler);
  CHECK(p01.str("/steps/2/receipt_id") == "rcv-1");
  CHECK(p01.str("/steps/5/payment_voucher") == "WX4200001234");  // the retailer's own sale
  CHECK(p01.str("/steps/5/customer/name") == "张伟");             // its own customer
  CHECK(ok(trace.code(kProcessor, "P01")).str("/steps/5/customer/name") == "张*");
  CHECK(ok(trace.code(kWholesaler, "P09")).str("/status") == "in_transit");
  // Only enterprises the code passed through may follow it.
  CHECK(trace.code(kRetailer2, "P01").error().reason == "code_not_found");
  CHECK(trace.code(kFarm, "P09").error().reason == "code_not_found");
  CHECK(ok(trace.code(kProcessor, "P12")).str("/status") == "missing_at_receipt");
  CHECK(ok(trace.code(kWholesaler, "P10")).str("/holder/enterprise") == kWholesaler);
  Reply f01 = ok(trace.code(kFarm, "F01"));
  CHECK(f01.str("/status") == "in_stock");
  CHECK(f01.str("/holder/item_id") == "lot-1");
  // ... and through the lots of the enterprises the code went to: the wholesaler recalls its lot.
  {
    projections::ViewBatch batch(*views.store);
    events::StoredEvent se;
    se.envelope.id = "ffffffffffffffffffffffffffffffff";
    se.envelope.tenant = kWholesaler;
    const core::Event recall = core::RecallRaised{"rc-1", core::RecallScope::kLot, "lot-1", "冷链中断", day("2026-11-28"), {}};
    for (auto& p : projections::make_all_projections()) REQUIRE(p->apply(se, recall, batch).ok());
    REQUIRE(views.store->commit(batch, {}).ok());
  }
  CHECK(Reply{200, sales.recall_status(kProcessor, "PROC-1122", "P03"), {}}.size("/recalls") == 2);
  CHECK(Reply{200, sales.recall_status(kProcessor, "PROC-1122", "P15"), {}}.size("/recalls") == 1);
  CHECK(sales.is_recalled(kProcessor, "PROC-1122", "P03"));
  // Whereabouts by a code received from upstream.
  Reply wc = ok(sales.whereabouts_code(kRetailer1, "PROC-1122", "P03"));
  CHECK(wc.str("/code/location") == "own_stock");
  CHECK(wc.str("/code/lot_id") == "lot-1");
}

TEST_CASE("R-4.3.2 receipts and received lots, R-4.2.4 backward trace across enterprises") {
  const Chain chain = demo_chain();
  Views views(chain.tenant_major({kRetailer2, kRetailer1, kWholesaler, kProcessor, kFarm}));
  projections::TraceQueries trace(*views.store);
  projections::ProductionQueries production(*views.store);
  Reply list = ok(trace.receipts(kWholesaler, projections::Page{}));
  REQUIRE(list.size("/items") == 2);
  CHECK_FALSE(list.has("/items/0/serials"));
  Reply rcv = ok(trace.receipt(kWholesaler, "rcv-1"));
  CHECK(rcv.str("/from_name") == "东莞市鲜达农产品加工有限公司");
  CHECK(rcv.num("/received_count") == 10);
  CHECK(rcv.size("/missing_serials") == 2);
  CHECK(rcv.str("/origin_name") == "东莞市鲜达农产品加工有限公司");
  CHECK(trace.receipt(kWholesaler, "rcv-9").error().reason == "receipt_not_found");
  Reply lot = ok(production.material_lot(kWholesaler, "lot-1"));
  CHECK(lot.num("/received_quantity/amount") == 11);
  CHECK(lot.str("/receipt_id") == "rcv-1");
  CHECK(lot.size("/receipt_ids") == 2);
  CHECK(lot.num("/shipped_quantity/amount") == 9);
  CHECK(lot.num("/stock_quantity/amount") == 2);
  CHECK(lot.str("/origin/enterprise") == kProcessor);
  CHECK(lot.str("/origin/batch_id") == "b-1");

  // A retailer's lot back to the farm's seed supplier: retailer <- wholesaler <- processor <- farm.
  Reply back = ok(trace.lot_backward(kRetailer1, "lot-1"));
  INFO(back.body);
  CHECK(back.str("/upstream/enterprise") == kWholesaler);
  CHECK(back.str("/upstream/shipment/shipment_id") == "sh-1");
  CHECK(back.str("/upstream/item/kind") == "lot");
  CHECK(back.str("/upstream/item/upstream/enterprise") == kProcessor);
  CHECK(back.str("/upstream/item/upstream/item/batch_id") == "b-1");
  const std::string farm = "/upstream/item/upstream/item/materials/0/upstream";
  CHECK(back.str(farm + "/enterprise") == kFarm);
  CHECK(back.str(farm + "/item/lot_code") == "FARM-1120");
  CHECK(back.str(farm + "/item/materials/0/supplier/name") == "广州市良种种业有限公司");
  CHECK_FALSE(back.has(farm + "/item/materials/0/supplier/phone"));
  // The processor's batch backward trace continues upstream into the farm.
  Reply batch_back = ok(production.backward_trace(kProcessor, "b-1"));
  CHECK(batch_back.str("/materials/0/upstream/enterprise") == kFarm);
  // The farm's forward trace of its seed lot reaches the retailers.
  Reply fwd = ok(production.forward_trace(kFarm, "lot-1"));
  CHECK(fwd.size("/downstream/enterprises") == 5);
  CHECK(fwd.size("/downstream/retail_sales") == 3);
}

namespace {

constexpr const char* kWholesaler2 = "91440111MA5GIFT01Y";  // repacks into gift boxes
constexpr const char* kShop = "92440300MA5SHOP01Z";
constexpr const char* kOutsider = "91440000MA0OTHER1X";           // a customer not on the platform
constexpr const char* kOutsiderName = "@佛山市某某食堂有限公司";  // a cell a spreadsheet would run

// farm seed lot-1 -> farm b-1 (200 kg, 20 codes of 10 kg) -> wholesaler (2 codes missing, one
// received later, the other listed missing twice) -> repacked whole into gift boxes b-1 at the
// wholesaler (10 boxes) -> a shop (one box missing, two in transit) -> consumers; stocktake
// write-offs at the farm, the wholesaler and the shop; 20 kg to a customer off the platform.
Chain repack_chain() {
  Chain c;
  std::vector<core::Event> more;
  const std::string d0 = days_from_today(-6), d1 = days_from_today(-5), d2 = days_from_today(-4),
                    d3 = days_from_today(-3), d4 = days_from_today(-2);
  c.add(kFarm, enterprise(kFarm, "博罗县绿源农业有限公司", "广东省惠州市博罗县"));
  c.add(kFarm, customer("cp-1", "广州市礼品菜心批发有限公司", kWholesaler2, "广东省广州市"));
  c.add(kFarm, customer("cp-2", kOutsiderName, kOutsider, "广东省佛山市"));
  c.add(kFarm,
        core::PurchaseOrderReceived{"po-1", "lot-1", kg(5), day(d0.c_str()), "菜心种子", "",
                                    "SEED-26", day(d0.c_str()), day(days_from_today(300).c_str())});
  c.add(kFarm, core::BatchCreated{"b-1", "菜心", "FARM-1", kg(200), day(d0.c_str()), std::nullopt,
                                  "", ""});
  c.add(kFarm, core::BatchMaterialConsumed{"b-1", "lot-1", kg(2)});
  c.add(kFarm, codes("06901234000017", "FARM-1", "b-1", serials("F", 1, 20), &more));
  c.add(kFarm, more.back());
  c.add(kFarm,
        shipment("sh-1", "so-1", "b-1", "FARM-1", "菜心", d1.c_str(), "cp-1",
                 "广州市礼品菜心批发有限公司", kWholesaler2, kg(100), 10000, serials("F", 1, 10)));
  core::ShipmentRecorded off =
      shipment("sh-2", "so-2", "b-1", "FARM-1", "菜心", d1.c_str(), "cp-2", kOutsiderName,
               kOutsider, kg(20), 10000, serials("F", 11, 12));
  off.ship_to_tenant = "";
  c.add(kFarm, off);
  c.add(kFarm, core::StockAdjusted{"b-1", kg(-10), "损耗", "st-1"});

  c.add(kWholesaler2, enterprise(kWholesaler2, "广州市礼品菜心批发有限公司", "广东省广州市"));
  c.add(kWholesaler2, customer("cp-1", "深圳市礼盒生鲜店", kShop, "广东省深圳市"));
  c.add(kWholesaler2, receipt("rcv-1", "lot-1", kFarm, "博罗县绿源农业有限公司", "sh-1", "b-1",
                              kFarm, "b-1", "菜心", "FARM-1", kg(80), 10000, d2.c_str(),
                              serials("F", 1, 8), serials("F", 9, 10)));
  c.add(kWholesaler2,
        receipt("rcv-2", "lot-1", kFarm, "博罗县绿源农业有限公司", "sh-1", "b-1", kFarm, "b-1",
                "菜心", "FARM-1", kg(10), 10000, d2.c_str(), {"F09"}, {"F10"}));
  c.add(kWholesaler2, core::BatchCreated{"b-1", "礼盒菜心", "GIFT-1", pieces(10), day(d2.c_str()),
                                         std::nullopt, "", ""});
  c.add(kWholesaler2, core::BatchMaterialConsumed{"b-1", "lot-1", kg(80)});
  c.add(kWholesaler2, core::StockAdjusted{"lot-1", kg(-10), "腐损", "st-1"});
  c.add(kWholesaler2, codes("06901234000031", "GIFT-1", "b-1", serials("G", 1, 10), &more));
  c.add(kWholesaler2, more.back());
  c.add(kWholesaler2, shipment("sh-1", "so-1", "b-1", "GIFT-1", "礼盒菜心", d3.c_str(), "cp-1",
                               "深圳市礼盒生鲜店", kShop, pieces(6), 1, serials("G", 1, 6)));
  c.add(kWholesaler2, shipment("sh-2", "so-2", "b-1", "GIFT-1", "礼盒菜心", d3.c_str(), "cp-1",
                               "深圳市礼盒生鲜店", kShop, pieces(2), 1, serials("G", 7, 8)));

  c.add(kShop, enterprise(kShop, "深圳市礼盒生鲜店", "广东省深圳市南山区"));
  c.add(kShop, receipt("rcv-1", "lot-1", kWholesaler2, "广州市礼品菜心批发有限公司", "sh-1", "b-1",
                       kWholesaler2, "b-1", "礼盒菜心", "GIFT-1", pieces(5), 1, d4.c_str(),
                       serials("G", 1, 5), {"G06"}));
  core::ShipmentRecorded sale = shipment("sh-1", "so-1", "lot-1", "GIFT-1", "礼盒菜心", d4.c_str(),
                                         "", "", "", pieces(2), 1, {"G01", "G02"});
  sale.origin_tenant = kWholesaler2;
  sale.origin_batch_id = "b-1";
  c.add(kShop, sale);
  c.add(kShop, core::StockAdjusted{"lot-1", pieces(-1), "破损", "st-1"});

  c.add(
      kFarm,
      core::RecallRaised{
          "rc-1", core::RecallScope::kLot, "lot-1", "种子批次农残超标", day(d4.c_str()), {"b-1"}});
  return c;
}

}  // namespace

TEST_CASE(
    "issue 11 lineage: repack downstream, partial receipts, write-offs, in any arrival order") {
  const Chain chain = repack_chain();
  const Interleavings orders(chain, 11, 4242);
  orders.check_same_views();

  for (const Views* v : {&orders.in_order, &orders.backwards, &orders.random2}) {
    projections::LineageQueries lineage(*v->store);
    Reply rc = ok(lineage.recall(kFarm, "rc-1"));
    INFO(rc.body);
    const LineageRows expected = {
        {fmt::format("own_stock {} lot-1", kFarm), {0, 3000}},
        {fmt::format("consumed_into {} lot-1 -> b-1", kFarm), {0, 2000}},
        {fmt::format("own_stock {} b-1", kFarm), {7, 70000}},
        {fmt::format("missing {} b-1", kFarm), {1, 10000}},
        {fmt::format("written_off {} b-1", kFarm), {1, 10000}},
        {fmt::format("at_customer {} b-1", kFarm), {2, 20000}},
        {fmt::format("consumed_into {} lot-1 -> b-1", kWholesaler2), {8, 80000}},
        {fmt::format("written_off {} lot-1", kWholesaler2), {1, 10000}},
        {fmt::format("own_stock {} b-1", kWholesaler2), {2, 2}},
        {fmt::format("in_transit {} b-1", kWholesaler2), {2, 2}},
        {fmt::format("missing {} b-1", kWholesaler2), {1, 1}},
        {fmt::format("own_stock {} lot-1", kShop), {2, 2}},
        {fmt::format("sold_to_consumers {} lot-1", kShop), {2, 2}},
        {fmt::format("written_off {} lot-1", kShop), {1, 1}},
    };
    CHECK(lineage_rows(rc, "") == expected);
    // Rows in (enterprise, item) order, whatever the root: the wholesaler's gift boxes first.
    CHECK(rc.str("/holders/0/item/enterprise_id") == kWholesaler2);
    CHECK(rc.str("/holders/0/item/item_id") == "b-1");
    CHECK(rc.str("/holders/0/state") == "own_stock");
    CHECK(rc.num("/totals/codes") == 22);
    CHECK(rc.str("/totals/quantity/0/unit") == "g");
    CHECK(rc.num("/totals/quantity/0/amount") == 123000);
    CHECK(rc.num("/totals/quantity/1/amount") == 10);
    // Every affected batch of every enterprise, each qualified by its enterprise.
    REQUIRE(rc.size("/batches") == 2);
    CHECK(rc.str("/batches/0/enterprise_id") == kWholesaler2);
    CHECK(rc.str("/batches/0/item_id") == "b-1");
    CHECK(rc.str("/batches/1/enterprise_id") == kFarm);
    CHECK(rc.size("/items") == 5);
    CHECK(rc.body.find(R"("customer":{"kind":"consumer"})") != std::string::npos);
  }

  projections::SalesQueries sales(*orders.random1.store);
  projections::TraceQueries trace(*orders.random1.store);
  projections::LineageQueries lineage(*orders.random1.store);
  // The recall status of a repacked gift box, a missing bag and a bag still at the farm: recalled
  // for every asker, the shop and an enterprise the code never reached included.
  for (const char* asker : {kFarm, kWholesaler2, kShop, kOutsider}) {
    for (const char* serial : {"G03", "G07", "F10", "F15", "F05"}) {
      Reply st{200, sales.recall_status(asker, "", serial), {}};
      CHECK_MESSAGE(st.body.find("\"recalled\":true") != std::string::npos, asker, " ", serial);
      CHECK(st.str("/recalls/0/enterprise") == kFarm);
      CHECK(sales.is_recalled(asker, "", serial));
    }
  }
  // A bag consumed into the gift boxes names the new batch; the wholesaler can follow a code it
  // recorded missing.
  Reply f05 = ok(trace.code(kWholesaler2, "F05"));
  CHECK(f05.str("/status") == "consumed_in_production");
  CHECK(f05.str("/state") == "consumed_into");
  CHECK(f05.str("/consumed_into/0/enterprise_id") == kWholesaler2);
  CHECK(f05.str("/consumed_into/0/item_id") == "b-1");
  Reply f10 = ok(trace.code(kWholesaler2, "F10"));
  CHECK(f10.str("/status") == "missing_at_receipt");
  CHECK(f10.str("/state") == "missing");
  CHECK(trace.code(kShop, "F10").error().reason == "code_not_found");
  // A gift box's path names what its batch was made from, back to the farm's seed lot.
  Reply g03 = ok(trace.code(kShop, "G03"));
  REQUIRE(g03.size("/made_from") == 3);
  CHECK(g03.str("/made_from/0/enterprise_id") == kWholesaler2);
  CHECK(g03.str("/made_from/0/item_id") == "lot-1");
  CHECK(g03.str("/made_from/2/enterprise_id") == kFarm);
  CHECK(g03.str("/made_from/2/item_id") == "lot-1");

  // The walk and the batch's locations agree with the lineage: nothing of the farm's shipment is
  // in transit, 10 kg are missing, the wholesaler is credited with what it received only.
  Reply wb = ok(sales.whereabouts_batch(kFarm, "b-1"));
  INFO(wb.body);
  CHECK(wb.size("/in_transit") == 1);  // the gift boxes to the shop
  CHECK(wb.str("/in_transit/0/enterprise") == kWholesaler2);
  REQUIRE(wb.size("/missing") == 2);
  CHECK(wb.num("/missing/0/quantity/amount") == 10000);
  CHECK(wb.num("/missing/1/quantity/amount") == 1);
  CHECK(wb.num("/batches/0/locations/1/quantity/amount") ==
        0);  // 80 kg repacked, 10 kg written off
  CHECK(wb.num("/batches/0/locations/1/missing/amount") == 10000);
  CHECK(wb.num("/batches/0/locations/1/in_transit/amount") == 0);
  CHECK(wb.str("/batches/0/locations/1/consumed_into/0/enterprise_id") ==
        kWholesaler2);  // the gift boxes
  CHECK(wb.str("/batches/0/locations/1/consumed_into/0/item_id") == "b-1");
  CHECK(lineage_rows(wb, "/lineage") == lineage_rows(ok(lineage.forward(kFarm, kFarm, "b-1")), ""));

  // The CSV names the missing goods and neutralises a cell a spreadsheet would run.
  auto csv = sales.recall_csv(kFarm, "rc-1");
  REQUIRE(csv.ok());
  CHECK(csv->find(fmt::format(",customer,'{},{},", kOutsiderName, kOutsider)) != std::string::npos);
  CHECK(csv->find(fmt::format(",missing,广州市礼品菜心批发有限公司,{},", kWholesaler2)) !=
        std::string::npos);
  CHECK(csv->find(",missing,深圳市礼盒生鲜店,") != std::string::npos);

  // Backward from the shop's lot: every item upstream in every enterprise.
  Reply back = ok(lineage.backward(kShop, kShop, "lot-1"));
  REQUIRE(back.size("/upstream") == 4);
  CHECK(back.str("/item/from/0/enterprise_id") == kWholesaler2);
  CHECK(lineage.forward(kFarm, kFarm, "lot-9").error().reason == "material_lot_not_found");

  // A single-code recall: the code's place now, one code.
  {
    projections::ViewBatch batch(*orders.random1.store);
    events::StoredEvent se;
    se.envelope.id = "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee";
    se.envelope.tenant = kWholesaler2;
    const core::Event recall = core::RecallRaised{"rc-1",     core::RecallScope::kCode,  "G03",
                                                  "包装破损", day(test_today().c_str()), {"b-1"}};
    for (auto& p : projections::make_all_projections()) REQUIRE(p->apply(se, recall, batch).ok());
    REQUIRE(orders.random1.store->commit(batch, {}).ok());
  }
  Reply one = ok(lineage.recall(kWholesaler2, "rc-1"));
  INFO(one.body);
  CHECK(one.str("/recall/scope") == "code");
  CHECK(one.str("/root/item_id") == "b-1");
  REQUIRE(one.size("/holders") == 1);
  CHECK(one.str("/holders/0/state") == "own_stock");
  CHECK(one.str("/holders/0/item/enterprise_id") == kShop);
  CHECK(one.num("/holders/0/quantity/amount") == 1);
  CHECK(one.num("/totals/codes") == 1);
}

TEST_CASE("R-4.2.4 issue 11 backward trace: ancestors' labels stay current whatever the order") {
  // The farm corrects its batch's product name after the gift boxes were made from it: the shop's
  // backward trace (answered from its lot's ancestor list alone) names the corrected product, and
  // so does every arrival order, with byte-identical views.
  Chain chain = repack_chain();
  chain.add(kFarm, core::BatchAmended{"b-1", "菜心(精选)", kg(200),
                                      day(days_from_today(-6).c_str()), std::nullopt, "更正品名"});
  const Interleavings orders(chain, 5, 77);
  orders.check_same_views();
  const std::string first = ok(projections::LineageQueries(*orders.in_order.store)
                                   .backward(kShop, kShop, "lot-1"))
                                .body;
  for (const Views* v : {&orders.in_order, &orders.backwards, &orders.round_robin,
                         &orders.random1, &orders.random2}) {
    projections::LineageQueries lineage(*v->store);
    Reply back = ok(lineage.backward(kShop, kShop, "lot-1"));
    INFO(back.body);
    CHECK(back.body == first);
    // Upstream in (enterprise, item) order: the wholesaler's gift-box batch and received lot,
    // then the farm's batch and seed lot, each with its label and what it was made from.
    REQUIRE(back.size("/upstream") == 4);
    CHECK(back.str("/upstream/0/enterprise_id") == kWholesaler2);
    CHECK(back.str("/upstream/0/item_id") == "b-1");
    CHECK(back.str("/upstream/0/product") == "礼盒菜心");
    CHECK(back.str("/upstream/0/from/0/item_id") == "lot-1");
    CHECK(back.str("/upstream/1/item_id") == "lot-1");
    CHECK(back.str("/upstream/1/from/0/enterprise_id") == kFarm);
    CHECK(back.str("/upstream/1/from/0/item_id") == "b-1");
    CHECK(back.str("/upstream/2/enterprise_id") == kFarm);
    CHECK(back.str("/upstream/2/item_id") == "b-1");
    CHECK(back.str("/upstream/2/product") == "菜心(精选)");
    CHECK(back.str("/upstream/2/lot_code") == "FARM-1");
    CHECK(back.str("/upstream/2/from/0/item_id") == "lot-1");
    CHECK(back.str("/upstream/3/item_id") == "lot-1");
    CHECK(back.str("/upstream/3/product") == "菜心种子");
    CHECK(back.str("/upstream/3/lot_code") == "SEED-26");
    CHECK(back.size("/upstream/3/from") == 0);
  }
}

}  // namespace agritrace::testing
