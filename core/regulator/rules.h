// Rules of the regulator end (issue 13, R-4.5.1). All regulator commands are decided in the one
// tenant kRegulatorsTenant, whatever bureau acts: the bureaus' jurisdictions overlap (a district,
// its city, the province, the Greater Bay Area), so one directory of entities serves them all and
// the jurisdiction policy (core/regulator/access.h) says who sees and files what.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "core/domain/command.h"
#include "core/domain/event.h"
#include "core/domain/tenant_state.h"

namespace agritrace::core {

inline constexpr std::string_view kRegulatorsTenant = "regulators";

// The premises types of a food business (食品生产经营): production (生产), processing workshop
// (小作坊), wholesale (批发), retail (零售), catering (餐饮), warehouse (仓储), market
// (集中交易市场), farm (种植养殖).
std::span<const std::string_view> entity_premises_types();

// Whether the command is one of this area's (decided without an enterprise registration).
bool is_regulator_command(const Command& command);

Result<std::vector<Event>> decide(const TenantState& state, const RegisterBureau& c,
                                  const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& state, const CreateRegulatorUser& c,
                                  const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& state, const FileEntity& c,
                                  const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& state, const AmendEntity& c,
                                  const Context& ctx);
void evolve(TenantState& state, const BureauRegistered& e);
void evolve(TenantState& state, const RegulatorUserCreated& e);
void evolve(TenantState& state, const EntityFiled& e);
void evolve(TenantState& state, const EntityAmended& e);

}  // namespace agritrace::core
