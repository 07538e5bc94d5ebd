// How the single writer stores the write model's entities in its index (StoredMap,
// core/codes/stored_map.h): every field, in declaration order, listed once per entity for both
// directions. A field added to one of these structs must be added here too (and the writer
// index's format version raised, events/writer/writer_index.cpp), or it is lost when the entity is
// stored.
#include <type_traits>

#include "core/domain/tenant_state.h"

namespace agritrace::core {
namespace {

using stored::In;

// One field each way: enums and flags as a number, the rest by their store_encode/store_decode.
struct Encoder {
  std::string& out;
  template <class T>
  void operator()(const T& x) const {
    if constexpr (std::is_enum_v<T>) {
      stored::put(out, static_cast<uint64_t>(x));
    } else if constexpr (std::is_same_v<T, bool>) {
      stored::put(out, x);
    } else {
      store_encode(out, x);
    }
  }
};
struct Decoder {
  In& in;
  template <class T>
  void operator()(T& x) const {
    if constexpr (std::is_enum_v<T>) {
      x = static_cast<T>(in.u64());
    } else if constexpr (std::is_same_v<T, bool>) {
      x = in.boolean();
    } else {
      store_decode(in, x);
    }
  }
};

template <class V, class F>
  requires std::is_same_v<std::remove_const_t<V>, PurchaseOrderState>
void each_field(V& v, F&& f) {
  f(v.material);
  f(v.supplier_id);
  f(v.quantity);
  f(v.supplier_lot);
  f(v.production_date);
  f(v.expiry_date);
  f(v.status);
  f(v.lot_id);
  f(v.price_fen);
  f(v.customs.declaration_number);
  f(v.customs.origin_country);
  f(v.customs.port_of_entry);
  f(v.customs.ciq_certificate_number);
}

template <class V, class F>
  requires std::is_same_v<std::remove_const_t<V>, MaterialLotState>
void each_field(V& v, F&& f) {
  f(v.po_id);
  f(v.material);
  f(v.supplier_id);
  f(v.supplier_lot);
  f(v.production_date);
  f(v.expiry_date);
  f(v.received_on);
  f(v.received);
  f(v.consumed_amount);
  f(v.receipt_id);
  f(v.lot_code);
  f(v.product_id);
  f(v.expiry);
  f(v.from_tenant);
  f(v.from_item_id);
  f(v.origin_tenant);
  f(v.origin_batch_id);
  f(v.quantity_per_code);
}

template <class V, class F>
  requires std::is_same_v<std::remove_const_t<V>, BatchState>
void each_field(V& v, F&& f) {
  f(v.product);
  f(v.lot_code);
  f(v.quantity);
  f(v.production_date);
  f(v.expiry_date);
  f(v.document_sha256s);
  f(v.product_id);
}

template <class V, class F>
  requires std::is_same_v<std::remove_const_t<V>, SalesOrderState>
void each_field(V& v, F&& f) {
  f(v.customer_id);
  f(v.batch_id);
  f(v.product);
  f(v.quantity);
  f(v.shipped);
  f(v.status);
  f(v.price_fen);
  f(v.invoiced_fen);
}

template <class V, class F>
  requires std::is_same_v<std::remove_const_t<V>, InboundShipment>
void each_field(V& v, F&& f) {
  f(v.from_tenant);
  f(v.shipment_id);
  f(v.from_item_id);
  f(v.origin_tenant);
  f(v.origin_batch_id);
  f(v.mo_id);
  f(v.product);
  f(v.lot_code);
  f(v.per_code);
  f(v.lot_id);
}

template <class V, class F>
  requires std::is_same_v<std::remove_const_t<V>, CodeRunState>
void each_field(V& v, F&& f) {
  f(v.template_id);
  f(v.batch_id);
  f(v.gtin);
  f(v.lot_code);
  f(v.count);
  f(v.disabled);
}

}  // namespace

void store_encode(std::string& out, const PurchaseOrderState& v) { each_field(v, Encoder{out}); }
void store_decode(In& in, PurchaseOrderState& v) { each_field(v, Decoder{in}); }

void store_encode(std::string& out, const MaterialLotState& v) { each_field(v, Encoder{out}); }
void store_decode(In& in, MaterialLotState& v) { each_field(v, Decoder{in}); }

void store_encode(std::string& out, const BatchState& v) { each_field(v, Encoder{out}); }
void store_decode(In& in, BatchState& v) { each_field(v, Decoder{in}); }

void store_encode(std::string& out, const SalesOrderState& v) { each_field(v, Encoder{out}); }
void store_decode(In& in, SalesOrderState& v) { each_field(v, Decoder{in}); }

void store_encode(std::string& out, const InboundShipment& v) { each_field(v, Encoder{out}); }
void store_decode(In& in, InboundShipment& v) { each_field(v, Decoder{in}); }

void store_encode(std::string& out, const CodeRunState& v) { each_field(v, Encoder{out}); }
void store_decode(In& in, CodeRunState& v) { each_field(v, Decoder{in}); }

}  // namespace agritrace::core
