// The dispatch of an event to its area's fold: evolve(state, event) overloads declared in
// core/<area>/rules.h. Each overload is taken with its exact signature, so an event type without
// one fails to compile here.
#include "core/domain/evolve.h"

#include <type_traits>

#include "core/accounts/rules.h"
#include "core/codes/rules.h"
#include "core/devices/rules.h"
#include "core/finance/rules.h"
#include "core/inventory/rules.h"
#include "core/market/rules.h"
#include "core/production/rules.h"
#include "core/public/complaint_rules.h"
#include "core/public/payment_rules.h"
#include "core/public/sampling_rules.h"
#include "core/receiving/rules.h"
#include "core/regulator/inspection_rules.h"
#include "core/regulator/rules.h"
#include "core/sales/rules.h"

namespace agritrace::core {

void evolve(TenantState& state, const Event& event) {
  std::visit(
      [&](const auto& e) {
        using E = std::decay_t<decltype(e)>;
        void (*area_evolve)(TenantState&, const E&) = &evolve;
        area_evolve(state, e);
      },
      event);
}

}  // namespace agritrace::core
