#include "events/codec/domain_codec.h"

#include <simdjson.h>

#include <type_traits>
#include <optional>
#include <vector>

#include "core/base/json_writer.h"
#include "core/base/overloaded.h"

namespace agritrace::events {
namespace {

using core::Date;
using core::Quantity;
namespace od = simdjson::ondemand;

// --- encoding -----------------------------------------------------------------------------

void put_quantity(JsonWriter& w, std::string_view key, Quantity q) {
  w.key(key).begin_object();
  w.field("amount", q.amount).field("unit", core::unit_name(q.unit));
  w.end_object();
}

void put_date(JsonWriter& w, std::string_view key, Date d) { w.field(key, core::format_date(d)); }

void put_optional_date(JsonWriter& w, std::string_view key, const std::optional<Date>& d) {
  if (d) {
    put_date(w, key, *d);
  } else {
    w.key(key).null();
  }
}

void put_counterparty(JsonWriter& w, const std::string& id, const core::CounterpartyRecord& r) {
  w.field("counterparty_id", id).field("kind", core::counterparty_kind_name(r.kind));
  w.key("roles").begin_array();
  if (r.roles.supplier) w.value("supplier");
  if (r.roles.customer) w.value("customer");
  w.end_array();
  w.field("name", r.name)
      .field("uscc", r.uscc)
      .field("legal_representative", r.legal_representative)
      .field("contact_person", r.contact_person)
      .field("id_number", r.id_number)
      .field("phone", r.phone)
      .field("address", r.address);
  // Added after schema 1 shipped: written only when set, so older payloads keep their bytes.
  if (!r.region.empty()) w.field("region", r.region);
}

void put_optional_i64(JsonWriter& w, std::string_view key, const std::optional<int64_t>& v) {
  if (v) {
    w.field(key, *v);
  } else {
    w.key(key).null();
  }
}

void put_strings(JsonWriter& w, std::string_view key, const std::vector<std::string>& values) {
  w.key(key).begin_array();
  for (const std::string& v : values) w.value(v);
  w.end_array();
}

template <typename E>
void put_sales_order(JsonWriter& w, const E& e) {
  w.field("so_id", e.so_id)
      .field("customer_id", e.customer_id)
      .field("batch_id", e.batch_id)
      .field("product", e.product);
  put_quantity(w, "quantity", e.quantity);
  put_date(w, "production_date", e.production_date);
  put_optional_date(w, "expiry_date", e.expiry_date);
  put_optional_i64(w, "price_fen", e.price_fen);
  w.field("note", e.note);
  if constexpr (std::is_same_v<E, core::SalesOrderCreated>) {
    if (!e.mo_id.empty()) w.field("mo_buyer_tenant", e.mo_buyer_tenant).field("mo_id", e.mo_id);
  }
}

// --- decoding -----------------------------------------------------------------------------

// Reads fields of one JSON object in any order; the first failure is kept and later reads become
// no-ops, so decoders read straight through and check once at the end.
class FieldReader {
 public:
  explicit FieldReader(od::object& object) : object_(object) {}

  bool failed() const { return error_.has_value(); }
  Error error() const { return *error_; }

  std::string str(std::string_view key) {
    std::string_view s;
    if (!failed() && object_.find_field_unordered(key).get_string().get(s)) fail(key, "a string");
    return std::string(s);
  }

  int64_t i64(std::string_view key) {
    int64_t n = 0;
    if (!failed() && object_.find_field_unordered(key).get_int64().get(n)) fail(key, "an integer");
    return n;
  }

  bool boolean(std::string_view key) {
    bool b = false;
    if (!failed() && object_.find_field_unordered(key).get_bool().get(b)) fail(key, "a boolean");
    return b;
  }

  std::optional<int64_t> optional_i64(std::string_view key) {
    if (failed()) return std::nullopt;
    od::value v;
    bool is_null = false;
    if (object_.find_field_unordered(key).get(v) || v.is_null().get(is_null)) {
      fail(key, "an integer or null");
      return std::nullopt;
    }
    if (is_null) return std::nullopt;
    int64_t n = 0;
    if (v.get_int64().get(n)) {
      fail(key, "an integer or null");
      return std::nullopt;
    }
    return n;
  }

  Date date(std::string_view key) {
    const std::string text = str(key);
    return failed() ? Date{} : parse_date_text(key, text);
  }

  std::optional<Date> optional_date(std::string_view key) {
    if (failed()) return std::nullopt;
    od::value v;
    bool is_null = false;
    if (object_.find_field_unordered(key).get(v) || v.is_null().get(is_null)) {
      fail(key, "a date or null");
      return std::nullopt;
    }
    if (is_null) return std::nullopt;
    std::string_view text;
    if (v.get_string().get(text)) {
      fail(key, "a date or null");
      return std::nullopt;
    }
    return parse_date_text(key, text);
  }

  Quantity quantity(std::string_view key) {
    if (failed()) return {};
    od::object q;
    int64_t amount = 0;
    std::string_view unit;
    if (object_.find_field_unordered(key).get_object().get(q) ||
        q.find_field_unordered("amount").get_int64().get(amount) ||
        q.find_field_unordered("unit").get_string().get(unit)) {
      fail(key, "a quantity {\"amount\":N,\"unit\":\"g\"}");
      return {};
    }
    auto parsed = core::parse_unit_name(unit, key);
    if (!parsed.ok()) {
      fail(key, "a base unit (g, ml, piece)");
      return {};
    }
    return Quantity{amount, *parsed};
  }

  core::CounterpartyRoles roles(std::string_view key) {
    core::CounterpartyRoles roles;
    if (failed()) return roles;
    od::array array;
    if (object_.find_field_unordered(key).get_array().get(array)) {
      fail(key, "an array of roles");
      return roles;
    }
    for (auto element : array) {
      std::string_view name;
      if (element.get_string().get(name)) {
        fail(key, "an array of roles");
        return roles;
      }
      auto added = core::add_counterparty_role(roles, name, key);
      if (!added.ok()) {
        fail(key, "supplier or customer");
        return roles;
      }
      roles = *added;
    }
    return roles;
  }

  // An absent key reads as "" (fields added after schema version 1 was first written).
  std::string opt_str(std::string_view key) {
    std::string_view s;
    if (failed()) return {};
    od::value v;
    if (object_.find_field_unordered(key).get(v)) return {};
    if (v.get_string().get(s)) fail(key, "a string");
    return std::string(s);
  }

  std::vector<std::string> strings(std::string_view key) {
    std::vector<std::string> out;
    if (failed()) return out;
    od::array array;
    if (object_.find_field_unordered(key).get_array().get(array)) {
      fail(key, "an array of strings");
      return out;
    }
    for (auto element : array) {
      std::string_view s;
      if (element.get_string().get(s)) {
        fail(key, "an array of strings");
        return out;
      }
      out.emplace_back(s);
    }
    return out;
  }

  // Absent or null reads as nullopt (fields added after schema version 1 was first written).
  std::optional<int64_t> absent_or_i64(std::string_view key) {
    if (failed()) return std::nullopt;
    od::value v;
    if (object_.find_field_unordered(key).get(v)) return std::nullopt;
    bool is_null = false;
    if (v.is_null().get(is_null)) {
      fail(key, "an integer or null");
      return std::nullopt;
    }
    if (is_null) return std::nullopt;
    int64_t n = 0;
    if (v.get_int64().get(n)) fail(key, "an integer or null");
    return n;
  }

  // Calls read(FieldReader&) for every object of an array.
  template <typename F>
  void objects(std::string_view key, F&& read) {
    if (failed()) return;
    od::array array;
    if (object_.find_field_unordered(key).get_array().get(array)) {
      fail(key, "an array of objects");
      return;
    }
    for (auto element : array) {
      od::object o;
      if (element.get_object().get(o)) {
        fail(key, "an array of objects");
        return;
      }
      FieldReader inner(o);
      read(inner);
      if (inner.failed()) {
        error_ = inner.error();
        return;
      }
    }
  }

  // Maps a name to an enum through one of core's parse_* functions.
  template <typename T>
  T enumeration(std::string_view key, Result<T> (*parse)(std::string_view, std::string_view)) {
    const std::string name = str(key);
    if (failed()) return T{};
    auto parsed = parse(name, key);
    if (!parsed.ok()) {
      fail(key, "a known value");
      return T{};
    }
    return *parsed;
  }

 private:
  Date parse_date_text(std::string_view key, std::string_view text) {
    auto d = core::parse_date(text, key);
    if (!d.ok()) {
      fail(key, "a date YYYY-MM-DD");
      return Date{};
    }
    return *d;
  }

  void fail(std::string_view key, std::string_view expected) {
    if (failed()) return;
    error_ = make_error(ErrorCode::kCorruption, "payload_invalid",
                        "field \"" + std::string(key) + "\" is missing or not " +
                            std::string(expected),
                        std::string(key));
  }

  od::object& object_;
  std::optional<Error> error_;
};

core::CounterpartyRecord read_counterparty(FieldReader& r) {
  core::CounterpartyRecord c;
  c.kind = r.enumeration("kind", core::parse_counterparty_kind);
  c.roles = r.roles("roles");
  c.name = r.str("name");
  c.uscc = r.str("uscc");
  c.legal_representative = r.str("legal_representative");
  c.contact_person = r.str("contact_person");
  c.id_number = r.str("id_number");
  c.phone = r.str("phone");
  c.address = r.str("address");
  c.region = r.opt_str("region");
  return c;
}

template <typename E>
E read_sales_order(FieldReader& r) {
  E e;
  e.so_id = r.str("so_id");
  e.customer_id = r.str("customer_id");
  e.batch_id = r.str("batch_id");
  e.product = r.str("product");
  e.quantity = r.quantity("quantity");
  e.production_date = r.date("production_date");
  e.expiry_date = r.optional_date("expiry_date");
  e.price_fen = r.optional_i64("price_fen");
  e.note = r.str("note");
  if constexpr (std::is_same_v<E, core::SalesOrderCreated>) {
    e.mo_buyer_tenant = r.opt_str("mo_buyer_tenant");
    e.mo_id = r.opt_str("mo_id");
  }
  return e;
}

using Decoder = core::Event (*)(FieldReader&);

struct DecoderEntry {
  std::string_view type;
  Decoder decode;
};

// Every catalogue type with its decoder; fields are read by name, so key order does not matter.
constexpr DecoderEntry kDecoders[] = {
    {core::MarketOrderPlaced::kType,
     [](FieldReader& r) -> core::Event {
       core::MarketOrderPlaced e;
       e.mo_id = r.str("mo_id");
       e.producer_tenant = r.str("producer_tenant");
       e.producer_name = r.str("producer_name");
       e.product = r.str("product");
       e.product_id = r.str("product_id");
       e.quantity = r.quantity("quantity");
       e.price_fen = r.optional_i64("price_fen");
       e.wanted_by = r.optional_date("wanted_by");
       e.note = r.str("note");
       e.buyer_name = r.str("buyer_name");
       e.buyer_region = r.str("buyer_region");
       return e;
     }},
    {core::MarketOrderCancelled::kType,
     [](FieldReader& r) -> core::Event {
       core::MarketOrderCancelled e;
       e.mo_id = r.str("mo_id");
       e.producer_tenant = r.str("producer_tenant");
       e.reason = r.str("reason");
       return e;
     }},
    {core::MarketOrderAccepted::kType,
     [](FieldReader& r) -> core::Event {
       core::MarketOrderAccepted e;
       e.buyer_tenant = r.str("buyer_tenant");
       e.mo_id = r.str("mo_id");
       e.so_id = r.str("so_id");
       e.batch_id = r.str("batch_id");
       return e;
     }},
    {core::MarketOrderDeclined::kType,
     [](FieldReader& r) -> core::Event {
       core::MarketOrderDeclined e;
       e.buyer_tenant = r.str("buyer_tenant");
       e.mo_id = r.str("mo_id");
       e.reason = r.str("reason");
       return e;
     }},
    {core::GoodsReceived::kType,
     [](FieldReader& r) -> core::Event {
       core::GoodsReceived e;
       e.receipt_id = r.str("receipt_id");
       e.lot_id = r.str("lot_id");
       e.source = r.enumeration("source", core::parse_receipt_source);
       e.received_on = r.date("received_on");
       e.from_tenant = r.str("from_tenant");
       e.from_name = r.str("from_name");
       e.shipment_id = r.str("shipment_id");
       e.from_item_id = r.str("from_item_id");
       e.origin_tenant = r.str("origin_tenant");
       e.origin_batch_id = r.str("origin_batch_id");
       e.mo_id = r.str("mo_id");
       e.supplier_id = r.str("supplier_id");
       e.supplier_name = r.str("supplier_name");
       e.product = r.str("product");
       e.product_id = r.str("product_id");
       e.lot_code = r.str("lot_code");
       e.production_date = r.date("production_date");
       e.expiry_date = r.optional_date("expiry_date");
       e.quantity = r.quantity("quantity");
       e.quantity_per_code = r.i64("quantity_per_code");
       e.serials = r.strings("serials");
       e.missing_serials = r.strings("missing_serials");
       e.price_fen = r.optional_i64("price_fen");
       e.note = r.str("note");
       return e;
     }},
    {core::StocktakeRecorded::kType,
     [](FieldReader& r) -> core::Event {
       core::StocktakeRecorded e;
       e.stocktake_id = r.str("stocktake_id");
       e.taken_on = r.date("taken_on");
       e.note = r.str("note");
       r.objects("lines", [&](FieldReader& l) {
         core::StocktakeLine line;
         line.item_id = l.str("item_id");
         line.expected = l.quantity("expected");
         line.counted = l.quantity("counted");
         line.reason = l.str("reason");
         e.lines.push_back(std::move(line));
       });
       return e;
     }},
    {core::StockAdjusted::kType,
     [](FieldReader& r) -> core::Event {
       core::StockAdjusted e;
       e.item_id = r.str("item_id");
       e.delta = r.quantity("delta");
       e.reason = r.str("reason");
       e.stocktake_id = r.str("stocktake_id");
       return e;
     }},
    {core::FinanceEntryRecorded::kType,
     [](FieldReader& r) -> core::Event {
       core::FinanceEntryRecorded e;
       e.entry_id = r.str("entry_id");
       e.direction = r.enumeration("direction", core::parse_finance_direction);
       e.amount_fen = r.i64("amount_fen");
       e.category = r.str("category");
       e.counterparty_id = r.str("counterparty_id");
       e.counterparty_name = r.str("counterparty_name");
       e.document = r.str("document");
       e.date = r.date("date");
       e.note = r.str("note");
       e.automatic = r.boolean("automatic");
       return e;
     }},
    {core::EnterpriseRegistered::kType,
     [](FieldReader& r) -> core::Event {
       core::EnterpriseRegistered e;
       e.enterprise_id = r.str("enterprise_id");
       e.name = r.str("name");
       e.region = r.str("region");
       e.api_key_id = r.str("api_key_id");
       e.api_key_sha256 = r.str("api_key_sha256");
       return e;
     }},
    {core::CounterpartyRegistered::kType,
     [](FieldReader& r) -> core::Event {
       core::CounterpartyRegistered e;
       e.counterparty_id = r.str("counterparty_id");
       e.record = read_counterparty(r);
       return e;
     }},
    {core::CounterpartyAmended::kType,
     [](FieldReader& r) -> core::Event {
       core::CounterpartyAmended e;
       e.counterparty_id = r.str("counterparty_id");
       e.record = read_counterparty(r);
       return e;
     }},
    {core::PurchaseOrderCreated::kType,
     [](FieldReader& r) -> core::Event {
       core::PurchaseOrderCreated e;
       e.po_id = r.str("po_id");
       e.material = r.str("material");
       e.supplier_id = r.str("supplier_id");
       e.quantity = r.quantity("quantity");
       e.supplier_lot = r.str("supplier_lot");
       e.production_date = r.date("production_date");
       e.expiry_date = r.date("expiry_date");
       e.note = r.str("note");
       e.price_fen = r.absent_or_i64("price_fen");
       return e;
     }},
    {core::PurchaseOrderAmended::kType,
     [](FieldReader& r) -> core::Event {
       core::PurchaseOrderAmended e;
       e.po_id = r.str("po_id");
       e.material = r.str("material");
       e.quantity = r.quantity("quantity");
       e.supplier_lot = r.str("supplier_lot");
       e.production_date = r.date("production_date");
       e.expiry_date = r.date("expiry_date");
       e.note = r.str("note");
       e.price_fen = r.absent_or_i64("price_fen");
       return e;
     }},
    {core::PurchaseOrderCancelled::kType,
     [](FieldReader& r) -> core::Event {
       core::PurchaseOrderCancelled e;
       e.po_id = r.str("po_id");
       e.reason = r.str("reason");
       return e;
     }},
    {core::PurchaseOrderReceived::kType,
     [](FieldReader& r) -> core::Event {
       core::PurchaseOrderReceived e;
       e.po_id = r.str("po_id");
       e.lot_id = r.str("lot_id");
       e.quantity = r.quantity("quantity");
       e.received_on = r.date("received_on");
       e.material = r.str("material");
       e.supplier_id = r.str("supplier_id");
       e.supplier_lot = r.str("supplier_lot");
       e.production_date = r.date("production_date");
       e.expiry_date = r.date("expiry_date");
       e.price_fen = r.absent_or_i64("price_fen");
       return e;
     }},
    {core::BatchCreated::kType,
     [](FieldReader& r) -> core::Event {
       core::BatchCreated e;
       e.batch_id = r.str("batch_id");
       e.product = r.str("product");
       e.lot_code = r.str("lot_code");
       e.quantity = r.quantity("quantity");
       e.production_date = r.date("production_date");
       e.expiry_date = r.optional_date("expiry_date");
       e.note = r.str("note");
       e.product_id = r.opt_str("product_id");
       return e;
     }},
    {core::BatchAmended::kType,
     [](FieldReader& r) -> core::Event {
       core::BatchAmended e;
       e.batch_id = r.str("batch_id");
       e.product = r.str("product");
       e.quantity = r.quantity("quantity");
       e.production_date = r.date("production_date");
       e.expiry_date = r.optional_date("expiry_date");
       e.note = r.str("note");
       return e;
     }},
    {core::BatchMaterialConsumed::kType,
     [](FieldReader& r) -> core::Event {
       core::BatchMaterialConsumed e;
       e.batch_id = r.str("batch_id");
       e.lot_id = r.str("lot_id");
       e.quantity = r.quantity("quantity");
       return e;
     }},
    {core::BatchDocumentAttached::kType,
     [](FieldReader& r) -> core::Event {
       core::BatchDocumentAttached e;
       e.batch_id = r.str("batch_id");
       e.document_sha256 = r.str("document_sha256");
       e.kind = r.enumeration("kind", core::parse_document_kind);
       e.filename = r.str("filename");
       e.media_type = r.str("media_type");
       e.size_bytes = r.i64("size_bytes");
       return e;
     }},
    {core::SalesOrderCreated::kType,
     [](FieldReader& r) -> core::Event { return read_sales_order<core::SalesOrderCreated>(r); }},
    {core::SalesOrderAmended::kType,
     [](FieldReader& r) -> core::Event { return read_sales_order<core::SalesOrderAmended>(r); }},
    {core::SalesOrderCancelled::kType,
     [](FieldReader& r) -> core::Event {
       core::SalesOrderCancelled e;
       e.so_id = r.str("so_id");
       e.reason = r.str("reason");
       return e;
     }},
    {core::ShipmentRecorded::kType,
     [](FieldReader& r) -> core::Event {
       core::ShipmentRecorded e;
       e.shipment_id = r.str("shipment_id");
       e.so_id = r.str("so_id");
       e.batch_id = r.str("batch_id");
       e.lot_code = r.str("lot_code");
       e.product = r.str("product");
       e.ship_date = r.date("ship_date");
       e.ship_to_id = r.str("ship_to_id");
       e.ship_to_name = r.str("ship_to_name");
       e.ship_to_uscc = r.str("ship_to_uscc");
       e.ship_to_tenant = r.str("ship_to_tenant");
       e.ship_to_region = r.str("ship_to_region");
       e.ship_to_individual = r.boolean("ship_to_individual");
       e.quantity = r.quantity("quantity");
       e.quantity_per_code = r.i64("quantity_per_code");
       e.serials = r.strings("serials");
       e.origin_tenant = r.opt_str("origin_tenant");
       e.origin_batch_id = r.opt_str("origin_batch_id");
       e.mo_buyer_tenant = r.opt_str("mo_buyer_tenant");
       e.mo_id = r.opt_str("mo_id");
       e.payment_voucher = r.opt_str("payment_voucher");
       e.price_fen = r.absent_or_i64("price_fen");
       return e;
     }},
    {core::SalesOrderStatusChanged::kType,
     [](FieldReader& r) -> core::Event {
       core::SalesOrderStatusChanged e;
       e.so_id = r.str("so_id");
       e.status = r.enumeration("status", core::parse_sales_order_status);
       e.shipped = r.quantity("shipped");
       return e;
     }},
    {core::RecallRaised::kType,
     [](FieldReader& r) -> core::Event {
       core::RecallRaised e;
       e.recall_id = r.str("recall_id");
       e.scope = r.enumeration("scope", core::parse_recall_scope);
       e.target = r.str("target");
       e.reason = r.str("reason");
       e.raised_on = r.date("raised_on");
       e.batch_ids = r.strings("batch_ids");
       return e;
     }},
    {core::CatalogueProductAdded::kType,
     [](FieldReader& r) -> core::Event {
       core::CatalogueProductAdded e;
       e.product.product_id = r.str("product_id");
       e.product.name = r.str("name");
       e.product.category = r.str("category");
       e.product.unit = r.str("unit");
       e.product.gtin = r.str("gtin");
       return e;
     }},
    {core::MainVarietiesSet::kType,
     [](FieldReader& r) -> core::Event { return core::MainVarietiesSet{r.strings("product_ids")}; }},
    {core::CodeTemplateCreated::kType,
     [](FieldReader& r) -> core::Event {
       core::CodeTemplateCreated e;
       e.template_id = r.str("template_id");
       e.name = r.str("name");
       e.product_id = r.str("product_id");
       e.gtin14 = r.str("gtin");
       e.base_url = r.str("base_url");
       e.serial_format = r.enumeration("serial_format", core::parse_serial_format);
       e.packaging_level = r.enumeration("packaging_level", core::parse_packaging_level);
       e.quantity_per_code = r.quantity("quantity_per_code");
       return e;
     }},
    {core::CodeRunStarted::kType,
     [](FieldReader& r) -> core::Event {
       core::CodeRunStarted e;
       e.run_id = r.str("run_id");
       e.template_id = r.str("template_id");
       e.batch_id = r.str("batch_id");
       e.gtin14 = r.str("gtin");
       e.lot_code = r.str("lot_code");
       e.base_url = r.str("base_url");
       e.serial_format = r.enumeration("serial_format", core::parse_serial_format);
       e.packaging_level = r.enumeration("packaging_level", core::parse_packaging_level);
       e.quantity_per_code = r.quantity("quantity_per_code");
       e.count = r.i64("count");
       return e;
     }},
    {core::CodesGenerated::kType,
     [](FieldReader& r) -> core::Event {
       core::CodesGenerated e;
       e.run_id = r.str("run_id");
       e.batch_id = r.str("batch_id");
       e.chunk = r.i64("chunk");
       e.serials = r.strings("serials");
       return e;
     }},
    {core::CodeDisabled::kType,
     [](FieldReader& r) -> core::Event {
       core::CodeDisabled e;
       e.serial = r.str("serial");
       e.run_id = r.str("run_id");
       e.reason = r.str("reason");
       return e;
     }},
    {core::CodeEnabled::kType,
     [](FieldReader& r) -> core::Event {
       core::CodeEnabled e;
       e.serial = r.str("serial");
       e.run_id = r.str("run_id");
       return e;
     }},
    {core::CodeRunDisabled::kType,
     [](FieldReader& r) -> core::Event {
       core::CodeRunDisabled e;
       e.run_id = r.str("run_id");
       e.reason = r.str("reason");
       return e;
     }},
    {core::CodeRunEnabled::kType,
     [](FieldReader& r) -> core::Event { return core::CodeRunEnabled{r.str("run_id")}; }},
    {core::ProductPublished::kType,
     [](FieldReader& r) -> core::Event {
       core::ProductPublished e;
       e.product_id = r.str("product_id");
       e.description = r.str("description");
       return e;
     }},
    {core::ProductUnpublished::kType,
     [](FieldReader& r) -> core::Event { return core::ProductUnpublished{r.str("product_id")}; }},
};

static_assert(std::size(kDecoders) == std::variant_size_v<core::Event>,
              "every event type needs a decoder");

}  // namespace

std::string encode_event_payload(const core::Event& event) {
  JsonWriter w;
  w.begin_object();
  std::visit(
      core::Overloaded{
          [&](const core::EnterpriseRegistered& e) {
            w.field("enterprise_id", e.enterprise_id)
                .field("name", e.name)
                .field("region", e.region)
                .field("api_key_id", e.api_key_id)
                .field("api_key_sha256", e.api_key_sha256);
          },
          [&](const core::CounterpartyRegistered& e) { put_counterparty(w, e.counterparty_id, e.record); },
          [&](const core::CounterpartyAmended& e) { put_counterparty(w, e.counterparty_id, e.record); },
          [&](const core::PurchaseOrderCreated& e) {
            w.field("po_id", e.po_id).field("material", e.material).field("supplier_id", e.supplier_id);
            put_quantity(w, "quantity", e.quantity);
            w.field("supplier_lot", e.supplier_lot);
            put_date(w, "production_date", e.production_date);
            put_date(w, "expiry_date", e.expiry_date);
            w.field("note", e.note);
            if (e.price_fen) w.field("price_fen", *e.price_fen);  // added later: only when set
          },
          [&](const core::PurchaseOrderAmended& e) {
            w.field("po_id", e.po_id).field("material", e.material);
            put_quantity(w, "quantity", e.quantity);
            w.field("supplier_lot", e.supplier_lot);
            put_date(w, "production_date", e.production_date);
            put_date(w, "expiry_date", e.expiry_date);
            w.field("note", e.note);
            if (e.price_fen) w.field("price_fen", *e.price_fen);
          },
          [&](const core::PurchaseOrderCancelled& e) {
            w.field("po_id", e.po_id).field("reason", e.reason);
          },
          [&](const core::PurchaseOrderReceived& e) {
            w.field("po_id", e.po_id).field("lot_id", e.lot_id);
            put_quantity(w, "quantity", e.quantity);
            put_date(w, "received_on", e.received_on);
            w.field("material", e.material)
                .field("supplier_id", e.supplier_id)
                .field("supplier_lot", e.supplier_lot);
            put_date(w, "production_date", e.production_date);
            put_date(w, "expiry_date", e.expiry_date);
            if (e.price_fen) w.field("price_fen", *e.price_fen);
          },
          [&](const core::BatchCreated& e) {
            w.field("batch_id", e.batch_id).field("product", e.product).field("lot_code", e.lot_code);
            put_quantity(w, "quantity", e.quantity);
            put_date(w, "production_date", e.production_date);
            put_optional_date(w, "expiry_date", e.expiry_date);
            w.field("note", e.note);
            // Written only when set, so batches of schema 1 keep their exact bytes.
            if (!e.product_id.empty()) w.field("product_id", e.product_id);
          },
          [&](const core::BatchAmended& e) {
            w.field("batch_id", e.batch_id).field("product", e.product);
            put_quantity(w, "quantity", e.quantity);
            put_date(w, "production_date", e.production_date);
            put_optional_date(w, "expiry_date", e.expiry_date);
            w.field("note", e.note);
          },
          [&](const core::BatchMaterialConsumed& e) {
            w.field("batch_id", e.batch_id).field("lot_id", e.lot_id);
            put_quantity(w, "quantity", e.quantity);
          },
          [&](const core::BatchDocumentAttached& e) {
            w.field("batch_id", e.batch_id)
                .field("document_sha256", e.document_sha256)
                .field("kind", core::document_kind_name(e.kind))
                .field("filename", e.filename)
                .field("media_type", e.media_type)
                .field("size_bytes", e.size_bytes);
          },
          [&](const core::SalesOrderCreated& e) { put_sales_order(w, e); },
          [&](const core::SalesOrderAmended& e) { put_sales_order(w, e); },
          [&](const core::SalesOrderCancelled& e) {
            w.field("so_id", e.so_id).field("reason", e.reason);
          },
          [&](const core::ShipmentRecorded& e) {
            w.field("shipment_id", e.shipment_id)
                .field("so_id", e.so_id)
                .field("batch_id", e.batch_id)
                .field("lot_code", e.lot_code)
                .field("product", e.product);
            put_date(w, "ship_date", e.ship_date);
            w.field("ship_to_id", e.ship_to_id)
                .field("ship_to_name", e.ship_to_name)
                .field("ship_to_uscc", e.ship_to_uscc)
                .field("ship_to_tenant", e.ship_to_tenant)
                .field("ship_to_region", e.ship_to_region)
                .field("ship_to_individual", e.ship_to_individual);
            put_quantity(w, "quantity", e.quantity);
            w.field("quantity_per_code", e.quantity_per_code);
            put_strings(w, "serials", e.serials);
            // Added for the circulation end: written only when set, so older payloads keep
            // their bytes.
            if (!e.origin_tenant.empty()) w.field("origin_tenant", e.origin_tenant);
            if (!e.origin_batch_id.empty()) w.field("origin_batch_id", e.origin_batch_id);
            if (!e.mo_id.empty()) w.field("mo_buyer_tenant", e.mo_buyer_tenant).field("mo_id", e.mo_id);
            if (!e.payment_voucher.empty()) w.field("payment_voucher", e.payment_voucher);
            if (e.price_fen) w.field("price_fen", *e.price_fen);
          },
          [&](const core::SalesOrderStatusChanged& e) {
            w.field("so_id", e.so_id).field("status", core::sales_order_status_name(e.status));
            put_quantity(w, "shipped", e.shipped);
          },
          [&](const core::RecallRaised& e) {
            w.field("recall_id", e.recall_id)
                .field("scope", core::recall_scope_name(e.scope))
                .field("target", e.target)
                .field("reason", e.reason);
            put_date(w, "raised_on", e.raised_on);
            put_strings(w, "batch_ids", e.batch_ids);
          },
          [&](const core::CatalogueProductAdded& e) {
            w.field("product_id", e.product.product_id).field("name", e.product.name)
                .field("category", e.product.category).field("unit", e.product.unit).field("gtin", e.product.gtin);
          },
          [&](const core::MainVarietiesSet& e) { put_strings(w, "product_ids", e.product_ids); },
          [&](const core::CodeTemplateCreated& e) {
            w.field("template_id", e.template_id).field("name", e.name).field("product_id", e.product_id)
                .field("gtin", e.gtin14).field("base_url", e.base_url)
                .field("serial_format", core::serial_format_name(e.serial_format))
                .field("packaging_level", core::packaging_level_name(e.packaging_level));
            put_quantity(w, "quantity_per_code", e.quantity_per_code);
          },
          [&](const core::CodeRunStarted& e) {
            w.field("run_id", e.run_id).field("template_id", e.template_id).field("batch_id", e.batch_id)
                .field("gtin", e.gtin14).field("lot_code", e.lot_code).field("base_url", e.base_url)
                .field("serial_format", core::serial_format_name(e.serial_format))
                .field("packaging_level", core::packaging_level_name(e.packaging_level));
            put_quantity(w, "quantity_per_code", e.quantity_per_code);
            w.field("count", e.count);
          },
          [&](const core::CodesGenerated& e) {
            w.field("run_id", e.run_id).field("batch_id", e.batch_id).field("chunk", e.chunk);
            put_strings(w, "serials", e.serials);
          },
          [&](const core::CodeDisabled& e) {
            w.field("serial", e.serial).field("run_id", e.run_id).field("reason", e.reason);
          },
          [&](const core::CodeEnabled& e) { w.field("serial", e.serial).field("run_id", e.run_id); },
          [&](const core::CodeRunDisabled& e) { w.field("run_id", e.run_id).field("reason", e.reason); },
          [&](const core::CodeRunEnabled& e) { w.field("run_id", e.run_id); },
          [&](const core::ProductPublished& e) {
            w.field("product_id", e.product_id).field("description", e.description);
          },
          [&](const core::ProductUnpublished& e) { w.field("product_id", e.product_id); },
          [&](const core::MarketOrderPlaced& e) {
            w.field("mo_id", e.mo_id).field("producer_tenant", e.producer_tenant)
                .field("producer_name", e.producer_name).field("product", e.product)
                .field("product_id", e.product_id);
            put_quantity(w, "quantity", e.quantity);
            put_optional_i64(w, "price_fen", e.price_fen);
            put_optional_date(w, "wanted_by", e.wanted_by);
            w.field("note", e.note).field("buyer_name", e.buyer_name)
                .field("buyer_region", e.buyer_region);
          },
          [&](const core::MarketOrderCancelled& e) {
            w.field("mo_id", e.mo_id).field("producer_tenant", e.producer_tenant)
                .field("reason", e.reason);
          },
          [&](const core::MarketOrderAccepted& e) {
            w.field("buyer_tenant", e.buyer_tenant).field("mo_id", e.mo_id).field("so_id", e.so_id)
                .field("batch_id", e.batch_id);
          },
          [&](const core::MarketOrderDeclined& e) {
            w.field("buyer_tenant", e.buyer_tenant).field("mo_id", e.mo_id)
                .field("reason", e.reason);
          },
          [&](const core::GoodsReceived& e) {
            w.field("receipt_id", e.receipt_id).field("lot_id", e.lot_id)
                .field("source", core::receipt_source_name(e.source));
            put_date(w, "received_on", e.received_on);
            w.field("from_tenant", e.from_tenant).field("from_name", e.from_name)
                .field("shipment_id", e.shipment_id).field("from_item_id", e.from_item_id)
                .field("origin_tenant", e.origin_tenant).field("origin_batch_id", e.origin_batch_id)
                .field("mo_id", e.mo_id).field("supplier_id", e.supplier_id)
                .field("supplier_name", e.supplier_name).field("product", e.product)
                .field("product_id", e.product_id).field("lot_code", e.lot_code);
            put_date(w, "production_date", e.production_date);
            put_optional_date(w, "expiry_date", e.expiry_date);
            put_quantity(w, "quantity", e.quantity);
            w.field("quantity_per_code", e.quantity_per_code);
            put_strings(w, "serials", e.serials);
            put_strings(w, "missing_serials", e.missing_serials);
            put_optional_i64(w, "price_fen", e.price_fen);
            w.field("note", e.note);
          },
          [&](const core::StocktakeRecorded& e) {
            w.field("stocktake_id", e.stocktake_id);
            put_date(w, "taken_on", e.taken_on);
            w.field("note", e.note);
            w.key("lines").begin_array();
            for (const core::StocktakeLine& l : e.lines) {
              w.begin_object().field("item_id", l.item_id);
              put_quantity(w, "expected", l.expected);
              put_quantity(w, "counted", l.counted);
              w.field("reason", l.reason).end_object();
            }
            w.end_array();
          },
          [&](const core::StockAdjusted& e) {
            w.field("item_id", e.item_id);
            put_quantity(w, "delta", e.delta);
            w.field("reason", e.reason).field("stocktake_id", e.stocktake_id);
          },
          [&](const core::FinanceEntryRecorded& e) {
            w.field("entry_id", e.entry_id)
                .field("direction", core::finance_direction_name(e.direction))
                .field("amount_fen", e.amount_fen).field("category", e.category)
                .field("counterparty_id", e.counterparty_id)
                .field("counterparty_name", e.counterparty_name).field("document", e.document);
            put_date(w, "date", e.date);
            w.field("note", e.note).field("automatic", e.automatic);
          },
      },
      event);
  w.end_object();
  return w.take();
}

Result<core::Event> decode_event_payload(std::string_view type, std::string_view payload_json) {
  const DecoderEntry* entry = nullptr;
  for (const DecoderEntry& d : kDecoders) {
    if (d.type == type) entry = &d;
  }
  if (entry == nullptr) {
    return make_error(ErrorCode::kInternal, "unknown_event_type",
                      "this build does not know event type \"" + std::string(type) + "\"");
  }
  // Parsers are not thread-safe; one per thread keeps decoding allocation-free after warm-up.
  thread_local od::parser parser;
  const simdjson::padded_string padded(payload_json);
  od::document doc;
  od::object object;
  if (parser.iterate(padded).get(doc) || doc.get_object().get(object)) {
    return make_error(ErrorCode::kCorruption, "payload_invalid",
                      "the payload of a " + std::string(type) + " event is not a JSON object");
  }
  FieldReader reader(object);
  core::Event event = entry->decode(reader);
  if (reader.failed()) return reader.error();
  return event;
}

}  // namespace agritrace::events
