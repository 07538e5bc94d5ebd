// The dispatch of a command to its area's rules: decide(state, command, ctx) overloads declared in
// core/<area>/rules.h. Each overload is taken with its exact signature, so a command type without
// one fails to compile here (it can not fall back to this function through the variant).
#include "core/domain/decide.h"

#include <type_traits>

#include "core/accounts/rules.h"
#include "core/base/rule_errors.h"
#include "core/codes/rules.h"
#include "core/devices/rules.h"
#include "core/finance/rules.h"
#include "core/inventory/rules.h"
#include "core/market/rules.h"
#include "core/production/rules.h"
#include "core/public/payment_rules.h"
#include "core/receiving/rules.h"
#include "core/regulator/rules.h"
#include "core/retail/rules.h"
#include "core/sales/rules.h"

namespace agritrace::core {

Result<std::vector<Event>> decide(const TenantState& state, const Command& command,
                                  const Context& ctx) {
  // Regulator commands live in the tenant kRegulatorsTenant, which no enterprise registers.
  if (!state.registered && !is_regulator_command(command) &&
      !std::holds_alternative<RegisterEnterprise>(command) &&
      !std::holds_alternative<LoadCatalogue>(command)) {  // the platform tenant registers nothing
    return conflict("tenant_not_registered",
                    "the enterprise must be registered before anything else");
  }
  return std::visit(
      [&](const auto& c) {
        using C = std::decay_t<decltype(c)>;
        Result<std::vector<Event>> (*area_decide)(const TenantState&, const C&, const Context&) =
            &decide;
        return area_decide(state, c, ctx);
      },
      command);
}

}  // namespace agritrace::core
