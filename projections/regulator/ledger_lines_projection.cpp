#include "projections/regulator/ledger_lines_projection.h"

#include <fmt/format.h>

#include <charconv>
#include <vector>

#include "core/base/civil_time.h"
#include "core/codes/codes.h"
#include "core/regulator/rules.h"
#include "events/regulator/divisions.h"
#include "projections/regulator/flow_keys.h"
#include "projections/regulator/flow_queries.h"
#include "projections/regulator/ledger_line.h"

namespace agritrace::projections {
namespace {

using regulator::Direction;
using regulator::ItemFacts;
using regulator::key_part;
using regulator::Line;
using regulator::PartyFacts;

constexpr std::string_view kAll = core::kRegulatorsTenant;

std::vector<std::string_view> split(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '\x1f') {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

std::string join(std::initializer_list<std::string_view> parts) {
  std::string out;
  bool first = true;
  for (std::string_view p : parts) {
    if (!first) out.push_back('\x1f');
    first = false;
    for (char c : p) out.push_back(c == '\x1f' ? ' ' : c);
  }
  return out;
}

std::string item_text(const ItemFacts& f) {
  return join({f.product, f.gtin, f.lot_code, f.origin_enterprise, f.origin_division,
               f.origin_country, std::to_string(f.quantity.amount),
               core::unit_name(f.quantity.unit)});
}

std::optional<ItemFacts> parse_item(std::string_view text) {
  auto f = split(text);
  if (f.size() != 8) return std::nullopt;
  ItemFacts out;
  out.product.assign(f[0]);
  out.gtin.assign(f[1]);
  out.lot_code.assign(f[2]);
  out.origin_enterprise.assign(f[3]);
  out.origin_division.assign(f[4]);
  out.origin_country.assign(f[5]);
  std::from_chars(f[6].data(), f[6].data() + f[6].size(), out.quantity.amount);
  auto unit = core::parse_unit_name(f[7], "unit");
  if (unit.ok()) out.quantity.unit = *unit;
  return out;
}

class LedgerLinesProjection final : public Projection {
 public:
  std::string_view name() const override { return "regulator_ledger_lines"; }

  Status apply(const events::StoredEvent& se, const core::Event& event, ViewBatch& b) override {
    const events::Envelope& env = se.envelope;
    const std::string& t = env.tenant;
    // Reporting compliance: the occurrence time of the enterprise's last event (any event).
    b.put(regulator::keys::last_event(kAll, t), std::to_string(env.occurred_at_ms));
    dispatch<regulator::FlowHandled>(event, [&](const auto& e) { on(se, e, event, b); });
    return Status::Ok();
  }

 private:
  // ---- facts ----
  void on(const events::StoredEvent& se, const core::EnterpriseRegistered& e, const core::Event&,
          ViewBatch& b) {
    const std::string division = regulator::division_of(&events::shipped_divisions(), e.region);
    b.put(regulator::keys::enterprise(kAll, se.envelope.tenant),
          join({e.name, e.region, division}));
    if (!division.empty()) {
      b.put(regulator::keys::enterprise_by_division(kAll, division, se.envelope.tenant), "");
    }
  }
  void party(const std::string& t, const std::string& id, const core::CounterpartyRecord& r,
             ViewBatch& b) {
    const bool person = r.kind == core::CounterpartyKind::kIndividual;
    b.put(regulator::keys::counterparty(t, id),
          join({r.uscc, r.name, r.region, person ? "1" : "0"}));
  }
  void on(const events::StoredEvent& se, const core::CounterpartyRegistered& e, const core::Event&,
          ViewBatch& b) {
    party(se.envelope.tenant, e.counterparty_id, e.record, b);
  }
  void on(const events::StoredEvent& se, const core::CounterpartyAmended& e, const core::Event&,
          ViewBatch& b) {
    party(se.envelope.tenant, e.counterparty_id, e.record, b);
  }
  void on(const events::StoredEvent& se, const core::CatalogueProductAdded& e, const core::Event&,
          ViewBatch& b) {
    b.put(regulator::keys::gtin(se.envelope.tenant, e.product.product_id), e.product.gtin);
  }

  // ---- events that move goods ----
  template <typename E>
  void on(const events::StoredEvent& se, const E& e, const core::Event& event, ViewBatch& b) {
    const std::string& t = se.envelope.tenant;
    regulator::Lookups l;
    l.tenant = t;
    l.divisions = &events::shipped_divisions();
    l.item = [&](std::string_view id) -> std::optional<ItemFacts> {
      auto v = b.get(regulator::keys::item(t, id));
      if (!v) return std::nullopt;
      return parse_item(*v);
    };
    l.counterparty = [&](std::string_view id) -> std::optional<PartyFacts> {
      auto v = b.get(regulator::keys::counterparty(t, id));
      if (!v) return std::nullopt;
      auto f = split(*v);
      if (f.size() != 4) return std::nullopt;
      return PartyFacts{std::string(f[0]), std::string(f[1]), std::string(f[2]), f[3] == "1"};
    };
    l.gtin = [&](std::string_view product_id) {
      return b.get(regulator::keys::gtin(t, product_id)).value_or(std::string());
    };
    std::vector<Line> lines = regulator::classify(event, l);

    // The facts of stock items, for later events of the same enterprise.
    if constexpr (std::is_same_v<E, core::BatchCreated>) {
      ItemFacts f = lines.empty() ? ItemFacts{} : facts_of(lines.front());
      f.quantity = e.quantity;
      b.put(regulator::keys::item(t, e.batch_id), item_text(f));
    } else if constexpr (std::is_same_v<E, core::BatchAmended>) {
      if (auto before = l.item(e.batch_id)) {
        before->product = e.product;
        before->quantity = e.quantity;
        b.put(regulator::keys::item(t, e.batch_id), item_text(*before));
      }
    } else if constexpr (std::is_same_v<E, core::PurchaseOrderReceived> ||
                         std::is_same_v<E, core::GoodsReceived>) {
      if (!lines.empty() && !b.get(regulator::keys::item(t, e.lot_id))) {
        b.put(regulator::keys::item(t, e.lot_id), item_text(facts_of(lines.front())));
      }
    }
    if (lines.empty()) return;

    auto ent = b.get(regulator::keys::enterprise(kAll, t));
    if (!ent) return;  // not an enterprise (no registration): no jurisdiction
    auto ef = split(*ent);
    if (ef.size() != 3 || ef[2].empty()) return;  // division unknown: in no jurisdiction
    const std::string division(ef[2]);
    const int64_t at = se.envelope.occurred_at_ms;
    const std::string date = core::format_date(core::date_from_unix_ms(at));
    const std::string month = date.substr(0, 7);
    for (size_t n = 0; n < lines.size(); ++n) {
      const Line& line = lines[n];
      regulator::StoredLine s;
      s.line_id = fmt::format("{}-{}-{}", t, se.envelope.tenant_seq, n + 1);
      s.tenant = t;
      s.enterprise_name.assign(ef[0]);
      s.division = division;
      s.occurred_at_ms = at;
      s.line = line;
      const std::string suffix =
          fmt::format("{}/{}/{}-{:0>12}-{}", division, date, t, se.envelope.tenant_seq, n + 1);
      b.put(regulator::keys::line(kAll, suffix), regulator::encode_line(s));
      b.put(regulator::keys::line_by_product(kAll, key_part(line.product), suffix), "");
      if (!line.batch.empty()) {
        b.put(regulator::keys::line_by_batch(kAll, key_part(line.batch), suffix), "");
      }
      if (std::string origin = origin_key(line); !origin.empty()) {
        b.put(regulator::keys::line_by_origin(kAll, key_part(origin), suffix), "");
      }
      b.put(regulator::keys::line_by_direction(kAll, regulator::direction_name(line.direction),
                                               suffix),
            "");
      const std::string what =
          fmt::format("{}/{}/{}", key_part(line.product), core::unit_name(line.quantity.unit),
                      regulator::direction_name(line.direction));
      b.add_int(regulator::keys::flow_day(kAll, division, fmt::format("{}/{}/{}", t, date, what)),
                line.quantity.amount);
      b.add_int(
          regulator::keys::flow_month(kAll, division, fmt::format("{}/{}/{}", t, month, what)),
          line.quantity.amount);
      b.add_int(regulator::keys::flow_total(kAll, division, fmt::format("{}/{}", t, what)),
                line.quantity.amount);
    }
  }

  static ItemFacts facts_of(const Line& line) {
    ItemFacts f;
    f.product = line.product;
    f.gtin = line.gtin;
    f.lot_code = line.batch;
    f.origin_enterprise = line.origin_enterprise;
    f.origin_division = line.origin_division;
    f.origin_country = line.origin_country;
    f.quantity = line.quantity;
    return f;
  }
};

}  // namespace

std::unique_ptr<Projection> make_ledger_lines_projection() {
  return std::make_unique<LedgerLinesProjection>();
}

}  // namespace agritrace::projections
