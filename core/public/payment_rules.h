// Rules of trace-linked payment (R-4.4.P).
#pragma once

#include <vector>

#include "core/domain/command.h"
#include "core/domain/event.h"
#include "core/domain/tenant_state.h"

namespace agritrace::core {

inline constexpr size_t kMaxVoucherBytes = 64;

// Printable ASCII without spaces, 1..64 bytes: a voucher or merchant order number.
bool is_voucher_number(std::string_view s);

Result<std::vector<Event>> decide(const TenantState& state, const RecordPaymentNotification& c,
                                  const Context& ctx);
void evolve(TenantState& state, const PaymentNotified& e);

}  // namespace agritrace::core
