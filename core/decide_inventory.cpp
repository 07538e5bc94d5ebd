// .x inventory rules (core/decide_circulation.h).
#include "core/decide_circulation.h"
#include "core/rule_errors.h"

namespace agritrace::core {

Result<std::vector<Event>> decide_circulation(const TenantState&, const RecordStocktake&, const Context&) {
  return make_error(ErrorCode::kInternal, "not_implemented", "RecordStocktake is not implemented yet");
}

Result<std::vector<Event>> decide_circulation(const TenantState&, const RecordFinanceEntry&, const Context&) {
  return make_error(ErrorCode::kInternal, "not_implemented", "RecordFinanceEntry is not implemented yet");
}

}  // namespace agritrace::core
