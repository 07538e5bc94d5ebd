// The dispatch of a command to its area's rules: decide(state, command, ctx) overloads declared in
// core/<area>/rules.h. Each overload is taken with its exact signature, so a command type without
// one fails to compile here (it can not fall back to this function through the variant).
#include "core/domain/decide.h"

#include <optional>
#include <type_traits>

#include "core/accounts/rules.h"
#include "core/base/rule_errors.h"
#include "core/codes/rules.h"
#include "core/domain/evolve.h"
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
#include "core/retail/rules.h"
#include "core/sales/rules.h"

namespace agritrace::core {

Result<std::vector<Event>> decide(const TenantState& state, const Command& command,
                                  const Context& ctx) {
  // Regulator commands live in the tenant kRegulatorsTenant, which no enterprise registers.
  if (!state.registered && !is_regulator_command(command) &&
      !std::holds_alternative<RegisterEnterprise>(command) &&
      !std::holds_alternative<LoadCatalogue>(command) &&  // the platform tenant registers nothing
      !std::holds_alternative<RecordSamplingResults>(command) &&  // .S: platform tenant too
      !std::holds_alternative<FinaliseSamplingResult>(command) &&
      !std::holds_alternative<CorrectSamplingResult>(command) &&
      !std::holds_alternative<WithdrawSamplingResult>(command)) {
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

Result<std::vector<Event>> decide(const TenantState& state, const CommandGroup& group,
                                  const Context& ctx) {
  if (group.commands.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "commands_empty", "a group has commands",
                      "commands");
  }
  std::vector<Event> all;
  std::optional<TenantState> work;  // a copy once a later command must see the earlier ones
  for (size_t n = 0; n < group.commands.size(); ++n) {
    const TenantState& now = work ? *work : state;
    auto events = decide(now, group.commands[n], ctx);
    if (!events.ok()) {
      Error e = events.error();
      e.field = "commands[" + std::to_string(n) + "]" + (e.field.empty() ? "" : "." + e.field);
      return e;
    }
    if (n + 1 < group.commands.size()) {
      if (!work) work.emplace(state);
      for (const Event& ev : *events) evolve(*work, ev);
    }
    all.insert(all.end(), std::make_move_iterator(events->begin()),
               std::make_move_iterator(events->end()));
  }
  return all;
}

}  // namespace agritrace::core
