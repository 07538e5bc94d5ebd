#include "projections/market/queries.h"

#include <fmt/format.h>

#include <charconv>
#include <optional>

#include "core/base/json_writer.h"
#include "core/market/state.h"
#include "projections/base/keys.h"
#include "projections/market/keys.h"
#include "projections/sales/keys.h"
#include "projections/base/view_values.h"

namespace agritrace::projections {
namespace {

Error market_order_not_found(std::string_view id) {
  return make_error(ErrorCode::kNotFound, "market_order_not_found",
                    fmt::format("no market order '{}' of this enterprise", id), "mo_id");
}

// The status a stored answer or a caller's filter names ("placed", "accepted", ...), if any.
std::optional<core::MarketOrderStatus> market_status_named(std::string_view name) {
  using core::MarketOrderStatus;
  for (auto st : {MarketOrderStatus::kPlaced, MarketOrderStatus::kAccepted, MarketOrderStatus::kDeclined,
                  MarketOrderStatus::kCancelled}) {
    if (core::market_order_status_name(st) == name) return st;
  }
  return std::nullopt;
}

// An answer beats the placement; a cancellation counts only without an answer.
std::optional<core::MarketOrderStatus> status_of(const std::optional<std::string>& answer,
                                                 const std::optional<std::string>& cancel) {
  if (answer) return market_status_named(json_string_field(*answer, "status").value_or("accepted"));
  return cancel ? core::MarketOrderStatus::kCancelled : core::MarketOrderStatus::kPlaced;
}

// The record with its status (see projections/market/queries.h) and the answer's or the cancellation's
// details: an answer beats the placement; a cancellation counts only without an answer.
std::string with_status(const std::string& record, const std::optional<std::string>& answer,
                        const std::optional<std::string>& cancel) {
  if (answer) return merge_json_objects(record, *answer);  // {"status",so_id|decline_reason,answered_at}
  JsonWriter w;
  w.begin_object().field("status", cancel ? "cancelled" : "placed");
  if (cancel) {
    w.field("cancel_reason", json_string_field(*cancel, "reason").value_or(""))
        .field("cancelled_at", json_string_field(*cancel, "cancelled_at").value_or(""));
  }
  w.end_object();
  return merge_json_objects(record, w.str());
}

struct Shipments {
  std::string json = "[]";
  int64_t amount = 0;
};

// The shipments under `prefix` (keys mkosh/B/mo/[P/]), in key order, and their total.
Shipments shipments_at(const ViewStore& views, const std::string& prefix) {
  Shipments out;
  JsonWriter w;
  w.begin_array();
  views.scan_prefix(prefix, [&](std::string_view, std::string_view v) {
    w.raw(v);
    if (auto q = json_quantity_field(v, "quantity")) out.amount += q->amount;
    return true;
  });
  w.end_array();
  out.json = w.take();
  return out;
}

// The producer's sales order that fulfils the order: id, status and shipped quantity, or null.
void write_sales_order(JsonWriter& w, const ViewStore& views, std::string_view producer,
                       const std::optional<std::string>& answer) {
  w.key("sales_order");
  const std::string so_id = answer ? json_string_field(*answer, "so_id").value_or("") : "";
  if (so_id.empty()) {
    w.null();
    return;
  }
  const std::string sid = sort_id(so_id);
  auto so = views.get(sales::keys::order(producer, sid));
  auto st = views.get(sales::keys::order_status(producer, sid));
  auto shipped = views.get(sales::keys::order_shipped(producer, sid));
  const auto q = so ? json_quantity_field(*so, "quantity") : std::nullopt;
  w.begin_object().field("so_id", so_id)
      .field("status", st ? json_string_field(*st, "status").value_or("open") : std::string("open"));
  w.key("shipped_quantity").begin_object().field("amount", shipped ? view_int(*shipped) : int64_t{0})
      .field("unit", q ? q->unit : std::string("piece")).end_object();
  w.end_object();
}

std::string unit_of(const std::string& record) {
  auto q = json_quantity_field(record, "quantity");
  return q ? q->unit : std::string("piece");
}

}  // namespace

Status check_market_order_status(std::string_view status) {
  if (market_status_named(status)) return Status::Ok();
  return make_error(ErrorCode::kInvalidArgument, "status_invalid",
                    "status is placed, accepted, declined or cancelled", "status");
}

Result<std::string> MarketQueries::orders(std::string_view buyer, const Page& page) const {
  return list_page(views_, ViewKind::kMarketOrder, buyer, page, [&](const std::string& sid, std::string record) {
    return with_status(record, views_.get(market::keys::order_answer(buyer, sid)), views_.get(market::keys::order_cancelled(buyer, sid)));
  });
}

Result<std::string> MarketQueries::order(std::string_view buyer, std::string_view mo_id) const {
  const std::string sid = sort_id(mo_id);
  auto record = views_.get(market::keys::order(buyer, sid));
  if (!record) return market_order_not_found(mo_id);
  const auto answer = views_.get(market::keys::order_answer(buyer, sid));
  const std::string producer = json_string_field(*record, "producer_tenant").value_or("");
  const std::string unit = unit_of(*record);
  const Shipments sh = shipments_at(views_, market::keys::order_shipment(buyer, sid) + "/");
  JsonWriter w;
  w.begin_object();
  write_sales_order(w, views_, producer, answer);
  w.field_raw("shipments", sh.json);
  w.key("shipped_quantity").begin_object().field("amount", sh.amount).field("unit", unit).end_object();
  int64_t received = 0;
  w.key("receipts").begin_array();
  views_.scan_prefix(market::keys::order_receipt(buyer, sid) + "/", [&](std::string_view, std::string_view v) {
    w.raw(v);
    if (auto q = json_quantity_field(v, "quantity")) received += q->amount;
    return true;
  });
  w.end_array();
  w.key("received_quantity").begin_object().field("amount", received).field("unit", unit).end_object();
  w.end_object();
  return merge_json_objects(with_status(*record, answer, views_.get(market::keys::order_cancelled(buyer, sid))), w.str());
}

Result<std::string> MarketQueries::incoming_orders(std::string_view producer, const Page& page,
                                                   std::string_view status) const {
  const std::string prefix = market::keys::inbox(producer);
  const std::optional<core::MarketOrderStatus> wanted =
      status.empty() ? std::nullopt : market_status_named(status);
  std::string start;
  if (!page.after.empty()) {
    const size_t slash = page.after.rfind('/');
    std::optional<std::string> ordered;
    if (slash != std::string::npos) {
      ordered = views_.get(market::keys::inbox_index(producer, page.after.substr(0, slash),
                                    sort_id(page.after.substr(slash + 1))));
    }
    if (!ordered) {
      return make_error(ErrorCode::kInvalidArgument, "after_id_invalid",
                        "after_id is the previous page's next_after (buyer_tenant/mo-N)", "after_id");
    }
    start = prefix + *ordered;
  }
  JsonWriter w;
  w.begin_object().key("items").begin_array();
  uint32_t n = 0;
  bool more = false;
  std::string last;
  views_.scan_prefix(prefix, [&](std::string_view k, std::string_view v) {
    if (!start.empty() && k <= start) return true;
    // "<placed ms>/<buyer>/<mo sid>"
    const std::string_view part = k.substr(prefix.size());
    const size_t first = part.find('/');
    const std::string_view facts = part.substr(first + 1);
    const auto answer = views_.get(market::keys::inbox_answer(producer, facts));
    const auto cancel = views_.get(market::keys::inbox_cancelled(producer, facts));
    if (!status.empty() && (!wanted || status_of(answer, cancel) != wanted)) return true;
    if (n == page.limit) {
      more = true;
      return false;
    }
    const std::string record(v);
    w.raw(with_status(record, answer, cancel));
    last = json_string_field(record, "buyer_tenant").value_or("") + "/" +
           json_string_field(record, "mo_id").value_or("");
    ++n;
    return true;
  });
  w.end_array().key("next_after");
  if (more) w.value(last); else w.null();
  w.end_object();
  return w.take();
}

Result<std::string> MarketQueries::incoming_order(std::string_view producer, std::string_view buyer,
                                                  std::string_view mo_id) const {
  const std::string part = std::string(buyer) + "/" + sort_id(mo_id);
  auto ordered = views_.get(market::keys::inbox_index(producer, part));
  auto record = ordered ? views_.get(market::keys::inbox(producer, *ordered)) : std::nullopt;
  if (!record) {
    return make_error(ErrorCode::kNotFound, "market_order_not_found",
                      fmt::format("no market order '{}' of enterprise '{}' placed with this enterprise", mo_id, buyer),
                      "mo_id");
  }
  const auto answer = views_.get(market::keys::inbox_answer(producer, part));
  // Only this producer's own shipments; the buyer's receipts stay the buyer's.
  const Shipments sh =
      shipments_at(views_, market::keys::order_shipment(buyer, sort_id(mo_id), std::string(producer)) + "/");
  JsonWriter w;
  w.begin_object();
  write_sales_order(w, views_, producer, answer);
  w.field_raw("shipments", sh.json);
  w.key("shipped_quantity").begin_object().field("amount", sh.amount).field("unit", unit_of(*record)).end_object();
  w.end_object();
  return merge_json_objects(with_status(*record, answer, views_.get(market::keys::inbox_cancelled(producer, part))), w.str());
}

}  // namespace agritrace::projections
