// Tracing across enterprises: receipts, the "walk" answer (members
// enterprises / retail_sales / in_transit / missing) that recall and whereabouts show, the
// upstream answer of backward traces, and the path of one code.
//
// The walk answer lists (enterprise, stock item) nodes in breadth-first order from the root: a
// lot -> the own batches that consumed it -> the shipments of each item -> the receiving
// enterprises' lots -> ... The nodes are the lineage's closure (projections/trace/lineage.h
// walk_of), read from precomputed lists, not followed edge by edge at read time.
//
// What a viewer sees of other enterprises (the authorisation decision, docs/ARCHITECTURE.md): an
// enterprise tracing its own goods (or that raised a recall) sees, for the enterprises its goods
// reached, their names and regions, item ids, lot codes, quantities, dates and document ids
// (shipments, sales orders, receipts) of THOSE goods; never their notes, prices, documents,
// counterparties' contacts, or other goods; their individual customers only as a masked name and
// region; the payment voucher only as present or not. Its own records are shown as its other
// answers show them (counterparties masked ).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/base/json_writer.h"
#include "core/base/status.h"
#include "projections/base/pagination.h"
#include "projections/base/view_store.h"
#include "projections/trace/lineage_node.h"

namespace agritrace::projections {

inline constexpr int kMaxTraceDepth = 16;

// A stock item of one enterprise: an own batch "b-N" or a lot "lot-N" (ids as clients see them).
struct ItemRef {
  std::string tenant;
  std::string item_id;
  bool operator==(const ItemRef&) const = default;
};

struct TraceShipment {
  std::string summary;  // the shb/ record
  std::string shipment_id, so_id, ship_date, channel, ship_to_id, ship_to_name, ship_to_uscc,
      ship_to_tenant, ship_to_region, payment_voucher;
  int64_t amount = 0;
  int64_t per_code = 1;
  int64_t received = 0;               // by the registered receiver, over its receipts
  int64_t missing = 0;                // recorded missing by the receiver (the lineage's count)
  std::vector<ItemRef> received_as;   // the receiver's lots
  bool retail() const { return channel == "retail"; }
  // Shipped to a registered enterprise, neither received nor recorded missing yet.
  int64_t in_transit() const {
    return ship_to_tenant.empty() || received + missing >= amount ? 0 : amount - received - missing;
  }
};

// A shipment as its summary record (shb/) tells it (receipts not read).
TraceShipment shipment_summary(std::string_view summary);

struct TraceOrder {
  std::string so_id, customer_id, status;
  int64_t ordered = 0, shipped = 0;
};

// The open (or partially shipped) sales orders of a tenant's stock item (its sort id), in order.
std::vector<TraceOrder> open_orders_of(const ViewStore& v, std::string_view tenant,
                                       std::string_view item_sid);

struct TraceItem {
  ItemRef ref;
  bool is_batch = false;
  int depth = 0;
  std::optional<ItemRef> reached_from;  // the parent node
  std::string via_shipment;             // the parent's shipment ("" when consumed into a batch)
  std::string product, lot_code, unit, production_date, expiry_date;
  std::string origin_tenant, origin_batch_id;  // received lots
  int64_t quantity = 0;  // produced (batch) or received (lot)
  int64_t consumed = 0, shipped = 0, adjusted = 0;
  int64_t stock() const { return quantity - consumed - shipped + adjusted; }
  std::vector<std::pair<std::string, int64_t>> consumed_into;  // own batch id -> amount
  std::vector<TraceShipment> shipments;
  std::vector<TraceOrder> open_orders;
};

struct TraceWalk {
  std::vector<TraceItem> items;  // breadth first from the starts, each node once
  bool truncated = false;        // kept in the answer; the lineage closure has no depth limit
};

// One item of a lineage as the walk answer shows it (nullopt when the item does not exist): its
// record (names, dates, origin), its shipments' summaries and receivers' lots, its open orders;
// every number from its lineage document `n` (projections/trace/lineage_node.h), so the walk
// answer and the lineage cannot disagree. The items themselves come from the lineage's closure
// lists (projections/trace/lineage.h walk_of): nothing is walked at read time.
std::optional<TraceItem> load_trace_item(const ViewStore& v, const ItemRef& ref,
                                         const LineageNode& n);

// JSON pieces for `viewer` (see the header comment for what of other enterprises is shown).
std::string enterprise_name_of(const ViewStore& v, std::string_view tenant);
// The same without a copy, for writing at once: valid until this thread's next call (the
// per-thread cache behind it is only cleared when it grows past its bound or the store changes).
std::string_view enterprise_name_view(const ViewStore& v, std::string_view tenant);
std::string enterprise_region_of(const ViewStore& v, std::string_view tenant);
// A counterparty `owner` recorded: as stored (masked) for the owner, else limited and masked.
void write_counterparty_for(JsonWriter& w, const ViewStore& v, std::string_view viewer,
                            std::string_view owner, std::string_view counterparty_id);
// The customer of a shipment for the viewer (as above; the shipment's own names as fallback).
void write_shipment_customer(JsonWriter& w, const ViewStore& v, std::string_view viewer,
                             std::string_view owner, const TraceShipment& s);
// A place in a CSV report: name, USCC and region in their own columns, and (the viewer's own
// customers only) the contact as recorded (masked ).
struct CsvPlace {
  std::string name, uscc, region, contact;
};
// The customer of a shipment as a CSV place (masked for other enterprises; a retail consumer
// without a name is "consumer").
CsvPlace customer_place(const ViewStore& v, std::string_view viewer, std::string_view owner,
                        const TraceShipment& s);
// A registered enterprise as a CSV place.
CsvPlace enterprise_place(const ViewStore& v, std::string_view tenant);
// Members "enterprises" (per enterprise reached: its items), "retail_sales", "in_transit",
// "missing" and "truncated", written into the current object.
void write_walk(JsonWriter& w, const ViewStore& v, std::string_view viewer, const TraceWalk& walk);
// One element of "retail_sales" / "in_transit": shipment `s` of item `at` (amount: its quantity,
// or one code's for a code's path).
void write_retail_sale(JsonWriter& w, const ViewStore& v, std::string_view viewer, const ItemRef& at,
                       std::string_view lot_code, std::string_view product, std::string_view unit,
                       const TraceShipment& s, int64_t amount);
void write_in_transit(JsonWriter& w, const ViewStore& v, const ItemRef& at, std::string_view unit,
                      const TraceShipment& s, int64_t amount);
// The missing part of a shipment (shipped, recorded missing at the receipt, not received since).
void write_missing(JsonWriter& w, const ViewStore& v, const ItemRef& at, std::string_view unit,
                   const TraceShipment& s, int64_t amount);
// "First char + *": 张伟 -> 张*.
std::string mask_person_name(std::string_view name);

// The path of one code through the enterprises.
struct CodeStep {
  std::string kind;  // produced | shipped | received
  std::string tenant, item_id, document_id, date;
  std::optional<TraceShipment> shipment;  // kind shipped
};
struct CodePath {
  std::string serial, gtin, lot_code, producer, batch_id;
  std::vector<CodeStep> steps;
  // in_stock | consumed_in_production | in_transit | missing_at_receipt | sold_to_consumer |
  // shipped_to_unregistered
  std::string status;
  std::string holder, holder_item;  // the enterprise and item that has (or last had) the code
  // The same place in the lineage's words (projections/trace/lineage.h HolderState): own_stock,
  // consumed_into, in_transit, missing, sold_to_consumers, at_customer.
  std::string state;
  std::vector<ItemRef> consumed_into;  // consumed: the batches its lot went into
  bool truncated = false;
  // The code was in this enterprise's hands, or was shipped to it and recorded missing there.
  bool passes(std::string_view tenant) const;
};
std::optional<CodePath> code_path(const ViewStore& v, std::string_view serial);
void write_code_path(JsonWriter& w, const ViewStore& v, std::string_view viewer, const CodePath& p);

// Upstream of a lot of `tenant`: the sender, its item (a batch: its material lots and suppliers;
// a lot: its own upstream), recursively; null for a lot bought by purchase order or by hand.
void write_upstream(JsonWriter& w, const ViewStore& v, std::string_view viewer, std::string_view tenant,
                    std::string_view lot_id, int depth = 0);

class TraceQueries {
 public:
  explicit TraceQueries(const ViewStore& views) : views_(views) {}

  // receipts (list without serials; one receipt with its serials and missing serials).
  Result<std::string> receipts(std::string_view tenant, const Page& page) const;
  Result<std::string> receipt(std::string_view tenant, std::string_view id) const;
  // A lot back to the enterprise it came from and on to the origin producer's batch, its
  // materials and suppliers.
  Result<std::string> lot_backward(std::string_view tenant, std::string_view lot_id) const;
  // The path of one code (Digital Link or bare serial); only for an enterprise it passed through.
  Result<std::string> code(std::string_view tenant, std::string_view code) const;

 private:
  const ViewStore& views_;
};

}  // namespace agritrace::projections
