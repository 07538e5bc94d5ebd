#include "projections/production/queries.h"

#include <fmt/format.h>

#include <charconv>

#include "core/base/json_writer.h"
#include "projections/base/keys.h"
#include "projections/base/view_values.h"
#include "projections/production/keys.h"
#include "projections/receiving/keys.h"
#include "projections/sales/keys.h"
#include "projections/trace/lineage.h"
#include "projections/trace/queries.h"

namespace agritrace::projections {
namespace {

// The unit of a record's quantity field, e.g. "g" (records are written by the projection).
std::string unit_of(const std::string& record, std::string_view quantity_field) {
  auto q = json_quantity_field(record, quantity_field);
  return q ? q->unit : std::string("g");
}

std::string quantity_json(int64_t amount, std::string_view unit) {
  JsonWriter w;
  w.begin_object().field("amount", amount).field("unit", unit).end_object();
  return w.take();
}

}  // namespace

Result<std::string> ProductionQueries::enterprise(std::string_view tenant) const {
  auto v = views_.get(production::keys::enterprise(tenant));
  if (!v) return view_not_found("enterprise", tenant, "");
  return *v;
}

Result<std::string> ProductionQueries::counterparty(std::string_view tenant, std::string_view id,
                                                    bool reveal) const {
  auto v = views_.get((reveal ? production::keys::counterparty(tenant, sort_id(id)) : production::keys::counterparty_masked(tenant, sort_id(id))));
  if (!v) return view_not_found("counterparty", id, "counterparty_id");
  return *v;
}

Result<std::string> ProductionQueries::counterparties(std::string_view tenant, const Page& page) const {
  return list_page(views_, ViewKind::kCounterpartyMasked, tenant, page);
}

std::string ProductionQueries::po_document(std::string_view tenant, std::string_view sid,
                                           const std::string& record) const {
  auto status = views_.get(production::keys::purchase_order_status(tenant, sid));
  return status ? merge_json_objects(record, *status) : record;
}

Result<std::string> ProductionQueries::purchase_order(std::string_view tenant, std::string_view id) const {
  const std::string sid = sort_id(id);
  auto v = views_.get(production::keys::purchase_order(tenant, sid));
  if (!v) return view_not_found("purchase_order", id, "po_id");
  return po_document(tenant, sid, *v);
}

Result<std::string> ProductionQueries::purchase_orders(std::string_view tenant, const Page& page) const {
  return list_page(views_, ViewKind::kPurchaseOrder, tenant, page, [&](const std::string& sid, std::string record) {
    return po_document(tenant, sid, record);
  });
}

std::string ProductionQueries::lot_document(std::string_view tenant, std::string_view sid,
                                            const std::string& record) const {
  const auto received_q = json_quantity_field(record, "received_quantity");
  const std::string unit = received_q ? received_q->unit : std::string("g");
  const int64_t received = received_q ? received_q->amount : 0;
  const auto consumed_raw = views_.get(production::keys::lot_consumed(tenant, sid));
  const int64_t consumed = consumed_raw ? view_int(*consumed_raw) : 0;
  // A lot can also be shipped (circulation end) and adjusted by a stocktake.
  const auto shipped_raw = views_.get(sales::keys::batch_shipped(tenant, sid));
  const int64_t shipped = shipped_raw ? view_int(*shipped_raw) : 0;
  const auto adjusted_raw = views_.get(receiving::keys::adjusted(tenant, sid));
  const int64_t adjusted = adjusted_raw ? view_int(*adjusted_raw) : 0;
  JsonWriter w;
  w.begin_object()
      .field_raw("consumed_quantity", quantity_json(consumed, unit))
      .field_raw("remaining_quantity", quantity_json(received - consumed, unit))
      .field_raw("shipped_quantity", quantity_json(shipped, unit))
      .field_raw("adjusted_quantity", quantity_json(adjusted, unit))
      .field_raw("stock_quantity", quantity_json(received - consumed - shipped + adjusted, unit));
  // a received lot names the producer batch its goods were made in and its receipts.
  const std::string origin = json_string_field(record, "origin_tenant").value_or("");
  if (!origin.empty()) {
    w.key("origin").begin_object().field("enterprise", origin).field("name", enterprise_name_of(views_, origin))
        .field("batch_id", json_string_field(record, "origin_batch_id").value_or("")).end_object();
  }
  if (json_string_field(record, "receipt_id")) {
    w.key("receipt_ids").begin_array();
    const std::string prefix = receiving::keys::receipt_of_lot(tenant, sid) + "/";
    views_.scan_prefix(prefix, [&](std::string_view, std::string_view v) {
      w.value(v);
      return true;
    });
    w.end_array();
  }
  w.end_object();
  return merge_json_objects(record, w.str());
}

Result<std::string> ProductionQueries::material_lot(std::string_view tenant, std::string_view id) const {
  const std::string sid = sort_id(id);
  auto v = views_.get(production::keys::lot(tenant, sid));
  if (!v) return view_not_found("material_lot", id, "lot_id");
  return lot_document(tenant, sid, *v);
}

std::string ProductionQueries::batch_document(std::string_view tenant, std::string_view sid,
                                              const std::string& record) const {
  JsonWriter w;
  w.begin_object().key("materials").begin_array();
  const std::string in_prefix = production::keys::batch_input(tenant, sid) + "/";
  views_.scan_prefix(in_prefix, [&](std::string_view k, std::string_view v) {
    const std::string lot_sid(k.substr(in_prefix.size()));
    auto lot = views_.get(production::keys::lot(tenant, lot_sid));
    const std::string unit = lot ? unit_of(*lot, "received_quantity") : "g";
    w.begin_object()
        .field("lot_id", lot ? json_string_field(*lot, "lot_id").value_or(lot_sid) : lot_sid)
        .field_raw("quantity", quantity_json(view_int(v), unit))
        .end_object();
    return true;
  });
  w.end_array().key("documents").begin_array();
  const std::string doc_prefix = production::keys::batch_document(tenant, sid) + "/";
  views_.scan_prefix(doc_prefix, [&](std::string_view, std::string_view v) {
    w.raw(v);
    return true;
  });
  w.end_array().end_object();
  return merge_json_objects(record, w.str());
}

Result<std::string> ProductionQueries::batch(std::string_view tenant, std::string_view id) const {
  const std::string sid = sort_id(id);
  auto v = views_.get(production::keys::batch(tenant, sid));
  if (!v) return view_not_found("batch", id, "batch_id");
  return batch_document(tenant, sid, *v);
}

Result<std::string> ProductionQueries::batches(std::string_view tenant, const Page& page) const {
  return list_page(views_, ViewKind::kBatch, tenant, page, [&](const std::string& sid, std::string record) {
    return batch_document(tenant, sid, record);
  });
}

Result<std::string> ProductionQueries::backward_trace(std::string_view tenant,
                                                      std::string_view batch_id) const {
  const std::string sid = sort_id(batch_id);
  auto record = views_.get(production::keys::batch(tenant, sid));
  if (!record) return view_not_found("batch", batch_id, "batch_id");
  JsonWriter w;
  w.begin_object().field_raw("batch", *record);
  auto ent = views_.get(production::keys::enterprise(tenant));
  w.key("producer");
  if (ent) w.raw(*ent); else w.null();
  w.key("materials").begin_array();
  const std::string in_prefix = production::keys::batch_input(tenant, sid) + "/";
  views_.scan_prefix(in_prefix, [&](std::string_view k, std::string_view v) {
    const std::string lot_sid(k.substr(in_prefix.size()));
    auto lot = views_.get(production::keys::lot(tenant, lot_sid));
    if (!lot) return true;  // cannot happen: decide() refuses unknown lots
    const std::string unit = unit_of(*lot, "received_quantity");
    w.begin_object().field_raw("quantity_used", quantity_json(view_int(v), unit));
    w.field_raw("lot", lot_document(tenant, lot_sid, *lot));
    const std::string supplier_id = json_string_field(*lot, "supplier_id").value_or("");
    auto supplier = views_.get(production::keys::counterparty_masked(tenant, sort_id(supplier_id)));
    w.key("supplier");
    if (supplier) w.raw(*supplier); else w.null();
    const std::string po_id = json_string_field(*lot, "po_id").value_or("");
    auto po = views_.get(production::keys::purchase_order(tenant, sort_id(po_id)));
    w.key("purchase_order");
    if (po) w.raw(po_document(tenant, sort_id(po_id), *po)); else w.null();
    // A received lot continues upstream: the sender, the origin producer's batch, its lots...
    w.key("upstream");
    write_upstream(w, views_, tenant, tenant, unsort_id(lot_sid));
    w.end_object();
    return true;
  });
  w.end_array().key("documents").begin_array();
  const std::string doc_prefix = production::keys::batch_document(tenant, sid) + "/";
  views_.scan_prefix(doc_prefix, [&](std::string_view, std::string_view v) {
    w.raw(v);
    return true;
  });
  w.end_array().end_object();
  return w.take();
}

Result<std::string> ProductionQueries::forward_trace(std::string_view tenant, std::string_view lot_id) const {
  const std::string sid = sort_id(lot_id);
  auto lot = views_.get(production::keys::lot(tenant, sid));
  if (!lot) return view_not_found("material_lot", lot_id, "lot_id");
  const std::string unit = unit_of(*lot, "received_quantity");
  JsonWriter w;
  w.begin_object().field_raw("lot", lot_document(tenant, sid, *lot)).key("batches").begin_array();
  const std::string prefix = production::keys::forward(tenant, sid) + "/";
  views_.scan_prefix(prefix, [&](std::string_view k, std::string_view v) {
    const std::string batch_sid(k.substr(prefix.size()));
    auto batch = views_.get(production::keys::batch(tenant, batch_sid));
    if (!batch) return true;
    w.begin_object().field_raw("quantity_used", quantity_json(view_int(v), unit)).field_raw("batch", *batch).end_object();
    return true;
  });
  w.end_array();
  // Across enterprises: the lot, its batches, their shipments, the lots they became elsewhere...
  w.key("downstream").begin_object();
  write_walk(w, views_, tenant,
             walk_of(views_, LineageQueries(views_).reach(NodeId{std::string(tenant), sid})));
  w.end_object().end_object();
  return w.take();
}

}  // namespace agritrace::projections
