// Projections react only to the events they declare (projections/base/dispatch.h); the check that
// every core::Event alternative is declared somewhere is a static_assert next to
// make_all_projections.
#include <doctest/doctest.h>

#include <string>
#include <type_traits>
#include <vector>

#include "projections/base/dispatch.h"
#include "projections/finance/projection.h"
#include "projections/sales/projection.h"

namespace agritrace::projections {

TEST_CASE("dispatch: the handler sees declared event types only") {
  using Declared = EventList<core::BatchCreated, core::RecallRaised>;
  std::vector<std::string> seen;
  auto handler = [&](const auto& ev) { seen.emplace_back(std::decay_t<decltype(ev)>::kType); };
  CHECK(dispatch<Declared>(core::Event{core::BatchCreated{}}, handler));
  CHECK_FALSE(dispatch<Declared>(core::Event{core::ShipmentRecorded{}}, handler));
  CHECK(dispatch<Declared>(core::Event{core::RecallRaised{}}, handler));
  CHECK_FALSE(dispatch<EventList<>>(core::Event{core::BatchCreated{}}, handler));
  CHECK(seen == std::vector<std::string>{std::string(core::BatchCreated::kType),
                                         std::string(core::RecallRaised::kType)});
}

TEST_CASE("dispatch: event lists are checked against core::Event") {
  static_assert(are_events_v<sales::Handled>);
  static_assert(event_list_contains_v<core::ShipmentRecorded, finance::Handled>);
  static_assert(!event_list_contains_v<core::BatchCreated, finance::Handled>);
  // Every alternative is declared by some list; with no list at all, none would be.
  static_assert(every_event_declared<std::variant<core::FinanceEntryRecorded>, finance::Handled>::value);
  CHECK(are_events_v<EventList<core::GoodsReceived, core::StockAdjusted>>);
}

}  // namespace agritrace::projections
