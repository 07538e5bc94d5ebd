#include "projections/trace/queries.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "core/base/identifiers.h"
#include "core/codes/codes.h"
#include "core/production/types.h"
#include "core/sales/events.h"
#include "projections/base/keys.h"
#include "projections/base/view_record.h"
#include "projections/base/view_values.h"
#include "projections/codes/keys.h"
#include "projections/production/keys.h"
#include "projections/production/queries.h"
#include "projections/receiving/keys.h"
#include "projections/sales/keys.h"
#include "projections/trace/keys.h"
#include "projections/trace/lineage_node.h"

namespace agritrace::projections {
namespace {

namespace dom = simdjson::dom;

// Reads fields of a JSON record written by our projections.
void nullable(JsonWriter& w, std::string_view key, const std::string& s) {
  w.key(key);
  if (s.empty()) w.null(); else w.value(s);
}

TraceShipment shipment_of(std::string_view summary) {
  ViewRecord r(summary);
  TraceShipment s;
  s.summary = std::string(summary);
  s.shipment_id = r.str("shipment_id");
  s.so_id = r.str("so_id");
  s.ship_date = r.str("ship_date");
  s.channel = r.str("channel");
  s.ship_to_id = r.str("ship_to_id");
  s.ship_to_name = r.str("ship_to_name");
  s.ship_to_uscc = r.str("ship_to_uscc");
  s.ship_to_tenant = r.str("ship_to_tenant");
  s.ship_to_region = r.str("ship_to_region");
  s.payment_voucher = r.str("payment_voucher");
  s.amount = r.amount("quantity");
  s.per_code = r.num("quantity_per_code", 1);
  return s;
}

}  // namespace

TraceShipment shipment_summary(std::string_view summary) { return shipment_of(summary); }

namespace {

// What the registered receiver made of a shipment: its lots and the amounts received.
void add_receipts(const ViewStore& v, std::string_view from_tenant, TraceShipment& s) {
  if (s.ship_to_tenant.empty()) return;
  const std::string prefix = receiving::keys::received_from_shipment(from_tenant, sort_id(s.shipment_id)) + "/";
  v.scan_prefix(prefix, [&](std::string_view k, std::string_view val) {
    const std::string_view rest = k.substr(prefix.size());  // "<tenant>/<lot sid>"
    const size_t slash = rest.find('/');
    if (slash == std::string_view::npos) return true;
    s.received += view_int(val);
    s.received_as.push_back({std::string(rest.substr(0, slash)), unsort_id(rest.substr(slash + 1))});
    return true;
  });
}

// The status as stored by the sales projection (core::sales_order_status_name).
bool order_is_open(std::string_view status) {
  const auto s = core::parse_sales_order_status(status, "status");
  return s.ok() && (*s == core::SalesOrderStatus::kOpen || *s == core::SalesOrderStatus::kPartiallyShipped);
}

void write_enterprise(JsonWriter& w, const ViewStore& v, std::string_view key, std::string_view tenant) {
  w.key(key).begin_object().field("enterprise", tenant).field("name", enterprise_name_of(v, tenant))
      .field("region", enterprise_region_of(v, tenant)).end_object();
}

void write_shipment(JsonWriter& w, const ViewStore& v, std::string_view viewer, std::string_view owner,
                    const TraceShipment& s, std::string_view unit) {
  const bool own = viewer == owner;
  w.begin_object().field("shipment_id", s.shipment_id).field("so_id", s.so_id).field("ship_date", s.ship_date)
      .field("channel", s.channel);
  write_quantity(w, "quantity", s.amount, unit);
  if (own) w.field("customer_id", s.ship_to_id);
  w.key("customer");
  write_shipment_customer(w, v, viewer, owner, s);
  w.key("receiver");
  if (s.ship_to_tenant.empty()) {
    w.null();
  } else {
    w.begin_object().field("enterprise", s.ship_to_tenant).field("name", enterprise_name_of(v, s.ship_to_tenant))
        .end_object();
  }
  write_quantity(w, "received", s.received, unit);
  write_quantity(w, "in_transit", s.in_transit(), unit);
  write_quantity(w, "missing", s.missing, unit);
  w.key("received_as").begin_array();
  for (const ItemRef& r : s.received_as) {
    w.begin_object().field("enterprise", r.tenant).field("lot_id", r.item_id).end_object();
  }
  w.end_array();
  if (s.retail()) {
    w.field("payment_voucher_present", !s.payment_voucher.empty());
    if (own && !s.payment_voucher.empty()) w.field("payment_voucher", s.payment_voucher);
  }
  w.end_object();
}

void write_item(JsonWriter& w, const ViewStore& v, std::string_view viewer, const TraceItem& it) {
  const std::string& owner = it.ref.tenant;
  w.begin_object().field("item_id", it.ref.item_id).field("kind", it.is_batch ? "batch" : "lot")
      .field("product", it.product).field("lot_code", it.lot_code).field("depth", static_cast<int64_t>(it.depth));
  nullable(w, "production_date", it.production_date);
  nullable(w, "expiry_date", it.expiry_date);
  w.key("reached_from");
  if (it.reached_from) {
    w.begin_object().field("enterprise", it.reached_from->tenant).field("item_id", it.reached_from->item_id);
    nullable(w, "shipment_id", it.via_shipment);
    w.end_object();
  } else {
    w.null();
  }
  w.key("origin");
  if (!it.origin_tenant.empty()) {
    w.begin_object().field("enterprise", it.origin_tenant).field("name", enterprise_name_of(v, it.origin_tenant))
        .field("batch_id", it.origin_batch_id).end_object();
  } else {
    w.null();
  }
  write_quantity(w, it.is_batch ? "produced" : "received", it.quantity, it.unit);
  write_quantity(w, "consumed", it.consumed, it.unit);
  write_quantity(w, "shipped", it.shipped, it.unit);
  write_quantity(w, "adjusted", it.adjusted, it.unit);
  write_quantity(w, "stock", it.stock(), it.unit);
  w.key("consumed_into").begin_array();
  for (const auto& [batch_id, amount] : it.consumed_into) {
    w.begin_object().field("batch_id", batch_id);
    write_quantity(w, "quantity", amount, it.unit);
    w.end_object();
  }
  w.end_array().key("shipments").begin_array();
  for (const TraceShipment& s : it.shipments) write_shipment(w, v, viewer, owner, s, it.unit);
  w.end_array().key("open_orders").begin_array();
  for (const TraceOrder& o : it.open_orders) {
    w.begin_object().field("so_id", o.so_id).field("status", o.status);
    if (viewer == owner) w.field("customer_id", o.customer_id);
    write_quantity(w, "ordered", o.ordered, it.unit);
    write_quantity(w, "shipped", o.shipped, it.unit);
    write_quantity(w, "remaining", o.ordered - o.shipped, it.unit);
    w.key("customer");
    write_counterparty_for(w, v, viewer, owner, o.customer_id);
    w.end_object();
  }
  w.end_array().end_object();
}

}  // namespace

// ---- the items of a lineage -------------------------------------------------------------------

std::optional<TraceItem> load_trace_item(const ViewStore& v, const ItemRef& ref,
                                         const LineageNode& n) {
  const std::string& t = ref.tenant;
  const std::string sid = sort_id(ref.item_id);
  TraceItem it;
  it.ref = ref;
  if (ref.item_id.starts_with("b-")) {
    auto rec = v.get(production::keys::batch(t, sid));
    if (!rec) return std::nullopt;
    ViewRecord r(*rec);
    it.is_batch = true;
    it.product = r.str("product");
    it.lot_code = r.str("lot_code");
    it.production_date = r.str("production_date");
    it.expiry_date = r.str("expiry_date");
  } else if (ref.item_id.starts_with("lot-")) {
    auto rec = v.get(production::keys::lot(t, sid));
    if (!rec) return std::nullopt;
    ViewRecord r(*rec);
    it.product = r.str("material");
    it.lot_code = r.str("lot_code");
    if (it.lot_code.empty()) it.lot_code = r.str("supplier_lot");
    it.production_date = r.str("production_date");
    it.expiry_date = r.str("expiry_date");
    it.origin_tenant = r.str("origin_tenant");
    it.origin_batch_id = r.str("origin_batch_id");
  } else {
    return std::nullopt;
  }
  // Every number is the lineage document's: the walk answer and the lineage cannot disagree.
  it.unit = n.unit;
  it.quantity = n.quantity;
  it.consumed = n.consumed;
  it.shipped = n.shipped;
  it.adjusted = n.adjusted_up - n.written_off;
  for (const auto& [batch_sid, amount] : n.consumed_into)
    it.consumed_into.emplace_back(unsort_id(batch_sid), amount);
  const std::string shb = sales::keys::shipment_by_batch(t, sid) + "/";
  v.scan_prefix(shb, [&](std::string_view, std::string_view val) {
    TraceShipment s = shipment_of(val);
    add_receipts(v, t, s);
    if (auto at = n.shipments.find(sort_id(s.shipment_id)); at != n.shipments.end()) {
      s.received = at->second.received;
      s.missing = std::max<int64_t>(at->second.missing, 0);
    }
    it.shipments.push_back(std::move(s));
    return true;
  });
  it.open_orders = open_orders_of(v, t, sid);
  return it;
}

// ---- JSON for a viewer -----------------------------------------------------------------------

std::vector<TraceOrder> open_orders_of(const ViewStore& v, std::string_view t, std::string_view item_sid) {
  std::vector<TraceOrder> out;
  const std::string prefix = sales::keys::open_order_by_batch(t, item_sid) + "/";
  v.scan_prefix(prefix, [&](std::string_view k, std::string_view) {
    const std::string so_sid(k.substr(prefix.size()));
    auto so = v.get(sales::keys::order(t, so_sid));
    if (!so) return true;
    ViewRecord r(*so);
    TraceOrder o{r.str("so_id"), r.str("customer_id"), "open", r.amount("quantity"), 0};
    if (auto st = v.get(sales::keys::order_status(t, so_sid))) o.status = json_string_field(*st, "status").value_or("open");
    if (auto q = v.get(sales::keys::order_shipped(t, so_sid))) o.shipped = view_int(*q);
    if (order_is_open(o.status)) out.push_back(std::move(o));
    return true;
  });
  return out;
}

namespace {

struct EnterpriseLabel {
  std::string name, region;
};

// An enterprise's registration never changes once in the views, so its name and region are kept
// per thread and store: a walk over 40 shops writes them on every row (over 1,000 gets a recall
// before). Only registered enterprises are kept: one not in the views yet is read again.
const EnterpriseLabel* enterprise_label(const ViewStore& v, std::string_view t) {
  struct Cache {
    uint64_t store = 0;
    std::map<std::string, EnterpriseLabel, std::less<>> labels;
  };
  thread_local Cache cache;
  if (cache.store != v.instance_id() || cache.labels.size() > 4096) {
    cache.store = v.instance_id();
    cache.labels.clear();
  }
  if (auto it = cache.labels.find(t); it != cache.labels.end()) return &it->second;
  auto ent = v.get(production::keys::enterprise(t));
  if (!ent) return nullptr;
  EnterpriseLabel label{json_string_field(*ent, "name").value_or(std::string(t)),
                        json_string_field(*ent, "region").value_or("")};
  return &cache.labels.emplace(std::string(t), std::move(label)).first->second;
}

}  // namespace

std::string enterprise_name_of(const ViewStore& v, std::string_view t) {
  const EnterpriseLabel* label = enterprise_label(v, t);
  return label ? label->name : std::string(t);
}

std::string_view enterprise_name_view(const ViewStore& v, std::string_view t) {
  const EnterpriseLabel* label = enterprise_label(v, t);
  return label ? std::string_view(label->name) : t;
}

std::string enterprise_region_of(const ViewStore& v, std::string_view t) {
  const EnterpriseLabel* label = enterprise_label(v, t);
  return label ? label->region : std::string();
}

std::string mask_person_name(std::string_view name) {
  if (name.empty()) return {};
  // Keep the first UTF-8 code point, one '*' for each of the others.
  size_t first = 1;
  while (first < name.size() && (static_cast<unsigned char>(name[first]) & 0xC0) == 0x80) ++first;
  std::string out(name.substr(0, first));
  size_t rest = 0;
  for (size_t i = first; i < name.size(); ++i) {
    if ((static_cast<unsigned char>(name[i]) & 0xC0) != 0x80) ++rest;
  }
  out.append(rest == 0 ? 1 : rest, '*');
  return out;
}

void write_counterparty_for(JsonWriter& w, const ViewStore& v, std::string_view viewer, std::string_view owner,
                            std::string_view counterparty_id) {
  auto rec = counterparty_id.empty() ? std::nullopt : v.get(production::keys::counterparty_masked(owner, sort_id(counterparty_id)));
  if (!rec) {
    w.null();
    return;
  }
  if (viewer == owner) {
    w.raw(*rec);
    return;
  }
  ViewRecord r(*rec);
  const std::string kind = r.str("kind");
  w.begin_object().field("kind", kind);
  const auto parsed = core::parse_counterparty_kind(kind, "kind");
  if (parsed.ok() && *parsed == core::CounterpartyKind::kEnterprise) {
    w.field("name", r.str("name")).field("uscc", r.str("uscc"));
  } else {
    w.field("name", mask_person_name(r.str("name")));
  }
  w.field("region", r.str("region")).end_object();
}

void write_shipment_customer(JsonWriter& w, const ViewStore& v, std::string_view viewer, std::string_view owner,
                             const TraceShipment& s) {
  if (viewer == owner) {
    write_counterparty_for(w, v, viewer, owner, s.ship_to_id);
    return;
  }
  // Another enterprise's customer: from the shipment's own copy of its names, limited. A retail
  // sale's customer is a consumer (kind "consumer", as in the lineage), named or not.
  const bool individual = s.retail() || s.ship_to_uscc.empty();
  w.begin_object().field("kind", s.retail() ? "consumer" : individual ? "individual" : "enterprise");
  if (individual) {
    w.field("name", mask_person_name(s.ship_to_name));
  } else {
    w.field("name", s.ship_to_name).field("uscc", s.ship_to_uscc);
  }
  w.field("region", s.ship_to_region).end_object();
}

CsvPlace customer_place(const ViewStore& v, std::string_view viewer, std::string_view owner,
                        const TraceShipment& s) {
  const bool individual = s.retail() || s.ship_to_uscc.empty();
  CsvPlace place;
  place.region = s.ship_to_region;
  if (viewer == owner) {
    place.name = s.ship_to_name;
    place.uscc = s.ship_to_uscc;
    if (auto cp = s.ship_to_id.empty() ? std::nullopt : v.get(production::keys::counterparty_masked(owner, sort_id(s.ship_to_id)))) {
      const std::string addr = json_string_field(*cp, "address").value_or("");
      const std::string phone = json_string_field(*cp, "phone").value_or("");
      place.contact = addr;
      if (!phone.empty()) place.contact += (place.contact.empty() ? "tel " : " tel ") + phone;
    }
  } else {
    place.name = individual ? mask_person_name(s.ship_to_name) : s.ship_to_name;
    if (!individual) place.uscc = s.ship_to_uscc;
  }
  if (individual && place.name.empty()) place.name = "consumer";
  return place;
}

CsvPlace enterprise_place(const ViewStore& v, std::string_view tenant) {
  return {enterprise_name_of(v, tenant), std::string(tenant), enterprise_region_of(v, tenant), ""};
}

void write_walk(JsonWriter& w, const ViewStore& v, std::string_view viewer, const TraceWalk& walk) {
  std::vector<std::string> order;
  std::map<std::string, std::vector<const TraceItem*>> by_tenant;
  for (const TraceItem& it : walk.items) {
    auto& list = by_tenant[it.ref.tenant];
    if (list.empty()) order.push_back(it.ref.tenant);
    list.push_back(&it);
  }
  w.key("enterprises").begin_array();
  for (const std::string& t : order) {
    w.begin_object().field("enterprise", t).field("name", enterprise_name_of(v, t))
        .field("region", enterprise_region_of(v, t)).field("own", t == viewer);
    w.key("items").begin_array();
    for (const TraceItem* it : by_tenant[t]) write_item(w, v, viewer, *it);
    w.end_array().end_object();
  }
  w.end_array();
  w.key("retail_sales").begin_array();
  for (const TraceItem& it : walk.items) {
    for (const TraceShipment& s : it.shipments) {
      if (s.retail()) write_retail_sale(w, v, viewer, it.ref, it.lot_code, it.product, it.unit, s, s.amount);
    }
  }
  w.end_array();
  w.key("in_transit").begin_array();
  for (const TraceItem& it : walk.items) {
    for (const TraceShipment& s : it.shipments) {
      if (s.in_transit() > 0) write_in_transit(w, v, it.ref, it.unit, s, s.in_transit());
    }
  }
  w.end_array();
  w.key("missing").begin_array();
  for (const TraceItem& it : walk.items) {
    for (const TraceShipment& s : it.shipments) {
      if (s.missing > 0) write_missing(w, v, it.ref, it.unit, s, s.missing);
    }
  }
  w.end_array();
  w.field("truncated", walk.truncated);
}

void write_retail_sale(JsonWriter& w, const ViewStore& v, std::string_view viewer, const ItemRef& at,
                       std::string_view lot_code, std::string_view product, std::string_view unit,
                       const TraceShipment& s, int64_t amount) {
  w.begin_object().field("enterprise", at.tenant).field("enterprise_name", enterprise_name_of(v, at.tenant))
      .field("item_id", at.item_id).field("lot_code", lot_code).field("product", product)
      .field("shipment_id", s.shipment_id).field("so_id", s.so_id).field("sold_on", s.ship_date);
  write_quantity(w, "quantity", amount, unit);
  w.field("payment_voucher_present", !s.payment_voucher.empty());
  if (at.tenant == viewer && !s.payment_voucher.empty()) w.field("payment_voucher", s.payment_voucher);
  w.key("customer");
  write_shipment_customer(w, v, viewer, at.tenant, s);
  w.end_object();
}

void write_in_transit(JsonWriter& w, const ViewStore& v, const ItemRef& at, std::string_view unit,
                      const TraceShipment& s, int64_t amount) {
  w.begin_object().field("enterprise", at.tenant).field("enterprise_name", enterprise_name_of(v, at.tenant))
      .field("item_id", at.item_id).field("shipment_id", s.shipment_id).field("ship_date", s.ship_date);
  write_enterprise(w, v, "to", s.ship_to_tenant);
  write_quantity(w, "quantity", amount, unit);
  write_quantity(w, "shipped", s.amount, unit);
  write_quantity(w, "received", s.received, unit);
  w.end_object();
}

void write_missing(JsonWriter& w, const ViewStore& v, const ItemRef& at, std::string_view unit,
                   const TraceShipment& s, int64_t amount) {
  write_in_transit(w, v, at, unit, s, amount);
}

// ---- one code --------------------------------------------------------------------------------

bool CodePath::passes(std::string_view tenant) const {
  for (const CodeStep& s : steps) {
    if (s.tenant == tenant) return true;
  }
  // Shipped to this enterprise, which recorded it missing at its receipt.
  return status == "missing_at_receipt" && !steps.empty() && steps.back().shipment &&
         steps.back().shipment->ship_to_tenant == tenant;
}

namespace {

std::string lineage_state(std::string_view status) {
  if (status == "consumed_in_production") return "consumed_into";
  if (status == "missing_at_receipt") return "missing";
  if (status == "sold_to_consumer") return "sold_to_consumers";
  if (status == "shipped_to_unregistered") return "at_customer";
  if (status == "in_transit") return "in_transit";
  return "own_stock";
}

}  // namespace

std::optional<CodePath> code_path(const ViewStore& v, std::string_view serial) {
  auto g = v.get(codes::keys::digital_link("gs1", serial));
  if (!g) return std::nullopt;
  ViewRecord r(*g);
  CodePath p;
  p.serial = std::string(serial);
  p.gtin = r.str("gtin");
  p.lot_code = r.str("lot");
  p.producer = r.str("tenant");
  p.batch_id = r.str("batch_id");
  std::string production_date;
  if (auto b = v.get(production::keys::batch(p.producer, sort_id(p.batch_id)))) {
    production_date = json_string_field(*b, "production_date").value_or("");
  }
  p.steps.push_back({"produced", p.producer, p.batch_id, "", production_date, std::nullopt});
  std::string t = p.producer;
  std::string item = p.batch_id;
  p.status = "in_stock";
  p.holder = t;
  p.holder_item = item;
  for (int depth = 0;; ++depth) {
    p.holder = t;
    p.holder_item = item;
    if (depth >= kMaxTraceDepth) {
      p.truncated = true;
      break;
    }
    auto sh_id = v.get(sales::keys::shipment_of_code(t, serial));
    if (!sh_id) {
      p.status = "in_stock";
      if (!item.starts_with("b-")) {
        auto doc = v.get(trace::keys::node(t, sort_id(item)));
        const LineageNode lot = doc ? LineageNode::decode(*doc) : LineageNode{};
        if (lot.consumed > 0 && lot.stock() <= 0) {
          p.status = "consumed_in_production";
          for (const auto& [batch_sid, amount] : lot.consumed_into)
            p.consumed_into.push_back({t, unsort_id(batch_sid)});
        }
      }
      break;
    }
    std::optional<std::string> summary = v.get(sales::keys::shipment_by_batch(t, sort_id(item), sort_id(*sh_id)));
    if (!summary) summary = v.get(sales::keys::shipment(t, sort_id(*sh_id)));
    if (!summary) break;
    TraceShipment s = shipment_of(*summary);
    add_receipts(v, t, s);
    const std::string shipped_item = ViewRecord(*summary).str("batch_id");
    const std::string ship_date = s.ship_date;
    const bool retail = s.retail();
    const std::string to = s.ship_to_tenant;
    p.steps.push_back({"shipped", t, shipped_item.empty() ? item : shipped_item, *sh_id, ship_date, std::move(s)});
    if (retail) {
      p.status = "sold_to_consumer";
      break;
    }
    if (to.empty()) {
      p.status = "shipped_to_unregistered";
      break;
    }
    auto rc = v.get(receiving::keys::received_code(to, serial));
    if (!rc) {
      p.status = v.get(receiving::keys::missing_code(to, serial)) ? "missing_at_receipt" : "in_transit";
      break;
    }
    const std::string receipt_id = json_string_field(*rc, "receipt_id").value_or("");
    const std::string lot_id = json_string_field(*rc, "lot_id").value_or("");
    std::string received_on;
    if (auto rec = v.get(receiving::keys::receipt_summary(to, sort_id(receipt_id)))) {
      received_on = json_string_field(*rec, "received_on").value_or("");
    }
    p.steps.push_back({"received", to, lot_id, receipt_id, received_on, std::nullopt});
    t = to;
    item = lot_id;
  }
  p.state = lineage_state(p.status);
  return p;
}

void write_code_path(JsonWriter& w, const ViewStore& v, std::string_view viewer, const CodePath& p) {
  w.field("serial", p.serial).field("gtin", p.gtin).field("lot_code", p.lot_code);
  write_enterprise(w, v, "producer", p.producer);
  w.field("batch_id", p.batch_id).field("status", p.status).field("state", p.state);
  w.key("consumed_into").begin_array();
  for (const ItemRef& b : p.consumed_into) {
    w.begin_object()
        .field("enterprise_id", b.tenant)
        .field("enterprise_name", enterprise_name_of(v, b.tenant))
        .field("item_id", b.item_id)
        .field("kind", "batch")
        .end_object();
  }
  w.end_array();
  // What the code's batch was made from, in every enterprise (a repacked box names the bags' way).
  w.key("made_from").begin_array();
  if (auto up = v.get(trace::keys::ancestors(p.producer, sort_id(p.batch_id)))) {
    for (const std::string& a : decode_node_list(*up)) {
      const NodeId id = NodeId::parse(a);
      w.begin_object()
          .field("enterprise_id", id.tenant)
          .field("enterprise_name", enterprise_name_of(v, id.tenant))
          .field("item_id", id.item_id())
          .field("kind", id.is_batch() ? "batch" : "lot")
          .end_object();
    }
  }
  w.end_array();
  w.key("holder").begin_object().field("enterprise", p.holder).field("name", enterprise_name_of(v, p.holder))
      .field("item_id", p.holder_item).end_object();
  w.key("steps").begin_array();
  for (const CodeStep& s : p.steps) {
    w.begin_object().field("step", s.kind).field("enterprise", s.tenant).field("name", enterprise_name_of(v, s.tenant))
        .field("item_id", s.item_id).field("date", s.date);
    if (s.kind == "shipped" && s.shipment) {
      const TraceShipment& sh = *s.shipment;
      w.field("shipment_id", sh.shipment_id).field("so_id", sh.so_id).field("channel", sh.channel);
      write_quantity(w, "quantity", sh.per_code, ViewRecord(sh.summary).unit("quantity"));
      w.key("customer");
      write_shipment_customer(w, v, viewer, s.tenant, sh);
      w.key("receiver");
      if (sh.ship_to_tenant.empty()) {
        w.null();
      } else {
        w.begin_object().field("enterprise", sh.ship_to_tenant).field("name", enterprise_name_of(v, sh.ship_to_tenant))
            .end_object();
      }
      if (sh.retail()) {
        w.field("payment_voucher_present", !sh.payment_voucher.empty());
        if (s.tenant == viewer && !sh.payment_voucher.empty()) w.field("payment_voucher", sh.payment_voucher);
      }
    } else if (s.kind == "received") {
      w.field("receipt_id", s.document_id).field("lot_id", s.item_id);
    }
    w.end_object();
  }
  w.end_array().field("truncated", p.truncated);
}

// ---- upstream --------------------------------------------------------------------------------

namespace {

void write_upstream_item(JsonWriter& w, const ViewStore& v, std::string_view viewer, const std::string& t,
                         const std::string& item_id, int depth);

// A lot of enterprise t as another enterprise may see it, with its supplier and its upstream.
void write_upstream_lot(JsonWriter& w, const ViewStore& v, std::string_view viewer, const std::string& t,
                        const std::string& lot_id, const std::string& record, int depth) {
  ViewRecord r(record);
  std::string lot_code = r.str("lot_code");
  if (lot_code.empty()) lot_code = r.str("supplier_lot");
  w.field("lot_id", lot_id).field("material", r.str("material")).field("lot_code", lot_code)
      .field("production_date", r.str("production_date"));
  nullable(w, "expiry_date", r.str("expiry_date"));
  w.field("received_on", r.str("received_on"));
  write_quantity(w, "received_quantity", r.amount("received_quantity"), r.unit("received_quantity"));
  w.key("supplier");
  write_counterparty_for(w, v, viewer, t, r.str("supplier_id"));
  w.key("upstream");
  write_upstream(w, v, viewer, t, lot_id, depth + 1);
}

void write_upstream_item(JsonWriter& w, const ViewStore& v, std::string_view viewer, const std::string& t,
                         const std::string& item_id, int depth) {
  const std::string sid = sort_id(item_id);
  if (item_id.starts_with("b-")) {
    auto rec = v.get(production::keys::batch(t, sid));
    if (!rec) {
      w.null();
      return;
    }
    ViewRecord r(*rec);
    w.begin_object().field("kind", "batch").field("batch_id", item_id).field("product", r.str("product"))
        .field("lot_code", r.str("lot_code"));
    write_quantity(w, "quantity", r.amount("quantity"), r.unit("quantity"));
    w.field("production_date", r.str("production_date"));
    nullable(w, "expiry_date", r.str("expiry_date"));
    w.key("materials").begin_array();
    const std::string bin = production::keys::batch_input(t, sid) + "/";
    v.scan_prefix(bin, [&](std::string_view k, std::string_view used) {
      const std::string lot_sid(k.substr(bin.size()));
      auto lot = v.get(production::keys::lot(t, lot_sid));
      if (!lot) return true;
      w.begin_object();
      write_quantity(w, "quantity_used", view_int(used), ViewRecord(*lot).unit("received_quantity"));
      write_upstream_lot(w, v, viewer, t, unsort_id(lot_sid), *lot, depth);
      w.end_object();
      return true;
    });
    w.end_array().end_object();
    return;
  }
  auto rec = v.get(production::keys::lot(t, sid));
  if (!rec) {
    w.null();
    return;
  }
  w.begin_object().field("kind", "lot");
  write_upstream_lot(w, v, viewer, t, item_id, *rec, depth);
  w.end_object();
}

}  // namespace

void write_upstream(JsonWriter& w, const ViewStore& v, std::string_view viewer, std::string_view tenant,
                    std::string_view lot_id, int depth) {
  auto lot = v.get(production::keys::lot(tenant, sort_id(lot_id)));
  const std::string from = lot ? json_string_field(*lot, "from_tenant").value_or("") : "";
  if (from.empty()) {
    w.null();
    return;
  }
  if (depth >= kMaxTraceDepth) {
    w.begin_object().field("enterprise", from).field("truncated", true).end_object();
    return;
  }
  ViewRecord r(*lot);
  const std::string item = r.str("from_item_id");
  const std::string sh = r.str("shipment_id");
  w.begin_object().field("enterprise", from).field("name", enterprise_name_of(v, from))
      .field("region", enterprise_region_of(v, from));
  w.key("shipment");
  if (auto s = v.get(sales::keys::shipment_by_batch(from, sort_id(item), sort_id(sh)))) {
    ViewRecord sr(*s);
    w.begin_object().field("shipment_id", sh).field("so_id", sr.str("so_id")).field("ship_date", sr.str("ship_date"));
    write_quantity(w, "quantity", sr.amount("quantity"), sr.unit("quantity"));
    w.end_object();
  } else {
    w.null();
  }
  w.key("item");
  write_upstream_item(w, v, viewer, from, item, depth);
  w.field("truncated", false).end_object();
}

// ---- routes' queries -------------------------------------------------------------------------

Result<std::string> TraceQueries::receipts(std::string_view t, const Page& page) const {
  return list_page(views_, ViewKind::kReceiptSummary, t, page);
}

Result<std::string> TraceQueries::receipt(std::string_view t, std::string_view id) const {
  auto rec = views_.get(receiving::keys::receipt(t, sort_id(id)));
  if (!rec) return view_not_found("receipt", id, "receipt_id");
  const std::string origin = json_string_field(*rec, "origin_tenant").value_or("");
  JsonWriter w;
  w.begin_object();
  nullable(w, "origin_name", origin.empty() ? std::string() : enterprise_name_of(views_, origin));
  w.end_object();
  return merge_json_objects(*rec, w.str());
}

Result<std::string> TraceQueries::lot_backward(std::string_view t, std::string_view lot_id) const {
  ProductionQueries production(views_);
  auto lot = production.material_lot(t, lot_id);
  if (!lot.ok()) return lot.error();
  JsonWriter w;
  w.begin_object().field_raw("lot", *lot);
  w.key("supplier");
  write_counterparty_for(w, views_, t, t, json_string_field(*lot, "supplier_id").value_or(""));
  w.key("purchase_order");
  const std::string po_id = json_string_field(*lot, "po_id").value_or("");
  auto po = po_id.empty() ? Result<std::string>(std::string("null")) : production.purchase_order(t, po_id);
  w.raw(po.ok() ? *po : std::string("null"));
  w.key("upstream");
  write_upstream(w, views_, t, t, lot_id);
  w.end_object();
  return w.take();
}

Result<std::string> TraceQueries::code(std::string_view t, std::string_view code) const {
  std::string serial(code);
  if (code.find('/') != std::string_view::npos) {
    auto link = core::parse_digital_link(code);
    if (!link.ok()) return link.error();
    serial = link->serial;
  }
  if (serial.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "field_required", "give the code", "code");
  }
  auto path = code_path(views_, serial);
  // A code that never passed through this enterprise is as unknown to it as a code never made.
  if (!path || !path->passes(t)) return view_not_found("code", code, "code");
  JsonWriter w;
  w.begin_object();
  write_code_path(w, views_, t, *path);
  w.end_object();
  return w.take();
}

}  // namespace agritrace::projections
