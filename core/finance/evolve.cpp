// The fold of income and expense entries.
#include "core/finance/rules.h"

#include "core/base/rule_errors.h"

namespace agritrace::core {

void evolve(TenantState& s, const FinanceEntryRecorded& e) {
  observe_id(s.circulation.last_finance_entry, e.entry_id, "fe-");
}

}  // namespace agritrace::core
