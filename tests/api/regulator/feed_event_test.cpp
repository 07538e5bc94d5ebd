// Issue 13 (R-4.5), the regulators' feed without a broker: which jurisdiction topics carry an
// enterprise's events, and what a regulator's CloudEvent says (personal data masked, credentials
// never).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "api/regulator/feed.h"
#include "core/domain/event.h"
#include "events/codec/domain_codec.h"

namespace agritrace::api {
namespace {

events::Envelope envelope_of(const core::Event& ev, const std::string& tenant) {
  events::Envelope e;
  e.id = "0123456789abcdef0123456789abcdef";
  e.type = std::string(core::event_type(ev));
  e.tenant = tenant;
  e.tenant_seq = 7;
  e.subject = core::event_subject(ev);
  e.occurred_at_ms = 1'700'000'000'123;
  e.recorded_at_ms = 1'700'000'000'456;
  e.payload_json = events::encode_event_payload(ev);
  return e;
}

}  // namespace

TEST_CASE(
    "R-4.5 regulator feed: an enterprise's events go to its county, city, province and the GBA") {
  CHECK(feed_jurisdictions("441322") ==
        std::vector<std::string>{"441322", "441300", "440000", "GBA"});
  CHECK(feed_jurisdictions("440305") ==
        std::vector<std::string>{"440305", "440300", "440000", "GBA"});
  CHECK(feed_jurisdictions("440204") ==
        std::vector<std::string>{"440204", "440200", "440000"});  // Shaoguan
  CHECK(feed_jurisdictions("440300") == std::vector<std::string>{"440300", "440000", "GBA"});
  CHECK(feed_jurisdictions("810000") == std::vector<std::string>{"810000", "GBA"});  // Hong Kong
  CHECK(feed_jurisdictions("").empty());  // unknown division: no topic at all
  CHECK(division_of_region("广东省惠州市博罗县") == "441322");
  CHECK(division_of_region("火星").empty());
}

TEST_CASE("R-4.5 regulator feed: CloudEvents with personal data masked and no credentials") {
  core::CounterpartyRegistered cp;
  cp.counterparty_id = "cp-1";
  cp.record.kind = core::CounterpartyKind::kIndividual;
  cp.record.name = "张伟";
  cp.record.id_number = "441322197806151238";
  cp.record.phone = "13912345678";
  auto ce = regulator_cloudevent(envelope_of(cp, "93441322MA4W12345F"), nullptr, "441322");
  REQUIRE(ce);
  INFO(*ce);
  CHECK(ce->starts_with(
      R"({"specversion":"1.0","id":"0123456789abcdef0123456789abcdef",)"
      R"("source":"/agritrace/tenants/93441322MA4W12345F","type":"agritrace.counterparty.registered",)"
      R"("subject":"cp-1","time":"2023-11-14T22:13:20.123Z")"));
  CHECK(ce->find(R"("tenantseq":7,"division":"441322")") != std::string::npos);
  CHECK(ce->find("张伟") == std::string::npos);
  CHECK(ce->find(R"("name":"张*")") != std::string::npos);
  CHECK(ce->find("441322197806151238") == std::string::npos);
  CHECK(ce->find(R"("phone":"139****5678")") != std::string::npos);

  // A sealed value (no key to open it) is never passed on as ciphertext.
  cp.record.phone = "pii:v1:0011223344556677:abcdef";
  ce = regulator_cloudevent(envelope_of(cp, "93441322MA4W12345F"), nullptr, "441322");
  REQUIRE(ce);
  CHECK(ce->find("pii:v1:") == std::string::npos);
  CHECK(ce->find(R"("phone":"[sealed]")") != std::string::npos);

  core::EnterpriseRegistered reg{"93441322MA4W12345F", "绿源农场", "广东省惠州市博罗县", "key_1",
                                 "ab12"};
  ce = regulator_cloudevent(envelope_of(reg, reg.enterprise_id), nullptr, "441322");
  REQUIRE(ce);
  CHECK(ce->find("ab12") == std::string::npos);
  CHECK(ce->find("key_1") == std::string::npos);

  core::UserCreated user{"u-1", "clerk", "purchasing", "$argon2id$v=19$m=65536,t=2,p=1$salt$hash"};
  CHECK_FALSE(regulator_cloudevent(envelope_of(user, reg.enterprise_id), nullptr, "441322"));

  // R-4.4.2: a complaint reaches the respondent's jurisdiction with the complainant's phone
  // masked and without the follow token's digest (the consumer's key to the case).
  core::ComplaintFiled complaint;
  complaint.case_id = "TS202612050001";
  complaint.follow_token_sha256 = std::string(64, 'c');
  complaint.phone = "13912345678";
  complaint.text = "有异味";
  ce = regulator_cloudevent(envelope_of(complaint, reg.enterprise_id), nullptr, "441322");
  REQUIRE(ce);
  INFO(*ce);
  CHECK(ce->find("13912345678") == std::string::npos);
  CHECK(ce->find(R"("phone":"139****5678")") != std::string::npos);
  CHECK(ce->find(std::string(64, 'c')) == std::string::npos);
  CHECK(ce->find(R"("text":"有异味")") != std::string::npos);

  // The regulators' own records are never published, whatever division they were given.
  core::RegulatorUserCreated bureau_user{"gz-amr", "ru-1", "li.sup", "supervisor",
                                         "$argon2id$v=19$m=65536,t=2,p=1$salt$hash"};
  CHECK_FALSE(regulator_cloudevent(envelope_of(bureau_user, "regulators"), nullptr, "440100"));
  core::EntityFiled filed;
  filed.entity_id = "fe-1";
  filed.record.id_number = "441322197806151238";
  CHECK_FALSE(regulator_cloudevent(envelope_of(filed, "regulators"), nullptr, "441322"));
  CHECK_FALSE(regulator_cloudevent(
      envelope_of(core::BureauRegistered{"gz-amr", "广州", "440100"}, "regulators"), nullptr,
      "440100"));
}

}  // namespace agritrace::api
