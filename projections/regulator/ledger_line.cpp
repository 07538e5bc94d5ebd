#include "projections/regulator/ledger_line.h"

#include <charconv>
#include <type_traits>

#include "projections/trace/queries.h"

namespace agritrace::projections::regulator {
namespace {

constexpr char kSep = '\x1f';

ItemFacts item_or_empty(const Lookups& l, std::string_view id) {
  if (!l.item) return {};
  return l.item(id).value_or(ItemFacts{});
}

Line from_item(Direction d, std::string_view item_id, const ItemFacts& f, core::Quantity q,
               std::string reference) {
  Line line;
  line.direction = d;
  line.item_id.assign(item_id);
  line.product = f.product;
  line.gtin = f.gtin;
  line.batch = f.lot_code;
  line.origin_enterprise = f.origin_enterprise;
  line.origin_division = f.origin_division;
  line.origin_country = f.origin_country;
  line.quantity = q;
  line.reference = std::move(reference);
  return line;
}

// The GTIN of the enterprise's own catalogue product, else a reference to the platform's base
// catalogue resolved when read (another tenant's events: their order must not matter).
std::string gtin_of(const Lookups& l, const std::string& product_id) {
  if (product_id.empty()) return {};
  std::string own = l.gtin ? l.gtin(product_id) : std::string();
  return own.empty() ? std::string(kCatalogueReference) + product_id : own;
}

void set_party(Line& line, const Lookups& l, const PartyFacts& p) {
  line.party_id = p.individual ? std::string() : p.uscc;
  line.party_name = p.individual ? mask_person_name(p.name) : p.name;
  line.party_division = division_of(l.divisions, p.region);
}

void set_counterparty(Line& line, const Lookups& l, std::string_view counterparty_id) {
  if (counterparty_id.empty() || !l.counterparty) return;
  if (auto p = l.counterparty(counterparty_id)) set_party(line, l, *p);
}

}  // namespace

std::string_view direction_name(Direction d) {
  switch (d) {
    case Direction::kProduced:
      return "produced";
    case Direction::kIn:
      return "in";
    case Direction::kOut:
      return "out";
    case Direction::kSold:
      return "sold";
    case Direction::kWrittenOff:
      return "written_off";
    case Direction::kConsumed:
      return "consumed";
  }
  return "produced";
}

std::optional<Direction> parse_direction(std::string_view name) {
  for (Direction d : kAllDirections) {
    if (direction_name(d) == name) return d;
  }
  return std::nullopt;
}

std::string division_of(const core::DivisionTable* table, std::string_view region) {
  if (table == nullptr || region.empty()) return {};
  return table->match_region(region).value_or(std::string());
}

std::vector<Line> classify(const core::Event& event, const Lookups& l) {
  std::vector<Line> out;
  std::visit(
      [&](const auto& e) {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, core::BatchCreated>) {
          // Produced here: the producer is the origin (its own division, read from its
          // registration when the line is read).
          ItemFacts f = item_or_empty(l, e.batch_id);
          f.product = e.product;
          f.lot_code = e.lot_code;
          f.origin_enterprise = l.tenant;
          f.gtin = gtin_of(l, e.product_id);
          out.push_back(from_item(Direction::kProduced, e.batch_id, f, e.quantity, e.batch_id));
        } else if constexpr (std::is_same_v<E, core::BatchAmended>) {
          // A correction of what was produced: the difference, or (product or unit changed) the
          // old quantity taken back and the new one produced.
          auto before = l.item ? l.item(e.batch_id) : std::nullopt;
          if (!before) return;
          if (before->product == e.product && before->quantity.unit == e.quantity.unit) {
            const int64_t delta = e.quantity.amount - before->quantity.amount;
            if (delta == 0) return;
            out.push_back(from_item(Direction::kProduced, e.batch_id, *before,
                                    core::Quantity{delta, e.quantity.unit}, e.batch_id));
            return;
          }
          out.push_back(from_item(Direction::kProduced, e.batch_id, *before,
                                  core::Quantity{-before->quantity.amount, before->quantity.unit},
                                  e.batch_id));
          ItemFacts now = *before;
          now.product = e.product;
          out.push_back(from_item(Direction::kProduced, e.batch_id, now, e.quantity, e.batch_id));
        } else if constexpr (std::is_same_v<E, core::BatchMaterialConsumed>) {
          out.push_back(from_item(Direction::kConsumed, e.lot_id, item_or_empty(l, e.lot_id),
                                  e.quantity, e.batch_id));
        } else if constexpr (std::is_same_v<E, core::PurchaseOrderReceived>) {
          ItemFacts f;
          f.product = e.material;
          f.lot_code = e.supplier_lot;
          f.origin_country = e.origin_country;
          Line line = from_item(Direction::kIn, e.lot_id, f, e.quantity, e.po_id);
          set_counterparty(line, l, e.supplier_id);
          // Bought goods come from the supplier's region (imports: the country of origin).
          if (line.origin_country.empty()) line.origin_division = line.party_division;
          out.push_back(std::move(line));
        } else if constexpr (std::is_same_v<E, core::GoodsReceived>) {
          ItemFacts f;
          f.product = e.product;
          f.lot_code = e.lot_code;
          f.origin_enterprise = !e.origin_tenant.empty() ? e.origin_tenant : e.from_tenant;
          f.gtin = gtin_of(l, e.product_id);
          Line line = from_item(Direction::kIn, e.lot_id, f, e.quantity, e.receipt_id);
          if (!e.from_tenant.empty()) {
            line.party_id = e.from_tenant;
            line.party_name = e.from_name;
          } else {
            set_counterparty(line, l, e.supplier_id);
            if (line.party_name.empty()) line.party_name = e.supplier_name;
            if (line.origin_enterprise.empty()) line.origin_division = line.party_division;
          }
          out.push_back(std::move(line));
        } else if constexpr (std::is_same_v<E, core::ShipmentRecorded>) {
          ItemFacts f = item_or_empty(l, e.batch_id);
          f.product = e.product;
          if (!e.lot_code.empty()) f.lot_code = e.lot_code;
          if (!e.origin_tenant.empty()) f.origin_enterprise = e.origin_tenant;
          // To a person (retail sales always are): sold to consumers; to a business: out.
          Line line = from_item(e.ship_to_individual ? Direction::kSold : Direction::kOut,
                                e.batch_id, f, e.quantity, e.shipment_id);
          line.party_id = e.ship_to_individual
                              ? std::string()
                              : (!e.ship_to_tenant.empty() ? e.ship_to_tenant : e.ship_to_uscc);
          line.party_name =
              e.ship_to_individual ? mask_person_name(e.ship_to_name) : e.ship_to_name;
          line.party_division = division_of(l.divisions, e.ship_to_region);
          out.push_back(std::move(line));
        } else if constexpr (std::is_same_v<E, core::StockAdjusted>) {
          if (e.delta.amount == 0) return;
          // A loss is written off; a surplus found by a count comes in (no counterparty).
          const bool loss = e.delta.amount < 0;
          out.push_back(
              from_item(loss ? Direction::kWrittenOff : Direction::kIn, e.item_id,
                        item_or_empty(l, e.item_id),
                        core::Quantity{loss ? -e.delta.amount : e.delta.amount, e.delta.unit},
                        e.stocktake_id));
        }
      },
      event);
  return out;
}

std::string key_part(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '%') {
      out += "%25";
    } else if (c == '/') {
      out += "%2F";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

namespace {
void put(std::string& out, std::string_view field) {
  for (char c : field) out.push_back(c == kSep ? ' ' : c);
  out.push_back(kSep);
}
}  // namespace

std::string encode_line(const StoredLine& s) {
  std::string out;
  const Line& l = s.line;
  put(out, s.line_id);
  put(out, s.tenant);
  put(out, s.enterprise_name);
  put(out, s.division);
  put(out, std::to_string(s.occurred_at_ms));
  put(out, direction_name(l.direction));
  put(out, l.item_id);
  put(out, l.product);
  put(out, l.gtin);
  put(out, l.batch);
  put(out, l.origin_enterprise);
  put(out, l.origin_division);
  put(out, l.origin_country);
  put(out, l.party_id);
  put(out, l.party_name);
  put(out, l.party_division);
  put(out, std::to_string(l.quantity.amount));
  put(out, core::unit_name(l.quantity.unit));
  put(out, l.reference);
  return out;
}

std::optional<StoredLine> decode_line(std::string_view text) {
  std::vector<std::string_view> f;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == kSep) {
      f.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  if (f.size() != 19) return std::nullopt;
  auto to_int = [](std::string_view v, int64_t& n) {
    auto r = std::from_chars(v.data(), v.data() + v.size(), n);
    return r.ec == std::errc() && r.ptr == v.data() + v.size();
  };
  StoredLine s;
  s.line_id.assign(f[0]);
  s.tenant.assign(f[1]);
  s.enterprise_name.assign(f[2]);
  s.division.assign(f[3]);
  if (!to_int(f[4], s.occurred_at_ms)) return std::nullopt;
  auto d = parse_direction(f[5]);
  if (!d) return std::nullopt;
  Line& l = s.line;
  l.direction = *d;
  l.item_id.assign(f[6]);
  l.product.assign(f[7]);
  l.gtin.assign(f[8]);
  l.batch.assign(f[9]);
  l.origin_enterprise.assign(f[10]);
  l.origin_division.assign(f[11]);
  l.origin_country.assign(f[12]);
  l.party_id.assign(f[13]);
  l.party_name.assign(f[14]);
  l.party_division.assign(f[15]);
  if (!to_int(f[16], l.quantity.amount)) return std::nullopt;
  auto unit = core::parse_unit_name(f[17], "unit");
  if (!unit.ok()) return std::nullopt;
  l.quantity.unit = *unit;
  l.reference.assign(f[18]);
  return s;
}

}  // namespace agritrace::projections::regulator
