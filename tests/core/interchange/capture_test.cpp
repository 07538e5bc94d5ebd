// Issue 14 (R-5.1 open formats): what a captured EPCIS event becomes in the capturing
// enterprise's ledger (core/interchange/capture.h), and the all-or-nothing group of commands
// (core::CommandGroup) that an EPCIS document captured whole is decided as. No server.
#include "core/interchange/capture.h"

#include <doctest/doctest.h>

#include "core/production/events.h"
#include "tests/core/domain/domain_fixture.h"
#include "tests/support/test_clock.h"

namespace agritrace::core::epcis {
namespace {

constexpr const char* kUs = "91350100M000100Y43";

// A commissioning ObjectEvent now (the test clock), at +08:00.
Event commissioning() {
  Event e;
  e.type = "ObjectEvent";
  e.event_time_ms = ::agritrace::testing::test_now_ms();
  e.time_zone_offset = "+08:00";
  e.action = "ADD";
  e.biz_step = "commissioning";
  e.disposition = "active";
  return e;
}

Event observe(std::string step) {
  Event e = commissioning();
  e.action = "OBSERVE";
  e.biz_step = std::move(step);
  e.epcs = {{"06901234000016", "S1"}};
  return e;
}

TEST_CASE("R-5.1 EPCIS capture: which events map onto the capturing enterprise's ledger") {
  CHECK(capture_kind(commissioning(), kUs) == CaptureKind::kCommissioning);
  CHECK(capture_kind(observe("receiving"), kUs) == CaptureKind::kReceipt);
  CHECK(capture_kind(observe("accepting"), kUs) == CaptureKind::kReceipt);
  // A partner's shipment is this enterprise's inbound only when it is addressed to it.
  Event shipped = observe("shipping");
  CHECK(capture_kind(shipped, kUs) == CaptureKind::kNotMappable);
  shipped.destinations = {{"owning_party", "urn:agritrace:party:91440101MA59XYW12B"}};
  CHECK(capture_kind(shipped, kUs) == CaptureKind::kNotMappable);
  shipped.destinations.push_back({"owning_party", party_uri(kUs)});
  CHECK(capture_kind(shipped, kUs) == CaptureKind::kReceipt);
  // Receiving by quantity (no trace codes), DELETE, other event types: not mapped.
  Event by_quantity = observe("receiving");
  by_quantity.quantities = {{{"06901234000016", "L1", ""}, "2", "KGM"}};
  CHECK(capture_kind(by_quantity, kUs) == CaptureKind::kNotMappable);
  Event deleted = commissioning();
  deleted.action = "DELETE";
  CHECK(capture_kind(deleted, kUs) == CaptureKind::kNotMappable);
  Event transformation = commissioning();
  transformation.type = "TransformationEvent";
  transformation.action.clear();
  CHECK(capture_kind(transformation, kUs) == CaptureKind::kNotMappable);
}

TEST_CASE("R-5.1 EPCIS capture: UN/ECE quantities become the ledger's base units") {
  CHECK(*ledger_quantity("1.5", "KGM", "q") == Quantity{1500, Unit::kGram});
  CHECK(*ledger_quantity("500", "KGM", "q") == Quantity{500'000, Unit::kGram});
  CHECK(*ledger_quantity("0.25", "LTR", "q") == Quantity{250, Unit::kMillilitre});
  CHECK(*ledger_quantity("12", "EA", "q") == Quantity{12, Unit::kPiece});
  CHECK(*ledger_quantity("12", "", "q") == Quantity{12, Unit::kPiece});
  CHECK(ledger_quantity("1.5", "EA", "q").error().reason == "quantity_invalid");
  CHECK(ledger_quantity("1.2345", "KGM", "q").error().reason == "quantity_invalid");
  CHECK(ledger_quantity("0", "KGM", "q").error().reason == "quantity_invalid");
  CHECK(ledger_quantity("-2", "KGM", "q").error().reason == "quantity_invalid");
  CHECK(ledger_quantity("1e-05", "KGM", "q").error().reason == "quantity_invalid");
  CHECK(ledger_quantity("", "KGM", "q").error().reason == "quantity_required");
  CHECK(ledger_quantity("3", "MTR", "q").error().reason == "uom_unsupported");
  CHECK(ledger_quantity("3", "MTR", "q").error().field == "q.uom");
}

TEST_CASE("R-5.1 EPCIS capture: a commissioning event registers its goods as batches") {
  Event e = commissioning();
  e.quantities = {{{"06901234000016", "CX-1", ""}, "20.5", "KGM"}};
  e.epcs = {{"06901234000023", "A1"}, {"06901234000030", "B1"}, {"06901234000023", "A2"}};
  const CatalogueLookup catalogue = [](std::string_view gtin) -> std::optional<CatalogueMatch> {
    if (gtin == "06901234000016") return CatalogueMatch{"veg-caixin", "菜心"};
    return std::nullopt;
  };
  auto batches = commissioned_batches(e, catalogue);
  REQUIRE(batches.ok());
  REQUIRE(batches->size() == 3);
  const std::string hex = event_hash(e).substr(14, 12);
  const CreateBatch& lot = (*batches)[0];
  CHECK(lot.product == "菜心");
  CHECK(lot.product_id == "veg-caixin");
  CHECK(lot.lot_code == "CX-1");
  CHECK(lot.quantity == Quantity{20'500, Unit::kGram});
  CHECK(lot.production_date == date_from_unix_ms(e.event_time_ms, 8 * 60));
  CHECK(lot.note == "EPCIS " + event_hash(e));
  // SGTINs: a count of pieces per GTIN, under a lot code made from the event hash.
  CHECK((*batches)[1].product == "GTIN 06901234000023");
  CHECK((*batches)[1].product_id.empty());
  CHECK((*batches)[1].quantity == Quantity{2, Unit::kPiece});
  CHECK((*batches)[1].lot_code == "E" + hex);
  CHECK((*batches)[2].quantity == Quantity{1, Unit::kPiece});
  CHECK((*batches)[2].lot_code == "E" + hex + "-1");
  CHECK((*batches)[2].lot_code.size() <= 20);

  // The production date is the event's local day: 23:30 UTC is the next day at +08:00.
  Event late = commissioning();
  late.quantities = e.quantities;
  late.event_time_ms = (late.event_time_ms / 86'400'000) * 86'400'000 + 23 * 3'600'000 + 1'800'000;
  CHECK(commissioned_batches(late, nullptr)->front().production_date ==
        Date{date_from_unix_ms(late.event_time_ms, 0).days_since_epoch + 1});

  // Refusals: no goods, a class without a GTIN, a quantity the ledger cannot hold.
  CHECK(commissioned_batches(commissioning(), nullptr).error().reason ==
        "epcis_event_not_mappable");
  Event private_class = commissioning();
  private_class.quantities = {{{"", "", "urn:example:lot:1"}, "2", "KGM"}};
  auto refused = commissioned_batches(private_class, nullptr);
  CHECK(refused.error().reason == "epcis_event_not_mappable");
  CHECK(refused.error().field == "quantityList[0].epcClass");
  Event metres = commissioning();
  metres.quantities = {{{"06901234000016", "CX-1", ""}, "2", "MTR"}};
  CHECK(commissioned_batches(metres, nullptr).error().field == "quantityList[0].uom");
}

TEST_CASE("R-5.1 EPCIS capture: a group of commands is decided all or nothing, in order") {
  testing::Harness h;
  h.register_enterprise();
  h.ctx.today = ::agritrace::testing::test_date(0);
  auto batch = [](std::string lot) {
    CreateBatch b;
    b.product = "菜心";
    b.lot_code = std::move(lot);
    b.quantity = Quantity{1000, Unit::kGram};
    b.production_date = ::agritrace::testing::test_date(-1);
    return Command(std::move(b));
  };
  // The second command sees the first one's effects: the same lot code twice is refused, and
  // nothing of the group is decided.
  auto refused = h.apply(CommandGroup{{batch("G-1"), batch("G-2"), batch("G-1")}});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().reason == "lot_code_duplicate");
  CHECK(refused.error().field == "commands[2].lot_code");
  CHECK(h.state.batch_by_lot_code.empty());
  // Accepted: every command's events, in order, with ids drawn in sequence.
  auto accepted = h.apply(CommandGroup{{batch("G-1"), batch("G-2")}});
  REQUIRE(accepted.ok());
  REQUIRE(accepted->size() == 2);
  CHECK(std::get<BatchCreated>((*accepted)[0]).batch_id == "b-1");
  CHECK(std::get<BatchCreated>((*accepted)[1]).batch_id == "b-2");
  CHECK(h.state.batch_by_lot_code.size() == 2);
  CHECK(h.apply(CommandGroup{}).error().reason == "commands_empty");
}

}  // namespace
}  // namespace agritrace::core::epcis
