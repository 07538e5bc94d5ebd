// The write model of every enterprise, in memory: each tenant's state, folded from its own events
// and from the events of other enterprises that concern it (evolve_across), and the
// CrossTenantFacts the rules may read of them. One type, used by the single writer
// (events/writer/command_writer.cpp) and by the rule tests (tests/core/domain/world_fixture.h),
// so that both fold exactly alike. Pure: no I/O, no clock.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/domain/cross_tenant_facts.h"
#include "core/domain/event.h"
#include "core/domain/tenant_state.h"

namespace agritrace::core {

class WriteModel final : public CrossTenantFacts {
 public:
  // The tenant's state, created empty on first use.
  TenantState& operator[](std::string_view tenant);
  // The tenant's state, or null when nothing is known of it.
  const TenantState* find(std::string_view tenant) const;
  // Folds one event of `tenant` into its state and, for a fact that crosses enterprises (a
  // shipment to a registered customer, a market order or its answer), into the state of the
  // enterprise it concerns (cross_tenant_target / evolve_across).
  void apply(std::string_view tenant, const Event& event);
  void clear() {
    stored_.clear();
    states_.clear();
  }
  // Writes what the last event (or command) changed in the stored maps to the code store and
  // forgets every cached entity (StoredMap, core/codes/stored_map.h). apply() calls it; the writer
  // also calls it after a command it refused (its reads are cached until then).
  void flush() { stored_.flush(); }
  // While set, the stored maps neither read nor write the code store (StoredMapCache::set_blind):
  // for the events the store already covers.
  void set_blind(bool blind) { stored_.set_blind(blind); }
  // Every tenant's generated codes live in `store` (null: in memory). Set before the first use.
  void set_code_store(CodeStore* store) { code_store_ = store; }
  size_t size() const { return states_.size(); }

  std::optional<EnterpriseFacts> enterprise(std::string_view tenant) const override;
  std::optional<ProducerBatchFacts> producer_batch(std::string_view producer,
                                                   std::string_view batch_id) const override;
  std::optional<OriginCodeFacts> origin_code(std::string_view origin,
                                             std::string_view serial) const override;
  std::optional<UpstreamRecall> upstream_recall(std::string_view tenant, std::string_view item_id,
                                                int depth) const override;
  std::optional<CatalogueProduct> catalogue_product(std::string_view product_id) const override;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, TenantState, Hash, std::equal_to<>> states_;
  CodeStore* code_store_ = nullptr;
  StoredMapCache stored_;  // the stored maps holding entries now
};

}  // namespace agritrace::core
