// Issue 14 (R-5.1 open formats): the EPCIS 2.0 event model, identifiers and the CBV 2.0 §8.9
// canonical event hash. The expected hashes were computed by the independent reference
// implementation (PyPI epcis-event-hash-generator 1.9.3) from the same events written as
// EPCIS 2.0 JSON-LD; the e2e tests (tests/e2e/interchange) run it on every exported document.
// The instants are fixed test vectors (unix ms), not calendar dates of the business.
#include "core/interchange/epcis.h"

#include <doctest/doctest.h>

namespace agritrace::core::epcis {
namespace {

constexpr int64_t kVectorMs = 1796443200123;  // a fixed instant of the hash test vectors

Event shipping_vector() {
  Event e;
  e.type = "ObjectEvent";
  e.event_time_ms = kVectorMs;
  e.record_time_ms = kVectorMs + 5;  // not hashed
  e.epcs = {{"06901234000016", "ABC"}, {"06901234000016", "AAA"}};
  e.quantities = {quantity_of({"06901234000016", "L1", ""}, Quantity{1500, Unit::kGram}),
                  quantity_of({"", "", "urn:agritrace:lot:T:lot-1"}, Quantity{2, Unit::kPiece})};
  e.action = "OBSERVE";
  e.biz_step = "shipping";
  e.disposition = "in_transit";
  e.biz_transactions = {{"po", "urn:agritrace:bt:T:so-1"}, {"desadv", "urn:agritrace:bt:T:sh-1"}};
  e.sources = {{"owning_party", "urn:agritrace:party:A"}, {"location", "urn:agritrace:party:A"}};
  e.destinations = {{"owning_party", "urn:agritrace:party:B"}};
  return e;
}

TEST_CASE(
    "R-5.1 EPCIS: the CBV 2.0 event hash equals the reference implementation's (ObjectEvent)") {
  const Event e = shipping_vector();
  CHECK(
      event_hash(e) ==
      "ni:///sha-256;084312d8f75be5add94b7a527e93eda2b9bd67e98232527b7f9a5c5fd4525890?ver=CBV2.0");
  // The order of list entries, the identifier form and the record time do not change it.
  Event shuffled = e;
  std::swap(shuffled.epcs[0], shuffled.epcs[1]);
  std::swap(shuffled.biz_transactions[0], shuffled.biz_transactions[1]);
  shuffled.record_time_ms += 1000;
  CHECK(event_hash(shuffled) == event_hash(e));
  // Any business fact does.
  Event other = e;
  other.disposition = "in_progress";
  CHECK(event_hash(other) != event_hash(e));
}

TEST_CASE(
    "R-5.1 EPCIS: the CBV 2.0 event hash equals the reference implementation's "
    "(TransformationEvent)") {
  Event e;
  e.type = "TransformationEvent";
  e.event_time_ms = kVectorMs - 123;
  e.quantities = {quantity_of({"", "", "urn:agritrace:lot:T:lot-1"}, Quantity{250, Unit::kGram})};
  QuantityElement out;
  out.goods = {"06901234000016", "L1", ""};
  e.output_quantities = {out};
  e.transformation_id = "urn:agritrace:batch:T:b-1";
  e.biz_step = "commissioning";
  e.disposition = "active";
  e.biz_transactions = {{"prodorder", "urn:agritrace:bt:T:b-1"}};
  CHECK(
      event_hash(e) ==
      "ni:///sha-256;9656cdbf350653d8f94b7ad4913bbf40d90e0f6efa1467b1df7ea52720ee3414?ver=CBV2.0");
}

TEST_CASE("R-5.1 EPCIS: identifiers as GS1 Digital Link or EPC URN, and back") {
  const Item item{"06901234000016", "AB/1"};
  CHECK(digital_link(item) == "https://id.gs1.org/01/06901234000016/21/AB%2F1");
  CHECK(epc_urn(item) == "urn:epc:id:sgtin:6901234.000001.AB%2F1");
  CHECK(*parse_item(digital_link(item), "epc") == item);
  CHECK(*parse_item(epc_urn(item), "epc") == item);
  CHECK(*parse_item("https://trace.example.cn/01/06901234000016/10/L1/21/AB%2F1", "epc") == item);
  // GS1 China 692-699 prefixes carry 8-digit company prefixes.
  CHECK(epc_urn({"06920000000012", "X"}) == "urn:epc:id:sgtin:69200000.00001.X");
  CHECK(*parse_item("urn:epc:id:sgtin:69200000.00001.X", "epc") == Item{"06920000000012", "X"});
  const GoodsClass lot{"06901234000016", "L-7", ""};
  CHECK(class_uri(lot, IdFormat::kDigitalLink) == "https://id.gs1.org/01/06901234000016/10/L-7");
  CHECK(class_uri(lot, IdFormat::kEpcUrn) == "urn:epc:class:lgtin:6901234.000001.L-7");
  CHECK(*parse_class("urn:epc:class:lgtin:6901234.000001.L-7", "c") == lot);
  CHECK(parse_class("urn:agritrace:lot:T:lot-1", "c")->private_uri == "urn:agritrace:lot:T:lot-1");
  CHECK(parse_item("https://id.gs1.org/01/06901234000017/21/X", "epc").error().reason ==
        "epc_invalid");
  CHECK(parse_item("urn:epc:id:sgtin:6901234.00001.X", "epc").error().reason == "epc_invalid");
  CHECK(parse_item("not a uri", "epc").error().reason == "epc_invalid");
  CHECK(*parse_id_format("Always_EPC_URN") == IdFormat::kEpcUrn);
  CHECK(*parse_id_format("") == IdFormat::kDigitalLink);
  CHECK(parse_id_format("sometimes").error().reason == "epc_format_invalid");
}

TEST_CASE("R-5.1 EPCIS: quantities in UN/ECE Rec 20 units") {
  CHECK(quantity_of({}, Quantity{1500, Unit::kGram}).quantity == "1.5");
  CHECK(quantity_of({}, Quantity{1500, Unit::kGram}).uom == "KGM");
  CHECK(quantity_of({}, Quantity{2000, Unit::kMillilitre}).quantity == "2");
  CHECK(quantity_of({}, Quantity{2000, Unit::kMillilitre}).uom == "LTR");
  CHECK(quantity_of({}, Quantity{1, Unit::kGram}).quantity == "0.001");
  CHECK(quantity_of({}, Quantity{12, Unit::kPiece}).quantity == "12");
  CHECK(quantity_of({}, Quantity{12, Unit::kPiece}).uom == "EA");
}

TEST_CASE(
    "R-5.1 EPCIS: the JSON-LD event names its hash as eventID and writes identifiers as asked") {
  const Event e = shipping_vector();
  JsonWriter dl;
  write_event(dl, e, IdFormat::kDigitalLink);
  CHECK(dl.str().find("\"eventID\":\"" + event_hash(e) + "\"") != std::string::npos);
  CHECK(dl.str().find("\"https://id.gs1.org/01/06901234000016/21/ABC\"") != std::string::npos);
  CHECK(dl.str().find("\"quantity\":1.5,\"uom\":\"KGM\"") != std::string::npos);
  JsonWriter urn;
  write_event(urn, e, IdFormat::kEpcUrn);
  CHECK(urn.str().find("\"urn:epc:id:sgtin:6901234.000001.ABC\"") != std::string::npos);
  CHECK(urn.str().find("\"eventID\":\"" + event_hash(e) + "\"") != std::string::npos);
}

}  // namespace
}  // namespace agritrace::core::epcis
