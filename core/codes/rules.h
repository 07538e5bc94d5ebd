// Deciders and evolvers of the catalogue, trace codes and publishing
// dispatched from core/domain/decide.cpp and evolve.cpp.
#pragma once

#include <optional>
#include <vector>

#include "core/base/command_context.h"
#include "core/base/status.h"
#include "core/codes/commands.h"
#include "core/codes/events.h"
#include "core/domain/event.h"
#include "core/domain/tenant_state.h"

namespace agritrace::core {

using CodeEvents = std::vector<Event>;

Result<std::vector<Event>> decide(const TenantState& s, const LoadCatalogue& c, const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& s, const SetMainVarieties& c, const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& s, const CreateCodeTemplate& c, const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& s, const GenerateCodes& c, const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& s, const DisableCode& c, const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& s, const EnableCode& c, const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& s, const DisableCodeRun& c, const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& s, const EnableCodeRun& c, const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& s, const PublishProduct& c, const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& s, const UnpublishProduct& c, const Context& ctx);
// a batch's optional catalogue product must be in the catalogue and a main variety.
Status check_batch_product_id(const TenantState& s, std::string_view product_id, const Context& ctx);
// The catalogue product, or null (asks ctx.facts).
std::optional<CatalogueProduct> find_catalogue_product(const Context& ctx,
                                                      std::string_view product_id);

void evolve(TenantState& s, const CatalogueProductAdded& e);
void evolve(TenantState& s, const MainVarietiesSet& e);
void evolve(TenantState& s, const CodeTemplateCreated& e);
void evolve(TenantState& s, const CodeRunStarted& e);
void evolve(TenantState& s, const CodesGenerated& e);
void evolve(TenantState& s, const CodeDisabled& e);
void evolve(TenantState& s, const CodeEnabled& e);
void evolve(TenantState& s, const CodeRunDisabled& e);
void evolve(TenantState& s, const CodeRunEnabled& e);
void evolve(TenantState& s, const ProductPublished& e);
void evolve(TenantState& s, const ProductUnpublished& e);

}  // namespace agritrace::core
