// The lineage document of one stock item (an own batch "b-N" or a lot "lot-N" of one enterprise),
// kept by the lineage projection (projections/trace/projection.h) and read by the lineage queries
// (projections/trace/lineage.h). Every number is a sum or a keyed value, so the document comes out
// the same whatever the order in which the events of different enterprises arrive.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace agritrace::projections {

// "T/b-000000000001": an item of one enterprise as the lineage lists store it (sort id, so lists
// sort in creation order); NodeId::parse splits it back.
struct NodeId {
  std::string tenant, sid;  // sid: sort id of the item
  std::string item_id() const;
  bool is_batch() const { return sid.starts_with("b-"); }
  std::string str() const { return tenant + "/" + sid; }
  static NodeId parse(std::string_view s);
  static NodeId of(std::string_view tenant, std::string_view item_id);
  auto operator<=>(const NodeId&) const = default;
};

// A shipment of the item to a registered enterprise: what left, what the receiver scanned in and
// what it recorded missing (the rest is in transit).
struct LineageShipment {
  std::string to;  // the receiving tenant
  std::string date;
  int64_t shipped = 0, shipped_codes = 0;
  int64_t received = 0, received_codes = 0;
  int64_t missing = 0, missing_codes = 0;
  int64_t in_transit() const { return shipped - received - missing; }
  int64_t in_transit_codes() const { return shipped_codes - received_codes - missing_codes; }
};

// Goods delivered to a customer that is not on the platform (an enterprise by USCC, a person).
struct LineageCustomer {
  std::string kind;  // enterprise | individual
  std::string name, uscc, region;
  int64_t quantity = 0, codes = 0;
};

struct LineageNode {
  std::string product, lot_code, unit;
  int64_t quantity = 0, codes = 0;  // produced (batch) or received (lot); codes made or received
  int64_t per_code = 0;             // quantity per code, 0 when unknown
  int64_t shipped = 0, shipped_codes = 0, consumed = 0, adjusted_up = 0, written_off = 0;
  int64_t retail_sales = 0, retail_quantity = 0, retail_codes = 0;
  std::set<std::string> from;                        // direct upstream items (NodeId::str)
  std::map<std::string, int64_t> consumed_into;      // own batch sort id -> amount
  std::map<std::string, LineageShipment> shipments;  // shipment sort id -> registered receiver
  std::map<std::string, LineageCustomer> customers;  // customer key -> unregistered customer

  int64_t stock() const { return quantity + adjusted_up - written_off - consumed - shipped; }
  // Codes still on hand, counted by quantity when the quantity per code is known.
  int64_t stock_codes() const;
  int64_t written_off_codes() const { return per_code > 0 ? written_off / per_code : 0; }

  std::string encode() const;
  static LineageNode decode(std::string_view text);
  // Only what an item's label needs (product, lot code, direct upstream items): the backward
  // trace reads many documents and writes nothing else of them.
  static LineageNode decode_label(std::string_view text);
};

// A sorted set of NodeId::str, stored one per line. Reads the ids of an ancestor list too.
std::set<std::string> decode_node_list(std::string_view text);
// The same ids in list order without copying them (the query side reads lists of hundreds).
void for_each_listed_node(std::string_view text, const std::function<void(std::string_view)>& fn);
std::string encode_node_list(const std::set<std::string>& list);

// An item's label as its descendants' ancestor lists carry it: product, lot code and direct
// upstream items (what a backward trace shows of each ancestor), so a backward trace reads one
// list instead of every ancestor's document. Equal labels encode to equal text.
std::string encode_label(const LineageNode& n);
LineageNode decode_label_text(std::string_view label);
// Every item upstream of one (the closure, NodeId::str) with its current label, one per line.
using AncestorList = std::map<std::string, std::string>;  // NodeId::str -> encode_label
AncestorList decode_ancestor_list(std::string_view text);
std::string encode_ancestor_list(const AncestorList& list);

}  // namespace agritrace::projections
