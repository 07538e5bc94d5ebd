#include "projections/interchange/stored_event.h"

#include <simdjson.h>

#include "core/base/json_writer.h"

namespace agritrace::projections::interchange {
namespace {

using core::epcis::GoodsClass;
using core::epcis::Item;
using core::epcis::QuantityElement;
using core::epcis::Typed;

void put_items(JsonWriter& w, std::string_view key, const std::vector<Item>& items) {
  w.key(key).begin_array();
  for (const Item& i : items) w.begin_array().value(i.gtin14).value(i.serial).end_array();
  w.end_array();
}

void put_quantities(JsonWriter& w, std::string_view key, const std::vector<QuantityElement>& qs) {
  w.key(key).begin_array();
  for (const QuantityElement& q : qs) {
    w.begin_object()
        .field("gtin", q.goods.gtin14)
        .field("lot", q.goods.lot)
        .field("uri", q.goods.private_uri)
        .field("product_id", q.goods.product_id)
        .field("q", q.quantity)
        .field("uom", q.uom)
        .end_object();
  }
  w.end_array();
}

void put_typed(JsonWriter& w, std::string_view key, const std::vector<Typed>& list) {
  w.key(key).begin_array();
  for (const Typed& t : list) w.begin_array().value(t.type).value(t.id).end_array();
  w.end_array();
}

Error corrupt() {
  return make_error(ErrorCode::kInternal, "view_corrupt", "an EPCIS view record does not decode");
}

bool get_str(simdjson::dom::element e, std::string_view key, std::string& out) {
  std::string_view v;
  if (e[key].get_string().get(v)) return false;
  out.assign(v);
  return true;
}

bool get_items(simdjson::dom::element e, std::string_view key, std::vector<Item>& out) {
  simdjson::dom::array a;
  if (e[key].get_array().get(a)) return false;
  for (simdjson::dom::element pair : a) {
    std::string_view g, s;
    if (pair.at(0).get_string().get(g) || pair.at(1).get_string().get(s)) return false;
    out.push_back(Item{std::string(g), std::string(s)});
  }
  return true;
}

bool get_quantities(simdjson::dom::element e, std::string_view key,
                    std::vector<QuantityElement>& out) {
  simdjson::dom::array a;
  if (e[key].get_array().get(a)) return false;
  for (simdjson::dom::element q : a) {
    QuantityElement x;
    if (!get_str(q, "gtin", x.goods.gtin14) || !get_str(q, "lot", x.goods.lot) ||
        !get_str(q, "uri", x.goods.private_uri) || !get_str(q, "product_id", x.goods.product_id) ||
        !get_str(q, "q", x.quantity) || !get_str(q, "uom", x.uom)) {
      return false;
    }
    out.push_back(std::move(x));
  }
  return true;
}

bool get_typed(simdjson::dom::element e, std::string_view key, std::vector<Typed>& out) {
  simdjson::dom::array a;
  if (e[key].get_array().get(a)) return false;
  for (simdjson::dom::element pair : a) {
    std::string_view t, id;
    if (pair.at(0).get_string().get(t) || pair.at(1).get_string().get(id)) return false;
    out.push_back(Typed{std::string(t), std::string(id)});
  }
  return true;
}

}  // namespace

std::string encode_stored(const StoredEpcis& s) {
  const core::epcis::Event& e = s.event;
  JsonWriter w;
  w.begin_object()
      .field("type", e.type)
      .field("event_time_ms", e.event_time_ms)
      .field("tz", e.time_zone_offset)
      .field("record_time_ms", e.record_time_ms);
  put_items(w, "epcs", e.epcs);
  put_quantities(w, "quantities", e.quantities);
  put_items(w, "output_epcs", e.output_epcs);
  put_quantities(w, "output_quantities", e.output_quantities);
  w.field("action", e.action)
      .field("transformation_id", e.transformation_id)
      .field("biz_step", e.biz_step)
      .field("disposition", e.disposition)
      .field("read_point", e.read_point)
      .field("biz_location", e.biz_location);
  put_typed(w, "biz_transactions", e.biz_transactions);
  put_typed(w, "sources", e.sources);
  put_typed(w, "destinations", e.destinations);
  w.field("ledger_event_id", s.ledger_event_id).end_object();
  return w.take();
}

Result<StoredEpcis> decode_stored(std::string_view json) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(json.data(), json.size()).get(doc)) return corrupt();
  StoredEpcis s;
  core::epcis::Event& e = s.event;
  int64_t t = 0, rt = 0;
  if (!get_str(doc, "type", e.type) || doc["event_time_ms"].get_int64().get(t) ||
      !get_str(doc, "tz", e.time_zone_offset) || doc["record_time_ms"].get_int64().get(rt) ||
      !get_items(doc, "epcs", e.epcs) || !get_quantities(doc, "quantities", e.quantities) ||
      !get_items(doc, "output_epcs", e.output_epcs) ||
      !get_quantities(doc, "output_quantities", e.output_quantities) ||
      !get_str(doc, "action", e.action) ||
      !get_str(doc, "transformation_id", e.transformation_id) ||
      !get_str(doc, "biz_step", e.biz_step) || !get_str(doc, "disposition", e.disposition) ||
      !get_str(doc, "read_point", e.read_point) || !get_str(doc, "biz_location", e.biz_location) ||
      !get_typed(doc, "biz_transactions", e.biz_transactions) ||
      !get_typed(doc, "sources", e.sources) || !get_typed(doc, "destinations", e.destinations) ||
      !get_str(doc, "ledger_event_id", s.ledger_event_id)) {
    return corrupt();
  }
  e.event_time_ms = t;
  e.record_time_ms = rt;
  return s;
}

}  // namespace agritrace::projections::interchange
