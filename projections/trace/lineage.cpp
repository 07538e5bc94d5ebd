#include "projections/trace/lineage.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/base/identifiers.h"
#include "core/codes/codes.h"
#include "core/sales/events.h"
#include "projections/base/keys.h"
#include "projections/base/view_record.h"
#include "projections/base/view_values.h"
#include "projections/sales/keys.h"
#include "projections/trace/keys.h"
#include "projections/trace/queries.h"

namespace agritrace::projections {
namespace {

void write_item_ref(JsonWriter& w, std::string_view tenant, std::string_view sid) {
  w.begin_object()
      .field("enterprise_id", tenant)
      .field("item_id", UnsortedId(sid).view())
      .field("kind", sid.starts_with("b-") ? "batch" : "lot")
      .end_object();
}
void write_item_ref(JsonWriter& w, const NodeId& id) { write_item_ref(w, id.tenant, id.sid); }

void write_item(JsonWriter& w, const ViewStore& v, const NodeId& id, const LineageNode& n) {
  w.field("enterprise_id", id.tenant)
      .field("enterprise_name", enterprise_name_view(v, id.tenant))
      .field("item_id", UnsortedId(id.sid).view())
      .field("kind", id.is_batch() ? "batch" : "lot")
      .field("product", n.product)
      .field("lot_code", n.lot_code);
}

void write_from(JsonWriter& w, const LineageNode& n) {
  w.key("from").begin_array();
  for (const std::string& f : n.from) {
    const std::string_view s(f);
    const size_t slash = s.find('/');
    if (slash == std::string_view::npos) {
      write_item_ref(w, s, "");
    } else {
      write_item_ref(w, s.substr(0, slash), s.substr(slash + 1));
    }
  }
  w.end_array();
}

// A reach's items in (enterprise, item) order, the root among them.
std::vector<const std::pair<NodeId, LineageNode>*> sorted_items(const Reach& r) {
  std::vector<const std::pair<NodeId, LineageNode>*> sorted;
  sorted.reserve(r.items.size());
  for (const auto& item : r.items) sorted.push_back(&item);
  std::sort(sorted.begin(), sorted.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  return sorted;
}

// A customer outside the platform, the same way for every viewer: an enterprise by name, USCC and
// region; a person masked.
void write_customer(JsonWriter& w, const LineageCustomer& c) {
  w.begin_object().field("kind", c.kind);
  if (c.kind == "enterprise") {
    w.field("name", c.name).field("uscc", c.uscc);
  } else {
    w.field("name", mask_person_name(c.name));
  }
  w.field("region", c.region).end_object();
}

struct Totals {
  int64_t codes = 0;
  std::map<std::string, int64_t> quantity;  // unit -> amount
  void add(int64_t c, int64_t q, const std::string& unit) {
    codes += c;
    quantity[unit] += q;
  }
  void write(JsonWriter& w) const {
    w.begin_object().field("codes", codes).key("quantity").begin_array();
    write_amounts(w);
    w.end_array().end_object();
  }
  void write_amounts(JsonWriter& w) const {
    for (const auto& [unit, amount] : quantity)
      w.begin_object().field("amount", amount).field("unit", unit).end_object();
  }
};

Error item_not_found(std::string_view item_id) {
  const bool batch = item_id.starts_with("b-");
  return view_not_found(batch ? "batch" : "material_lot", item_id, batch ? "batch_id" : "lot_id");
}

bool valid_item_id(std::string_view item_id) {
  return item_id.starts_with("b-") || item_id.starts_with("lot-");
}

}  // namespace

std::string_view holder_state_name(HolderState s) {
  switch (s) {
    case HolderState::kOwnStock:
      return "own_stock";
    case HolderState::kInTransit:
      return "in_transit";
    case HolderState::kMissing:
      return "missing";
    case HolderState::kConsumedInto:
      return "consumed_into";
    case HolderState::kWrittenOff:
      return "written_off";
    case HolderState::kSoldToConsumers:
      return "sold_to_consumers";
    case HolderState::kAtCustomer:
      return "at_customer";
  }
  return "own_stock";
}

std::optional<LineageNode> LineageQueries::node(const NodeId& id) const {
  auto doc = views_.get(trace::keys::node(id.tenant, id.sid));
  if (!doc) return std::nullopt;
  return LineageNode::decode(*doc);
}

Reach LineageQueries::reach(const NodeId& root) const {
  Reach r;
  // The root's document and its descendant list in one MultiGet, then every descendant's
  // document in a second (one lookup per key was most of a recall's time).
  auto first = views_.multi_get(
      {trace::keys::node(root.tenant, root.sid), trace::keys::descendants(root.tenant, root.sid)});
  if (!first[0]) return r;
  r.items.emplace_back(root, LineageNode::decode(*first[0]));
  if (!first[1]) return r;
  std::vector<std::string_view> listed;
  std::vector<std::string> keys;
  for_each_listed_node(*first[1], [&](std::string_view d) {
    listed.push_back(d);
    const size_t slash = d.find('/');
    keys.push_back(slash == std::string_view::npos
                       ? trace::keys::node(d, "")
                       : trace::keys::node(d.substr(0, slash), d.substr(slash + 1)));
  });
  auto docs = views_.multi_get(keys);
  r.items.reserve(1 + listed.size());
  for (size_t i = 0; i < listed.size(); ++i) {
    if (docs[i]) r.items.emplace_back(NodeId::parse(listed[i]), LineageNode::decode(*docs[i]));
  }
  return r;
}

std::vector<HolderRow> LineageQueries::holders(const Reach& r) {
  return holders_of(sorted_items(r));
}

std::vector<HolderRow> LineageQueries::holders_of(
    const std::vector<const std::pair<NodeId, LineageNode>*>& sorted) {
  std::vector<HolderRow> rows;
  for (const auto* item : sorted) {
    const NodeId& id = item->first;
    const LineageNode& n = item->second;
    const int64_t per_code = n.per_code;
    const auto codes_of = [per_code](int64_t q) { return per_code > 0 ? q / per_code : 0; };
    if (n.stock() > 0)
      rows.push_back({HolderState::kOwnStock, &id, &n, n.stock_codes(), n.stock(), {}, {}, 0});
    for (const auto& [sid, s] : n.shipments) {
      if (s.in_transit() > 0) {
        rows.push_back({HolderState::kInTransit, &id, &n, std::max<int64_t>(s.in_transit_codes(), 0),
                        s.in_transit(), sid, s.to, 0});
      }
    }
    for (const auto& [sid, s] : n.shipments) {
      if (s.missing > 0)
        rows.push_back({HolderState::kMissing, &id, &n, s.missing_codes, s.missing, sid, s.to, 0});
    }
    for (const auto& [batch, amount] : n.consumed_into) {
      if (amount > 0)
        rows.push_back(
            {HolderState::kConsumedInto, &id, &n, codes_of(amount), amount, batch, id.tenant, 0});
    }
    if (n.written_off > 0) {
      rows.push_back(
          {HolderState::kWrittenOff, &id, &n, n.written_off_codes(), n.written_off, {}, {}, 0});
    }
    if (n.retail_quantity > 0) {
      rows.push_back({HolderState::kSoldToConsumers, &id, &n, n.retail_codes, n.retail_quantity, {},
                      {}, n.retail_sales});
    }
    for (const auto& [key, c] : n.customers) {
      if (c.quantity > 0)
        rows.push_back({HolderState::kAtCustomer, &id, &n, c.codes, c.quantity, key, {}, 0});
    }
  }
  return rows;
}

TraceWalk walk_of(const ViewStore& v, const Reach& r) {
  TraceWalk walk;
  std::vector<std::optional<TraceItem>> loaded;
  std::map<std::string, size_t> index;  // NodeId::str -> position in r.items
  for (const auto& [id, n] : r.items) {
    index.emplace(id.str(), loaded.size());
    loaded.push_back(load_trace_item(v, ItemRef{id.tenant, id.item_id()}, n));
  }
  // Breadth first from the root over the edges the items hold: batches they went into, then the
  // receivers' lots of each shipment (each item once, at its first reach).
  std::vector<bool> placed(loaded.size(), false);
  std::vector<size_t> queue;
  auto place = [&](size_t i, int depth, const TraceItem* parent, std::string via) {
    if (placed[i] || !loaded[i]) return;
    placed[i] = true;
    loaded[i]->depth = depth;
    if (parent != nullptr) loaded[i]->reached_from = parent->ref;
    loaded[i]->via_shipment = std::move(via);
    queue.push_back(i);
  };
  auto child = [&](const ItemRef& ref) {
    auto at = index.find(NodeId::of(ref.tenant, ref.item_id).str());
    return at == index.end() ? std::optional<size_t>() : std::optional<size_t>(at->second);
  };
  if (!loaded.empty()) place(0, 0, nullptr, "");
  for (size_t q = 0; q < queue.size(); ++q) {
    const TraceItem& it = *loaded[queue[q]];
    for (const auto& [batch_id, amount] : it.consumed_into) {
      if (auto c = child({it.ref.tenant, batch_id})) place(*c, it.depth + 1, &it, "");
    }
    for (const TraceShipment& s : it.shipments) {
      for (const ItemRef& lot : s.received_as) {
        if (auto c = child(lot)) place(*c, it.depth + 1, &it, s.shipment_id);
      }
    }
  }
  for (size_t i = 0; i < loaded.size(); ++i) place(i, 0, nullptr, "");  // none expected
  for (size_t i : queue) walk.items.push_back(std::move(*loaded[i]));
  return walk;
}

bool LineageQueries::write_forward(JsonWriter& w, std::string_view viewer,
                                   const NodeId& root) const {
  return write_forward(w, viewer, reach(root));
}

bool LineageQueries::write_forward(JsonWriter& w, std::string_view viewer, const Reach& r) const {
  (void)viewer;  // every viewer sees the same lineage (other enterprises' customers masked for all)
  if (r.items.empty()) return false;
  const NodeId& root = r.items.front().first;
  const auto sorted = sorted_items(r);
  w.key("root").begin_object();
  write_item(w, views_, root, r.items.front().second);
  w.end_object();

  Totals total;
  std::map<std::string_view, Totals> by_state;  // names are literals (holder_state_name)
  w.key("holders").begin_array();
  for (const HolderRow& h : holders_of(sorted)) {
    const LineageNode& n = *h.node;
    const std::string_view state = holder_state_name(h.state);
    w.begin_object()
        .field("state", state)
        .field("enterprise_id", h.item->tenant)
        .field("enterprise_name", enterprise_name_view(views_, h.item->tenant));
    w.key("item");
    write_item_ref(w, *h.item);
    w.field("product", n.product).field("lot_code", n.lot_code).field("codes", h.codes);
    write_quantity(w, "quantity", h.quantity, n.unit);
    switch (h.state) {
      case HolderState::kInTransit:
      case HolderState::kMissing:
        w.key("to")
            .begin_object()
            .field("enterprise_id", h.to)
            .field("enterprise_name", enterprise_name_view(views_, h.to))
            .end_object();
        w.field("shipment_id", UnsortedId(h.ref).view());
        break;
      case HolderState::kConsumedInto:
        w.key("into");
        write_item_ref(w, h.item->tenant, h.ref);
        break;
      case HolderState::kSoldToConsumers:
        w.field("sales", h.sales)
            .key("customer")
            .begin_object()
            .field("kind", "consumer")
            .end_object();
        break;
      case HolderState::kAtCustomer:
        w.key("customer");
        write_customer(w, n.customers.at(std::string(h.ref)));
        break;
      default:
        break;
    }
    w.end_object();
    by_state[state].add(h.codes, h.quantity, n.unit);
    if (h.state != HolderState::kConsumedInto) total.add(h.codes, h.quantity, n.unit);
  }
  w.end_array();
  w.key("totals").begin_object().field("codes", total.codes).key("quantity").begin_array();
  total.write_amounts(w);
  w.end_array().key("by_state").begin_object();
  for (const auto& [state, t] : by_state) {
    w.key(state);
    t.write(w);
  }
  w.end_object().end_object();

  w.key("batches").begin_array();
  for (const auto* item : sorted) {
    if (!item->first.is_batch()) continue;
    w.begin_object();
    write_item(w, views_, item->first, item->second);
    w.end_object();
  }
  w.end_array().key("items").begin_array();
  for (const auto* item : sorted) {
    w.begin_object();
    write_item(w, views_, item->first, item->second);
    write_from(w, item->second);
    w.end_object();
  }
  w.end_array();
  return true;
}

Result<std::string> LineageQueries::forward(std::string_view asker, std::string_view tenant,
                                            std::string_view item_id) const {
  JsonWriter w;
  w.begin_object();
  if (!valid_item_id(item_id) || !write_forward(w, asker, NodeId::of(tenant, item_id))) {
    return item_not_found(item_id);
  }
  w.end_object();
  return w.take();
}

Result<std::string> LineageQueries::backward(std::string_view, std::string_view tenant,
                                             std::string_view item_id) const {
  if (!valid_item_id(item_id)) return item_not_found(item_id);
  const NodeId id = NodeId::of(tenant, item_id);
  // The item's document and its ancestor list in one MultiGet: the list carries every ancestor's
  // label (the projection keeps them current), so no ancestor's own document is read.
  auto first = views_.multi_get(
      {trace::keys::node(id.tenant, id.sid), trace::keys::ancestors(id.tenant, id.sid)});
  if (!first[0]) return item_not_found(item_id);
  const LineageNode self = LineageNode::decode_label(*first[0]);
  JsonWriter w;
  w.begin_object().key("item").begin_object();
  write_item(w, views_, id, self);
  write_from(w, self);
  w.end_object().key("upstream").begin_array();
  if (first[1]) {
    for (const auto& [a, label] : decode_ancestor_list(*first[1])) {
      const LineageNode n = decode_label_text(label);
      w.begin_object();
      write_item(w, views_, NodeId::parse(a), n);
      write_from(w, n);
      w.end_object();
    }
  }
  w.end_array().end_object();
  return w.take();
}

Result<std::string> LineageQueries::recall(std::string_view asker,
                                           std::string_view recall_id) const {
  auto rc = views_.get(sales::keys::recall(asker, sort_id(recall_id)));
  if (!rc) return view_not_found("recall", recall_id, "recall_id");
  ViewRecord r(*rc);
  const std::string scope = r.str("scope");
  const std::string target = r.str("target");
  JsonWriter w;
  w.begin_object()
      .key("recall")
      .begin_object()
      .field("enterprise_id", asker)
      .field("recall_id", recall_id)
      .field("scope", scope)
      .field("target", target)
      .end_object();
  if (scope != "code") {
    write_forward(w, asker, NodeId::of(asker, target));
  } else if (auto path = code_path(views_, target)) {
    write_code_place(w, *path);
  }
  w.end_object();
  return w.take();
}

// A single-code recall: the code's batch as the root and one holder row, the code's place now.
void LineageQueries::write_code_place(JsonWriter& w, const CodePath& path) const {
  const NodeId root = NodeId::of(path.producer, path.batch_id);
  const NodeId at = NodeId::of(path.holder, path.holder_item);
  const LineageNode root_doc = node(root).value_or(LineageNode{});
  const LineageNode doc = node(at).value_or(LineageNode{});
  const int64_t amount =
      doc.per_code > 0 ? doc.per_code : (root_doc.per_code > 0 ? root_doc.per_code : 1);
  const std::string unit = doc.unit.empty() ? root_doc.unit : doc.unit;
  w.key("root").begin_object();
  write_item(w, views_, root, root_doc);
  w.end_object()
      .key("holders")
      .begin_array()
      .begin_object()
      .field("state", path.state)
      .field("enterprise_id", at.tenant)
      .field("enterprise_name", enterprise_name_view(views_, at.tenant));
  w.key("item");
  write_item_ref(w, at);
  w.field("product", doc.product).field("lot_code", path.lot_code).field("codes", int64_t{1});
  write_quantity(w, "quantity", amount, unit);
  w.field("serial", path.serial).end_object().end_array();
  Totals one;
  one.add(1, amount, unit);
  w.key("totals").begin_object().field("codes", int64_t{1}).key("quantity").begin_array();
  one.write_amounts(w);
  w.end_array().key("by_state").begin_object().key(path.state);
  one.write(w);
  w.end_object().end_object();
  w.key("batches").begin_array().begin_object();
  write_item(w, views_, root, root_doc);
  w.end_object().end_array().key("items").begin_array().begin_object();
  write_item(w, views_, at, doc);
  write_from(w, doc);
  w.end_object().end_array();
}

std::vector<RecallRef> LineageQueries::recalls_of_code(std::string_view serial) const {
  std::vector<RecallRef> out;
  auto add = [&](std::string_view t, const std::string& prefix) {
    views_.scan_prefix(prefix, [&](std::string_view, std::string_view val) {
      RecallRef ref{std::string(t), std::string(val)};
      if (std::find(out.begin(), out.end(), ref) == out.end()) out.push_back(std::move(ref));
      return true;
    });
  };
  auto path = code_path(views_, serial);
  if (!path) return out;
  add(path->producer, sales::keys::recall_by_code(path->producer, serial) + "/");
  // The item the code is in now (or was last in): everything upstream of it in every enterprise,
  // its own batch and every lot it was received into among them.
  std::set<std::string> items;
  for (const CodeStep& s : path->steps) {
    if (s.kind != "shipped") items.insert(NodeId::of(s.tenant, s.item_id).str());
  }
  const NodeId last = NodeId::of(path->holder, path->holder_item);
  items.insert(last.str());
  if (auto up = views_.get(trace::keys::ancestors(last.tenant, last.sid))) {
    for (const std::string& a : decode_node_list(*up)) items.insert(a);
  }
  for (const std::string& s : items) {
    const NodeId id = NodeId::parse(s);
    add(id.tenant, (id.is_batch() ? sales::keys::recall_by_batch(id.tenant, id.sid)
                                  : sales::keys::recall_by_lot(id.tenant, id.sid)) +
                       "/");
  }
  return out;
}

std::string recall_status_json(const ViewStore& v, const std::vector<RecallRef>& ids,
                               std::string_view viewer) {
  JsonWriter w;
  w.begin_object().field("recalled", !ids.empty()).key("recalls").begin_array();
  for (const auto& ref : ids) {
    auto rc = v.get(sales::keys::recall(ref.tenant, sort_id(ref.id)));
    if (!rc) continue;
    ViewRecord r(*rc);
    w.begin_object()
        .field("recall_id", ref.id)
        .field("scope", r.str("scope"))
        .field("target", r.str("target"))
        .field("reason", r.str("reason"))
        .field("raised_on", r.str("raised_on"));
    if (ref.tenant != viewer)
      w.field("enterprise", ref.tenant).field("enterprise_name", enterprise_name_view(v, ref.tenant));
    w.end_object();
  }
  w.end_array().end_object();
  return w.take();
}

std::string LineageQueries::recall_status(std::string_view serial) const {
  return recall_status_json(views_, recalls_of_code(serial), "");
}

}  // namespace agritrace::projections
