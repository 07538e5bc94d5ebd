// The R-4.5.2 read model (projections/regulator/inspection_*): inspections visible by jurisdiction
// (another city's bureau: 404), paging, the forms' visibility, the standing and overdue list of a
// graded entity as the viewer's day moves, and a draw's verification: reproduced from its recorded
// inputs, and a tampered record detected.
#include "projections/regulator/inspection_queries.h"

#include <doctest/doctest.h>
#include <simdjson.h>

#include <memory>
#include <string>
#include <vector>

#include "core/regulator/draw_algorithm.h"
#include "core/regulator/jurisdiction.h"
#include "core/regulator/rules.h"
#include "events/envelope/envelope.h"
#include "projections/base/view_store.h"
#include "projections/production/projection.h"
#include "projections/regulator/inspection_keys.h"
#include "tests/support/test_clock.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

const std::string kRegs(core::kRegulatorsTenant);

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

projections::RegulatorViewer viewer(const std::string& bureau, const std::string& jurisdiction,
                                    core::Date today = test_date()) {
  auto j = core::parse_jurisdiction(jurisdiction, nullptr);
  REQUIRE(j.ok());
  return projections::RegulatorViewer{bureau, *j, today};
}

core::EntityRecord record(const std::string& division) {
  core::EntityRecord r;
  r.name = "档口 " + division;
  r.premises_type = "retail";
  r.uscc = "91440101MA59XYW12B";
  r.division = division;
  r.address = "地址";
  r.legal_representative = "刘洋";
  r.contact_person = "陈国强";
  r.phone = "13800138000";
  return r;
}

core::InspectionRecorded inspection(int n, const std::string& entity, core::Date on) {
  core::InspectionRecorded e;
  e.inspection_id = "insp-" + std::to_string(n);
  e.bureau_id = "gz-amr";
  e.entity_id = entity;
  e.division = "440106";
  e.inspected_on = on;
  e.inspectors = {"zhao.insp", "qian.insp"};
  e.recorded_by = "zhao.insp";
  e.checklist_version = "v1";
  e.items = {{"1.1", "conforming", ""}};
  e.overall = "conforming";
  e.form_sha256 = std::string(64, n % 2 ? 'a' : 'b');
  return e;
}

bool boolean(const std::string& json, const char* key) {
  simdjson::dom::parser p;
  bool v = false;
  REQUIRE(!p.parse(json)[key].get(v));
  return v;
}

int64_t integer(const std::string& json, const char* key) {
  simdjson::dom::parser p;
  int64_t v = 0;
  REQUIRE(!p.parse(json)[key].get(v));
  return v;
}

size_t count(const std::string& json, const char* key) {
  simdjson::dom::parser p;
  simdjson::dom::array a;
  REQUIRE(!p.parse(json)[key].get(a));
  return a.size();
}

core::Date day(int32_t n) { return test_date(n); }

}  // namespace

TEST_CASE("R-4.5.2 inspection queries: by jurisdiction, paged, forms visible to it only") {
  Fixture f;
  f.apply(core::EntityFiled{"fe-1", "gz-amr", record("440106")});
  f.apply(core::EntityFiled{"fe-2", "sz-amr", record("440305")});
  for (int n = 1; n <= 5; ++n) f.apply(inspection(n, "fe-1", day(-n)));
  f.apply(inspection(6, "fe-2", day(0)));
  const auto gz = viewer("gz-amr", "440100");
  const auto sz = viewer("sz-amr", "440300");
  const auto gba = viewer("gba-amr", "GBA");

  auto one = projections::regulator_inspection(*f.views, gz, "insp-1");
  REQUIRE(one.ok());
  CHECK(one->find(R"("entity_name":"档口 440106")") != std::string::npos);
  CHECK(projections::regulator_inspection(*f.views, gba, "insp-1").ok());
  CHECK(projections::regulator_inspection(*f.views, sz, "insp-1").error().reason ==
        "inspection_not_found");
  CHECK(projections::regulator_inspection(*f.views, gz, "insp-6").error().reason ==
        "inspection_not_found");

  // Paging 2 at a time through Guangzhou's five.
  std::vector<std::string> seen;
  projections::Page page{2, ""};
  for (int guard = 0; guard < 10; ++guard) {
    auto r = projections::regulator_inspections(*f.views, gz, std::nullopt, page);
    REQUIRE(r.ok());
    simdjson::dom::parser p;
    simdjson::dom::element doc = p.parse(*r);
    for (simdjson::dom::element i : doc["inspections"].get_array()) {
      seen.emplace_back(std::string_view(i["inspection_id"].get_string()));
    }
    if (doc["next_after"].is_null()) break;
    page.after = std::string(std::string_view(doc["next_after"].get_string()));
  }
  CHECK(seen == std::vector<std::string>{"insp-1", "insp-2", "insp-3", "insp-4", "insp-5"});
  CHECK(count(*projections::regulator_inspections(*f.views, gba, std::nullopt, {100, ""}),
              "inspections") == 6);
  CHECK(projections::regulator_inspections(*f.views, sz, std::string("fe-1"), {100, ""})
            .error()
            .reason == "entity_not_found");
  CHECK(count(*projections::regulator_inspections(*f.views, sz, std::string("fe-2"), {100, ""}),
              "inspections") == 1);

  CHECK(projections::inspection_form_visible(*f.views, gz, std::string(64, 'a')));
  CHECK(!projections::inspection_form_visible(*f.views, sz, std::string(64, 'a')));
  CHECK(projections::inspection_form_visible(*f.views, sz, std::string(64, 'b')));  // insp-6
  CHECK(!projections::inspection_form_visible(*f.views, gz, std::string(64, 'c')));
}

TEST_CASE(
    "R-4.5.2 standing: a graded entity becomes overdue as the day moves, an inspection clears it") {
  Fixture f;
  f.apply(core::EntityFiled{"fe-1", "gz-amr", record("440106")});
  f.apply(core::EntityFiled{"fe-2", "gz-amr", record("440111")});
  f.apply(core::RiskGradeAssigned{"fe-1", "gz-amr", "C", "高风险", day(0)});
  const projections::OnPlatform none;
  auto overdue_on = [&](int32_t n, const std::optional<std::string>& division = std::nullopt) {
    auto r = projections::overdue_entities(*f.views, viewer("gz-amr", "440100", day(n)), division,
                                           {50, ""}, none);
    REQUIRE(r.ok());
    return count(*r, "entities");
  };
  CHECK(overdue_on(0) == 0);
  CHECK(overdue_on(121) == 0);  // 3 * 121 / 365 = 0
  CHECK(overdue_on(122) == 1);  // 3 * 122 / 365 = 1
  CHECK(overdue_on(122, "440111") == 0);
  CHECK(overdue_on(122, "440106") == 1);
  CHECK(projections::overdue_entities(*f.views, viewer("sz-amr", "440300", day(122)), std::nullopt,
                                      {50, ""}, none)
            ->find("fe-1") == std::string::npos);
  auto e =
      projections::regulated_entity(*f.views, viewer("gz-amr", "440100", day(122)), "fe-1", none);
  REQUIRE(e.ok());
  CHECK(boolean(*e, "inspection_overdue"));
  CHECK(integer(*e, "inspections_required_per_year") == 3);
  CHECK(integer(*e, "inspections_due_now") == 1);
  f.apply(inspection(1, "fe-1", day(100)));
  CHECK(overdue_on(122) == 0);
  CHECK(overdue_on(244) == 1);  // due 2, one done
  auto later =
      projections::regulated_entity(*f.views, viewer("gz-amr", "440100", day(244)), "fe-1", none);
  CHECK(integer(*later, "inspections_last_365_days") == 1);
  CHECK(later->find(R"("last_inspected_on":")" + core::format_date(day(100))) != std::string::npos);
  // An ungraded entity is never overdue.
  auto ungraded =
      projections::regulated_entity(*f.views, viewer("gz-amr", "440100", day(900)), "fe-2", none);
  CHECK(!boolean(*ungraded, "inspection_overdue"));
}

TEST_CASE(
    "R-4.5.2 draw verification: re-run from the recorded inputs, a tampered record is caught") {
  Fixture f;
  for (int n = 1; n <= 4; ++n) {
    f.apply(core::EntityFiled{"fe-" + std::to_string(n), "gz-amr", record("440106")});
  }
  core::DrawInputs in;
  in.seed = 99;
  in.entities = {"fe-1", "fe-2", "fe-3", "fe-4"};
  in.inspectors = {"a", "b", "c"};
  in.recusals = {{"a", "fe-2"}};
  in.entity_count = 2;
  in.inspectors_per_entity = 2;
  auto assignments = core::run_draw(in);
  REQUIRE(assignments.ok());
  core::InspectionDrawRecorded d{"draw-1",
                                 "gz-amr",
                                 "li.sup",
                                 core::format_seed(99),
                                 std::string(core::kDrawAlgorithm),
                                 2,
                                 2,
                                 "",
                                 {},
                                 in.entities,
                                 in.inspectors,
                                 in.recusals,
                                 *assignments};
  f.apply(d);
  const auto gz = viewer("gz-amr", "440100");
  auto v = projections::draw_verification(*f.views, gz, "draw-1");
  REQUIRE(v.ok());
  CHECK(boolean(*v, "reproduced"));
  auto answer = projections::regulator_draw(*f.views, gz, "draw-1");
  REQUIRE(answer.ok());
  CHECK(integer(*answer, "entities_considered") == 4);
  CHECK(answer->find(R"("entity_name":"档口 440106")") != std::string::npos);
  CHECK(projections::regulator_draw(*f.views, viewer("gba-amr", "GBA"), "draw-1").error().reason ==
        "draw_not_found");

  // The same draw recorded with another result does not verify.
  d.draw_id = "draw-2";
  std::swap(d.assignments[0].inspectors[0], d.assignments[0].inspectors[1]);
  f.apply(d);
  auto bad = projections::draw_verification(*f.views, gz, "draw-2");
  REQUIRE(bad.ok());
  CHECK(!boolean(*bad, "reproduced"));
  CHECK(count(*bad, "differences") == 1);
  CHECK(count(*projections::regulator_draws(*f.views, gz, {50, ""}), "draws") == 2);
}

}  // namespace agritrace::testing
