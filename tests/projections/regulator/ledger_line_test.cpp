// the one classifier of the regulator's ledger lines (pure: the facts it needs
// are handed in), the stored form of a line, and the key encoding.
#include "projections/regulator/ledger_line.h"

#include <doctest/doctest.h>

#include <map>

#include "events/regulator/divisions.h"
#include "projections/regulator/flow_queries.h"

namespace agritrace::projections::regulator {
namespace {

struct Facts {
  std::map<std::string, ItemFacts, std::less<>> items;
  std::map<std::string, PartyFacts, std::less<>> parties;
  Lookups lookups() {
    Lookups l;
    l.tenant = "91441300MA0000000X";
    l.divisions = &events::shipped_divisions();
    l.item = [this](std::string_view id) -> std::optional<ItemFacts> {
      auto it = items.find(id);
      if (it == items.end()) return std::nullopt;
      return it->second;
    };
    l.counterparty = [this](std::string_view id) -> std::optional<PartyFacts> {
      auto it = parties.find(id);
      if (it == parties.end()) return std::nullopt;
      return it->second;
    };
    l.gtin = [](std::string_view product_id) {
      return product_id == "veg-caixin" ? std::string("6901234567892") : std::string();
    };
    return l;
  }
};

core::Quantity grams(int64_t n) { return core::Quantity{n, core::Unit::kGram}; }

TEST_CASE("R-4.5.4 classify: a batch is produced here, with its GTIN and the producer as origin") {
  Facts f;
  core::BatchCreated e;
  e.batch_id = "b-1";
  e.product = "菜心";
  e.lot_code = "HZ-001";
  e.quantity = grams(500000);
  e.product_id = "veg-caixin";
  auto lines = classify(core::Event(e), f.lookups());
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].direction == Direction::kProduced);
  CHECK(lines[0].product == "菜心");
  CHECK(lines[0].batch == "HZ-001");
  CHECK(lines[0].gtin == "6901234567892");
  CHECK(lines[0].origin_enterprise == "91441300MA0000000X");
  CHECK(lines[0].quantity == grams(500000));
  CHECK(lines[0].party_name.empty());
  // A product of the platform's base catalogue: a reference, resolved when the line is read.
  e.product_id = "veg-baicai";
  CHECK(classify(core::Event(e), f.lookups()).at(0).gtin == "@veg-baicai");
}

TEST_CASE("R-4.5.4 classify: shipments are out to a business, sold to a person (name masked)") {
  Facts f;
  f.items["b-1"] =
      ItemFacts{"菜心", "6901234567892", "HZ-001", "91441300MA0000000X", "", "", grams(1)};
  core::ShipmentRecorded e;
  e.shipment_id = "sh-1";
  e.batch_id = "b-1";
  e.lot_code = "HZ-001";
  e.product = "菜心";
  e.ship_to_name = "广州江南果菜批发有限公司";
  e.ship_to_tenant = "91440101MA59XYW12B";
  e.ship_to_region = "广东省广州市白云区";
  e.quantity = grams(200000);
  auto out = classify(core::Event(e), f.lookups());
  REQUIRE(out.size() == 1);
  CHECK(out[0].direction == Direction::kOut);
  CHECK(out[0].party_id == "91440101MA59XYW12B");
  CHECK(out[0].party_division == "440111");
  CHECK(out[0].gtin == "6901234567892");
  CHECK(out[0].origin_enterprise == "91441300MA0000000X");
  CHECK(out[0].reference == "sh-1");

  e.ship_to_individual = true;
  e.ship_to_tenant.clear();
  e.ship_to_name = "陈国强";
  auto sold = classify(core::Event(e), f.lookups());
  REQUIRE(sold.size() == 1);
  CHECK(sold[0].direction == Direction::kSold);
  CHECK(sold[0].party_id.empty());
  CHECK(sold[0].party_name == "陈**");
}

TEST_CASE("R-4.5.4 classify: receipts come in from the sender, origin the producer") {
  Facts f;
  core::GoodsReceived scan;
  scan.receipt_id = "rcv-1";
  scan.lot_id = "lot-1";
  scan.from_tenant = "91441300MA0000000X";
  scan.from_name = "惠州绿源农场";
  scan.origin_tenant = "91441300MA0000000X";
  scan.product = "菜心";
  scan.lot_code = "HZ-001";
  scan.quantity = grams(200000);
  auto in = classify(core::Event(scan), f.lookups());
  REQUIRE(in.size() == 1);
  CHECK(in[0].direction == Direction::kIn);
  CHECK(in[0].party_id == "91441300MA0000000X");
  CHECK(in[0].origin_enterprise == "91441300MA0000000X");
  CHECK(origin_key(in[0]) == "91441300MA0000000X");

  // Bought from an individual farmer: masked, and the origin is the farmer's region.
  f.parties["cp-1"] = PartyFacts{"", "张伟", "广东省惠州市博罗县", true};
  core::PurchaseOrderReceived po;
  po.po_id = "po-1";
  po.lot_id = "lot-2";
  po.material = "菜心种苗";
  po.supplier_id = "cp-1";
  po.supplier_lot = "S-9";
  po.quantity = grams(1000);
  auto bought = classify(core::Event(po), f.lookups());
  REQUIRE(bought.size() == 1);
  CHECK(bought[0].direction == Direction::kIn);
  CHECK(bought[0].party_name == "张*");
  CHECK(bought[0].party_id.empty());
  CHECK(bought[0].origin_division == "441322");
  CHECK(origin_key(bought[0]) == "441322");
  // An import: the country of origin.
  po.origin_country = "TH";
  CHECK(origin_key(classify(core::Event(po), f.lookups()).at(0)) == "c:TH");
}

TEST_CASE(
    "R-4.5.3 classify: losses written off, surpluses in, material consumed, amendments corrected") {
  Facts f;
  f.items["b-1"] = ItemFacts{"菜心", "", "HZ-001", "X", "", "", grams(500)};
  f.items["lot-1"] = ItemFacts{"菜心种苗", "", "S-9", "", "441322", "", grams(1000)};
  core::StockAdjusted loss{"b-1", grams(-30), "spoiled", "st-1"};
  auto w = classify(core::Event(loss), f.lookups());
  REQUIRE(w.size() == 1);
  CHECK(w[0].direction == Direction::kWrittenOff);
  CHECK(w[0].quantity == grams(30));
  CHECK(w[0].product == "菜心");
  core::StockAdjusted surplus{"b-1", grams(5), "recount", "st-1"};
  CHECK(classify(core::Event(surplus), f.lookups()).at(0).direction == Direction::kIn);
  core::StockAdjusted none{"b-1", grams(0), "", "st-1"};
  CHECK(classify(core::Event(none), f.lookups()).empty());

  core::BatchMaterialConsumed used{"b-1", "lot-1", grams(400)};
  auto c = classify(core::Event(used), f.lookups());
  REQUIRE(c.size() == 1);
  CHECK(c[0].direction == Direction::kConsumed);
  CHECK(c[0].product == "菜心种苗");
  CHECK(c[0].item_id == "lot-1");

  core::BatchAmended more;
  more.batch_id = "b-1";
  more.product = "菜心";
  more.quantity = grams(450);
  auto a = classify(core::Event(more), f.lookups());
  REQUIRE(a.size() == 1);
  CHECK(a[0].quantity == grams(-50));
  // Renamed: the old product's quantity is taken back, the new one produced.
  more.product = "白菜";
  auto r = classify(core::Event(more), f.lookups());
  REQUIRE(r.size() == 2);
  CHECK(r[0].product == "菜心");
  CHECK(r[0].quantity == grams(-500));
  CHECK(r[1].product == "白菜");
  CHECK(r[1].quantity == grams(450));
}

TEST_CASE("R-4.5.4 classify: events that move no goods give no line") {
  Facts f;
  core::SalesOrderCreated so;
  so.so_id = "so-1";
  CHECK(classify(core::Event(so), f.lookups()).empty());
  core::EnterpriseRegistered reg;
  CHECK(classify(core::Event(reg), f.lookups()).empty());
}

TEST_CASE("R-4.5.4 ledger lines: the stored form round-trips, key parts never split a key") {
  StoredLine s;
  s.line_id = "T-7-1";
  s.tenant = "T";
  s.enterprise_name = "名\x1f字";
  s.division = "440106";
  s.occurred_at_ms = 123456;
  s.line.direction = Direction::kSold;
  s.line.product = "菜心/特级";
  s.line.quantity = core::Quantity{-3, core::Unit::kPiece};
  s.line.party_name = "陈*";
  auto back = decode_line(encode_line(s));
  REQUIRE(back);
  CHECK(back->line == s.line);
  CHECK(back->enterprise_name == "名 字");
  CHECK(back->occurred_at_ms == 123456);
  CHECK_FALSE(decode_line("garbage"));
  CHECK(key_part("a/b%c") == "a%2Fb%25c");
  CHECK(parse_direction("written_off") == Direction::kWrittenOff);
  CHECK_FALSE(parse_direction("lost"));
}

}  // namespace
}  // namespace agritrace::projections::regulator
