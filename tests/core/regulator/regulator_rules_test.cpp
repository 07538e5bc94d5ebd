// The regulator end's rules (issue 13): the jurisdiction access policy and the bureau roles
// (core/regulator/access.h), bureaus and their accounts, R-4.5.1 entity filing and amendment
// (core/regulator/decide.cpp), and the credential index's regulator accounts.
#include <doctest/doctest.h>

#include "core/accounts/credentials.h"
#include "core/regulator/access.h"
#include "core/regulator/rules.h"
#include "tests/core/domain/world_fixture.h"

namespace agritrace::core::testing {
namespace {

const std::string kRegs(kRegulatorsTenant);
constexpr const char* kHash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";
constexpr const char* kUscc = "91440101MA59XYW12B";

Error error_of(const Result<std::vector<Event>>& r) {
  REQUIRE(!r.ok());
  return r.error();
}

EntityRecord wholesaler(std::string division = "440111") {
  EntityRecord r;
  r.name = "广州江南果菜批发有限公司";
  r.premises_type = "wholesale";
  r.uscc = kUscc;
  r.division = std::move(division);
  r.address = "广州市白云区江南大道";
  r.legal_representative = "刘洋";
  r.contact_person = "刘洋";
  r.phone = "13711112222";
  return r;
}

EntityRecord trader(std::string division = "441322") {
  EntityRecord r;
  r.name = "陈记蔬菜档";
  r.premises_type = "retail";
  r.id_number = "441322197806151238";
  r.division = std::move(division);
  r.address = "博罗县罗阳镇农贸市场 12 号";
  r.contact_person = "陈国强";
  r.phone = "13800138000";
  return r;
}

// Guangzhou (440100), Shenzhen (440300) and the Greater Bay Area.
void add_bureaus(World& w) {
  REQUIRE(w.must(kRegs, RegisterBureau{"gz-amr", "广州市市场监督管理局", "440100"}) == "gz-amr");
  REQUIRE(w.must(kRegs, RegisterBureau{"sz-amr", "深圳市市场监督管理局", "440300"}) == "sz-amr");
  REQUIRE(w.must(kRegs, RegisterBureau{"gba-amr", "大湾区协调办", "GBA"}) == "gba-amr");
}

}  // namespace

TEST_CASE("jurisdiction policy: the bureau role matrix") {
  using R = RegulatorRight;
  for (RegulatorRole role : kAllRegulatorRoles) {
    CAPTURE(regulator_role_name(role));
    CHECK(regulator_role_allows(role, R::kRead));  // both read the jurisdiction
    CHECK(regulator_role_allows(role, R::kHandleComplaints));  // and handle complaints
  }
  const RegulatorRole sup = RegulatorRole::kSupervisor;
  const RegulatorRole insp = RegulatorRole::kInspector;
  for (R r : {R::kManageUsers, R::kFileEntities, R::kDraws, R::kWebhooks, R::kPublishSampling}) {
    CAPTURE(regulator_right_name(r));
    CHECK(regulator_role_allows(sup, r));
    CHECK(!regulator_role_allows(insp, r));
  }
  CHECK(regulator_role_allows(insp, R::kRecordInspections));
  CHECK(!regulator_role_allows(sup, R::kRecordInspections));
  CHECK(parse_regulator_role("director", "role").error().reason == "regulator_role_invalid");
}

TEST_CASE("jurisdiction policy: what lies in a jurisdiction, who sees personal data") {
  auto gz = parse_jurisdiction("440100", nullptr);
  auto gba = parse_jurisdiction("GBA", nullptr);
  auto tianhe = parse_jurisdiction("440106", nullptr);
  REQUIRE((gz.ok() && gba.ok() && tianhe.ok()));
  CHECK(in_jurisdiction(*gz, "440106"));   // a district of the city
  CHECK(in_jurisdiction(*gz, "440100"));   // the city itself
  CHECK(!in_jurisdiction(*gz, "440305"));  // Shenzhen Nanshan
  CHECK(!in_jurisdiction(*gz, "440000"));  // the province is not inside the city
  CHECK(!in_jurisdiction(*gz, ""));        // an unknown division is in no jurisdiction
  CHECK(in_jurisdiction(*gba, "440305"));
  CHECK(in_jurisdiction(*gba, "810000"));   // Hong Kong
  CHECK(!in_jurisdiction(*gba, "440500"));  // Shantou is not in the Greater Bay Area
  CHECK(in_jurisdiction(*tianhe, "440106"));
  CHECK(!in_jurisdiction(*tianhe, "440111"));
  CHECK(sees_personal_data("gz-amr", "gz-amr"));
  CHECK(!sees_personal_data("gba-amr", "gz-amr"));
  CHECK(!sees_personal_data("", ""));
  CHECK(validate_bureau_id("gz-amr", "bureau_id").ok());
  for (const char* bad : {"GZ-AMR", "91440101MA59XYW12B", "platform", "x", "1gz", "gz amr"}) {
    CAPTURE(bad);
    CHECK(validate_bureau_id(bad, "bureau_id").error().reason == "bureau_id_invalid");
  }
}

TEST_CASE("bureaus and their accounts: registration, users, roles, refusals") {
  World w;
  add_bureaus(w);
  CHECK(error_of(w.apply(kRegs, Command(RegisterBureau{"gz-amr", "重复", "440100"}))).reason ==
        "bureau_exists");
  CHECK(error_of(w.apply(kRegs, Command(RegisterBureau{"x-amr", "无效", "999999"}))).code ==
        ErrorCode::kInvalidArgument);
  // Regulator commands belong to the regulators tenant only.
  CHECK(error_of(w.apply(kUscc, Command(RegisterBureau{"hz-amr", "惠州", "441300"}))).reason ==
        "not_regulators_tenant");

  auto sup = w.apply(kRegs, Command(CreateRegulatorUser{"gz-amr", "li.sup", "supervisor", kHash}));
  REQUIRE(sup.ok());
  const auto& created = std::get<RegulatorUserCreated>(sup->front());
  CHECK(created.user_id == "ru-1");
  CHECK(created.role == "supervisor");
  // The same username in another bureau is another account.
  CHECK(w.must(kRegs, CreateRegulatorUser{"sz-amr", "li.sup", "inspector", kHash}) ==
        "sz-amr/ru-2");
  CHECK(error_of(w.apply(kRegs, Command(CreateRegulatorUser{"gz-amr", "li.sup", "inspector",
                                                             kHash})))
            .reason == "username_taken");
  CHECK(error_of(w.apply(kRegs, Command(CreateRegulatorUser{"gz-amr", "wang", "director",
                                                             kHash})))
            .reason == "regulator_role_invalid");
  CHECK(error_of(w.apply(kRegs, Command(CreateRegulatorUser{"nowhere", "wang", "inspector",
                                                             kHash})))
            .reason == "bureau_not_found");

  // The credential index: a bureau's account carries the role and the bureau's jurisdiction.
  CredentialIndex index;
  for (const auto& [tenant, e] : w.log) {
    if (CredentialIndex::concerns(e)) index.apply(tenant, e);
  }
  auto cred = index.user("gz-amr", "li.sup");
  REQUIRE(cred.has_value());
  CHECK(cred->regulator);
  CHECK(cred->regulator_role == RegulatorRole::kSupervisor);
  CHECK(cred->jurisdiction == "440100");
  CHECK(cred->tenant == "gz-amr");
  CHECK(index.user("sz-amr", "li.sup")->regulator_role == RegulatorRole::kInspector);
  CHECK(!index.user(kRegs, "li.sup").has_value());
  CHECK(!index.tenant_registered("gz-amr"));  // a bureau is not an enterprise
}

TEST_CASE("R-4.5.1 entity filing: validated identifiers, inside the jurisdiction only") {
  World w;
  add_bureaus(w);
  auto filed = w.apply(kRegs, Command(FileEntity{"gz-amr", wholesaler()}));
  REQUIRE(filed.ok());
  const auto& e = std::get<EntityFiled>(filed->front());
  CHECK(e.entity_id == "fe-1");
  CHECK(e.bureau_id == "gz-amr");
  CHECK(e.record == wholesaler());

  // Another city's division: the jurisdiction policy refuses, 403.
  Error outside = error_of(w.apply(kRegs, Command(FileEntity{"gz-amr", wholesaler("440305")})));
  CHECK(outside.reason == "outside_jurisdiction");
  CHECK(outside.code == ErrorCode::kPermissionDenied);
  CHECK(outside.field == "division");
  // The same USCC twice: a duplicate.
  CHECK(error_of(w.apply(kRegs, Command(FileEntity{"gba-amr", wholesaler("440106")}))).reason ==
        "entity_duplicate");

  // Identifiers validated with core/base/identifiers.
  EntityRecord r = wholesaler();
  r.uscc = "91440101MA59XYW12C";
  CHECK(error_of(w.apply(kRegs, Command(FileEntity{"gz-amr", r}))).reason == "uscc_check_failed");
  r = trader("440106");
  r.id_number = "441322197806151239";
  CHECK(error_of(w.apply(kRegs, Command(FileEntity{"gz-amr", r}))).reason ==
        "id_number_check_failed");
  r = trader("440106");
  r.uscc = kUscc;  // both identifiers
  CHECK(error_of(w.apply(kRegs, Command(FileEntity{"gz-amr", r}))).reason ==
        "entity_identifier_required");
  r = trader("440106");
  r.id_number.clear();  // neither
  CHECK(error_of(w.apply(kRegs, Command(FileEntity{"gz-amr", r}))).reason ==
        "entity_identifier_required");
  r = trader("440106");
  r.legal_representative = "某某";
  CHECK(error_of(w.apply(kRegs, Command(FileEntity{"gz-amr", r}))).reason == "field_not_allowed");
  r = trader("440106");
  r.phone = "12345";
  CHECK(error_of(w.apply(kRegs, Command(FileEntity{"gz-amr", r}))).reason == "phone_invalid");
  r = trader("440106");
  r.premises_type = "spaceport";
  CHECK(error_of(w.apply(kRegs, Command(FileEntity{"gz-amr", r}))).reason ==
        "premises_type_invalid");
  r = wholesaler();
  r.uscc = "91441900MA51ABCD7J";
  r.legal_representative.clear();
  CHECK(error_of(w.apply(kRegs, Command(FileEntity{"gz-amr", r}))).reason == "value_required");

  // An individual trader not on the platform, filed by the Greater Bay Area bureau in Huizhou.
  auto t = w.apply(kRegs, Command(FileEntity{"gba-amr", trader()}));
  REQUIRE(t.ok());
  CHECK(std::get<EntityFiled>(t->front()).entity_id == "fe-2");
  CHECK(error_of(w.apply(kRegs, Command(FileEntity{"gba-amr", trader("441302")}))).reason ==
        "entity_duplicate");
}

TEST_CASE("R-4.5.1 amendments: events with the previous division, within the jurisdiction") {
  World w;
  add_bureaus(w);
  REQUIRE(w.must(kRegs, FileEntity{"gz-amr", wholesaler()}) == "fe-1");
  EntityRecord moved = wholesaler("440106");
  moved.contact_person = "王芳";
  auto amended = w.apply(kRegs, Command(AmendEntity{"gz-amr", "fe-1", moved}));
  REQUIRE(amended.ok());
  const auto& a = std::get<EntityAmended>(amended->front());
  CHECK(a.previous_division == "440111");
  CHECK(a.record.division == "440106");
  CHECK(a.record.contact_person == "王芳");
  CHECK(w.states[kRegs].regulators.entities.at("fe-1").division == "440106");
  CHECK(w.states[kRegs].regulators.entities.at("fe-1").filed_by == "gz-amr");

  // Shenzhen's bureau does not see the entity: it does not exist for it.
  CHECK(error_of(w.apply(kRegs, Command(AmendEntity{"sz-amr", "fe-1", moved}))).reason ==
        "entity_not_found");
  // Guangzhou cannot move it out of its jurisdiction.
  CHECK(error_of(w.apply(kRegs, Command(AmendEntity{"gz-amr", "fe-1", wholesaler("440305")})))
            .reason == "outside_jurisdiction");
  // The GBA bureau, whose jurisdiction contains both, may.
  CHECK(w.must(kRegs, AmendEntity{"gba-amr", "fe-1", wholesaler("440305")}) == "fe-1");
  CHECK(error_of(w.apply(kRegs, Command(AmendEntity{"gz-amr", "fe-1", moved}))).reason ==
        "entity_not_found");
  // A business stays a business.
  CHECK(error_of(w.apply(kRegs, Command(AmendEntity{"gba-amr", "fe-1", trader("440305")})))
            .reason == "entity_kind_immutable");
  CHECK(error_of(w.apply(kRegs, Command(AmendEntity{"gba-amr", "fe-9", wholesaler("440305")})))
            .reason == "entity_not_found");
}

}  // namespace agritrace::core::testing
