// .x market rules (core/decide_circulation.h).
#include "core/decide_circulation.h"
#include "core/rule_errors.h"

namespace agritrace::core {

Result<std::vector<Event>> decide_circulation(const TenantState&, const PlaceMarketOrder&, const Context&) {
  return make_error(ErrorCode::kInternal, "not_implemented", "PlaceMarketOrder is not implemented yet");
}

Result<std::vector<Event>> decide_circulation(const TenantState&, const CancelMarketOrder&, const Context&) {
  return make_error(ErrorCode::kInternal, "not_implemented", "CancelMarketOrder is not implemented yet");
}

Result<std::vector<Event>> decide_circulation(const TenantState&, const AcceptMarketOrder&, const Context&) {
  return make_error(ErrorCode::kInternal, "not_implemented", "AcceptMarketOrder is not implemented yet");
}

Result<std::vector<Event>> decide_circulation(const TenantState&, const DeclineMarketOrder&, const Context&) {
  return make_error(ErrorCode::kInternal, "not_implemented", "DeclineMarketOrder is not implemented yet");
}

}  // namespace agritrace::core
