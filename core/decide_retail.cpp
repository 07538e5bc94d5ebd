// .x retail rules (core/decide_circulation.h).
#include "core/decide_circulation.h"
#include "core/rule_errors.h"

namespace agritrace::core {

Result<std::vector<Event>> decide_circulation(const TenantState&, const RecordRetailSale&, const Context&) {
  return make_error(ErrorCode::kInternal, "not_implemented", "RecordRetailSale is not implemented yet");
}

}  // namespace agritrace::core
