#include "projections/trace/projection.h"

#include <algorithm>
#include <set>
#include <string>

#include "core/domain/event.h"
#include "projections/base/keys.h"
#include "projections/trace/keys.h"
#include "projections/trace/lineage_node.h"

namespace agritrace::projections {
namespace {

class LineageProjection final
    : public EventProjection<LineageProjection, trace::Handled, tenant_and_ms> {
 public:
  std::string_view name() const override { return "lineage"; }

 private:
  friend EventProjection;

  static LineageNode load(const NodeId& id, const ViewBatch& b) {
    auto doc = b.get(trace::keys::node(id.tenant, id.sid));
    return doc ? LineageNode::decode(*doc) : LineageNode{};
  }
  static void store(const NodeId& id, const LineageNode& n, ViewBatch& b) {
    b.put(trace::keys::node(id.tenant, id.sid), n.encode());
  }
  static std::set<std::string> list(const std::string& key, const ViewBatch& b) {
    auto text = b.get(key);
    return text ? decode_node_list(*text) : std::set<std::string>{};
  }
  // Adds `more` to the list under `key`; writes only when it grew.
  static void extend(const std::string& key, const std::set<std::string>& more,
                     const std::string& self, ViewBatch& b) {
    std::set<std::string> cur = list(key, b);
    const size_t before = cur.size();
    for (const std::string& s : more) {
      if (s != self) cur.insert(s);
    }
    if (cur.size() != before) b.put(key, encode_node_list(cur));
  }

  static AncestorList ancestors_of(const NodeId& id, const ViewBatch& b) {
    auto text = b.get(trace::keys::ancestors(id.tenant, id.sid));
    return text ? decode_ancestor_list(*text) : AncestorList{};
  }
  // Sets the labels `labels` in the ancestor list of `id` (all but its own); writes only when it
  // changed.
  static void merge_ancestors(const NodeId& id, const std::string& self, const AncestorList& labels,
                              ViewBatch& b) {
    AncestorList cur = ancestors_of(id, b);
    bool changed = false;
    for (const auto& [a, label] : labels) {
      if (a == self) continue;
      auto [it, added] = cur.try_emplace(a, label);
      if (!added) {
        if (it->second == label) continue;
        it->second = label;
      }
      changed = true;
    }
    if (changed) b.put(trace::keys::ancestors(id.tenant, id.sid), encode_ancestor_list(cur));
  }
  // The label of `id` changed from `before` to `n`: every item downstream carries the new one in
  // its ancestor list (what a backward trace answers from).
  static void relabel(const NodeId& id, const std::string& before, const LineageNode& n,
                      ViewBatch& b) {
    const std::string label = encode_label(n);
    if (label == before) return;
    const std::string self = id.str();
    for (const std::string& d : list(trace::keys::descendants(id.tenant, id.sid), b)) {
      merge_ancestors(NodeId::parse(d), d, AncestorList{{self, label}}, b);
    }
  }

  // The goods of `from` went into `to`: every item upstream of `from` (and itself) gains every item
  // downstream of `to` (and itself), and the other way round. The closure of the final edge set,
  // whatever the order the edges came in. Ancestor lists carry each ancestor's current label:
  // those of `from`'s list are current, `from`'s own is its document's, and `to`'s changed (it
  // gained `from`) in every list downstream of it. `from_node` is `from`'s document as the caller
  // just stored it.
  static void link(const NodeId& from, const LineageNode& from_node, const NodeId& to,
                   ViewBatch& b) {
    LineageNode n = load(to, b);
    if (!n.from.insert(from.str()).second) return;
    store(to, n, b);
    AncestorList up = ancestors_of(from, b);
    up[from.str()] = encode_label(from_node);
    std::set<std::string> down = list(trace::keys::descendants(to.tenant, to.sid), b);
    down.insert(to.str());
    for (const auto& [a, label] : up) {
      const NodeId id = NodeId::parse(a);
      extend(trace::keys::descendants(id.tenant, id.sid), down, a, b);
    }
    AncestorList with_to = up;
    with_to[to.str()] = encode_label(n);
    for (const std::string& d : down) {
      merge_ancestors(NodeId::parse(d), d, d == to.str() ? up : with_to, b);
    }
  }

  // Goods come into a lot (bought or received; a later receipt into the same lot adds).
  static void receive(LineageNode& n, const std::string& product, const std::string& lot_code,
                      const core::Quantity& q) {
    n.product = product;
    n.lot_code = lot_code;
    n.unit = std::string(core::unit_name(q.unit));
    n.quantity += q.amount;
  }

  template <typename E>
  void describe_batch(const std::string& t, const E& e, ViewBatch& b) {
    const NodeId id = NodeId::of(t, e.batch_id);
    LineageNode n = load(id, b);
    const std::string before = encode_label(n);
    n.product = e.product;
    n.unit = std::string(core::unit_name(e.quantity.unit));
    n.quantity = e.quantity.amount;
    if constexpr (requires { e.lot_code; }) n.lot_code = e.lot_code;
    store(id, n, b);
    relabel(id, before, n, b);
  }

  void on(const std::string& t, int64_t, const core::BatchCreated& e, ViewBatch& b) {
    describe_batch(t, e, b);
  }
  void on(const std::string& t, int64_t, const core::BatchAmended& e, ViewBatch& b) {
    describe_batch(t, e, b);
  }

  void on(const std::string& t, int64_t, const core::PurchaseOrderReceived& e, ViewBatch& b) {
    const NodeId id = NodeId::of(t, e.lot_id);
    LineageNode n = load(id, b);
    const std::string before = encode_label(n);
    receive(n, e.material, e.supplier_lot, e.quantity);
    store(id, n, b);
    relabel(id, before, n, b);
  }

  void on(const std::string& t, int64_t, const core::CodesGenerated& e, ViewBatch& b) {
    const NodeId id = NodeId::of(t, e.batch_id);
    LineageNode n = load(id, b);
    n.codes += static_cast<int64_t>(e.serials.size());
    store(id, n, b);
  }

  void on(const std::string& t, int64_t, const core::BatchMaterialConsumed& e, ViewBatch& b) {
    const NodeId lot = NodeId::of(t, e.lot_id);
    const NodeId batch = NodeId::of(t, e.batch_id);
    LineageNode n = load(lot, b);
    n.consumed += e.quantity.amount;
    n.consumed_into[batch.sid] += e.quantity.amount;
    store(lot, n, b);
    link(lot, n, batch, b);
  }

  void on(const std::string& t, int64_t, const core::StockAdjusted& e, ViewBatch& b) {
    const NodeId id = NodeId::of(t, e.item_id);
    LineageNode n = load(id, b);
    if (e.delta.amount >= 0)
      n.adjusted_up += e.delta.amount;
    else
      n.written_off -= e.delta.amount;
    store(id, n, b);
  }

  void on(const std::string& t, int64_t, const core::ShipmentRecorded& e, ViewBatch& b) {
    const NodeId id = NodeId::of(t, e.batch_id);
    LineageNode n = load(id, b);
    const int64_t q = e.quantity.amount;
    const auto codes = static_cast<int64_t>(e.serials.size());
    n.shipped += q;
    n.shipped_codes += codes;
    if (e.quantity_per_code > 0 && !e.serials.empty())
      n.per_code = std::max(n.per_code, e.quantity_per_code);
    if (e.ship_to_individual) {
      n.retail_sales += 1;
      n.retail_quantity += q;
      n.retail_codes += codes;
    } else if (!e.ship_to_tenant.empty()) {
      LineageShipment& s = n.shipments[sort_id(e.shipment_id)];
      s.to = e.ship_to_tenant;
      s.date = core::format_date(e.ship_date);
      s.shipped += q;
      s.shipped_codes += codes;
    } else {
      const std::string key = e.ship_to_uscc.empty() ? "cp:" + e.ship_to_id : e.ship_to_uscc;
      LineageCustomer& c = n.customers[key];
      c.kind = e.ship_to_uscc.empty() ? "individual" : "enterprise";
      c.name = e.ship_to_name;
      c.uscc = e.ship_to_uscc;
      c.region = e.ship_to_region;
      c.quantity += q;
      c.codes += codes;
    }
    store(id, n, b);
  }

  void on(const std::string& t, int64_t, const core::GoodsReceived& e, ViewBatch& b) {
    const NodeId lot = NodeId::of(t, e.lot_id);
    LineageNode n = load(lot, b);
    const std::string before = encode_label(n);
    receive(n, e.product, e.lot_code, e.quantity);
    n.codes += static_cast<int64_t>(e.serials.size());
    if (e.quantity_per_code > 0) n.per_code = e.quantity_per_code;
    store(lot, n, b);
    relabel(lot, before, n, b);
    if (e.from_tenant.empty() || e.from_item_id.empty()) return;  // bought by hand: no upstream

    // The sender's shipment: what came in, and the codes recorded missing (each once: a code
    // missing at two scans of the same shipment, or received after all, is counted right).
    const NodeId from = NodeId::of(e.from_tenant, e.from_item_id);
    LineageNode sender = load(from, b);
    LineageShipment& s = sender.shipments[sort_id(e.shipment_id)];
    s.to = t;
    s.received += e.quantity.amount;
    s.received_codes += static_cast<int64_t>(e.serials.size());
    const int64_t per = e.quantity_per_code > 0 ? e.quantity_per_code : 0;
    for (const std::string& serial : e.serials) {
      const std::string key = trace::keys::missing_code(t, serial);
      if (!b.get(key)) continue;
      b.del(key);
      s.missing -= per;
      s.missing_codes -= 1;
    }
    for (const std::string& serial : e.missing_serials) {
      const std::string key = trace::keys::missing_code(t, serial);
      if (b.get(key)) continue;
      b.put(key, from.str() + "/" + sort_id(e.shipment_id));
      s.missing += per;
      s.missing_codes += 1;
    }
    store(from, sender, b);
    link(from, sender, lot, b);
  }
};

}  // namespace

std::unique_ptr<Projection> make_lineage_projection() {
  return std::make_unique<LineageProjection>();
}

}  // namespace agritrace::projections
