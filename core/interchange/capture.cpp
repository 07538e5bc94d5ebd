#include "core/interchange/capture.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>

#include "core/base/civil_time.h"

namespace agritrace::core::epcis {
namespace {

Error not_mappable(std::string message, std::string field) {
  return make_error(ErrorCode::kInvalidArgument, "epcis_event_not_mappable", std::move(message),
                    std::move(field));
}

// "+08:00" -> 480; nullopt when malformed (the parser checked its length only).
std::optional<int32_t> offset_minutes(std::string_view z) {
  if (z.size() != 6 || (z[0] != '+' && z[0] != '-') || z[3] != ':') return std::nullopt;
  int32_t h = 0, m = 0;
  if (std::from_chars(z.data() + 1, z.data() + 3, h).ec != std::errc() ||
      std::from_chars(z.data() + 4, z.data() + 6, m).ec != std::errc() || h > 14 || m > 59) {
    return std::nullopt;
  }
  return (z[0] == '-' ? -1 : 1) * (h * 60 + m);
}

bool is_receiving_step(std::string_view s) {
  return s == "receiving" || s == "arriving" || s == "accepting";
}

}  // namespace

CaptureKind capture_kind(const Event& e, std::string_view tenant) {
  if (e.type != "ObjectEvent") return CaptureKind::kNotMappable;
  if (e.action == "ADD" && e.biz_step == "commissioning") return CaptureKind::kCommissioning;
  if (e.action != "OBSERVE" || e.epcs.empty() || !e.quantities.empty())
    return CaptureKind::kNotMappable;
  if (is_receiving_step(e.biz_step)) return CaptureKind::kReceipt;
  if (e.biz_step == "shipping") {
    const std::string us = party_uri(tenant);
    for (const Typed& d : e.destinations) {
      if (d.id == us && (d.type == "owning_party" || d.type == "possessing_party"))
        return CaptureKind::kReceipt;
    }
  }
  return CaptureKind::kNotMappable;
}

Result<Quantity> ledger_quantity(std::string_view quantity, std::string_view uom,
                                 std::string_view field) {
  const std::string f(field);
  if (quantity.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "quantity_required",
                      "a commissioned quantity names its quantity", f + ".quantity");
  }
  Unit unit = Unit::kPiece;
  int64_t scale = 1;  // base units per uom
  if (uom == "KGM") {
    unit = Unit::kGram;
    scale = 1000;
  } else if (uom == "LTR") {
    unit = Unit::kMillilitre;
    scale = 1000;
  } else if (!uom.empty() && uom != "EA" && uom != "H87") {
    return make_error(ErrorCode::kInvalidArgument, "uom_unsupported",
                      "uom is KGM, LTR or EA (UN/ECE Rec 20); the ledger counts grams, "
                      "millilitres and pieces",
                      f + ".uom");
  }
  auto bad = [&] {
    return make_error(ErrorCode::kInvalidArgument, "quantity_invalid",
                      scale == 1 ? "a count of pieces is a positive whole number"
                                 : "the quantity is positive with at most three decimals",
                      f + ".quantity");
  };
  const size_t dot = quantity.find('.');
  const std::string_view whole = quantity.substr(0, dot);
  std::string_view frac =
      dot == std::string_view::npos ? std::string_view() : quantity.substr(dot + 1);
  while (!frac.empty() && frac.back() == '0') frac.remove_suffix(1);
  if (whole.empty() || (scale == 1 && !frac.empty()) || frac.size() > 3) return bad();
  int64_t w = 0;
  auto r = std::from_chars(whole.data(), whole.data() + whole.size(), w);
  if (r.ec != std::errc() || r.ptr != whole.data() + whole.size() || w < 0 ||
      w > INT64_MAX / 1000 - 1) {
    return bad();
  }
  int64_t amount = w * scale;
  if (!frac.empty()) {
    int64_t v = 0;
    auto fr = std::from_chars(frac.data(), frac.data() + frac.size(), v);
    if (fr.ec != std::errc() || fr.ptr != frac.data() + frac.size()) return bad();
    for (size_t n = frac.size(); n < 3; ++n) v *= 10;
    amount += v;
  }
  if (amount <= 0) return bad();
  return Quantity{amount, unit};
}

Result<std::vector<CreateBatch>> commissioned_batches(const Event& e,
                                                      const CatalogueLookup& catalogue) {
  auto offset = offset_minutes(e.time_zone_offset);
  if (!offset) {
    return make_error(ErrorCode::kInvalidArgument, "epcis_event_invalid",
                      "eventTimeZoneOffset is ±hh:mm", "eventTimeZoneOffset");
  }
  if (e.epcs.empty() && e.quantities.empty()) {
    return not_mappable("a commissioning event lists the goods (epcList or quantityList)",
                        "epcList");
  }
  const std::string hash = event_hash(e);
  const Date produced = date_from_unix_ms(e.event_time_ms, *offset);
  auto batch_of = [&](const std::string& gtin14) {
    CreateBatch b;
    if (auto match = catalogue ? catalogue(gtin14) : std::nullopt) {
      b.product = match->name;
      b.product_id = match->product_id;
    } else {
      b.product = "GTIN " + gtin14;
    }
    b.production_date = produced;
    b.note = "EPCIS " + hash;
    return b;
  };
  std::vector<CreateBatch> out;
  for (size_t n = 0; n < e.quantities.size(); ++n) {
    const QuantityElement& q = e.quantities[n];
    const std::string field = "quantityList[" + std::to_string(n) + "]";
    if (q.goods.gtin14.empty() || q.goods.lot.empty()) {
      return not_mappable("a commissioned class is an LGTIN (a GTIN with a lot)",
                          field + ".epcClass");
    }
    auto quantity = ledger_quantity(q.quantity, q.uom, field);
    if (!quantity.ok()) return quantity.error();
    CreateBatch b = batch_of(q.goods.gtin14);
    b.lot_code = q.goods.lot;
    b.quantity = *quantity;
    out.push_back(std::move(b));
  }
  // SGTINs: a count per GTIN, GTINs in their first appearance's order.
  std::vector<std::string> gtins;
  std::map<std::string, int64_t> count;
  for (const Item& item : e.epcs) {
    if (count[item.gtin14]++ == 0) gtins.push_back(item.gtin14);
  }
  const std::string hex = hash.substr(std::string_view("ni:///sha-256;").size(), 12);
  for (size_t n = 0; n < gtins.size(); ++n) {
    CreateBatch b = batch_of(gtins[n]);
    b.lot_code = n == 0 ? fmt::format("E{}", hex) : fmt::format("E{}-{}", hex, n);
    b.quantity = Quantity{count[gtins[n]], Unit::kPiece};
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace agritrace::core::epcis
