// Read model of the regulator's ledger lines (issue 13, R-4.5.3 statistics, R-4.5.4 targeted
// supervision): every enterprise event that moves goods becomes lines (classify(),
// projections/regulator/ledger_line.h), stored by division and indexed by product, lot code,
// origin and direction, with counters per division x enterprise x product x day / month / all
// time. Keys: projections/regulator/flow_keys.h; queries: projections/regulator/flow_queries.h.
//
// What it relies on for order: an enterprise's registration (its region, hence its division) is
// the first event of its tenant, and a tenant's events are applied in order (one partition), so
// a line is always stored under the division of its own enterprise. Everything that names
// ANOTHER enterprise (a counterparty on the platform, the producer of received goods) is stored
// as that enterprise's id and resolved to its name and division when read, so the order in which
// different enterprises' events arrive never changes the views.
#pragma once

#include <memory>

#include "projections/base/dispatch.h"
#include "projections/base/runner.h"

namespace agritrace::projections {

namespace regulator {
// The events that feed the lines or the facts they need (every other event only moves the
// enterprise's last-event time).
using FlowHandled =
    EventList<core::EnterpriseRegistered, core::CounterpartyRegistered, core::CounterpartyAmended,
              core::CatalogueProductAdded, core::BatchCreated, core::BatchAmended,
              core::BatchMaterialConsumed, core::PurchaseOrderReceived, core::GoodsReceived,
              core::ShipmentRecorded, core::StockAdjusted>;
static_assert(are_events_v<FlowHandled>);
}  // namespace regulator

std::unique_ptr<Projection> make_ledger_lines_projection();

}  // namespace agritrace::projections
