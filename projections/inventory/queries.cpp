#include "projections/inventory/queries.h"

#include <charconv>

#include "core/base/json_writer.h"
#include "projections/base/keys.h"
#include "projections/inventory/keys.h"
#include "projections/production/keys.h"
#include "projections/base/view_values.h"
#include "projections/inventory/projection.h"

namespace agritrace::projections {
namespace {

Error not_found(std::string reason, std::string message, std::string field) {
  return make_error(ErrorCode::kNotFound, std::move(reason), std::move(message), std::move(field));
}

}  // namespace

std::optional<std::string> InventoryQueries::item_document(std::string_view tenant, std::string_view sid,
                                                           std::string_view record,
                                                           const InventoryFilter& filter) const {
  const int64_t stock = view_int(views_.get(inventory::keys::item_stock(tenant, sid)).value_or("0"));
  if (filter.in_stock && *filter.in_stock != (stock > 0)) return std::nullopt;
  const std::string unit = json_string_field(record, "unit").value_or("g");
  JsonWriter w;
  w.begin_object();
  w.key("stock").begin_object().field("amount", stock).field("unit", unit).end_object();
  w.field("in_stock", stock > 0);
  if (!json_string_field(record, "supplier_name")) {
    // A purchased lot names its supplier by id: the name as the counterparty is now (masked
    // record; a name is not masked).
    const std::string supplier_id = json_string_field(record, "supplier_id").value_or("");
    std::optional<std::string> name;
    if (!supplier_id.empty()) {
      if (auto cp = views_.get(production::keys::counterparty_masked(tenant, sort_id(supplier_id)))) name = json_string_field(*cp, "name");
    }
    w.key("supplier_name");
    if (name) w.value(*name); else w.null();
  }
  w.end_object();
  return merge_json_objects(record, w.str());
}

Result<std::string> InventoryQueries::items(std::string_view tenant, const InventoryFilter& filter,
                                            const Page& page) const {
  // By product: the invp index; otherwise every item record.
  std::string prefix;
  if (filter.product.empty()) {
    prefix = inventory::keys::item(tenant);
  } else {
    prefix = inventory::keys::item_by_product(tenant, filter.product);
    prefix += kInventoryKeySep;
  }
  const std::string after = page.after.empty() ? std::string() : sort_id(page.after);
  JsonWriter w;
  w.begin_object().key("items").begin_array();
  uint32_t n = 0;
  std::string last;
  bool more = false;
  views_.scan_prefix(prefix, [&](std::string_view k, std::string_view v) {
    const std::string sid(k.substr(prefix.size()));
    if (!after.empty() && sid <= after) return true;
    std::optional<std::string> record;
    if (filter.product.empty()) {
      record = std::string(v);
    } else {
      record = views_.get(inventory::keys::item(tenant, sid));
    }
    if (!record) return true;
    auto doc = item_document(tenant, sid, *record, filter);
    if (!doc) return true;
    if (n == page.limit) {
      more = true;
      return false;
    }
    w.raw(*doc);
    last = sid;
    ++n;
    return true;
  });
  w.end_array().key("next_after");
  if (more) w.value(unsort_id(last)); else w.null();
  w.end_object();
  return w.take();
}

Result<std::string> InventoryQueries::item(std::string_view tenant, std::string_view item_id) const {
  const std::string sid = sort_id(item_id);
  auto record = views_.get(inventory::keys::item(tenant, sid));
  if (!record) {
    return not_found("item_not_found", "no batch or lot '" + std::string(item_id) + "' in this enterprise", "item_id");
  }
  return *item_document(tenant, sid, *record, {});
}

Result<std::string> InventoryQueries::movements(std::string_view tenant, std::string_view item_id,
                                                const Page& page) const {
  const std::string sid = sort_id(item_id);
  auto record = views_.get(inventory::keys::item(tenant, sid));
  if (!record) {
    return not_found("item_not_found", "no batch or lot '" + std::string(item_id) + "' in this enterprise", "item_id");
  }
  std::string after;
  if (!page.after.empty()) {
    int64_t seq = 0;
    auto r = std::from_chars(page.after.data(), page.after.data() + page.after.size(), seq);
    if (r.ec != std::errc() || r.ptr != page.after.data() + page.after.size() || seq < 0) {
      return make_error(ErrorCode::kInvalidArgument, "after_id_invalid",
                        "after_id is the seq of the last movement of the previous page", "after_id");
    }
    after = movement_seq(seq);
  }
  const int64_t stock = view_int(views_.get(inventory::keys::item_stock(tenant, sid)).value_or("0"));
  JsonWriter w;
  w.begin_object().field("item_id", std::string(item_id));
  w.key("stock").begin_object().field("amount", stock)
      .field("unit", json_string_field(*record, "unit").value_or("g")).end_object();
  w.key("items").begin_array();
  const std::string prefix = inventory::keys::item_movement(tenant, sid) + "/";
  uint32_t n = 0;
  std::string last;
  bool more = false;
  views_.scan_prefix(prefix, [&](std::string_view k, std::string_view v) {
    const std::string_view seq = k.substr(prefix.size());
    if (!after.empty() && seq <= after) return true;
    if (n == page.limit) {
      more = true;
      return false;
    }
    w.raw(v);
    last.assign(seq);
    ++n;
    return true;
  });
  w.end_array().key("next_after");
  if (more) w.value(std::to_string(view_int(last))); else w.null();
  w.end_object();
  return w.take();
}

Result<std::string> InventoryQueries::stocktake(std::string_view tenant, std::string_view stocktake_id) const {
  auto record = views_.get(inventory::keys::stocktake(tenant, sort_id(stocktake_id)));
  if (!record) {
    return not_found("stocktake_not_found", "no stocktake '" + std::string(stocktake_id) + "' in this enterprise",
                     "stocktake_id");
  }
  return *record;
}

Result<std::string> InventoryQueries::stocktakes(std::string_view tenant, const Page& page) const {
  return list_page(views_, ViewKind::kStocktakeSummary, tenant, page);
}

}  // namespace agritrace::projections
