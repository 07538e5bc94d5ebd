// The circulation end (R-4.3.1 .. ): production–marketing docking (market orders),
// receiving by scan or by hand, retail sales, stocktakes and income/expense, as events, commands
// and write-model state. The variants in domain_events.h / domain_commands.h list these types.
//
// Goods an enterprise receives become a material lot ("lot-N") of that enterprise, exactly like a
// production-end purchase receipt: a lot can be consumed by a production batch, sold by a sales
// order, counted in a stocktake. A "stock item" is an own batch ("b-N") or a lot ("lot-N").
//
// Facts of one enterprise that another one's rules need (a shipment to it, a market order placed
// with it, the answer to its order) reach the other enterprise's write model through
// evolve_across() (core/decide_circulation.h), called by the single writer.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "core/civil_time.h"
#include "core/describe.h"
#include "core/quantity.h"
#include "core/status.h"

namespace agritrace::core {

// ---- events ------------------------------------------------------------------------------

// the buyer (this tenant) orders goods from a producer registered on the platform.
struct MarketOrderPlaced {
  static constexpr std::string_view kType = "market_order.placed";
  std::string mo_id;  // "mo-N", numbered by the buyer
  std::string producer_tenant;
  std::string producer_name;
  std::string product;
  std::string product_id;  // catalogue product, may be empty
  Quantity quantity;
  std::optional<int64_t> price_fen;  // total offered, in fen
  std::optional<Date> wanted_by;
  std::string note;
  std::string buyer_name;
  std::string buyer_region;
  bool operator==(const MarketOrderPlaced&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("mo_id", &MarketOrderPlaced::mo_id),
      describe::field("producer_tenant", &MarketOrderPlaced::producer_tenant),
      describe::field("producer_name", &MarketOrderPlaced::producer_name),
      describe::field("product", &MarketOrderPlaced::product),
      describe::field("product_id", &MarketOrderPlaced::product_id),
      describe::field("quantity", &MarketOrderPlaced::quantity),
      describe::field("price_fen", &MarketOrderPlaced::price_fen, describe::kNullWhenAbsent),
      describe::field("wanted_by", &MarketOrderPlaced::wanted_by, describe::kNullWhenAbsent),
      describe::field("note", &MarketOrderPlaced::note),
      describe::field("buyer_name", &MarketOrderPlaced::buyer_name),
      describe::field("buyer_region", &MarketOrderPlaced::buyer_region));
};

// the buyer withdraws an order the producer has not answered yet.
struct MarketOrderCancelled {
  static constexpr std::string_view kType = "market_order.cancelled";
  std::string mo_id;
  std::string producer_tenant;
  std::string reason;
  bool operator==(const MarketOrderCancelled&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("mo_id", &MarketOrderCancelled::mo_id),
      describe::field("producer_tenant", &MarketOrderCancelled::producer_tenant),
      describe::field("reason", &MarketOrderCancelled::reason));
};

// R-4.3.1 (producer's partition): accepted; the producer's sales order `so_id` fulfils it and is
// shipped with the production end's shipping.
struct MarketOrderAccepted {
  static constexpr std::string_view kType = "market_order.accepted";
  std::string buyer_tenant;
  std::string mo_id;
  std::string so_id;
  std::string batch_id;
  bool operator==(const MarketOrderAccepted&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("buyer_tenant", &MarketOrderAccepted::buyer_tenant),
      describe::field("mo_id", &MarketOrderAccepted::mo_id),
      describe::field("so_id", &MarketOrderAccepted::so_id),
      describe::field("batch_id", &MarketOrderAccepted::batch_id));
};

struct MarketOrderDeclined {
  static constexpr std::string_view kType = "market_order.declined";
  std::string buyer_tenant;
  std::string mo_id;
  std::string reason;
  bool operator==(const MarketOrderDeclined&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("buyer_tenant", &MarketOrderDeclined::buyer_tenant),
      describe::field("mo_id", &MarketOrderDeclined::mo_id),
      describe::field("reason", &MarketOrderDeclined::reason));
};

enum class ReceiptSource : uint8_t { kScan, kManual };
std::string_view receipt_source_name(ReceiptSource source);  // "scan" | "manual"
Result<ReceiptSource> parse_receipt_source(std::string_view name, std::string_view field);
template <>
struct describe::EnumText<ReceiptSource>
    : describe::EnumTextOf<ReceiptSource, receipt_source_name, parse_receipt_source> {};

// goods in. Creates lot `lot_id` (or adds to it: a later receipt of codes missing from
// the same shipment). A scanned receipt copies the shipment's facts so the lot is described by this
// event alone; `origin_*` name the producer batch the goods were made in (lineage across any
// number of enterprises), `from_*` the enterprise and stock item they were shipped from.
struct GoodsReceived {
  static constexpr std::string_view kType = "goods.received";
  std::string receipt_id;  // "rcv-N"
  std::string lot_id;      // "lot-N"
  ReceiptSource source = ReceiptSource::kScan;
  Date received_on;
  // scan only
  std::string from_tenant;
  std::string from_name;
  std::string shipment_id;   // the sender's "sh-N"
  std::string from_item_id;  // the sender's batch or lot the shipment left from
  std::string origin_tenant;
  std::string origin_batch_id;
  std::string mo_id;  // this tenant's market order the shipment answers, may be empty
  // both
  std::string supplier_id;  // this tenant's counterparty, may be empty for a scanned receipt
  std::string supplier_name;
  std::string product;
  std::string product_id;
  std::string lot_code;  // printed on the goods (GS1 AI 10) or the supplier's lot
  Date production_date;
  std::optional<Date> expiry_date;
  Quantity quantity;              // what arrived
  int64_t quantity_per_code = 0;  // scan: per code; manual: 0
  std::vector<std::string> serials;          // received
  std::vector<std::string> missing_serials;  // shipped to us, not in this scan, not received before
  std::optional<int64_t> price_fen;
  std::string note;
  bool operator==(const GoodsReceived&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("receipt_id", &GoodsReceived::receipt_id),
      describe::field("lot_id", &GoodsReceived::lot_id),
      describe::field("source", &GoodsReceived::source),
      describe::field("received_on", &GoodsReceived::received_on),
      describe::field("from_tenant", &GoodsReceived::from_tenant),
      describe::field("from_name", &GoodsReceived::from_name),
      describe::field("shipment_id", &GoodsReceived::shipment_id),
      describe::field("from_item_id", &GoodsReceived::from_item_id),
      describe::field("origin_tenant", &GoodsReceived::origin_tenant),
      describe::field("origin_batch_id", &GoodsReceived::origin_batch_id),
      describe::field("mo_id", &GoodsReceived::mo_id),
      describe::field("supplier_id", &GoodsReceived::supplier_id),
      describe::field("supplier_name", &GoodsReceived::supplier_name),
      describe::field("product", &GoodsReceived::product),
      describe::field("product_id", &GoodsReceived::product_id),
      describe::field("lot_code", &GoodsReceived::lot_code),
      describe::field("production_date", &GoodsReceived::production_date),
      describe::field("expiry_date", &GoodsReceived::expiry_date, describe::kNullWhenAbsent),
      describe::field("quantity", &GoodsReceived::quantity),
      describe::field("quantity_per_code", &GoodsReceived::quantity_per_code),
      describe::field("serials", &GoodsReceived::serials),
      describe::field("missing_serials", &GoodsReceived::missing_serials),
      describe::field("price_fen", &GoodsReceived::price_fen, describe::kNullWhenAbsent),
      describe::field("note", &GoodsReceived::note));
};

// a count of stock items (own batches "b-N", lots "lot-N"). Every line with a variance
// is followed by a StockAdjusted of the same command.
struct StocktakeLine {
  std::string item_id;
  Quantity expected;
  Quantity counted;
  std::string reason;
  bool operator==(const StocktakeLine&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("item_id", &StocktakeLine::item_id),
      describe::field("expected", &StocktakeLine::expected),
      describe::field("counted", &StocktakeLine::counted),
      describe::field("reason", &StocktakeLine::reason));
};

struct StocktakeRecorded {
  static constexpr std::string_view kType = "stocktake.recorded";
  std::string stocktake_id;  // "st-N"
  Date taken_on;
  std::string note;
  std::vector<StocktakeLine> lines;
  bool operator==(const StocktakeRecorded&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("stocktake_id", &StocktakeRecorded::stocktake_id),
      describe::field("taken_on", &StocktakeRecorded::taken_on),
      describe::field("note", &StocktakeRecorded::note),
      describe::field("lines", &StocktakeRecorded::lines));
};

// stock of `item_id` changes by `delta` (negative: loss) for `reason`.
struct StockAdjusted {
  static constexpr std::string_view kType = "stock.adjusted";
  std::string item_id;
  Quantity delta;
  std::string reason;
  std::string stocktake_id;
  bool operator==(const StockAdjusted&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("item_id", &StockAdjusted::item_id),
      describe::field("delta", &StockAdjusted::delta),
      describe::field("reason", &StockAdjusted::reason),
      describe::field("stocktake_id", &StockAdjusted::stocktake_id));
};

enum class FinanceDirection : uint8_t { kIncome, kExpense };
std::string_view finance_direction_name(FinanceDirection d);  // "income" | "expense"
Result<FinanceDirection> parse_finance_direction(std::string_view name, std::string_view field);
template <>
struct describe::EnumText<FinanceDirection>
    : describe::EnumTextOf<FinanceDirection, finance_direction_name, parse_finance_direction> {};

// Categories posted automatically; refused for entries by hand so statements reconcile.
inline constexpr std::string_view kSalesCategory = "sales";
inline constexpr std::string_view kPurchasesCategory = "purchases";

// one income or expense item. Shipments with a price post "sales" income, receipts with
// a price post "purchases" expense (automatic = true); others are entered by hand.
struct FinanceEntryRecorded {
  static constexpr std::string_view kType = "finance.entry_recorded";
  std::string entry_id;  // "fe-N"
  FinanceDirection direction = FinanceDirection::kIncome;
  int64_t amount_fen = 0;  // > 0
  std::string category;
  std::string counterparty_id;  // may be empty
  std::string counterparty_name;
  std::string document;  // "shipment:sh-3", "receipt:rcv-2", "document:<sha256>" or free reference
  Date date;
  std::string note;
  bool automatic = false;
  bool operator==(const FinanceEntryRecorded&) const = default;
  static constexpr auto kFields = std::make_tuple(
      describe::field("entry_id", &FinanceEntryRecorded::entry_id),
      describe::field("direction", &FinanceEntryRecorded::direction),
      describe::field("amount_fen", &FinanceEntryRecorded::amount_fen),
      describe::field("category", &FinanceEntryRecorded::category),
      describe::field("counterparty_id", &FinanceEntryRecorded::counterparty_id),
      describe::field("counterparty_name", &FinanceEntryRecorded::counterparty_name),
      describe::field("document", &FinanceEntryRecorded::document),
      describe::field("date", &FinanceEntryRecorded::date),
      describe::field("note", &FinanceEntryRecorded::note),
      describe::field("automatic", &FinanceEntryRecorded::automatic));
};

// ---- commands ----------------------------------------------------------------------------

struct PlaceMarketOrder {
  std::string producer_tenant;
  std::string product;
  std::string product_id;
  Quantity quantity;
  std::optional<int64_t> price_fen;
  std::optional<Date> wanted_by;
  std::string note;
};

struct CancelMarketOrder {
  std::string mo_id;
  std::string reason;
};

// The producer accepts: a sales order for the buyer (registered as a customer counterparty if it
// is not one yet) from `batch_id`, at the offered price unless `price_fen` is given.
struct AcceptMarketOrder {
  std::string buyer_tenant;
  std::string mo_id;
  std::string batch_id;
  std::optional<int64_t> price_fen;
  std::string note;
};

struct DeclineMarketOrder {
  std::string buyer_tenant;
  std::string mo_id;
  std::string reason;
};

// by scan: the codes as read. One receipt per inbound shipment they belong to.
struct ReceiveGoods {
  std::vector<std::string> codes;
  std::optional<Date> received_on;
  std::optional<int64_t> price_fen;  // total paid; default: the accepted market order's price
  std::string note;
};

// by hand: goods without codes (e.g. from a small farmer), supplier as a counterparty.
struct ReceiveGoodsManually {
  std::string supplier_id;
  std::string product;
  std::string product_id;
  std::string lot_code;
  Quantity quantity;
  Date production_date;
  std::optional<Date> expiry_date;
  std::optional<Date> received_on;
  std::optional<int64_t> price_fen;
  std::string note;
};

struct StocktakeCount {
  std::string item_id;
  Quantity counted;
  std::string reason;  // required when the count differs from the stock
};

struct RecordStocktake {
  std::optional<Date> taken_on;
  std::string note;
  std::vector<StocktakeCount> counts;
};

struct RecordFinanceEntry {
  FinanceDirection direction = FinanceDirection::kIncome;
  int64_t amount_fen = 0;
  std::string category;
  std::string counterparty_id;
  std::string document;
  std::optional<Date> date;
  std::string note;
};

// retail: a sale to a consumer from one stock item, by scanned codes or (goods without
// codes) by quantity. Appends a sales order, its shipment (with the payment voucher) and, with a
// price, the income.
struct RecordRetailSale {
  std::vector<std::string> codes;
  std::string item_id;             // required without codes
  std::optional<Quantity> quantity;  // without codes
  std::string customer_id;         // optional individual counterparty
  std::string payment_voucher;     // electronic payment voucher number, may be empty
  std::optional<int64_t> price_fen;
  std::optional<Date> sold_on;
  std::string note;
};

// ---- write-model state -------------------------------------------------------------------

enum class MarketOrderStatus : uint8_t { kPlaced, kAccepted, kDeclined, kCancelled };
std::string_view market_order_status_name(MarketOrderStatus s);

// A shipment another enterprise sent to this one (from evolve_across).
// Dates and names are not kept: receiving reads them from the producer's and sender's states.
struct InboundShipment {
  std::string from_tenant;
  std::string shipment_id;
  std::string from_item_id;
  std::string origin_tenant;
  std::string origin_batch_id;
  std::string mo_id;
  std::string product;
  std::string lot_code;
  Quantity per_code;
  std::vector<std::string> serials;
  std::string lot_id;  // set by the first receipt
};

// The buyer's side of a market order.
struct MarketOrderState {
  std::string producer_tenant;
  std::string product;
  Quantity quantity;
  std::optional<int64_t> price_fen;
  MarketOrderStatus status = MarketOrderStatus::kPlaced;
  std::string so_id;
};

// The producer's side of a market order, keyed "buyer/mo-N".
struct IncomingMarketOrder {
  std::string buyer_tenant;
  std::string buyer_name;
  std::string buyer_region;
  std::string mo_id;
  std::string product;
  Quantity quantity;
  std::optional<int64_t> price_fen;
  MarketOrderStatus status = MarketOrderStatus::kPlaced;
  std::string so_id;
};

struct CirculationState {
  std::map<std::string, InboundShipment, std::less<>> inbound;  // "from_tenant/sh-N"
  std::map<std::string, std::string, std::less<>> inbound_codes;   // serial -> inbound key
  std::map<std::string, std::string, std::less<>> received_codes;  // serial -> inbound key
  std::map<std::string, std::string, std::less<>> held_codes;      // serial -> lot id in stock
  std::map<std::string, MarketOrderState, std::less<>> market_orders;        // mo-N
  std::map<std::string, IncomingMarketOrder, std::less<>> incoming_orders;  // buyer/mo-N
  std::map<std::string, std::string, std::less<>> so_market_order;  // so-N -> buyer/mo-N
  std::map<std::string, int64_t, std::less<>> adjusted;     // item id -> net adjustment
  int64_t last_receipt = 0;
  int64_t last_market_order = 0;
  int64_t last_stocktake = 0;
  int64_t last_finance_entry = 0;
};

}  // namespace agritrace::core
