// Read models of sales and shipping, whereabouts and recalls and downstream
// analytics. Queries over them live in projections/sales/queries.h. Key layout (docs/ARCHITECTURE.md
// "Whereabouts, lineage and recall"):
//   so/T/so            order record            sos/T/so           status record
//   sosq/T/so          shipped amount (sum)    sob/T/batch/so     orders by batch (item)
//   soo/T/batch/so     open orders by item (open or partially shipped)
//   sh/T/sh            shipment (with serials) shb/T/batch/sh     shipment summary by batch
//   shs/T/so/sh        shipments of an order   shc/T/serial       code -> shipment id
//   bsh/T/batch        shipped amount (sum)    whc/T/batch/cp     amount at each direct customer
//   rc/T/rc            recall record           rcb|rcl|rcc/T/{batch|lot|serial}/rc  recall index
//   lin/ORIGIN/batch/holder/fact  lineage fact  linq/ORIGIN/batch/holder  amount held (sum)
//     (ORIGIN/batch: the producer batch the goods were made in, also for shipments from a lot)
//   ana/T/product\x1fday\x1fregion\x1fchannel\x1funit   downstream volume (sum)
// Every lineage and analytics value is a keyed fact (put once under its own id) or a sum
// (add_int), so events of different enterprises may arrive in any order across partitions.
#pragma once

#include <memory>

#include "projections/base/dispatch.h"
#include "projections/base/runner.h"

namespace agritrace::projections {

namespace sales {
// The events the sales projection reacts to (projections/base/dispatch.h).
using Handled = EventList<core::SalesOrderCreated, core::SalesOrderAmended, core::SalesOrderCancelled, core::SalesOrderStatusChanged, core::ShipmentRecorded, core::RecallRaised>;
static_assert(are_events_v<Handled>);
}  // namespace sales

std::unique_ptr<Projection> make_sales_projection();

// Holder id of a shipment's receiver in the lineage: the USCC for an enterprise (registered or
// not: the USCC is the platform-wide tenant id), "<tenant>:<counterparty id>" for an individual,
// "<tenant>:consumer" for a retail sale that names no customer.
std::string lineage_holder(std::string_view from_tenant, std::string_view ship_to_id,
                           std::string_view ship_to_uscc);

}  // namespace agritrace::projections
