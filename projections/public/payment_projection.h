// Read model of trace-linked payment (R-4.4.P): each notified payment with the retail sales it is
// linked to, and a global index from voucher number to (tenant, transaction) for the consumer's
// voucher lookup (projections/public/payment_queries.h).
#pragma once

#include <memory>

#include "projections/base/dispatch.h"
#include "projections/base/runner.h"

namespace agritrace::projections {

namespace payments {
using Handled = EventList<core::PaymentNotified>;
static_assert(are_events_v<Handled>);
}  // namespace payments

std::unique_ptr<Projection> make_payment_projection();

}  // namespace agritrace::projections
