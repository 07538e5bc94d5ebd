// The consumer's voucher lookup (R-4.4.P): a voucher number plus what only the buyer knows (the
// amount and the day paid) -> the trace of what that payment bought.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/civil_time.h"
#include "core/base/status.h"
#include "projections/base/view_store.h"

namespace agritrace::projections {

// The payment's merchant (name, region), amount and day, its linked sales and, for every code
// sold, the code's path through the enterprises (as the public sees it: other enterprises' names
// and regions only). Unknown voucher, other amount or other day: the same 404
// `voucher_not_found`, so the lookup tells nothing to someone who does not know all three.
// The payment a consumer names by voucher + amount + day (R-4.4.2 complaints): the enterprise paid
// and the transaction id; nullopt when no payment matches all three.
struct VoucherPayment {
  std::string tenant, transaction_id;
};
std::optional<VoucherPayment> find_voucher_payment(const ViewStore& v, std::string_view voucher,
                                                   int64_t amount_fen, core::Date paid_on);

Result<std::string> voucher_trace(const ViewStore& v, std::string_view voucher, int64_t amount_fen,
                                  core::Date paid_on);

}  // namespace agritrace::projections
