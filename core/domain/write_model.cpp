#include "core/domain/write_model.h"

#include "core/codes/codes.h"
#include "core/domain/across.h"
#include "core/domain/evolve.h"
#include "core/inventory/stock.h"

namespace agritrace::core {

TenantState& WriteModel::operator[](std::string_view tenant) {
  auto it = states_.find(tenant);
  if (it == states_.end()) {
    it = states_.emplace(std::string(tenant), TenantState{}).first;
    if (code_store_ != nullptr) it->second.bind(code_store_, it->first, &stored_);
  }
  return it->second;
}

const TenantState* WriteModel::find(std::string_view tenant) const {
  auto it = states_.find(tenant);
  return it == states_.end() ? nullptr : &it->second;
}

void WriteModel::apply(std::string_view tenant, const Event& event) {
  evolve((*this)[tenant], event);
  const std::string target = cross_tenant_target(tenant, event);
  if (!target.empty() && target != tenant) evolve_across((*this)[target], tenant, event);
  stored_.flush();
}

std::optional<EnterpriseFacts> WriteModel::enterprise(std::string_view tenant) const {
  const TenantState* s = find(tenant);
  if (s == nullptr) return std::nullopt;
  return EnterpriseFacts{s->registered, s->name, s->region};
}

std::optional<ProducerBatchFacts> WriteModel::producer_batch(std::string_view producer,
                                                             std::string_view batch_id) const {
  const TenantState* s = find(producer);
  if (s == nullptr) return std::nullopt;
  auto b = s->batches.find(batch_id);
  if (b == s->batches.end()) return std::nullopt;
  return ProducerBatchFacts{b->second.production_date, b->second.expiry_date, b->second.product_id};
}

std::optional<OriginCodeFacts> WriteModel::origin_code(std::string_view origin,
                                                       std::string_view serial) const {
  const TenantState* s = find(origin);
  if (s == nullptr) return std::nullopt;
  OriginCodeFacts out;
  if (auto code = s->codes.find(serial)) {
    if (auto run = s->code_runs.find(code->run_id); run != s->code_runs.end()) {
      out.generated = true;
      out.gtin14 = run->second.gtin;
      out.disabled = code->disabled || run->second.disabled;
    }
  }
  if (auto r = s->sales.recalled_codes.find(serial)) {
    out.recalled = true;
    out.recall_id = *r;
  }
  return out;
}

std::optional<UpstreamRecall> WriteModel::upstream_recall(std::string_view tenant,
                                                          std::string_view item_id,
                                                          int depth) const {
  const TenantState* s = find(tenant);
  if (s == nullptr) return std::nullopt;
  return recall_walk(*s, tenant, item_id, this, depth);
}

std::optional<CatalogueProduct> WriteModel::catalogue_product(std::string_view product_id) const {
  const TenantState* platform = find(kPlatformTenant);
  if (platform == nullptr) return std::nullopt;
  auto it = platform->catalogue.find(product_id);
  if (it == platform->catalogue.end()) return std::nullopt;
  return it->second;
}

}  // namespace agritrace::core
