// what is on hand per stock item, from the write model (the rules' view of stock).

#include "core/inventory/stock.h"
#include "core/base/rule_errors.h"

namespace agritrace::core {
namespace {

template <class Map>
int64_t find_or_zero(const Map& m, std::string_view key) {
  auto it = m.find(key);
  return it == m.end() ? 0 : it->second;
}

template <class Map>
std::string first_recall(const Map& m, std::string_view batch_id) {
  auto it = m.find(batch_id);
  return it == m.end() || it->second.empty() ? std::string() : it->second.front();
}

}  // namespace

Result<StockItem> find_stock_item(const TenantState& s, std::string_view item_id,
                                  std::string_view field) {
  StockItem item;
  item.item_id = std::string(item_id);
  const int64_t adjusted = find_or_zero(s.circulation.adjusted, item_id);
  if (auto b = s.batches.find(item_id); b != s.batches.end()) {
    const BatchState& batch = b->second;
    item.is_batch = true;
    item.product = batch.product;
    item.lot_code = batch.lot_code;
    item.stock = Quantity{batch.quantity.amount - find_or_zero(s.sales.batch_shipped, item_id) + adjusted,
                          batch.quantity.unit};
    item.production_date = batch.production_date;
    item.expiry_date = batch.expiry_date;
    return item;
  }
  if (auto l = s.lots.find(item_id); l != s.lots.end()) {
    const MaterialLotState& lot = l->second;
    item.product = lot.material;
    item.lot_code = lot.lot_code.empty() ? lot.supplier_lot : lot.lot_code;
    item.stock = Quantity{lot.remaining_amount() - find_or_zero(s.sales.batch_shipped, item_id) +
                              adjusted,
                          lot.received.unit};
    item.production_date = lot.production_date;
    item.expiry_date = lot.po_id.empty() ? lot.expiry : std::optional<Date>(lot.expiry_date);
    item.quantity_per_code = lot.quantity_per_code;
    item.origin_tenant = lot.origin_tenant;
    item.origin_batch_id = lot.origin_batch_id;
    return item;
  }
  return not_found("item_not_found", "no batch or lot " + std::string(item_id), std::string(field));
}

std::optional<UpstreamRecall> recall_walk(const TenantState& s, std::string_view tenant,
                                          std::string_view item_id, const CrossTenantFacts* facts,
                                          int depth) {
  auto found = [&](const std::string& r) { return UpstreamRecall{std::string(tenant), r}; };
  if (std::string own = first_recall(s.sales.recalled, item_id); !own.empty()) return found(own);
  if (auto it = s.sales.recalled_lots.find(item_id); it != s.sales.recalled_lots.end()) {
    return found(it->second);
  }
  if (depth >= 8) return std::nullopt;
  if (s.batches.count(item_id) != 0) {
    auto lots = s.sales.batch_lots.find(item_id);
    if (lots == s.sales.batch_lots.end()) return std::nullopt;
    for (const std::string& lot_id : lots->second) {
      if (auto r = recall_walk(s, tenant, lot_id, facts, depth + 1)) return r;
    }
    return std::nullopt;
  }
  auto l = s.lots.find(item_id);
  if (l == s.lots.end() || l->second.from_tenant.empty() || facts == nullptr) return std::nullopt;
  return facts->upstream_recall(l->second.from_tenant, l->second.from_item_id, depth + 1);
}

namespace {

std::string qualified(const std::optional<UpstreamRecall>& r, const Context& ctx) {
  if (!r) return {};
  return r->tenant == ctx.tenant ? r->recall_id : r->tenant + ":" + r->recall_id;
}

}  // namespace

std::string recall_of_item(const TenantState& s, std::string_view item_id, const Context& ctx) {
  return qualified(recall_walk(s, ctx.tenant, item_id, ctx.facts, 0), ctx);
}

std::string recall_of_remote_item(std::string_view tenant, std::string_view item_id,
                                  const Context& ctx) {
  if (ctx.facts == nullptr) return {};
  return qualified(ctx.facts->upstream_recall(tenant, item_id, 0), ctx);
}

}  // namespace agritrace::core
