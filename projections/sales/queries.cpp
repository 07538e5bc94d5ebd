#include "projections/sales/queries.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <tuple>
#include <vector>

#include "core/base/csv_cell.h"
#include "core/base/json_writer.h"
#include "core/sales/events.h"
#include "projections/base/keys.h"
#include "projections/base/view_record.h"
#include "projections/base/view_values.h"
#include "projections/codes/keys.h"
#include "projections/production/keys.h"
#include "projections/receiving/keys.h"
#include "projections/sales/keys.h"
#include "projections/sales/projection.h"
#include "projections/trace/keys.h"
#include "projections/trace/lineage.h"
#include "projections/trace/queries.h"

namespace agritrace::projections {
namespace {

namespace dom = simdjson::dom;

// Reads fields of a JSON record written by our projections.
// Inverse of sort_id for ids shown to people ("sh-000000000007" -> "sh-7").

struct ShipmentRow {
  std::string summary;  // JSON
  std::string shipment_id, so_id, ship_to_id, ship_to_tenant, ship_date;
  int64_t amount = 0;
};

// One read of the lineage for an answer (projections/trace/lineage.h): the reach of its root,
// each document by id, and for each lot the batch its goods came from through lots alone (its
// origin batch: a repack starts a new one). Every number of the answer is taken from here.
struct LineageView {
  Reach reach;
  std::map<NodeId, size_t> docs;    // id -> index in reach.items (safe to copy and move)
  std::map<NodeId, NodeId> origin;  // lot -> origin batch
  const LineageNode* doc(const NodeId& id) const {
    auto it = docs.find(id);
    return it == docs.end() ? nullptr : &reach.items[it->second].second;
  }
};

LineageView lineage_view(const ViewStore& v, const NodeId& root) {
  LineageView lv;
  lv.reach = LineageQueries(v).reach(root);
  for (size_t i = 0; i < lv.reach.items.size(); ++i) lv.docs.emplace(lv.reach.items[i].first, i);
  for (const auto& [id, n] : lv.reach.items) {
    if (id.is_batch()) continue;
    const LineageNode* at = &n;
    for (size_t hops = 0; at != nullptr && !at->from.empty() && hops <= lv.docs.size(); ++hops) {
      const NodeId up = NodeId::parse(*at->from.begin());
      if (up.is_batch()) {
        lv.origin.emplace(id, up);
        break;
      }
      at = lv.doc(up);
    }
  }
  return lv;
}

// A downstream enterprise's unregistered customer, with the goods of one origin batch.
struct DownstreamCustomer {
  std::string seller;
  LineageCustomer customer;
};

// Everything needs about one batch, read from the views.
struct BatchPlaces {
  std::string sid, batch_id, lot_code, product, unit, record;
  int64_t produced = 0, shipped = 0, adjusted = 0;  // adjusted: stocktakes, net
  int64_t stock() const { return produced - shipped + adjusted; }
  std::vector<ShipmentRow> shipments;                 // in shipment order
  std::map<std::string, int64_t> shipped_to;          // customer sort id -> amount shipped
  std::vector<TraceOrder> orders;  // open ones only
  std::vector<std::string> recall_ids;
  // From the lineage documents of the lots made of this batch's goods (received through any
  // number of enterprises, not repacked): per enterprise, what it holds now, what it sold to
  // consumers, and its unregistered customers.
  std::map<std::string, int64_t> held, sold_to_consumers;
  std::map<std::string, bool> holders;  // every enterprise that had a lot of these goods
  std::vector<DownstreamCustomer> customers;
  // Per registered receiver (tenant): shipped to it but not received, from the lineage.
  std::map<std::string, int64_t> in_transit, missing;
  // Per enterprise downstream: its batches made from these goods (sort ids), from the lineage.
  std::map<std::string, std::vector<std::string>> made_into;
};

std::optional<BatchPlaces> load_batch(const ViewStore& v, std::string_view t, std::string_view bsid,
                                      const LineageView& lv) {
  auto record = v.get(production::keys::batch(t, bsid));
  if (!record) return std::nullopt;
  BatchPlaces p;
  p.sid = std::string(bsid);
  p.record = *record;
  {
    ViewRecord r(*record);
    p.batch_id = r.str("batch_id");
    p.lot_code = r.str("lot_code");
    p.product = r.str("product");
    p.unit = r.unit("quantity");
  }
  const NodeId self{std::string(t), std::string(bsid)};
  std::optional<LineageNode> read;
  const LineageNode* doc = lv.doc(self);
  if (doc == nullptr) {
    read = LineageQueries(v).node(self);
    doc = read ? &*read : nullptr;
  }
  if (doc != nullptr) {
    p.produced = doc->quantity;
    p.shipped = doc->shipped;
    p.adjusted = doc->adjusted_up - doc->written_off;
    for (const auto& [sid, s] : doc->shipments) {
      p.in_transit[s.to] += std::max<int64_t>(s.in_transit(), 0);
      p.missing[s.to] += std::max<int64_t>(s.missing, 0);
    }
  }
  const std::string shb = sales::keys::shipment_by_batch(t, bsid) + "/";
  v.scan_prefix(shb, [&](std::string_view, std::string_view val) {
    ViewRecord r(val);
    p.shipments.push_back({std::string(val), r.str("shipment_id"), r.str("so_id"),
                           r.str("ship_to_id"), r.str("ship_to_tenant"), r.str("ship_date"),
                           r.amount("quantity")});
    return true;
  });
  const std::string whc = sales::keys::at_customer(t, bsid) + "/";
  v.scan_prefix(whc, [&](std::string_view k, std::string_view val) {
    p.shipped_to[std::string(k.substr(whc.size()))] = view_int(val);
    return true;
  });
  p.orders = open_orders_of(v, t, bsid);
  // Where the goods are downstream: the lots whose origin is this batch, and the batches made
  // from them.
  std::set<NodeId> made_from_here;
  for (const auto& [lot, origin] : lv.origin) {
    if (origin != self) continue;
    const LineageNode& n = *lv.doc(lot);
    made_from_here.insert(lot);
    p.holders[lot.tenant] = true;
    p.held[lot.tenant] += n.stock();
    if (n.retail_quantity > 0) p.sold_to_consumers[lot.tenant] += n.retail_quantity;
    for (const auto& [key, c] : n.customers) p.customers.push_back({lot.tenant, c});
  }
  for (const auto& [id, n] : lv.reach.items) {
    if (!id.is_batch() || id.tenant == t) continue;
    for (const std::string& f : n.from) {
      if (made_from_here.count(NodeId::parse(f)) != 0) {
        p.made_into[id.tenant].push_back(id.sid);
        break;
      }
    }
  }
  auto add_recalls = [&](const std::string& prefix) {
    v.scan_prefix(prefix, [&](std::string_view, std::string_view val) {
      if (std::find(p.recall_ids.begin(), p.recall_ids.end(), val) == p.recall_ids.end()) {
        p.recall_ids.emplace_back(val);
      }
      return true;
    });
  };
  add_recalls(sales::keys::recall_by_batch(t, bsid) + "/");
  const std::string bin = production::keys::batch_input(t, bsid) + "/";
  v.scan_prefix(bin, [&](std::string_view k, std::string_view) {
    add_recalls(sales::keys::recall_by_lot(t, k.substr(bin.size())) + "/");
    return true;
  });
  return p;
}

std::string enterprise_name(const ViewStore& v, std::string_view t) { return enterprise_name_of(v, t); }
std::string enterprise_region(const ViewStore& v, std::string_view t) { return enterprise_region_of(v, t); }

// The masked counterparty record (R-4.2.8 masking), or null.
std::optional<std::string> customer_record(const ViewStore& v, std::string_view t, std::string_view cp_id) {
  return v.get(production::keys::counterparty_masked(t, sort_id(cp_id)));
}


void write_places(const ViewStore& v, std::string_view t, const BatchPlaces& p, JsonWriter& w) {
  w.begin_object().field("batch_id", p.batch_id).field("lot_code", p.lot_code).field("product", p.product);
  write_quantity(w, "produced", p.produced, p.unit);
  write_quantity(w, "shipped", p.shipped, p.unit);
  write_quantity(w, "in_stock", p.stock(), p.unit);
  w.key("recall_ids").begin_array();
  for (const auto& id : p.recall_ids) w.value(id);
  w.end_array();
  w.key("locations").begin_array();
  w.begin_object().field("kind", "own_stock").field("holder", t).field("name", enterprise_name(v, t))
      .field("region", enterprise_region(v, t));
  write_quantity(w, "quantity", p.stock(), p.unit);
  w.end_object();
  std::map<std::string, bool> direct_holders;
  for (const auto& [cp_sid, amount] : p.shipped_to) {
    const std::string cp_id = unsort_id(cp_sid);
    auto cp = customer_record(v, t, cp_id);
    const std::string uscc = cp ? json_string_field(*cp, "uscc").value_or("") : "";
    const std::string holder = lineage_holder(t, cp_id, uscc);
    std::string receiver;  // the registered enterprise the shipments went to, if any
    for (const auto& s : p.shipments) {
      if (s.ship_to_id == cp_id && !s.ship_to_tenant.empty()) receiver = s.ship_to_tenant;
    }
    if (!receiver.empty()) direct_holders[receiver] = true;
    w.begin_object().field("kind", "customer").field("holder", holder).field("customer_id", cp_id);
    w.key("customer");
    if (cp) w.raw(*cp); else w.null();
    write_quantity(w, "shipped", amount, p.unit);
    // What is there: for a registered receiver, what its lots of these goods hold now (the
    // lineage documents: received, less what it sold on, consumed or wrote off); what has not
    // arrived is in transit or recorded missing at its receipt. An unregistered customer keeps
    // what it was shipped.
    const auto of = [&](const std::map<std::string, int64_t>& m) {
      auto it = m.find(receiver);
      return receiver.empty() || it == m.end() ? int64_t{0} : it->second;
    };
    write_quantity(w, "quantity", receiver.empty() ? amount : of(p.held), p.unit);
    write_quantity(w, "in_transit", of(p.in_transit), p.unit);
    write_quantity(w, "missing", of(p.missing), p.unit);
    // The customer's batches made from these goods (a repack): the goods live on in them.
    w.key("consumed_into").begin_array();
    if (auto made = p.made_into.find(receiver); made != p.made_into.end()) {
      for (const std::string& sid : made->second) {
        w.begin_object()
            .field("enterprise_id", receiver)
            .field("item_id", unsort_id(sid))
            .field("kind", "batch")
            .end_object();
      }
    }
    w.end_array();
    w.key("sales_orders").begin_array();
    std::vector<std::string> seen;
    for (const auto& s : p.shipments) {
      if (s.ship_to_id == cp_id && std::find(seen.begin(), seen.end(), s.so_id) == seen.end()) {
        seen.push_back(s.so_id);
        w.value(s.so_id);
      }
    }
    w.end_array().key("shipments").begin_array();
    for (const auto& s : p.shipments) {
      if (s.ship_to_id == cp_id) w.raw(s.summary);
    }
    w.end_array().end_object();
  }
  // Reached through a customer's own sales (circulation end): every other enterprise holding a
  // lot of these goods; consumers and unregistered customers of any enterprise as the lineage
  // shows them (a consumer is {"kind":"consumer"}, never an id of the seller's).
  for (const auto& [holder, present] : p.holders) {
    if (direct_holders.count(holder) != 0) continue;
    w.begin_object()
        .field("kind", "downstream")
        .field("holder", holder)
        .field("name", enterprise_name(v, holder));
    write_quantity(w, "quantity", p.held.at(holder), p.unit);
    w.end_object();
  }
  const auto seller = [&](std::string_view key, const std::string& tenant) {
    w.key(key)
        .begin_object()
        .field("enterprise", tenant)
        .field("name", enterprise_name(v, tenant))
        .end_object();
  };
  for (const auto& [tenant, amount] : p.sold_to_consumers) {
    w.begin_object().field("kind", "downstream").field("holder", "consumer");
    w.key("customer").begin_object().field("kind", "consumer").end_object();
    seller("consumer_of", tenant);
    write_quantity(w, "quantity", amount, p.unit);
    w.end_object();
  }
  for (const DownstreamCustomer& d : p.customers) {
    const LineageCustomer& c = d.customer;
    const bool enterprise = c.kind == "enterprise";
    w.begin_object().field("kind", "downstream").field("holder", enterprise ? c.uscc : "customer");
    w.key("customer").begin_object().field("kind", c.kind);
    if (enterprise) {
      w.field("name", c.name).field("uscc", c.uscc);
    } else {
      w.field("name", mask_person_name(c.name));
    }
    w.field("region", c.region).end_object();
    seller("customer_of", d.seller);
    write_quantity(w, "quantity", c.quantity, p.unit);
    w.end_object();
  }
  w.end_array();
  w.key("open_orders").begin_array();
  for (const auto& o : p.orders) {
    w.begin_object().field("so_id", o.so_id).field("customer_id", o.customer_id).field("status", o.status);
    write_quantity(w, "ordered", o.ordered, p.unit);
    write_quantity(w, "shipped", o.shipped, p.unit);
    write_quantity(w, "remaining", o.ordered - o.shipped, p.unit);
    w.end_object();
  }
  w.end_array().end_object();
}

// Batch sort ids made from the root lot of a lineage, in batch order (its document's
// consumed_into).
std::vector<std::string> lot_batches(const LineageView& lv) {
  std::vector<std::string> out;
  if (lv.reach.items.empty()) return out;
  const auto& [root, doc] = lv.reach.items.front();
  for (const auto& [batch_sid, amount] : doc.consumed_into) out.push_back(batch_sid);
  return out;
}

struct RecallScopeView {
  std::string record;
  LineageView lineage;                     // of the target (scope lot or batch)
  std::optional<core::RecallScope> scope;  // none if the record is unreadable
  std::string target;
  std::vector<std::string> batch_sids;
  std::string code_serial;  // scope code
};

Result<RecallScopeView> load_recall(const ViewStore& v, std::string_view t, std::string_view id) {
  auto rc = v.get(sales::keys::recall(t, sort_id(id)));
  if (!rc) return view_not_found("recall", id, "recall_id");
  RecallScopeView s;
  s.record = *rc;
  if (auto scope = core::parse_recall_scope(json_string_field(*rc, "scope").value_or(""), "scope"); scope.ok()) {
    s.scope = *scope;
  }
  s.target = json_string_field(*rc, "target").value_or("");
  if (s.scope != core::RecallScope::kCode) s.lineage = lineage_view(v, NodeId::of(t, s.target));
  if (s.scope == core::RecallScope::kLot) {
    // The lineage as it is now, including batches made from the lot after the recall.
    s.batch_sids = lot_batches(s.lineage);
  } else {
    ViewRecord r(*rc);
    dom::array ids;
    if (r.ok && !r.root["batch_ids_at_raising"].get_array().get(ids)) {
      for (auto id : ids) {
        std::string_view b;
        if (!id.get_string().get(b)) s.batch_sids.push_back(sort_id(b));
      }
    }
    if (s.scope == core::RecallScope::kCode) s.code_serial = s.target;
  }
  return s;
}

// Member "lineage" (projections/trace/lineage.h): where every part of the goods is, with counts.
void write_lineage(JsonWriter& w, const ViewStore& v, std::string_view viewer,
                   const LineageView& lv) {
  w.key("lineage").begin_object();
  LineageQueries(v).write_forward(w, viewer, lv.reach);
  w.end_object();
}

// A CSV cell: quoted when needed, and a leading = + - @ (a formula to a spreadsheet) neutralised
// with a leading ' (OWASP CSV injection).
std::string csv_field(std::string_view text) { return core::csv_cell(text); }

}  // namespace

Result<std::string> SalesQueries::sales_order(std::string_view t, std::string_view id) const {
  const std::string sid = sort_id(id);
  auto so = views_.get(sales::keys::order(t, sid));
  if (!so) return view_not_found("sales_order", id, "so_id");
  const std::string unit = ViewRecord(*so).unit("quantity");
  std::string doc = *so;
  if (auto st = views_.get(sales::keys::order_status(t, sid))) doc = merge_json_objects(doc, *st);
  JsonWriter w;
  w.begin_object();
  const auto q = views_.get(sales::keys::order_shipped(t, sid));
  write_quantity(w, "shipped_quantity", q ? view_int(*q) : 0, unit);
  w.key("shipments").begin_array();
  const std::string prefix = sales::keys::shipment_of_order(t, sid) + "/";
  views_.scan_prefix(prefix, [&](std::string_view, std::string_view sh) {
    w.value(sh);
    return true;
  });
  w.end_array().end_object();
  return merge_json_objects(doc, w.str());
}

Result<std::string> SalesQueries::sales_orders(std::string_view t, const Page& page) const {
  return list_page(views_, ViewKind::kSalesOrder, t, page, [&](const std::string& sid, std::string doc) {
    if (auto st = views_.get(sales::keys::order_status(t, sid))) doc = merge_json_objects(doc, *st);
    return doc;
  });
}

Result<std::string> SalesQueries::shipment(std::string_view t, std::string_view id) const {
  auto sh = views_.get(sales::keys::shipment(t, sort_id(id)));
  if (!sh) return view_not_found("shipment", id, "shipment_id");
  return *sh;
}

Result<std::string> SalesQueries::whereabouts_batch(std::string_view t, std::string_view batch_id) const {
  const LineageView lv = lineage_view(views_, NodeId::of(t, batch_id));
  auto p = load_batch(views_, t, sort_id(batch_id), lv);
  if (!p) return view_not_found("batch", batch_id, "batch_id");
  JsonWriter w;
  w.begin_object().key("query").begin_object().field("batch_id", batch_id).end_object();
  w.key("batches").begin_array();
  write_places(views_, t, *p, w);
  w.end_array();
  write_walk(w, views_, t, walk_of(views_, lv.reach));
  write_lineage(w, views_, t, lv);
  w.end_object();
  return w.take();
}

Result<std::string> SalesQueries::whereabouts_lot(std::string_view t, std::string_view lot_id) const {
  const std::string lot_sid = sort_id(lot_id);
  auto lot = views_.get(production::keys::lot(t, lot_sid));
  if (!lot) return view_not_found("material_lot", lot_id, "lot_id");
  JsonWriter w;
  w.begin_object().key("query").begin_object().field("lot_id", lot_id).end_object();
  w.field_raw("lot", *lot);
  w.key("batches").begin_array();
  const LineageView lv = lineage_view(views_, NodeId{std::string(t), lot_sid});
  for (const std::string& bsid : lot_batches(lv)) {
    if (auto p = load_batch(views_, t, bsid, lv)) write_places(views_, t, *p, w);
  }
  w.end_array();
  write_walk(w, views_, t, walk_of(views_, lv.reach));
  write_lineage(w, views_, t, lv);
  w.end_object();
  return w.take();
}

Result<std::string> SalesQueries::whereabouts_code(std::string_view t, std::string_view lot_code,
                                                   std::string_view serial) const {
  const auto path = code_path(views_, serial);
  if (path && path->producer != t) return whereabouts_received_code(t, *path);
  auto batch_id = views_.get(production::keys::lot_by_code(t, lot_code));
  if (!batch_id) return view_not_found("lot_code", lot_code, "code");
  const LineageView lv = lineage_view(views_, NodeId::of(t, *batch_id));
  auto p = load_batch(views_, t, sort_id(*batch_id), lv);
  if (!p) return view_not_found("batch", *batch_id, "code");
  JsonWriter w;
  w.begin_object().key("query").begin_object().field("serial", serial).field("lot_code", lot_code).end_object();
  w.key("code").begin_object().field("serial", serial).field("batch_id", *batch_id);
  auto shipped = views_.get(sales::keys::shipment_of_code(t, serial));
  if (shipped) {
    auto sh = views_.get(sales::keys::shipment(t, sort_id(*shipped)));
    ViewRecord r(sh ? *sh : std::string("{}"));
    w.field("location", "customer").field("shipment_id", *shipped).field("so_id", r.str("so_id"))
        .field("customer_id", r.str("ship_to_id")).field("ship_date", r.str("ship_date"));
    w.key("customer");
    if (auto cp = customer_record(views_, t, r.str("ship_to_id"))) w.raw(*cp); else w.null();
  } else {
    w.field("location", "own_stock");
  }
  w.field("recalled", is_recalled(t, lot_code, serial));
  w.end_object();
  w.key("batches").begin_array();
  write_places(views_, t, *p, w);
  w.end_array();
  // The code's own way through the enterprises, and where the rest of its batch went.
  w.key("path");
  if (path) {
    w.begin_object();
    write_code_path(w, views_, t, *path);
    w.end_object();
  } else {
    w.null();
  }
  write_walk(w, views_, t, walk_of(views_, lv.reach));
  w.end_object();
  return w.take();
}

// A code another enterprise made, as an enterprise it passed through sees it: the code's path
// and the whereabouts of this enterprise's lot it came in.
Result<std::string> SalesQueries::whereabouts_received_code(std::string_view t, const CodePath& path) const {
  std::string lot_id;
  for (const CodeStep& step : path.steps) {
    if (step.kind == "received" && step.tenant == t) lot_id = step.item_id;
  }
  if (lot_id.empty()) return view_not_found("code", path.serial, "code");
  JsonWriter w;
  w.begin_object().key("query").begin_object().field("serial", path.serial).field("lot_code", path.lot_code)
      .end_object();
  const bool here = path.holder == t && path.status == "in_stock";
  w.key("code").begin_object().field("serial", path.serial).field("lot_id", lot_id)
      .field("location", here ? "own_stock" : path.status == "in_stock" ? "downstream" : path.status)
      .field("recalled", is_recalled(path.producer, path.lot_code, path.serial)).end_object();
  w.key("path").begin_object();
  write_code_path(w, views_, t, path);
  w.end_object();
  w.key("batches").begin_array().end_array();
  write_walk(w, views_, t, walk_of(views_, lineage_view(views_, NodeId::of(t, lot_id)).reach));
  w.end_object();
  return w.take();
}

namespace {

// The recalled goods beyond the raising enterprise's own batches (those are BatchPlaces): every
// node the walk reaches through every enterprise, or for a single code its path.
struct RecallReach {
  TraceWalk walk;
  std::vector<size_t> beyond;     // indexes into walk.items
  std::optional<CodePath> path;   // scope code
  std::string path_unit;
  int64_t path_per_code = 1;
};

RecallReach recall_reach(const ViewStore& v, std::string_view t, const RecallScopeView& s) {
  RecallReach r;
  if (!s.code_serial.empty()) {
    r.path = code_path(v, s.code_serial);
    if (r.path) {
      for (const CodeStep& step : r.path->steps) {
        if (!step.shipment) continue;
        r.path_unit = ViewRecord(step.shipment->summary).unit("quantity");
        r.path_per_code = step.shipment->per_code;
      }
    }
    return r;
  }
  r.walk = walk_of(v, s.lineage.reach);
  for (size_t i = 0; i < r.walk.items.size(); ++i) {
    const TraceItem& it = r.walk.items[i];
    const bool covered = it.ref.tenant == t && it.is_batch &&
                         std::find(s.batch_sids.begin(), s.batch_sids.end(), sort_id(it.ref.item_id)) !=
                             s.batch_sids.end();
    if (!covered) r.beyond.push_back(i);
  }
  return r;
}

void enterprise_fields(JsonWriter& w, const ViewStore& v, std::string_view tenant) {
  w.field("enterprise", tenant).field("enterprise_name", enterprise_name(v, tenant));
}

// A shipment of another place the recalled goods reached (customers masked for other enterprises).
void write_reached_shipment(JsonWriter& w, const ViewStore& v, std::string_view t, const ItemRef& at,
                            std::string_view lot_code, std::string_view unit, const TraceShipment& sh,
                            int64_t amount) {
  w.begin_object();
  enterprise_fields(w, v, at.tenant);
  w.field("item_id", at.item_id).field("lot_code", lot_code).field("shipment_id", sh.shipment_id)
      .field("so_id", sh.so_id).field("ship_date", sh.ship_date).field("channel", sh.channel);
  if (at.tenant == t) w.field("customer_id", sh.ship_to_id);
  write_quantity(w, "quantity", amount, unit);
  w.key("customer");
  write_shipment_customer(w, v, t, at.tenant, sh);
  w.key("receiver");
  if (sh.ship_to_tenant.empty()) {
    w.null();
  } else {
    w.begin_object().field("enterprise", sh.ship_to_tenant).field("name", enterprise_name(v, sh.ship_to_tenant))
        .end_object();
  }
  if (sh.retail()) w.field("payment_voucher_present", !sh.payment_voucher.empty());
  w.end_object();
}


}  // namespace

Result<std::string> SalesQueries::recall(std::string_view t, std::string_view recall_id) const {
  auto s = load_recall(views_, t, recall_id);
  if (!s.ok()) return s.error();
  std::vector<BatchPlaces> places;
  for (const auto& bsid : s->batch_sids) {
    if (auto p = load_batch(views_, t, bsid, s->lineage)) places.push_back(std::move(*p));
  }
  const RecallReach reach = recall_reach(views_, t, *s);
  JsonWriter w;
  w.begin_object().field_raw("recall", s->record);
  w.key("batches").begin_array();
  for (const auto& p : places) {
    w.begin_object().field("batch_id", p.batch_id).field("lot_code", p.lot_code).field("product", p.product).end_object();
  }
  w.end_array();
  // 1. Already shipped, with the customer's (masked) contact; then every shipment of the goods by
  // the enterprises they reached (their customers limited and masked).
  w.key("shipped").begin_array();
  for (const auto& p : places) {
    for (const auto& sh : p.shipments) {
      if (!s->code_serial.empty()) {
        auto at = views_.get(sales::keys::shipment_of_code(t, s->code_serial));
        if (!at || *at != sh.shipment_id) continue;
      }
      w.begin_object().field("batch_id", p.batch_id).field("lot_code", p.lot_code)
          .field("shipment_id", sh.shipment_id).field("so_id", sh.so_id).field("ship_date", sh.ship_date)
          .field("customer_id", sh.ship_to_id);
      enterprise_fields(w, views_, t);
      w.field("item_id", p.batch_id).field("channel", ViewRecord(sh.summary).str("channel"));
      int64_t amount = sh.amount;
      if (!s->code_serial.empty()) {
        // A single-code recall: that code's quantity, not the whole shipment's.
        ViewRecord r(sh.summary);
        if (!r.ok || r.root["quantity_per_code"].get_int64().get(amount)) amount = 1;
      }
      write_quantity(w, "quantity", amount, p.unit);
      w.key("customer");
      if (auto cp = customer_record(views_, t, sh.ship_to_id)) w.raw(*cp); else w.null();
      w.end_object();
    }
  }
  for (size_t i : reach.beyond) {
    const TraceItem& it = reach.walk.items[i];
    for (const TraceShipment& sh : it.shipments) {
      write_reached_shipment(w, views_, t, it.ref, it.lot_code, it.unit, sh, sh.amount);
    }
  }
  if (reach.path) {
    for (const CodeStep& step : reach.path->steps) {
      if (!step.shipment || step.tenant == t) continue;
      write_reached_shipment(w, views_, t, {step.tenant, step.item_id}, reach.path->lot_code, reach.path_unit,
                             *step.shipment, reach.path_per_code);
    }
  }
  w.end_array();
  // 2. Open orders that can still be stopped (not for a single-code recall: the batch is fine).
  w.key("open_orders").begin_array();
  for (const auto& p : places) {
    if (!s->code_serial.empty()) break;
    for (const auto& o : p.orders) {
      w.begin_object().field("batch_id", p.batch_id).field("so_id", o.so_id).field("customer_id", o.customer_id)
          .field("status", o.status);
      enterprise_fields(w, views_, t);
      w.field("item_id", p.batch_id);
      write_quantity(w, "remaining", o.ordered - o.shipped, p.unit);
      w.key("customer");
      if (auto cp = customer_record(views_, t, o.customer_id)) w.raw(*cp); else w.null();
      w.end_object();
    }
  }
  for (size_t i : reach.beyond) {
    const TraceItem& it = reach.walk.items[i];
    for (const TraceOrder& o : it.open_orders) {
      w.begin_object();
      enterprise_fields(w, views_, it.ref.tenant);
      w.field("item_id", it.ref.item_id).field("lot_code", it.lot_code).field("so_id", o.so_id).field("status", o.status);
      if (it.ref.tenant == t) w.field("customer_id", o.customer_id);
      write_quantity(w, "remaining", o.ordered - o.shipped, it.unit);
      w.key("customer");
      write_counterparty_for(w, views_, t, it.ref.tenant, o.customer_id);
      w.end_object();
    }
  }
  w.end_array();
  // 3. Stock on hand to quarantine, wherever it is.
  w.key("quarantine").begin_array();
  for (const auto& p : places) {
    if (!s->code_serial.empty()) {
      if (views_.get(sales::keys::shipment_of_code(t, s->code_serial))) continue;
      w.begin_object().field("batch_id", p.batch_id).field("lot_code", p.lot_code).field("serial", s->code_serial);
      enterprise_fields(w, views_, t);
      w.field("item_id", p.batch_id).end_object();
      continue;
    }
    if (p.stock() <= 0) continue;
    w.begin_object().field("batch_id", p.batch_id).field("lot_code", p.lot_code).field("location", enterprise_name(views_, t));
    enterprise_fields(w, views_, t);
    w.field("item_id", p.batch_id);
    write_quantity(w, "quantity", p.stock(), p.unit);
    w.end_object();
  }
  for (size_t i : reach.beyond) {
    const TraceItem& it = reach.walk.items[i];
    if (it.stock() <= 0) continue;
    w.begin_object().field("lot_code", it.lot_code).field("location", enterprise_name(views_, it.ref.tenant));
    enterprise_fields(w, views_, it.ref.tenant);
    w.field("item_id", it.ref.item_id).field("kind", it.is_batch ? "batch" : "lot");
    write_quantity(w, "quantity", it.stock(), it.unit);
    w.end_object();
  }
  if (reach.path && reach.path->status == "in_stock" && reach.path->holder != t) {
    w.begin_object().field("lot_code", reach.path->lot_code).field("serial", reach.path->serial)
        .field("location", enterprise_name(views_, reach.path->holder));
    enterprise_fields(w, views_, reach.path->holder);
    w.field("item_id", reach.path->holder_item).field("kind", "lot");
    write_quantity(w, "quantity", reach.path_per_code, reach.path_unit);
    w.end_object();
  }
  w.end_array();
  // Across enterprises: per enterprise reached, every retail sale, shipments still in transit.
  if (reach.path) {
    w.key("code_path").begin_object();
    write_code_path(w, views_, t, *reach.path);
    w.end_object();
    w.key("retail_sales").begin_array();
    if (reach.path->status == "sold_to_consumer") {
      const CodeStep& sold = reach.path->steps.back();
      write_retail_sale(w, views_, t, {sold.tenant, sold.item_id}, reach.path->lot_code, "", reach.path_unit,
                        *sold.shipment, reach.path_per_code);
    }
    w.end_array().key("in_transit").begin_array();
    if (reach.path->status == "in_transit") {
      const CodeStep& sent = reach.path->steps.back();
      write_in_transit(w, views_, {sent.tenant, sent.item_id}, reach.path_unit, *sent.shipment, reach.path_per_code);
    }
    w.end_array().field("truncated", reach.path->truncated);
  } else {
    write_walk(w, views_, t, reach.walk);
    write_lineage(w, views_, t, s->lineage);
  }
  w.end_object();
  return w.take();
}

namespace {

// One row of the FSMA 204 sortable spreadsheet.
struct CsvRow {
  std::string lot_code, quantity, unit, product, location_type;
  CsvPlace to, from;
  std::string ship_date;
  CsvPlace source;  // the traceability lot code source: the producer that printed the lot code
  std::string document_type, document_number, sales_order;
  auto sort_key() const {
    return std::tie(lot_code, location_type, ship_date, document_number, from.name);
  }
};

// The customer of an open order as the viewer may see it (counterparty rules of
// write_counterparty_for).
CsvPlace order_place(const ViewStore& v, std::string_view viewer, std::string_view owner,
                     std::string_view customer_id) {
  JsonWriter cw;
  write_counterparty_for(cw, v, viewer, owner, customer_id);
  const std::string& doc = cw.str();
  if (doc == "null") return {std::string(customer_id), "", "", ""};
  CsvPlace place{json_string_field(doc, "name").value_or(""),
                 json_string_field(doc, "uscc").value_or(""),
                 json_string_field(doc, "region").value_or(""), ""};
  if (viewer == owner) place.contact = json_string_field(doc, "phone").value_or("");
  return place;
}

}  // namespace

Result<std::string> SalesQueries::recall_csv(std::string_view t, std::string_view recall_id) const {
  auto s = load_recall(views_, t, recall_id);
  if (!s.ok()) return s.error();
  const CsvPlace here = enterprise_place(views_, t);
  std::vector<CsvRow> rows;
  for (const auto& bsid : s->batch_sids) {
    auto p = load_batch(views_, t, bsid, s->lineage);
    if (!p) continue;
    for (const auto& sh : p->shipments) {
      if (!s->code_serial.empty()) {
        auto at = views_.get(sales::keys::shipment_of_code(t, s->code_serial));
        if (!at || *at != sh.shipment_id) continue;
      }
      const TraceShipment full = shipment_summary(sh.summary);
      int64_t amount = sh.amount;
      if (!s->code_serial.empty()) amount = full.per_code > 0 ? full.per_code : 1;
      rows.push_back({p->lot_code, std::to_string(amount), p->unit, p->product,
                      full.retail() ? "consumer" : "customer", customer_place(views_, t, t, full),
                      here, sh.ship_date, here, "shipment", sh.shipment_id, sh.so_id});
    }
    if (s->code_serial.empty() && p->stock() > 0) {
      rows.push_back({p->lot_code, std::to_string(p->stock()), p->unit, p->product, "own_stock",
                      here, here, "", here, "stock", p->batch_id, ""});
    }
    if (s->code_serial.empty()) {
      for (const auto& o : p->orders) {
        rows.push_back({p->lot_code, std::to_string(o.ordered - o.shipped), p->unit, p->product,
                        "open_order", order_place(views_, t, t, o.customer_id), here, "", here,
                        "sales_order", o.so_id, o.so_id});
      }
    }
  }
  // Every other place across enterprises: one row per lot per location (and document). The
  // lot code's source is the producer that printed it (the origin of a received lot).
  const RecallReach reach = recall_reach(views_, t, *s);
  for (size_t i : reach.beyond) {
    const TraceItem& it = reach.walk.items[i];
    const CsvPlace at = enterprise_place(views_, it.ref.tenant);
    const CsvPlace source =
        it.origin_tenant.empty() ? at : enterprise_place(views_, it.origin_tenant);
    for (const TraceShipment& sh : it.shipments) {
      rows.push_back({it.lot_code, std::to_string(sh.amount), it.unit, it.product,
                      sh.retail() ? "consumer" : "customer",
                      customer_place(views_, t, it.ref.tenant, sh), at, sh.ship_date, source,
                      "shipment", sh.shipment_id, sh.so_id});
    }
    if (it.stock() > 0) {
      rows.push_back({it.lot_code, std::to_string(it.stock()), it.unit, it.product,
                      it.ref.tenant == t ? "own_stock" : "enterprise_stock", at, at, "", source, "stock",
                      it.ref.item_id, ""});
    }
    for (const TraceOrder& o : it.open_orders) {
      rows.push_back({it.lot_code, std::to_string(o.ordered - o.shipped), it.unit, it.product,
                      "open_order", order_place(views_, t, it.ref.tenant, o.customer_id), at, "",
                      source, "sales_order", o.so_id, o.so_id});
    }
  }
  // Codes shipped and recorded missing at their receipt (the lineage's count), wherever shipped
  // from.
  for (const TraceItem& it : reach.walk.items) {
    const CsvPlace at = enterprise_place(views_, it.ref.tenant);
    const CsvPlace source =
        it.origin_tenant.empty() ? at : enterprise_place(views_, it.origin_tenant);
    for (const TraceShipment& sh : it.shipments) {
      if (sh.missing <= 0) continue;
      rows.push_back({it.lot_code, std::to_string(sh.missing), it.unit, it.product, "missing",
                      enterprise_place(views_, sh.ship_to_tenant), at, sh.ship_date, source,
                      "shipment", sh.shipment_id, sh.so_id});
    }
  }
  if (reach.path) {
    const CsvPlace source = enterprise_place(views_, reach.path->producer);
    for (const CodeStep& step : reach.path->steps) {
      if (!step.shipment || step.tenant == t) continue;
      const TraceShipment& sh = *step.shipment;
      rows.push_back({reach.path->lot_code, std::to_string(reach.path_per_code), reach.path_unit,
                      "", sh.retail() ? "consumer" : "customer",
                      customer_place(views_, t, step.tenant, sh),
                      enterprise_place(views_, step.tenant), sh.ship_date, source, "shipment",
                      sh.shipment_id, sh.so_id});
    }
    if (reach.path->status == "in_stock" && reach.path->holder != t) {
      const CsvPlace at = enterprise_place(views_, reach.path->holder);
      rows.push_back({reach.path->lot_code, std::to_string(reach.path_per_code), reach.path_unit, "",
                      "enterprise_stock", at, at, "", source, "stock", reach.path->holder_item, ""});
    }
  }
  // Sortable and stable: lot code, location type, ship date, document number.
  std::sort(rows.begin(), rows.end(),
            [](const CsvRow& a, const CsvRow& b) { return a.sort_key() < b.sort_key(); });
  std::string out =
      "traceability_lot_code,quantity,unit_of_measure,product_description,location_type,"
      "ship_to_name,ship_to_uscc,ship_to_region,ship_to_contact,ship_from_name,ship_from_uscc,ship_"
      "from_region,"
      "ship_date,traceability_lot_code_source_name,traceability_lot_code_source_uscc,"
      "reference_document_type,reference_document_number,sales_order\r\n";
  for (const CsvRow& r : rows) {
    const std::string* cells[] = {
        &r.lot_code,      &r.quantity,        &r.unit,       &r.product,     &r.location_type,
        &r.to.name,       &r.to.uscc,         &r.to.region,  &r.to.contact,  &r.from.name,
        &r.from.uscc,     &r.from.region,     &r.ship_date,  &r.source.name, &r.source.uscc,
        &r.document_type, &r.document_number, &r.sales_order};
    bool first = true;
    for (const std::string* c : cells) {
      if (!first) out += ',';
      first = false;
      out += csv_field(*c);
    }
    out += "\r\n";
  }
  return out;
}

Result<std::string> SalesQueries::recalls(std::string_view t, const Page& page) const {
  return list_page(views_, ViewKind::kRecall, t, page);
}

namespace {

void add_recalls(const ViewStore& v, std::string_view t, const std::string& prefix, std::vector<RecallRef>& out) {
  v.scan_prefix(prefix, [&](std::string_view, std::string_view val) {
    RecallRef r{std::string(t), std::string(val)};
    if (std::find(out.begin(), out.end(), r) == out.end()) out.push_back(std::move(r));
    return true;
  });
}

// Every recall that covers one code of producer t: of the code, its batch, anything upstream of
// the batch in every enterprise (the lineage's ancestors list), and the lots of the enterprises
// the code went through afterwards.
std::vector<RecallRef> recall_ids_of(const ViewStore& v, std::string_view t, std::string_view lot_code,
                                     std::string_view serial) {
  std::vector<RecallRef> ids;
  if (!serial.empty()) add_recalls(v, t, sales::keys::recall_by_code(t, serial) + "/", ids);
  if (auto batch_id = v.get(production::keys::lot_by_code(t, lot_code))) {
    const NodeId batch = NodeId::of(t, *batch_id);
    std::set<std::string> items{batch.str()};
    if (auto up = v.get(trace::keys::ancestors(batch.tenant, batch.sid))) {
      for (const std::string& a : decode_node_list(*up)) items.insert(a);
    }
    for (const std::string& item : items) {
      const NodeId id = NodeId::parse(item);
      add_recalls(v, id.tenant,
                  (id.is_batch() ? sales::keys::recall_by_batch(id.tenant, id.sid)
                                 : sales::keys::recall_by_lot(id.tenant, id.sid)) +
                      "/",
                  ids);
    }
  }
  if (!serial.empty()) {
    if (auto path = code_path(v, serial); path && path->producer == t) {
      for (const CodeStep& step : path->steps) {
        if (step.kind == "received") {
          add_recalls(v, step.tenant, sales::keys::recall_by_lot(step.tenant, sort_id(step.item_id)) + "/", ids);
        }
      }
    }
  }
  return ids;
}

}  // namespace

bool SalesQueries::is_recalled(std::string_view t, std::string_view lot_code, std::string_view serial) const {
  if (!serial.empty() && views_.get(codes::keys::digital_link("gs1", serial))) {
    return !LineageQueries(views_).recalls_of_code(serial).empty();
  }
  return !recall_ids_of(views_, t, lot_code, serial).empty();
}

std::string SalesQueries::recall_status(std::string_view t, std::string_view lot_code,
                                        std::string_view serial) const {
  // A known code: the lineage's answer, the same whoever asks (a holder of recalled goods is
  // never told they are not recalled). A lot code without a serial: the asker's own batch.
  if (!serial.empty() && views_.get(codes::keys::digital_link("gs1", serial))) {
    return LineageQueries(views_).recall_status(serial);
  }
  return recall_status_json(views_, recall_ids_of(views_, t, lot_code, serial), t);
}

Result<std::string> SalesQueries::downstream(std::string_view t, std::string_view product,
                                             std::optional<core::Date> from, std::optional<core::Date> to,
                                             std::string_view group_by) const {
  const std::string prefix = sales::keys::analytics(t, product) + '\x1f';
  const std::string from_s = from ? core::format_date(*from) : "";
  const std::string to_s = to ? core::format_date(*to) : "";
  // group -> unit -> (wholesale, retail)
  std::map<std::pair<std::string, std::string>, std::pair<int64_t, int64_t>> groups;
  views_.scan_prefix(prefix, [&](std::string_view k, std::string_view v) {
    std::string_view rest = k.substr(prefix.size());
    std::string_view parts[4];
    for (int i = 0; i < 3; ++i) {
      const size_t at = rest.find('\x1f');
      if (at == std::string_view::npos) return true;
      parts[i] = rest.substr(0, at);
      rest = rest.substr(at + 1);
    }
    parts[3] = rest;  // unit
    const std::string_view day = parts[0];
    if (!from_s.empty() && day < from_s) return true;
    if (!to_s.empty() && day > to_s) return false;  // keys are in day order within a product
    auto& g = groups[{std::string(group_by == "region" ? parts[1] : day), std::string(parts[3])}];
    (parts[2] == "retail" ? g.second : g.first) += view_int(v);
    return true;
  });
  JsonWriter w;
  w.begin_object().field("product", product).field("group_by", group_by);
  w.key("from");
  if (from) w.value(from_s); else w.null();
  w.key("to");
  if (to) w.value(to_s); else w.null();
  w.key("rows").begin_array();
  for (const auto& [key, sums] : groups) {
    w.begin_object().field(group_by == "region" ? "region" : "day", key.first).field("unit", key.second)
        .field("wholesale", sums.first).field("retail", sums.second).field("total", sums.first + sums.second)
        .end_object();
  }
  w.end_array().end_object();
  return w.take();
}

}  // namespace agritrace::projections
