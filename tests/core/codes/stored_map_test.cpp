// core::StoredMap (core/codes/stored_map.h): the write model's entities kept in a CodeStore (the
// writer index) with only what the current command touches in memory. Issue 11.
#include "core/codes/stored_map.h"

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "core/domain/write_model.h"
#include "tests/core/domain/domain_fixture.h"
#include "tests/core/domain/world_fixture.h"

namespace agritrace::core {
namespace {

// A CodeStore in a std::map, counting reads and writes.
class MapStore final : public CodeStore {
 public:
  std::optional<TraceCodeState> get(std::string_view tenant, std::string_view serial) const override {
    auto it = codes.find({std::string(tenant), std::string(serial)});
    if (it == codes.end()) return std::nullopt;
    return it->second;
  }
  void put(std::string_view tenant, std::string_view serial, const TraceCodeState& code) override {
    codes[{std::string(tenant), std::string(serial)}] = code;
  }
  std::vector<std::string> run_serials(std::string_view tenant, std::string_view run_id) const override {
    std::vector<std::string> out;
    for (const auto& [k, c] : codes) {
      if (k.first == tenant && c.run_id == run_id) out.push_back(k.second);
    }
    return out;
  }
  std::optional<std::string> get_serial(std::string_view tenant, char map,
                                        std::string_view serial) const override {
    ++reads;
    auto it = values.find({std::string(tenant), map, std::string(serial)});
    if (it == values.end()) return std::nullopt;
    return it->second;
  }
  void put_serial(std::string_view tenant, char map, std::string_view serial,
                  std::optional<std::string_view> value) override {
    ++writes;
    const auto key = std::make_tuple(std::string(tenant), map, std::string(serial));
    if (value) {
      values[key] = std::string(*value);
    } else {
      values.erase(key);
    }
  }

  std::map<std::pair<std::string, std::string>, TraceCodeState> codes;
  std::map<std::tuple<std::string, char, std::string>, std::string> values;
  mutable int reads = 0;
  int writes = 0;
};

template <class T>
T round_trip(const T& v) {
  std::string bytes;
  store_encode(bytes, v);
  stored::In in{bytes};
  T out{};
  store_decode(in, out);
  CHECK(in.ok);
  CHECK(in.in.empty());
  return out;
}

TEST_CASE("stored map: every field of every stored entity survives the store") {
  PurchaseOrderState po{"白菜", "cp-1", Quantity{1000, Unit::kMillilitre}, "S-1", Date{20000}, Date{20400},
                        PurchaseOrderStatus::kReceived, "lot-3", 1200,
                        CustomsInfo{"123456789012345678", "NZ", "广州南沙港", "CIQ-1"}};
  const PurchaseOrderState po2 = round_trip(po);
  CHECK(po2.material == po.material);
  CHECK(po2.supplier_id == po.supplier_id);
  CHECK(po2.quantity == po.quantity);
  CHECK(po2.supplier_lot == po.supplier_lot);
  CHECK(po2.production_date == po.production_date);
  CHECK(po2.expiry_date == po.expiry_date);
  CHECK(po2.status == po.status);
  CHECK(po2.lot_id == po.lot_id);
  CHECK(po2.price_fen == po.price_fen);
  CHECK(po2.customs == po.customs);
  po.price_fen.reset();
  CHECK_FALSE(round_trip(po).price_fen.has_value());

  MaterialLotState lot;
  lot.po_id = "po-1";
  lot.material = "m";
  lot.supplier_id = "cp-1";
  lot.supplier_lot = "S";
  lot.production_date = Date{1};
  lot.expiry_date = Date{2};
  lot.received_on = Date{3};
  lot.received = Quantity{7, Unit::kPiece};
  lot.consumed_amount = 5;
  lot.receipt_id = "rc-1";
  lot.lot_code = "LC";
  lot.product_id = "p-1";
  lot.expiry = Date{4};
  lot.from_tenant = "T2";
  lot.from_item_id = "b-9";
  lot.origin_tenant = "T3";
  lot.origin_batch_id = "b-8";
  lot.quantity_per_code = 500;
  const MaterialLotState lot2 = round_trip(lot);
  CHECK(std::tie(lot2.po_id, lot2.material, lot2.supplier_id, lot2.supplier_lot, lot2.receipt_id,
                 lot2.lot_code, lot2.product_id, lot2.from_tenant, lot2.from_item_id,
                 lot2.origin_tenant, lot2.origin_batch_id) ==
        std::tie(lot.po_id, lot.material, lot.supplier_id, lot.supplier_lot, lot.receipt_id,
                 lot.lot_code, lot.product_id, lot.from_tenant, lot.from_item_id, lot.origin_tenant,
                 lot.origin_batch_id));
  CHECK(std::tie(lot2.production_date, lot2.expiry_date, lot2.received_on, lot2.expiry) ==
        std::tie(lot.production_date, lot.expiry_date, lot.received_on, lot.expiry));
  CHECK(lot2.received == lot.received);
  CHECK(lot2.consumed_amount == 5);
  CHECK(lot2.quantity_per_code == 500);

  BatchState b;
  b.product = "菜心";
  b.lot_code = "L1";
  b.quantity = Quantity{5000, Unit::kGram};
  b.production_date = Date{10};
  b.expiry_date = Date{11};
  b.document_sha256s = {"aa", "bb"};
  b.product_id = "p-2";
  const BatchState b2 = round_trip(b);
  CHECK(std::tie(b2.product, b2.lot_code, b2.production_date, b2.expiry_date, b2.document_sha256s,
                 b2.product_id) == std::tie(b.product, b.lot_code, b.production_date, b.expiry_date,
                                             b.document_sha256s, b.product_id));
  CHECK(b2.quantity == b.quantity);

  SalesOrderState so{"cp-2", "b-1", "菜心", Quantity{3, Unit::kMillilitre}, Quantity{1, Unit::kMillilitre},
                     SalesOrderStatus::kPartiallyShipped, 99, 33};
  const SalesOrderState so2 = round_trip(so);
  CHECK(std::tie(so2.customer_id, so2.batch_id, so2.product, so2.status, so2.price_fen, so2.invoiced_fen) ==
        std::tie(so.customer_id, so.batch_id, so.product, so.status, so.price_fen, so.invoiced_fen));
  CHECK(so2.quantity == so.quantity);
  CHECK(so2.shipped == so.shipped);

  InboundShipment in{"T1", "sh-1", "b-1", "T0", "b-0", "mo-1", "菜心", "L1", Quantity{500, Unit::kGram}, "lot-2"};
  const InboundShipment in2 = round_trip(in);
  CHECK(std::tie(in2.from_tenant, in2.shipment_id, in2.from_item_id, in2.origin_tenant, in2.origin_batch_id,
                 in2.mo_id, in2.product, in2.lot_code, in2.lot_id) ==
        std::tie(in.from_tenant, in.shipment_id, in.from_item_id, in.origin_tenant, in.origin_batch_id,
                 in.mo_id, in.product, in.lot_code, in.lot_id));
  CHECK(in2.per_code == in.per_code);

  CodeRunState run{"ct-1", "b-1", "06901234567892", "L1", 12, true};
  const CodeRunState run2 = round_trip(run);
  CHECK(std::tie(run2.template_id, run2.batch_id, run2.gtin, run2.lot_code, run2.count, run2.disabled) ==
        std::tie(run.template_id, run.batch_id, run.gtin, run.lot_code, run.count, run.disabled));

  CHECK(round_trip(std::vector<std::string>{"lot-1", "", "lot-3"}) == std::vector<std::string>{"lot-1", "", "lot-3"});
  CHECK(round_trip(int64_t{-7}) == -7);
  // A short value does not read past its end.
  std::string bytes;
  store_encode(bytes, b);
  bytes.resize(bytes.size() / 2);
  stored::In in3{bytes};
  BatchState cut;
  store_decode(in3, cut);
  CHECK_FALSE(in3.ok);
}

TEST_CASE("stored map: bound, only the entries of the current command are in memory, changes written back") {
  MapStore store;
  StoredMapCache cache;
  StoredMap<int64_t> shipped('h');
  shipped.bind(&store, "T1", &cache);
  shipped["b-1"] += 5;
  CHECK(shipped.size() == 1);  // cached until the flush
  CHECK(store.values.empty());
  cache.flush();
  CHECK(shipped.size() == 0);
  CHECK(store.values.size() == 1);
  // Read back from the store; a const read is not written back.
  const StoredMap<int64_t>& view = shipped;
  REQUIRE(view.find("b-1") != view.end());
  CHECK(view.find("b-1")->second == 5);
  CHECK(view.count("b-2") == 0);
  const int writes = store.writes;
  cache.flush();
  CHECK(store.writes == writes);
  CHECK(shipped.size() == 0);
  // A change through a found entry is written back; emplace keeps what is stored.
  shipped.find("b-1")->second += 2;
  CHECK_FALSE(shipped.emplace("b-1", 100).second);
  CHECK(shipped.emplace("b-3", 1).second);
  cache.flush();
  CHECK(view.at("b-1") == 7);
  CHECK(view.at("b-3") == 1);
  CHECK_THROWS_AS(view.at("b-9"), std::out_of_range);
  cache.flush();
  // Unbound: an ordinary map.
  StoredMap<int64_t> memory('h');
  memory["x"] = 1;
  StoredMapCache().flush();
  CHECK(memory.size() == 1);
  CHECK(memory.at("x") == 1);
}

// The same commands give the same events whether the write model keeps its entities in memory
// (the rule tests) or in a store (the writer), and the stored model holds none of them between
// commands.
TEST_CASE("R-4.2.1 R-4.2.2 R-4.2.4 stored map: a write model on a store decides exactly as one in memory") {
  using testing::World;
  MapStore store;
  World memory_world;
  World stored_world;
  stored_world.states.set_code_store(&store);
  const std::string farm = testing::kTenant;
  std::vector<std::string> outcomes[2];
  const Date day{stored_world.today.days_since_epoch - 5};
  const Date later{stored_world.today.days_since_epoch + 360};
  auto g = [](int64_t n) { return Quantity{n, Unit::kGram}; };
  int w = 0;
  for (World* world : {&memory_world, &stored_world}) {
    auto run = [&](const Command& c) {
      auto r = world->apply(farm, c);
      std::string line;
      if (!r.ok()) {
        line = "refused " + r.error().reason;
      } else {
        for (const Event& e : *r) line += std::string(event_type(e)) + " " + event_subject(e) + "; ";
      }
      outcomes[w].push_back(line);
      if (world == &stored_world) {
        // What a refused command read stays cached until the next flush (the writer flushes
        // before every command; World only when it applies events).
        if (!r.ok()) world->states.flush();
        const TenantState* s = world->states.find(farm);
        REQUIRE(s != nullptr);
        CHECK(s->lots.size() == 0);  // nothing cached between commands
        CHECK(s->purchase_orders.size() == 0);
        CHECK(s->sales.lot_batches.size() == 0);
      }
    };
    world->register_enterprise(farm, "农场", "福建省");
    run(RegisterCounterparty{testing::enterprise_supplier()});
    run(CreatePurchaseOrder{"白菜", "cp-1", g(1000), "S-LOT", day, later, "", 1200, {}});
    run(CreatePurchaseOrder{"白菜", "cp-1", g(2000), "S-LOT", day, later, "", {}, {}});
    run(AmendPurchaseOrder{"po-2", "白菜", g(1500), "S-2", day, later, "", {}});
    run(CancelPurchaseOrder{"po-2", "不要了"});
    run(ReceivePurchaseOrder{"po-2", g(1500), day, {}});
    run(ReceivePurchaseOrder{"po-1", g(1000), day, {}});
    run(ReceivePurchaseOrder{"po-1", g(1000), day, {}});
    run(CreateBatch{"菜心", "L1", g(5000), day, std::nullopt, "", {}});
    run(CreateBatch{"菜心", "L1", g(5000), day, std::nullopt, "", {}});
    run(ConsumeMaterial{"b-1", "lot-1", g(600)});
    run(ConsumeMaterial{"b-1", "lot-1", g(600)});
    run(ConsumeMaterial{"b-1", "lot-1", g(400)});
    run(RaiseRecall{RecallScope::kLot, "lot-1", "标签错误"});
    run(CreateBatch{"菜心", "L2", g(100), day, std::nullopt, "", {}});
    run(ConsumeMaterial{"b-2", "lot-1", g(1)});
    run(RaiseRecall{RecallScope::kBatch, "b-2", "再次"});
    run(ConsumeMaterial{"b-9", "lot-1", g(1)});
    ++w;
  }
  CHECK(outcomes[0] == outcomes[1]);
  // The recall marks reached the batches in both (read back from the store in the second).
  Context ctx = stored_world.ctx(farm);
  CHECK(recall_of_item(*stored_world.states.find(farm), "b-1", ctx) ==
        recall_of_item(*memory_world.states.find(farm), "b-1", memory_world.ctx(farm)));
  CHECK_FALSE(recall_of_item(*stored_world.states.find(farm), "b-2", ctx).empty());
  stored_world.states.flush();
  CHECK(store.values.size() > 5);
}

// decide() of a CommandGroup folds the earlier commands into a copy of the state: on a store, the
// copy reads it but writes nothing to it (a refused group leaves no trace; nothing of the copy is
// left in the write model's cache list once it is gone).
TEST_CASE("R-4.2.1 stored map: a command group decides on a copy that never writes the store") {
  using testing::World;
  MapStore store;
  World world;
  world.states.set_code_store(&store);
  const std::string farm = testing::kTenant;
  world.register_enterprise(farm, "农场", "福建省");
  REQUIRE(world.apply(farm, RegisterCounterparty{testing::enterprise_supplier()}).ok());
  const Date day{world.today.days_since_epoch - 5};
  const Date later{world.today.days_since_epoch + 360};
  auto g = [](int64_t n) { return Quantity{n, Unit::kGram}; };
  REQUIRE(world.apply(farm, CreatePurchaseOrder{"白菜", "cp-1", g(1000), "S", day, later, "", {}, {}}).ok());
  const auto before = store.values;
  CommandGroup refused;
  refused.commands.push_back(ReceivePurchaseOrder{"po-1", g(1000), day, {}});
  refused.commands.push_back(CreateBatch{"菜心", "L1", g(10), day, std::nullopt, "", {}});
  refused.commands.push_back(ConsumeMaterial{"b-1", "lot-1", g(5000)});  // more than received
  CHECK(testing::reason(world.apply(farm, refused)) == "lot_over_consumed");
  world.states.flush();
  CHECK(store.values == before);
  CommandGroup accepted;
  accepted.commands = refused.commands;
  std::get<ConsumeMaterial>(accepted.commands[2]).quantity = g(400);
  REQUIRE(world.apply(farm, accepted).ok());
  world.states.flush();
  const TenantState& s = *world.states.find(farm);
  CHECK(s.lots.find("lot-1")->second.consumed_amount == 400);
  CHECK(s.purchase_orders.find("po-1")->second.status == PurchaseOrderStatus::kReceived);
  CHECK(testing::reason(world.apply(farm, ConsumeMaterial{"b-1", "lot-1", g(601)})) == "lot_over_consumed");
}

}  // namespace
}  // namespace agritrace::core
