// Stock of an item as the rules hold it: an own batch ("b-N") or a lot ("lot-N",
// received or purchased), and the recall that covers its goods.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/command_context.h"
#include "core/base/quantity.h"
#include "core/base/status.h"
#include "core/domain/cross_tenant_facts.h"
#include "core/domain/tenant_state.h"

namespace agritrace::core {

// A stock item: an own batch ("b-N") or a lot ("lot-N", received or purchased).
struct StockItem {
  bool is_batch = false;
  std::string item_id;
  std::string product;
  std::string lot_code;
  Quantity stock;  // what is on hand now, never negative by the rules
  Date production_date;
  std::optional<Date> expiry_date;
  int64_t quantity_per_code = 0;
  std::string origin_tenant;    // the producer ("" for an own batch or a lot bought by hand)
  std::string origin_batch_id;
};
Result<StockItem> find_stock_item(const TenantState& s, std::string_view item_id,
                                  std::string_view field);
// Recall of the goods of an item, through its own recalls or (received lots) the origin
// producer's or the sender's; the first recall id, or "".
std::string recall_of_item(const TenantState& s, std::string_view item_id, const Context& ctx);
// The same for an item of another enterprise ("tenant:rc-N"), through ctx.facts.
std::string recall_of_remote_item(std::string_view tenant, std::string_view item_id,
                                  const Context& ctx);
// The walk behind both, from `tenant`'s state `s`: the item's own recalls, the lots an own batch
// consumed, and for a received lot the sender's item through `facts` (the write model calls it
// for CrossTenantFacts::upstream_recall). Stops at depth 8.
std::optional<UpstreamRecall> recall_walk(const TenantState& s, std::string_view tenant,
                                          std::string_view item_id, const CrossTenantFacts* facts,
                                          int depth);

}  // namespace agritrace::core
