// Queries over the inventory read model (projections/inventory/projection.h): stock per item in real time,
// each item's movement history with the document behind every movement, and stocktakes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/base/status.h"
#include "projections/base/pagination.h"
#include "projections/base/view_store.h"

namespace agritrace::projections {

struct InventoryFilter {
  std::optional<bool> in_stock;  // true: stock > 0; false: stock == 0
  std::string product;           // exact product name, "" for all
};

class InventoryQueries {
 public:
  explicit InventoryQueries(const ViewStore& views) : views_(views) {}

  // {"items":[item + "stock"],"next_after":item id|null}, batches then lots, in id order.
  Result<std::string> items(std::string_view tenant, const InventoryFilter& filter, const Page& page) const;
  Result<std::string> item(std::string_view tenant, std::string_view item_id) const;
  // {"item_id","stock","items":[movement],"next_after":seq|null}, in the tenant's event order;
  // page.after is the seq of the last movement of the previous page.
  Result<std::string> movements(std::string_view tenant, std::string_view item_id, const Page& page) const;
  Result<std::string> stocktake(std::string_view tenant, std::string_view stocktake_id) const;
  Result<std::string> stocktakes(std::string_view tenant, const Page& page) const;

 private:
  // The item's record with its stock, or nullopt when it fails the filter.
  std::optional<std::string> item_document(std::string_view tenant, std::string_view sid, std::string_view record,
                                           const InventoryFilter& filter) const;
  const ViewStore& views_;
};

}  // namespace agritrace::projections
