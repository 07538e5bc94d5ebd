// The regulator read model (R-4.5.1, projections/regulator): the jurisdiction policy on reads.
// Paging through a jurisdiction lists each of its entities once, in division then id order, and
// nothing outside it; a division filter narrows; amendments move an entity between divisions;
// personal data is masked for every bureau but the filing one.
#include <doctest/doctest.h>
#include <simdjson.h>

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/regulator/jurisdiction.h"
#include "core/regulator/rules.h"
#include "events/envelope/envelope.h"
#include "projections/base/view_store.h"
#include "projections/production/projection.h"
#include "projections/regulator/queries.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

const std::string kRegs(core::kRegulatorsTenant);

core::EntityRecord record(const std::string& division, int n) {
  core::EntityRecord r;
  r.name = "档口 " + std::to_string(n);
  r.premises_type = "retail";
  r.id_number = "441322197806151238";
  r.division = division;
  r.address = "地址";
  r.contact_person = "陈国强";
  r.phone = "13800138000";
  return r;
}

struct Fixture {
  TempDir dir;
  std::unique_ptr<projections::ViewStore> views;
  std::vector<std::unique_ptr<projections::Projection>> all = projections::make_all_projections();
  int64_t offset = 0;

  Fixture() {
    auto v = projections::ViewStore::open(dir.path() + "/views");
    REQUIRE(v.ok());
    views = std::move(v).value();
  }
  void apply(const core::Event& event) {
    events::StoredEvent se;
    se.position = events::Position{0, offset++};
    se.envelope.tenant = kRegs;
    se.envelope.occurred_at_ms = 1'000 * offset;
    se.envelope.type = std::string(core::event_type(event));
    projections::ViewBatch batch(*views);
    for (auto& p : all) REQUIRE(p->apply(se, event, batch).ok());
    REQUIRE(views->commit(batch, {}).ok());
  }
};

projections::RegulatorViewer viewer(const std::string& bureau, const std::string& jurisdiction) {
  auto j = core::parse_jurisdiction(jurisdiction, nullptr);
  REQUIRE(j.ok());
  return projections::RegulatorViewer{bureau, *j, core::Date{}};
}

std::string text(simdjson::dom::element e, const char* key) {
  std::string_view v;
  REQUIRE(!e[key].get(v));
  return std::string(v);
}

struct Listed {
  std::vector<std::string> ids, divisions, id_numbers;
};

// Every page of a listing, `limit` at a time.
Listed list_all(const projections::ViewStore& v, const projections::RegulatorViewer& who,
                const std::optional<std::string>& division, uint32_t limit) {
  Listed out;
  projections::Page page;
  page.limit = limit;
  for (int guard = 0; guard < 1000; ++guard) {
    auto json = projections::regulated_entities(v, who, division, page, {});
    REQUIRE(json.ok());
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    REQUIRE(!parser.parse(*json).get(doc));
    simdjson::dom::array items;
    REQUIRE(!doc["items"].get(items));
    for (simdjson::dom::element item : items) {
      out.ids.push_back(text(item, "entity_id"));
      out.divisions.push_back(text(item, "division"));
      out.id_numbers.push_back(text(item, "id_number"));
    }
    if (doc["next_after"].is_null()) return out;
    page.after = text(doc, "next_after");
  }
  FAIL("paging did not end");
  return out;
}

}  // namespace

TEST_CASE("R-4.5.1 regulator views: paging a jurisdiction lists its entities once, nothing else") {
  Fixture f;
  // 60 entities over Guangzhou's districts, Shenzhen, Hong Kong and Shantou (outside the GBA).
  const std::vector<std::string> divisions = {"440106", "440111", "440100", "440305",
                                              "810000", "440507"};
  for (int n = 1; n <= 60; ++n) {
    const std::string& d = divisions[static_cast<size_t>(n) % divisions.size()];
    f.apply(core::EntityFiled{"fe-" + std::to_string(n), n % 2 ? "gz-amr" : "gba-amr",
                              record(d, n)});
  }
  auto gba = viewer("gba-amr", "GBA");
  for (uint32_t limit : {1u, 7u, 100u}) {
    CAPTURE(limit);
    Listed l = list_all(*f.views, gba, std::nullopt, limit);
    CHECK(l.ids.size() == 50);  // all but Shantou's 10
    CHECK(std::set<std::string>(l.ids.begin(), l.ids.end()).size() == l.ids.size());
    for (const std::string& d : l.divisions) CHECK(d != "440507");
    CHECK(std::is_sorted(l.divisions.begin(), l.divisions.end()));
  }
  Listed gz = list_all(*f.views, viewer("gz-amr", "440100"), std::nullopt, 9);
  CHECK(gz.ids.size() == 30);
  for (size_t i = 0; i < gz.ids.size(); ++i) {
    CHECK(gz.divisions[i].starts_with("4401"));
    // gz-amr filed the odd ones: unmasked; the GBA bureau's: masked.
    const int n = std::stoi(gz.ids[i].substr(3));
    CHECK(gz.id_numbers[i] == (n % 2 ? "441322197806151238" : "441322********1238"));
  }
  CHECK(list_all(*f.views, viewer("gz-amr", "440100"), std::string("440106"), 4).ids.size() ==
        10);
  CHECK(list_all(*f.views, gba, std::string("440000"), 4).ids.size() == 40);  // GBA ∩ Guangdong
  auto outside = projections::regulated_entities(*f.views, viewer("gz-amr", "440100"),
                                                 std::string("440300"), {}, {});
  REQUIRE(!outside.ok());
  CHECK(outside.error().reason == "outside_jurisdiction");
  projections::Page unknown;
  unknown.after = "fe-999";
  auto bad_cursor = projections::regulated_entities(*f.views, gba, std::nullopt, unknown, {});
  REQUIRE(!bad_cursor.ok());
  CHECK(bad_cursor.error().reason == "after_id_invalid");

  // One entity: 404 outside the jurisdiction, as another tenant's id.
  auto sz = viewer("sz-amr", "440300");
  CHECK(projections::regulated_entity(*f.views, sz, "fe-3", {}).ok());  // 440305
  auto hidden = projections::regulated_entity(*f.views, sz, "fe-6", {});  // 440106
  REQUIRE(!hidden.ok());
  CHECK(hidden.error().reason == "entity_not_found");

  // An amendment moves fe-6 from Tianhe to Nanshan: Shenzhen sees it, Guangzhou no longer.
  f.apply(core::EntityAmended{"fe-6", "gba-amr", "440106", record("440305", 6)});
  CHECK(projections::regulated_entity(*f.views, sz, "fe-6", {}).ok());
  CHECK(!projections::regulated_entity(*f.views, viewer("gz-amr", "440100"), "fe-6", {}).ok());
  CHECK(list_all(*f.views, viewer("gz-amr", "440100"), std::nullopt, 100).ids.size() == 29);
  CHECK(list_all(*f.views, sz, std::nullopt, 3).ids.size() == 11);
  auto moved = projections::regulated_entity(*f.views, sz, "fe-6",
                                             [](std::string_view) { return true; });
  REQUIRE(moved.ok());
  CHECK(moved->find(R"("amendments":1)") != std::string::npos);
  CHECK(moved->find(R"("filed_by":"gba-amr")") != std::string::npos);
  CHECK(moved->find(R"("on_platform":false)") != std::string::npos);  // no USCC: never linked
}

}  // namespace agritrace::testing
