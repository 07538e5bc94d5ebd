#include "core/interchange/epcis.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "core/base/civil_time.h"
#include "core/base/digest.h"
#include "core/codes/codes.h"

namespace agritrace::core::epcis {
namespace {

constexpr std::string_view kGs1 = "https://id.gs1.org";

Error epc_invalid(std::string message, std::string_view field) {
  return make_error(ErrorCode::kInvalidArgument, "epc_invalid", std::move(message),
                    std::string(field));
}

bool digits_only(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// RFC 3986 unreserved characters stay, everything else is %XX (GS1 Digital Link values).
std::string encode_value(std::string_view s, std::string_view keep) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') ||
        keep.find(c) != std::string_view::npos) {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}
std::string dl_value(std::string_view s) { return encode_value(s, "-._~"); }
// EPC Tag Data Standard URN escaping: the characters of GS1 AI encodable set 82 that are not
// allowed unescaped in a URN are %-escaped.
std::string urn_value(std::string_view s) { return encode_value(s, "-_.:;=!'()*+,"); }

Result<std::string> decode_value(std::string_view s, std::string_view field) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return epc_invalid("a malformed %-escape", field);
    unsigned v = 0;
    if (std::sscanf(std::string(s.substr(i + 1, 2)).c_str(), "%2x", &v) != 1) {
      return epc_invalid("a malformed %-escape", field);
    }
    out += static_cast<char>(v);
    i += 2;
  }
  if (out.empty()) return epc_invalid("an empty identifier value", field);
  return out;
}

// GTIN-14 from an EPC URN's company prefix and indicator + item reference (TDS §6.3.1).
Result<std::string> gtin_from_urn_parts(std::string_view cp, std::string_view ir,
                                        std::string_view field) {
  if (!digits_only(cp) || !digits_only(ir) || cp.size() + ir.size() != 13) {
    return epc_invalid("company prefix and item reference must be 13 digits together", field);
  }
  std::string data;
  data += ir[0];
  data += cp;
  data += ir.substr(1);
  data += gtin_check_digit(data);
  return data;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const size_t p = s.find(sep, start);
    out.push_back(
        s.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start));
    if (p == std::string_view::npos) break;
    start = p + 1;
  }
  return out;
}

// The GS1 key path after the host of a Digital Link: pairs "01/x/10/y/21/z" (any prefix path).
struct DlPairs {
  std::string gtin14;
  std::optional<std::string> lot;
  std::optional<std::string> serial;
};
Result<DlPairs> parse_dl(std::string_view uri, std::string_view field) {
  if (const size_t q = uri.find_first_of("?#"); q != std::string_view::npos) uri = uri.substr(0, q);
  const size_t scheme = uri.find("://");
  if (scheme == std::string_view::npos)
    return epc_invalid("expected a GS1 Digital Link URI or EPC URN", field);
  const size_t at = uri.find("/01/", scheme + 3);
  if (at == std::string_view::npos) return epc_invalid("a Digital Link names a GTIN (/01/)", field);
  const std::vector<std::string_view> segs = split(uri.substr(at + 1), '/');
  if (segs.size() % 2 != 0)
    return epc_invalid("a Digital Link path is pairs of AI and value", field);
  DlPairs out;
  for (size_t i = 0; i < segs.size(); i += 2) {
    const std::string_view ai = segs[i];
    if (ai == "01") {
      std::string_view g = segs[i + 1];
      if (!digits_only(g) || g.size() > 14 || g.size() < 8)
        return epc_invalid("a GTIN has 8 to 14 digits", field);
      std::string g14(14 - g.size(), '0');
      g14 += g;
      if (gtin_check_digit(std::string_view(g14).substr(0, 13)) != g14[13]) {
        return epc_invalid("the GTIN's check digit is wrong", field);
      }
      out.gtin14 = g14;
    } else if (ai == "10") {
      auto v = decode_value(segs[i + 1], field);
      if (!v.ok()) return v.error();
      out.lot = *v;
    } else if (ai == "21") {
      auto v = decode_value(segs[i + 1], field);
      if (!v.ok()) return v.error();
      out.serial = *v;
    } else {
      return epc_invalid("only the GS1 keys 01, 10 and 21 are understood here", field);
    }
  }
  return out;
}

// The CBV 2.0 §8.9 canonical form of one quantity element (without the element name).
std::string quantity_prehash(const QuantityElement& q) {
  std::string s = "quantityElementepcClass=" + class_uri(q.goods, IdFormat::kDigitalLink);
  if (!q.quantity.empty()) s += "quantity=" + q.quantity;
  if (!q.uom.empty()) s += "uom=" + q.uom;
  return s;
}

void append_sorted(std::string& out, std::string_view name, std::vector<std::string> parts) {
  if (parts.empty()) return;
  std::sort(parts.begin(), parts.end());
  out += name;
  for (const std::string& p : parts) out += p;
}

void append_items(std::string& out, std::string_view name, const std::vector<Item>& items) {
  std::vector<std::string> parts;
  parts.reserve(items.size());
  for (const Item& i : items) parts.push_back("epc=" + digital_link(i));
  append_sorted(out, name, std::move(parts));
}

void append_quantities(std::string& out, std::string_view name,
                       const std::vector<QuantityElement>& qs) {
  std::vector<std::string> parts;
  parts.reserve(qs.size());
  for (const QuantityElement& q : qs) parts.push_back(quantity_prehash(q));
  append_sorted(out, name, std::move(parts));
}

void append_typed(std::string& out, std::string_view name, std::string_view type_prefix,
                  std::string_view value_key, const std::vector<Typed>& list) {
  std::vector<std::string> parts;
  for (const Typed& t : list) {
    std::string p;
    if (!t.type.empty()) p += "type=" + std::string(type_prefix) + t.type;
    p += std::string(value_key) + "=" + t.id;
    parts.push_back(std::move(p));
  }
  append_sorted(out, name, std::move(parts));
}

void write_items(JsonWriter& w, std::string_view key, const std::vector<Item>& items, IdFormat f) {
  if (items.empty()) return;
  w.key(key).begin_array();
  for (const Item& i : items) w.value(item_uri(i, f));
  w.end_array();
}

void write_quantities(JsonWriter& w, std::string_view key, const std::vector<QuantityElement>& qs,
                      IdFormat f) {
  if (qs.empty()) return;
  w.key(key).begin_array();
  for (const QuantityElement& q : qs) {
    w.begin_object().field("epcClass", class_uri(q.goods, f));
    if (!q.quantity.empty()) w.field_raw("quantity", q.quantity);
    if (!q.uom.empty()) w.field("uom", q.uom);
    w.end_object();
  }
  w.end_array();
}

void write_typed(JsonWriter& w, std::string_view key, std::string_view value_key,
                 const std::vector<Typed>& list) {
  if (list.empty()) return;
  w.key(key).begin_array();
  for (const Typed& t : list) {
    w.begin_object();
    if (!t.type.empty()) w.field("type", t.type);
    w.field(value_key, t.id).end_object();
  }
  w.end_array();
}

// "{company prefix}.{indicator + item reference}" of a GTIN-14 (EPC URN bodies).
std::string urn_key(const std::string& gtin14) {
  const auto cp = static_cast<size_t>(company_prefix_length(gtin14));
  return gtin14.substr(1, cp) + "." + gtin14.substr(0, 1) + gtin14.substr(1 + cp, 12 - cp);
}

// "urn:epc:…:{CP}.{IR}.{value}" -> GTIN-14 and the decoded value.
Result<std::pair<std::string, std::string>> parse_urn(std::string_view body, std::string_view shape,
                                                      std::string_view field) {
  const auto parts = split(body, '.');
  if (parts.size() != 3) return epc_invalid(std::string(shape), field);
  auto gtin = gtin_from_urn_parts(parts[0], parts[1], field);
  if (!gtin.ok()) return gtin.error();
  auto value = decode_value(parts[2], field);
  if (!value.ok()) return value.error();
  return std::make_pair(*gtin, *value);
}

}  // namespace

Result<IdFormat> parse_id_format(std::string_view header) {
  if (header.empty() || header == "No_Preference" || header == "Always_GS1_Digital_Link") {
    return IdFormat::kDigitalLink;
  }
  if (header == "Always_EPC_URN") return IdFormat::kEpcUrn;
  return make_error(ErrorCode::kInvalidArgument, "epc_format_invalid",
                    "GS1-EPC-Format is No_Preference, Always_GS1_Digital_Link or Always_EPC_URN",
                    "GS1-EPC-Format");
}

std::string thousandths_text(int64_t thousandths) {
  const bool negative = thousandths < 0;
  const uint64_t v =
      negative ? 0 - static_cast<uint64_t>(thousandths) : static_cast<uint64_t>(thousandths);
  std::string out = negative ? "-" : "";
  out += std::to_string(v / 1000);
  uint64_t frac = v % 1000;
  if (frac != 0) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%03u", static_cast<unsigned>(frac));
    std::string f(buf);
    while (!f.empty() && f.back() == '0') f.pop_back();
    out += "." + f;
  }
  return out;
}

QuantityElement quantity_of(GoodsClass goods, Quantity q) {
  QuantityElement e;
  e.goods = std::move(goods);
  switch (q.unit) {
    case Unit::kGram:
      e.quantity = thousandths_text(q.amount);
      e.uom = "KGM";
      break;
    case Unit::kMillilitre:
      e.quantity = thousandths_text(q.amount);
      e.uom = "LTR";
      break;
    case Unit::kPiece:
      e.quantity = std::to_string(q.amount);
      e.uom = "EA";
      break;
  }
  return e;
}

int32_t company_prefix_length(std::string_view gtin14) {
  // gtin14[0] is the indicator; the GS1 prefix follows. GTIN-13s under 692..699 (GS1 China)
  // carry 8-digit company prefixes; 690/691 and the fallback for every other prefix use 7.
  if (gtin14.size() == 14 && gtin14[1] == '6' && gtin14[2] == '9' && gtin14[3] >= '2') return 8;
  return 7;
}

std::string digital_link(const Item& item) {
  return std::string(kGs1) + "/01/" + item.gtin14 + "/21/" + dl_value(item.serial);
}

std::string epc_urn(const Item& item) {
  return "urn:epc:id:sgtin:" + urn_key(item.gtin14) + "." + urn_value(item.serial);
}

std::string item_uri(const Item& item, IdFormat format) {
  return format == IdFormat::kEpcUrn ? epc_urn(item) : digital_link(item);
}

std::string class_uri(const GoodsClass& goods, IdFormat format) {
  if (goods.gtin14.empty()) return goods.private_uri;
  if (format == IdFormat::kEpcUrn) {
    return "urn:epc:class:lgtin:" + urn_key(goods.gtin14) + "." + urn_value(goods.lot);
  }
  return std::string(kGs1) + "/01/" + goods.gtin14 + "/10/" + dl_value(goods.lot);
}

Result<Item> parse_item(std::string_view uri, std::string_view field) {
  constexpr std::string_view kSgtin = "urn:epc:id:sgtin:";
  if (uri.substr(0, kSgtin.size()) == kSgtin) {
    auto p = parse_urn(uri.substr(kSgtin.size()), "an SGTIN URN is urn:epc:id:sgtin:CP.IR.serial",
                       field);
    if (!p.ok()) return p.error();
    return Item{p->first, p->second};
  }
  auto dl = parse_dl(uri, field);
  if (!dl.ok()) return dl.error();
  if (!dl->serial) return epc_invalid("an instance identifier names a serial (/21/)", field);
  return Item{dl->gtin14, *dl->serial};
}

Result<GoodsClass> parse_class(std::string_view uri, std::string_view field) {
  constexpr std::string_view kLgtin = "urn:epc:class:lgtin:";
  if (uri.substr(0, kLgtin.size()) == kLgtin) {
    auto p = parse_urn(uri.substr(kLgtin.size()), "an LGTIN URN is urn:epc:class:lgtin:CP.IR.lot",
                       field);
    if (!p.ok()) return p.error();
    return GoodsClass{p->first, p->second, ""};
  }
  if (uri.find("/01/") != std::string_view::npos && uri.find("://") != std::string_view::npos) {
    auto dl = parse_dl(uri, field);
    if (!dl.ok()) return dl.error();
    if (!dl->lot || dl->serial)
      return epc_invalid("a class is a GTIN with a lot (/01/…/10/…)", field);
    return GoodsClass{dl->gtin14, *dl->lot, ""};
  }
  if (uri.empty() || uri.find(':') == std::string_view::npos) {
    return epc_invalid("an epcClass is a URI", field);
  }
  return GoodsClass{"", "", std::string(uri)};
}

// A location as the event hash canonicalises it (CBV 2.0 §8.9, as the reference implementation
// does): an SGLN EPC URN `urn:epc:id:sgln:{company prefix}.{location ref}.{extension}` becomes its
// GS1 Digital Link `https://id.gs1.org/414/{GLN}[/254/{extension}]` (extension "0": none); any
// other URI is kept as written.
namespace {
std::string canonical_location(std::string_view uri) {
  constexpr std::string_view kSgln = "urn:epc:id:sgln:";
  if (uri.substr(0, kSgln.size()) != kSgln) return std::string(uri);
  const std::vector<std::string_view> parts = split(uri.substr(kSgln.size()), '.');
  if (parts.size() != 3 || parts[0].size() + parts[1].size() != 12) return std::string(uri);
  std::string gln = std::string(parts[0]) + std::string(parts[1]);
  if (gln.find_first_not_of("0123456789") != std::string::npos) return std::string(uri);
  gln += gtin_check_digit(gln);
  std::string out = std::string(kGs1) + "/414/" + gln;
  if (!parts[2].empty() && parts[2] != "0") out += "/254/" + std::string(parts[2]);
  return out;
}
}  // namespace

std::string prehash(const Event& e) {
  // The order of CBV 2.0 §8.9 as the reference implementation (PyPI epcis-event-hash-generator
  // 1.9.3) applies it: the ordered properties, then the remaining lists (bizTransactionList,
  // destinationList, sourceList) by name, each list's entries sorted.
  const bool transformation = e.type == "TransformationEvent";
  std::string s = "eventType=" + e.type;
  s += "eventTime=" + format_rfc3339_utc(e.event_time_ms);
  s += "eventTimeZoneOffset=" + e.time_zone_offset;
  append_items(s, transformation ? "inputEPCList" : "epcList", e.epcs);
  append_quantities(s, transformation ? "inputQuantityList" : "quantityList", e.quantities);
  append_items(s, "outputEPCList", e.output_epcs);
  append_quantities(s, "outputQuantityList", e.output_quantities);
  if (!e.action.empty()) s += "action=" + e.action;
  if (!e.transformation_id.empty()) s += "transformationID=" + e.transformation_id;
  if (!e.biz_step.empty()) s += "bizStep=https://ref.gs1.org/cbv/BizStep-" + e.biz_step;
  if (!e.disposition.empty()) s += "disposition=https://ref.gs1.org/cbv/Disp-" + e.disposition;
  if (!e.read_point.empty()) s += "readPointid=" + canonical_location(e.read_point);
  if (!e.biz_location.empty()) s += "bizLocationid=" + canonical_location(e.biz_location);
  append_typed(s, "bizTransactionList", "https://ref.gs1.org/cbv/BTT-", "bizTransaction",
               e.biz_transactions);
  append_typed(s, "destinationList", "https://ref.gs1.org/cbv/SDT-", "destination", e.destinations);
  append_typed(s, "sourceList", "https://ref.gs1.org/cbv/SDT-", "source", e.sources);
  return s;
}

std::string event_hash(const Event& e) {
  return "ni:///sha-256;" + sha256_hex(prehash(e)) + "?ver=CBV2.0";
}

void write_event(JsonWriter& w, const Event& e, IdFormat f) {
  const bool transformation = e.type == "TransformationEvent";
  w.begin_object()
      .field("type", e.type)
      .field("eventID", event_hash(e))
      .field("eventTime", format_rfc3339_utc(e.event_time_ms))
      .field("eventTimeZoneOffset", e.time_zone_offset)
      .field("recordTime", format_rfc3339_utc(e.record_time_ms));
  write_items(w, transformation ? "inputEPCList" : "epcList", e.epcs, f);
  write_quantities(w, transformation ? "inputQuantityList" : "quantityList", e.quantities, f);
  write_items(w, "outputEPCList", e.output_epcs, f);
  write_quantities(w, "outputQuantityList", e.output_quantities, f);
  if (!e.action.empty()) w.field("action", e.action);
  if (!e.transformation_id.empty()) w.field("transformationID", e.transformation_id);
  if (!e.biz_step.empty()) w.field("bizStep", e.biz_step);
  if (!e.disposition.empty()) w.field("disposition", e.disposition);
  if (!e.read_point.empty())
    w.key("readPoint").begin_object().field("id", e.read_point).end_object();
  if (!e.biz_location.empty())
    w.key("bizLocation").begin_object().field("id", e.biz_location).end_object();
  write_typed(w, "bizTransactionList", "bizTransaction", e.biz_transactions);
  write_typed(w, "sourceList", "source", e.sources);
  write_typed(w, "destinationList", "destination", e.destinations);
  w.end_object();
}

std::string party_uri(std::string_view uscc) { return "urn:agritrace:party:" + urn_value(uscc); }
std::string private_party_uri(std::string_view tenant, std::string_view counterparty_id) {
  return party_uri(tenant) + ":" + urn_value(counterparty_id);
}
std::string lot_uri(std::string_view tenant, std::string_view item_id) {
  return "urn:agritrace:lot:" + urn_value(tenant) + ":" + urn_value(item_id);
}
std::string transaction_uri(std::string_view tenant, std::string_view id) {
  return "urn:agritrace:bt:" + urn_value(tenant) + ":" + urn_value(id);
}

}  // namespace agritrace::core::epcis
