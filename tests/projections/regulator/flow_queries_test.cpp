// The regulator's ledger lines read model (R-4.5.3 / R-4.5.4, projections/regulator/flow_*):
// paging lists each line of the jurisdiction once and nothing outside it; division prefixes,
// products, batches, directions and date ranges narrow; the order in which different
// enterprises' events arrive does not change the views.
#include "projections/regulator/flow_queries.h"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <simdjson.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/regulator/jurisdiction.h"
#include "events/envelope/envelope.h"
#include "events/regulator/divisions.h"
#include "projections/base/view_store.h"
#include "projections/regulator/ledger_lines_projection.h"
#include "tests/support/test_clock.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

constexpr int64_t kDay = 86'400'000;
const char* const kHz = "93441322MA4W12345F";  // 惠州 博罗 441322
const char* const kTh = "91440106000000001A";  // 广州 天河 440106
const char* const kBy = "91440111000000002B";  // 广州 白云 440111
const char* const kSz = "91440304000000003C";  // 深圳 福田 440304

struct Store {
  TempDir dir;
  std::unique_ptr<projections::ViewStore> views;
  std::unique_ptr<projections::Projection> projection = projections::make_ledger_lines_projection();
  std::map<std::string, int64_t> seq;
  int64_t offset = 0;

  Store() {
    auto v = projections::ViewStore::open(dir.path() + "/views");
    REQUIRE(v.ok());
    views = std::move(v).value();
  }
  void apply(const std::string& tenant, int64_t at_ms, const core::Event& event) {
    events::StoredEvent se;
    se.position = events::Position{0, offset++};
    se.envelope.tenant = tenant;
    se.envelope.tenant_seq = ++seq[tenant];
    se.envelope.occurred_at_ms = at_ms;
    projections::ViewBatch batch(*views);
    REQUIRE(projection->apply(se, event, batch).ok());
    REQUIRE(views->commit(batch, {}).ok());
  }
  void enterprise(const std::string& tenant, const std::string& name, const std::string& region) {
    core::EnterpriseRegistered e;
    e.enterprise_id = tenant;
    e.name = name;
    e.region = region;
    apply(tenant, test_now_ms() - 100 * kDay, core::Event(e));
  }
  void batch(const std::string& tenant, int n, const std::string& product, int64_t days_ago) {
    core::BatchCreated b;
    b.batch_id = fmt::format("b-{}", n);
    b.product = product;
    b.lot_code = fmt::format("{}-L{}", tenant.substr(2, 4), n);
    b.quantity = core::Quantity{1000, core::Unit::kGram};
    apply(tenant, test_now_ms() - days_ago * kDay, core::Event(b));
  }
};

projections::RegulatorViewer viewer(const std::string& j) {
  auto parsed = core::parse_jurisdiction(j, &events::shipped_divisions());
  REQUIRE(parsed.ok());
  return projections::RegulatorViewer{"bureau", *parsed, {}};
}

struct Page {
  std::vector<std::string> ids, divisions, products;
  std::string next;
};

Page read(const projections::ViewStore& v, const projections::RegulatorViewer& who,
          const projections::FlowFilter& f, uint32_t limit, const std::string& after = {}) {
  auto r = projections::ledger_lines(v, who, f, projections::FlowPage{limit, after},
                                     projections::FlowFormat::kJson);
  REQUIRE(r.ok());
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(*r);
  Page p;
  for (simdjson::dom::element line : doc["lines"].get_array()) {
    p.ids.emplace_back(std::string_view(line["line_id"]));
    p.divisions.emplace_back(std::string_view(line["division"]));
    p.products.emplace_back(std::string_view(line["product"]));
  }
  if (!doc["next_after"].is_null()) p.next = std::string(std::string_view(doc["next_after"]));
  return p;
}

// Every page of a filter: the line ids in order.
std::vector<std::string> all_pages(const projections::ViewStore& v,
                                   const projections::RegulatorViewer& who,
                                   const projections::FlowFilter& f, uint32_t limit) {
  std::vector<std::string> ids;
  std::string after;
  for (int guard = 0; guard < 1000; ++guard) {
    Page p = read(v, who, f, limit, after);
    CHECK(p.ids.size() <= limit);
    ids.insert(ids.end(), p.ids.begin(), p.ids.end());
    if (p.next.empty()) break;
    after = p.next;
  }
  return ids;
}

void fill(Store& s) {
  s.enterprise(kHz, "惠州绿源农场", "广东省惠州市博罗县");
  s.enterprise(kTh, "天河鲜果", "广东省广州市天河区");
  s.enterprise(kBy, "白云批发", "广东省广州市白云区");
  s.enterprise(kSz, "福田超市", "广东省深圳市福田区");
  int n = 0;
  for (const char* t : {kHz, kTh, kBy, kSz}) {
    for (int i = 0; i < 20; ++i) s.batch(t, ++n, i % 2 == 0 ? "菜心" : "白菜", 40 - i);
  }
}

TEST_CASE(
    "R-4.5.4 ledger lines: paging a jurisdiction lists each of its lines once, nothing else") {
  Store s;
  fill(s);
  const auto gz = viewer("440100");
  for (uint32_t limit : {1u, 7u, 20u, 500u}) {
    auto ids = all_pages(*s.views, gz, {}, limit);
    CHECK(ids.size() == 40);
    CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == 40);
  }
  Page first = read(*s.views, gz, {}, 500);
  for (const auto& d : first.divisions) CHECK((d == "440106" || d == "440111"));
  CHECK(all_pages(*s.views, viewer("GBA"), {}, 13).size() == 80);
  CHECK(all_pages(*s.views, viewer("441322"), {}, 13).size() == 20);
}

TEST_CASE("R-4.5.4 ledger lines: division prefixes, products, batches, directions, dates") {
  Store s;
  fill(s);
  const auto gba = viewer("GBA");
  projections::FlowFilter f;
  f.division = "440106";
  CHECK(all_pages(*s.views, gba, f, 9).size() == 20);
  f.division = "440100";
  CHECK(all_pages(*s.views, gba, f, 9).size() == 40);
  f.product = "菜心";
  auto caixin = all_pages(*s.views, gba, f, 3);
  CHECK(caixin.size() == 20);
  // The last 10 days: batches i = 10..19 of each enterprise (40 - i days ago), half of them 菜心.
  f.from = test_date(-30);
  f.to = test_date(0);
  CHECK(all_pages(*s.views, gba, f, 4).size() == 2 * 5);
  projections::FlowFilter b;
  b.batch = std::string(kTh).substr(2, 4) + "-L21";
  Page one = read(*s.views, gba, b, 10);
  REQUIRE(one.ids.size() == 1);
  CHECK(one.divisions[0] == "440106");
  projections::FlowFilter d;
  d.direction = projections::regulator::Direction::kSold;
  CHECK(read(*s.views, gba, d, 10).ids.empty());
  d.direction = projections::regulator::Direction::kProduced;
  CHECK(all_pages(*s.views, gba, d, 50).size() == 80);
  // Outside the jurisdiction, malformed, unknown: refused.
  projections::FlowFilter outside;
  outside.division = "440300";
  auto r = projections::ledger_lines(*s.views, viewer("440100"), outside, {},
                                     projections::FlowFormat::kJson);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().reason == "outside_jurisdiction");
  outside.division = "4401";
  CHECK(projections::ledger_lines(*s.views, gba, outside, {}, projections::FlowFormat::kJson)
            .error()
            .reason == "division_code_invalid");
  CHECK(projections::ledger_lines(*s.views, gba, {}, projections::FlowPage{5, "xyz"},
                                  projections::FlowFormat::kJson)
            .error()
            .reason == "after_id_invalid");
}

TEST_CASE("R-4.5.4 ledger lines: another enterprise's events arriving first change nothing") {
  // The shipment names the Shenzhen shop; in one store the shop registered before, in the other
  // after the shipment was applied. The views are the same bytes and the counterparty resolves.
  core::ShipmentRecorded sh;
  sh.shipment_id = "sh-1";
  sh.batch_id = "b-1";
  sh.lot_code = "L1";
  sh.product = "菜心";
  sh.ship_to_tenant = kSz;
  sh.ship_to_name = "福田超市";
  sh.quantity = core::Quantity{400, core::Unit::kGram};
  Store a, b;
  a.enterprise(kHz, "惠州绿源农场", "广东省惠州市博罗县");
  a.enterprise(kSz, "福田超市", "广东省深圳市福田区");
  a.apply(kHz, test_now_ms(), core::Event(sh));
  b.enterprise(kHz, "惠州绿源农场", "广东省惠州市博罗县");
  b.apply(kHz, test_now_ms(), core::Event(sh));
  b.enterprise(kSz, "福田超市", "广东省深圳市福田区");
  // Same keys and values (the positions differ by construction: both committed none).
  CHECK(a.views->digest() == b.views->digest());
  auto chain = projections::flow_chain(*b.views, viewer("GBA"), "菜心", "", std::nullopt, std::nullopt);
  REQUIRE(chain.ok());
  CHECK(chain->find(R"("to":")" + std::string(kSz) +
                    R"(","product":"菜心","unit":"g","amount":400,"shipments":1)") !=
        std::string::npos);
  CHECK(chain->find(R"("city":"深圳市")") != std::string::npos);
}

TEST_CASE("R-4.5.3 statistics: counters per division, enterprise stock, compliance at read time") {
  Store s;
  fill(s);
  projections::StatisticsQuery q;
  q.now_ms = test_now_ms();
  auto stats =
      projections::flow_statistics(*s.views, viewer("440100"), q, projections::FlowFormat::kJson);
  REQUIRE(stats.ok());
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(*stats);
  CHECK(int64_t(doc["entities"]["on_platform"]) == 2);
  int64_t produced = 0;
  for (simdjson::dom::element p : doc["production"].get_array()) produced += int64_t(p["amount"]);
  CHECK(produced == 40 * 1000);
  CHECK(doc["divisions"].get_array().size() >= 2);  // Guangzhou's districts
  // Day counters (a range inside a month) give the same totals as the month counters.
  q.from = test_date(-45);
  q.to = test_date(0);
  q.by_day = true;
  auto by_day =
      projections::flow_statistics(*s.views, viewer("440100"), q, projections::FlowFormat::kJson);
  REQUIRE(by_day.ok());
  int64_t day_total = 0;
  for (simdjson::dom::element p : parser.parse(*by_day)["production"].get_array())
    day_total += int64_t(p["amount"]);
  CHECK(day_total == 40 * 1000);
  // The last event was 21 days ago (batch i = 19): silent at 7 days, not at 30.
  projections::StatisticsQuery c;
  c.now_ms = test_now_ms();
  c.silent_days = 7;
  auto silent =
      projections::flow_compliance(*s.views, viewer("GBA"), c, projections::FlowFormat::kJson);
  REQUIRE(silent.ok());
  CHECK(parser.parse(*silent)["stopped_reporting"].get_array().size() == 4);
  c.silent_days = 30;
  auto fine =
      projections::flow_compliance(*s.views, viewer("GBA"), c, projections::FlowFormat::kJson);
  CHECK(parser.parse(*fine)["stopped_reporting"].get_array().size() == 0);
  CHECK(parser.parse(*fine)["mass_balance_anomalies"].get_array().size() == 0);
}

}  // namespace
}  // namespace agritrace::testing
