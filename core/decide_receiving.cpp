// .x receiving rules (core/decide_circulation.h).
#include "core/decide_circulation.h"
#include "core/rule_errors.h"

namespace agritrace::core {

Result<std::vector<Event>> decide_circulation(const TenantState&, const ReceiveGoods&, const Context&) {
  return make_error(ErrorCode::kInternal, "not_implemented", "ReceiveGoods is not implemented yet");
}

Result<std::vector<Event>> decide_circulation(const TenantState&, const ReceiveGoodsManually&, const Context&) {
  return make_error(ErrorCode::kInternal, "not_implemented", "ReceiveGoodsManually is not implemented yet");
}

}  // namespace agritrace::core
