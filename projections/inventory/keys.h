// The typed keys of the inventory views (ViewKey: projections/base/keys.h).
#pragma once

#include "projections/base/keys.h"

namespace agritrace::projections::inventory::keys {

inline constexpr ViewKey<ViewKind::kItem> item;  // invi/T/item: stock item
inline constexpr ViewKey<ViewKind::kItemStock> item_stock;  // invq/T/item: stock on hand (sum)
inline constexpr ViewKey<ViewKind::kItemMovement> item_movement;  // invm/T/item/seq: stock movement
inline constexpr ViewKey<ViewKind::kItemByProduct> item_by_product;  // invp/T/product_and_item: items by product
inline constexpr ViewKey<ViewKind::kStocktake> stocktake;  // stk/T/stocktake: stocktake
inline constexpr ViewKey<ViewKind::kStocktakeSummary> stocktake_summary;  // stks/T/stocktake: stocktake summary

}  // namespace agritrace::projections::inventory::keys
