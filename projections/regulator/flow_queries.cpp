#include "projections/regulator/flow_queries.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <tuple>
#include <vector>

#include "core/base/csv_cell.h"
#include "core/base/json_writer.h"
#include "core/base/rule_errors.h"
#include "core/regulator/access.h"
#include "core/regulator/rules.h"
#include "events/regulator/divisions.h"
#include "projections/regulator/flow_keys.h"
#include "projections/regulator/keys.h"

#define FLOW_TRY(var, expr)                  \
  auto var##_r = (expr);                     \
  if (!var##_r.ok()) return var##_r.error(); \
  auto var = std::move(var##_r).value()

namespace agritrace::projections {

namespace regulator {
std::string origin_key(const Line& line) {
  if (!line.origin_enterprise.empty()) return line.origin_enterprise;
  if (!line.origin_division.empty()) return line.origin_division;
  if (!line.origin_country.empty()) return "c:" + line.origin_country;
  return {};
}
}  // namespace regulator

namespace {

using regulator::Direction;
using regulator::StoredLine;

constexpr std::string_view kAll = core::kRegulatorsTenant;
constexpr int64_t kDayMs = 86'400'000;

Error invalid_arg(std::string reason, std::string message, std::string field) {
  return make_error(ErrorCode::kInvalidArgument, std::move(reason), std::move(message),
                    std::move(field));
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

std::string hex(std::string_view s) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size() * 2);
  for (unsigned char c : s) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

std::optional<std::string> unhex(std::string_view s) {
  if (s.size() % 2 != 0) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < s.size(); i += 2) {
    unsigned v = 0;
    auto r = std::from_chars(s.data() + i, s.data() + i + 2, v, 16);
    if (r.ec != std::errc() || r.ptr != s.data() + i + 2) return std::nullopt;
    out.push_back(static_cast<char>(v));
  }
  return out;
}

// The percent-decoding of key_part.
std::string unkey(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() + 0 && s.substr(i, 3) == "%2F") {
      out.push_back('/');
      i += 2;
    } else if (s[i] == '%' && s.substr(i, 3) == "%25") {
      out.push_back('%');
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// ---- the platform's enterprises, as the regulator projection knows them ----
struct Enterprise {
  std::string name, region, division;
};

class Directory {
 public:
  explicit Directory(const ViewStore& v) : v_(v) {}
  const Enterprise* get(const std::string& tenant) {
    auto it = cache_.find(tenant);
    if (it == cache_.end()) {
      std::optional<Enterprise> e;
      if (auto text = v_.get(regulator::keys::enterprise(kAll, tenant))) {
        auto f = split(*text, '\x1f');
        if (f.size() == 3) e = Enterprise{std::string(f[0]), std::string(f[1]), std::string(f[2])};
      }
      it = cache_.emplace(tenant, std::move(e)).first;
    }
    return it->second ? &*it->second : nullptr;
  }

 private:
  const ViewStore& v_;
  std::map<std::string, std::optional<Enterprise>, std::less<>> cache_;
};

// ---- the divisions a query reads ----
bool overlaps(const core::Jurisdiction& j, std::string_view division) {
  return std::any_of(j.members.begin(), j.members.end(), [&](const std::string& m) {
    return core::division_within(m, division) || core::division_within(division, m);
  });
}

Status check_division(const RegulatorViewer& viewer, const std::string& division) {
  if (Status s = core::check_division_code(division, "division"); !s.ok()) return s;
  if (events::shipped_divisions().find(division) == nullptr) {
    return invalid_arg("division_unknown", "division " + division + " is not in the division table",
                       "division");
  }
  if (!overlaps(viewer.jurisdiction, division)) {
    return make_error(
        ErrorCode::kPermissionDenied, "outside_jurisdiction",
        "division " + division + " is outside the bureau's jurisdiction " + viewer.jurisdiction.id,
        "division");
  }
  return Status::Ok();
}

// Every listed division inside the jurisdiction (and inside `division`), in code order.
Result<std::vector<std::string>> divisions_of(const RegulatorViewer& viewer,
                                              const std::optional<std::string>& division) {
  if (division) AGRITRACE_RETURN_IF_ERROR(check_division(viewer, *division));
  std::set<std::string> out;
  const core::DivisionTable& table = events::shipped_divisions();
  for (const std::string& m : viewer.jurisdiction.members) {
    for (const core::Division* d : table.within(m)) {
      if (!core::in_jurisdiction(viewer.jurisdiction, d->code)) continue;
      if (division && !core::division_within(d->code, *division)) continue;
      out.insert(d->code);
    }
  }
  return std::vector<std::string>(out.begin(), out.end());
}

std::string city_of(std::string_view division) {
  if (division.size() != 6) return {};
  const core::DivisionTable& table = events::shipped_divisions();
  const core::Division* d = table.find(division);
  if (d == nullptr) return {};
  if (d->level == core::DivisionLevel::kProvince) return d->name;
  const core::Division* city = table.find(std::string(division.substr(0, 4)) + "00");
  return city != nullptr ? city->name : d->name;
}

std::string division_name(std::string_view division) {
  const core::Division* d = events::shipped_divisions().find(division);
  return d != nullptr ? d->name : std::string();
}

Status check_range(const std::optional<core::Date>& from, const std::optional<core::Date>& to) {
  if (from && to && *to < *from) {
    return invalid_arg("date_range_invalid", "to is before from", "to");
  }
  return Status::Ok();
}

std::string date_text(const std::optional<core::Date>& d) { return d ? core::format_date(*d) : ""; }

// ---- lines as the regulator reads them ----
struct Party {
  std::string id, name, division;
  bool on_platform = false;
};

Party party_of(const regulator::Line& l, Directory& dir) {
  Party p;
  if (!l.party_id.empty()) {
    if (const Enterprise* e = dir.get(l.party_id)) {
      p.id = l.party_id;
      p.name = l.party_name.empty() ? e->name : l.party_name;
      p.division = e->division;
      p.on_platform = true;
      return p;
    }
  }
  p.name = l.party_name;
  p.division = l.party_division;
  return p;
}

struct Origin {
  std::string text, enterprise_id, name;
};

Origin origin_of(const regulator::Line& l, Directory& dir) {
  Origin o;
  if (!l.origin_enterprise.empty()) {
    o.enterprise_id = l.origin_enterprise;
    if (const Enterprise* e = dir.get(l.origin_enterprise)) {
      o.text = e->division;
      o.name = e->name;
    }
  }
  if (o.text.empty()) o.text = !l.origin_division.empty() ? l.origin_division : l.origin_country;
  return o;
}

bool origin_matches(const regulator::Line& l, const std::string& want, Directory& dir) {
  if (core::is_division_code(want)) {
    const Origin o = origin_of(l, dir);
    return core::is_division_code(o.text) && core::division_within(o.text, want);
  }
  return l.origin_enterprise == want || l.origin_country == want || "c:" + l.origin_country == want;
}

// A stored GTIN, or the base catalogue's GTIN of a "@<product id>" reference.
std::string gtin_text(const ViewStore& v, const std::string& stored) {
  if (!stored.starts_with(regulator::kCatalogueReference)) return stored;
  return v
      .get(regulator::keys::gtin(core::kPlatformTenant,
                                 stored.substr(regulator::kCatalogueReference.size())))
      .value_or(std::string());
}

void write_line_json(JsonWriter& w, const ViewStore& v, const StoredLine& s, Directory& dir,
                     const core::Jurisdiction& j) {
  const regulator::Line& l = s.line;
  const Party p = party_of(l, dir);
  const Origin o = origin_of(l, dir);
  w.begin_object()
      .field("line_id", s.line_id)
      .field("enterprise_id", s.tenant)
      .field("enterprise_name", s.enterprise_name)
      .field("division", s.division)
      .field("direction", regulator::direction_name(l.direction))
      .field("product", l.product)
      .field("gtin", gtin_text(v, l.gtin))
      .field("batch", l.batch)
      .field("origin", o.text)
      .field("origin_enterprise_id", o.enterprise_id)
      .field("origin_name", o.name)
      .field("origin_country", l.origin_country)
      .key("counterparty")
      .begin_object()
      .field("id", p.id)
      .field("name", p.name)
      .field("division", p.division)
      .field("on_platform", p.on_platform)
      .field("in_jurisdiction", core::in_jurisdiction(j, p.division))
      .end_object()
      .key("quantity")
      .begin_object()
      .field("amount", l.quantity.amount)
      .field("unit", core::unit_name(l.quantity.unit))
      .end_object()
      .field("occurred_at", core::format_rfc3339_utc(s.occurred_at_ms))
      .field("item_id", l.item_id)
      .field("reference", l.reference)
      .end_object();
}

std::string csv_row(std::initializer_list<std::string_view> cells) {
  std::string out;
  bool first = true;
  for (std::string_view c : cells) {
    if (!first) out.push_back(',');
    first = false;
    out += core::csv_cell(c);
  }
  out += "\r\n";
  return out;
}

void write_line_csv(std::string& out, const ViewStore& v, const StoredLine& s, Directory& dir) {
  const regulator::Line& l = s.line;
  const Party p = party_of(l, dir);
  const Origin o = origin_of(l, dir);
  out += csv_row({s.line_id, s.tenant, s.enterprise_name, s.division,
                  regulator::direction_name(l.direction), l.product, gtin_text(v, l.gtin), l.batch,
                  o.text, o.name, p.id, p.name, p.division, std::to_string(l.quantity.amount),
                  core::unit_name(l.quantity.unit), core::format_rfc3339_utc(s.occurred_at_ms),
                  l.reference});
}

// Scans the lines of one index over the divisions and dates, from after `cursor` (a key suffix
// below the kind's prefix); fn(suffix, line) returns false to stop.
struct IndexScan {
  ViewKind kind;
  std::vector<std::string> selectors;  // key_part-encoded; empty string for the primary
};

void scan_lines(const ViewStore& v, const IndexScan& scan,
                const std::vector<std::string>& divisions, const std::optional<core::Date>& from,
                const std::optional<core::Date>& to, const std::string& cursor,
                const std::function<bool(const std::string&, const StoredLine&)>& fn) {
  const std::string base = view_key(scan.kind, kAll);
  const std::string line_base = view_key(ViewKind::kLedgerLine, kAll);
  const bool primary = scan.kind == ViewKind::kLedgerLine;
  std::vector<std::string> sels = scan.selectors;
  std::sort(sels.begin(), sels.end());
  sels.erase(std::unique(sels.begin(), sels.end()), sels.end());
  bool stop = false;
  for (const std::string& sel : sels) {
    const std::string head = primary ? std::string() : sel + "/";
    for (const std::string& d : divisions) {
      if (stop) return;
      std::string begin = base + head + d + "/" + (from ? core::format_date(*from) : "");
      std::string end = base + head + d + "/" + (to ? core::format_date(*to) + "/\xff" : "\xff");
      if (!cursor.empty()) {
        const std::string after = base + cursor + std::string(1, '\0');
        if (after >= end) continue;
        begin = std::max(begin, after);
      }
      v.scan_range(begin, end, [&](std::string_view k, std::string_view value) {
        const std::string suffix(k.substr(base.size()));
        std::optional<std::string> text;
        if (primary) {
          text.emplace(value);
        } else {
          text = v.get(line_base + suffix.substr(head.size()));
        }
        if (!text) return true;
        auto s = regulator::decode_line(*text);
        if (!s) return true;
        if (!fn(suffix, *s)) {
          stop = true;
          return false;
        }
        return true;
      });
    }
  }
}

// Closes a JSON page's array with `next_after`: the cursor of the next page, null on the last.
std::string close_page(JsonWriter& w, const std::string& next) {
  w.end_array().key("next_after");
  if (next.empty()) {
    w.null();
  } else {
    w.value(next);
  }
  w.end_object();
  return w.take();
}

}  // namespace

Result<std::string> ledger_lines(const ViewStore& v, const RegulatorViewer& viewer,
                                 const FlowFilter& f, const FlowPage& page, FlowFormat format) {
  AGRITRACE_RETURN_IF_ERROR(check_range(f.from, f.to));
  FLOW_TRY(divisions, divisions_of(viewer, f.division));
  std::string cursor;
  if (!page.after.empty()) {
    auto c = unhex(page.after);
    if (!c || c->empty())
      return invalid_arg("after_id_invalid", "after_id is not a cursor of this list", "after_id");
    cursor = std::move(*c);
  }
  Directory dir(v);
  IndexScan scan{ViewKind::kLedgerLine, {""}};
  if (f.batch) {
    scan = {ViewKind::kLedgerLineByBatch, {regulator::key_part(*f.batch)}};
  } else if (f.product) {
    scan = {ViewKind::kLedgerLineByProduct, {regulator::key_part(*f.product)}};
  } else if (f.origin) {
    scan = {ViewKind::kLedgerLineByOrigin, {}};
    if (core::is_division_code(*f.origin)) {
      // The producers registered in the origin division, and the division itself (goods bought
      // from suppliers there).
      for (const core::Division* d : events::shipped_divisions().within(*f.origin)) {
        scan.selectors.push_back(d->code);
        v.scan_prefix(regulator::keys::enterprise_by_division(kAll, d->code) + "/",
                      [&](std::string_view k, std::string_view) {
                        scan.selectors.push_back(regulator::key_part(k.substr(k.rfind('/') + 1)));
                        return true;
                      });
      }
    } else {
      scan.selectors.push_back(regulator::key_part(*f.origin));
      scan.selectors.push_back(regulator::key_part("c:" + *f.origin));
    }
  } else if (f.direction) {
    scan = {ViewKind::kLedgerLineByDirection,
            {std::string(regulator::direction_name(*f.direction))}};
  }

  JsonWriter w;
  std::string csv;
  if (format == FlowFormat::kCsv) {
    csv =
        csv_row({"line_id", "enterprise_id", "enterprise_name", "division", "direction", "product",
                 "gtin", "batch", "origin", "origin_name", "counterparty_id", "counterparty_name",
                 "counterparty_division", "amount", "unit", "occurred_at", "reference"});
  } else {
    w.begin_object().key("lines").begin_array();
  }
  uint32_t n = 0;
  std::string last, next;
  scan_lines(v, scan, divisions, f.from, f.to, cursor,
             [&](const std::string& suffix, const StoredLine& s) {
               const regulator::Line& l = s.line;
               if (f.product && l.product != *f.product) return true;
               if (f.batch && l.batch != *f.batch) return true;
               if (f.direction && l.direction != *f.direction) return true;
               if (f.origin && !origin_matches(l, *f.origin, dir)) return true;
               if (n == page.limit) {
                 next = hex(last);
                 return false;
               }
               if (format == FlowFormat::kCsv) {
                 write_line_csv(csv, v, s, dir);
               } else {
                 write_line_json(w, v, s, dir, viewer.jurisdiction);
               }
               last = suffix;
               ++n;
               return true;
             });
  if (format == FlowFormat::kCsv) return csv;
  return close_page(w, next);
}

// ---- the chain ----
Result<std::string> flow_chain(const ViewStore& v, const RegulatorViewer& viewer,
                               const std::string& product, const std::string& batch,
                               const std::optional<core::Date>& from,
                               const std::optional<core::Date>& to) {
  if (product.empty() && batch.empty()) {
    return invalid_arg("field_required", "give the product (or the batch)", "product");
  }
  AGRITRACE_RETURN_IF_ERROR(check_range(from, to));
  FLOW_TRY(divisions, divisions_of(viewer, std::nullopt));
  Directory dir(v);
  struct Node {
    std::string name, division, kind;
    bool in_jurisdiction = false;
  };
  std::map<std::string, Node> nodes;
  struct Edge {
    int64_t amount = 0, shipments = 0;
  };
  // from, to, product, unit
  std::map<std::tuple<std::string, std::string, std::string, std::string>, Edge> edges;
  auto node_of = [&](const Party& p, Direction d) -> std::string {
    std::string id;
    if (p.on_platform) {
      id = p.id;
      nodes[id] = Node{p.name, p.division, "enterprise",
                       core::in_jurisdiction(viewer.jurisdiction, p.division)};
    } else if (d == Direction::kSold) {
      id = "consumers";
      nodes[id] = Node{"消费者", "", "consumers", false};
    } else {
      id = "external:" + p.name;
      nodes[id] = Node{p.name, p.division, "external", false};
    }
    return id;
  };
  // A lot code follows the goods whatever they are called along the chain; else the product.
  const IndexScan scan =
      !batch.empty() ? IndexScan{ViewKind::kLedgerLineByBatch, {regulator::key_part(batch)}}
                     : IndexScan{ViewKind::kLedgerLineByProduct, {regulator::key_part(product)}};
  scan_lines(v, scan, divisions, from, to, "", [&](const std::string&, const StoredLine& s) {
    const regulator::Line& l = s.line;
    if (!product.empty() && l.product != product) return true;
    if (!batch.empty() && l.batch != batch) return true;
    nodes[s.tenant] = Node{s.enterprise_name, s.division, "enterprise", true};
    const std::string unit(core::unit_name(l.quantity.unit));
    const Party p = party_of(l, dir);
    if (l.direction == Direction::kOut || l.direction == Direction::kSold) {
      Edge& e = edges[{s.tenant, node_of(p, l.direction), l.product, unit}];
      e.amount += l.quantity.amount;
      ++e.shipments;
    } else if (l.direction == Direction::kIn && (!p.id.empty() || !p.name.empty())) {
      // A sender on the platform inside the jurisdiction shows its own out line: the
      // edge is counted once, from the sender's side.
      if (p.on_platform && core::in_jurisdiction(viewer.jurisdiction, p.division)) {
        node_of(p, l.direction);
        return true;
      }
      Edge& e = edges[{node_of(p, l.direction), s.tenant, l.product, unit}];
      e.amount += l.quantity.amount;
      ++e.shipments;
    }
    return true;
  });
  JsonWriter w;
  w.begin_object()
      .field("product", product)
      .field("batch", batch)
      .field("from", date_text(from))
      .field("to", date_text(to))
      .field("jurisdiction", viewer.jurisdiction.id)
      .key("nodes")
      .begin_array();
  for (const auto& [id, n] : nodes) {
    w.begin_object()
        .field("id", id)
        .field("name", n.name)
        .field("division", n.division)
        .field("city", city_of(n.division))
        .field("kind", n.kind)
        .field("in_jurisdiction", n.in_jurisdiction)
        .end_object();
  }
  w.end_array().key("edges").begin_array();
  for (const auto& [k, e] : edges) {
    w.begin_object()
        .field("from", std::get<0>(k))
        .field("to", std::get<1>(k))
        .field("product", std::get<2>(k))
        .field("unit", std::get<3>(k))
        .field("amount", e.amount)
        .field("shipments", e.shipments)
        .end_object();
  }
  w.end_array().end_object();
  return w.take();
}

// ---- statistics from the counters ----
namespace {

// One counter: rls?/regulators/<d>/<tenant>/[<date>/]<product>/<unit>/<direction> -> sum.
struct Count {
  std::string division, tenant, period, product, unit;
  Direction direction = Direction::kProduced;
  int64_t amount = 0;
};

int64_t counter_value(std::string_view v) {
  int64_t n = 0;
  std::from_chars(v.data(), v.data() + v.size(), n);
  return n;
}

// Calls fn for every counter of `kind` under the divisions (with_period: the day/month counters).
void scan_counts(const ViewStore& v, ViewKind kind, const std::vector<std::string>& divisions,
                 const std::string& tenant_prefix, const std::function<void(const Count&)>& fn) {
  const bool with_period = kind != ViewKind::kFlowTotal;
  const std::string base = view_key(kind, kAll);
  for (const std::string& d : divisions) {
    v.scan_prefix(base + d + "/" + tenant_prefix, [&](std::string_view k, std::string_view value) {
      auto parts = split(k.substr(base.size()), '/');
      if (parts.size() != (with_period ? 6u : 5u)) return true;
      Count c;
      size_t i = 0;
      c.division.assign(parts[i++]);
      c.tenant.assign(parts[i++]);
      if (with_period) c.period.assign(parts[i++]);
      c.product = unkey(parts[i++]);
      c.unit.assign(parts[i++]);
      auto dir = regulator::parse_direction(parts[i]);
      if (!dir) return true;
      c.direction = *dir;
      c.amount = counter_value(value);
      fn(c);
      return true;
    });
  }
}

bool month_aligned(const StatisticsQuery& q) {
  if (q.by_day) return false;
  if (q.from && core::civil_from_days(q.from->days_since_epoch).day != 1) return false;
  if (q.to) {
    const core::CivilDate c = core::civil_from_days(q.to->days_since_epoch);
    if (c.day != core::days_in_month(c.year, c.month)) return false;
  }
  return true;
}

// Whether a counter's period (YYYY-MM-DD or YYYY-MM) lies in [from, to].
bool in_period(const std::string& period, const StatisticsQuery& q) {
  if (period.size() == 10) {
    if (q.from && period < core::format_date(*q.from)) return false;
    if (q.to && period > core::format_date(*q.to)) return false;
    return true;
  }
  if (q.from && period < core::format_date(*q.from).substr(0, 7)) return false;
  if (q.to && period > core::format_date(*q.to).substr(0, 7)) return false;
  return true;
}

// The counters of the period: month counters when the range is whole months, else day counters.
void scan_period(const ViewStore& v, const StatisticsQuery& q,
                 const std::vector<std::string>& divisions, const std::string& tenant_prefix,
                 const std::function<void(const Count&)>& fn) {
  const ViewKind kind = month_aligned(q) ? ViewKind::kFlowMonth : ViewKind::kFlowDay;
  scan_counts(v, kind, divisions, tenant_prefix, [&](const Count& c) {
    if (in_period(c.period, q)) fn(c);
  });
}

struct EnterpriseRef {
  std::string division, tenant;
};

std::vector<EnterpriseRef> enterprises_in(const ViewStore& v,
                                          const std::vector<std::string>& divisions) {
  std::vector<EnterpriseRef> out;
  for (const std::string& d : divisions) {
    const std::string base = regulator::keys::enterprise_by_division(kAll, d) + "/";
    v.scan_prefix(base, [&](std::string_view k, std::string_view) {
      out.push_back(EnterpriseRef{d, std::string(k.substr(base.size()))});
      return true;
    });
  }
  return out;
}

std::optional<int64_t> last_event_ms(const ViewStore& v, const std::string& tenant) {
  auto t = v.get(regulator::keys::last_event(kAll, tenant));
  if (!t) return std::nullopt;
  return counter_value(*t);
}

struct ProductTotals {
  int64_t produced = 0, in = 0, out = 0, sold = 0, written_off = 0, consumed = 0;
  void add(Direction d, int64_t a) {
    switch (d) {
      case Direction::kProduced:
        produced += a;
        break;
      case Direction::kIn:
        in += a;
        break;
      case Direction::kOut:
        out += a;
        break;
      case Direction::kSold:
        sold += a;
        break;
      case Direction::kWrittenOff:
        written_off += a;
        break;
      case Direction::kConsumed:
        consumed += a;
        break;
    }
  }
  int64_t stock() const { return produced + in - out - sold - written_off - consumed; }
  int64_t sent() const { return out + sold + written_off + consumed; }
};

using ProductKey = std::pair<std::string, std::string>;  // product, unit

}  // namespace

Result<std::string> flow_statistics(const ViewStore& v, const RegulatorViewer& viewer,
                                    const StatisticsQuery& q, FlowFormat format) {
  AGRITRACE_RETURN_IF_ERROR(check_range(q.from, q.to));
  FLOW_TRY(divisions, divisions_of(viewer, q.division));
  // Entities: filed (the rgdiv directory), on the platform, reporting within silent_days.
  int64_t filed = 0;
  {
    const std::string base = regulator::keys::by_division(kAll);
    for (const std::string& d : divisions) {
      v.scan_prefix(base + d + "/", [&](std::string_view, std::string_view) {
        ++filed;
        return true;
      });
    }
  }
  const std::vector<EnterpriseRef> ents = enterprises_in(v, divisions);
  int64_t reporting = 0;
  for (const EnterpriseRef& e : ents) {
    auto last = last_event_ms(v, e.tenant);
    if (last && q.now_ms - *last < q.silent_days * kDayMs) ++reporting;
  }
  std::map<ProductKey, int64_t> production;
  std::map<std::tuple<std::string, std::string, std::string>, ProductTotals> circulation;
  // Sub-divisions: the children of the division asked (or of the jurisdiction's members).
  std::vector<std::string> subs;
  const core::DivisionTable& table = events::shipped_divisions();
  auto add_children = [&](const std::string& code) {
    auto children = table.children(code);
    if (children.empty()) subs.push_back(code);
    for (const core::Division* c : children) {
      if (core::in_jurisdiction(viewer.jurisdiction, c->code)) subs.push_back(c->code);
    }
  };
  if (q.division) {
    add_children(*q.division);
  } else {
    for (const std::string& m : viewer.jurisdiction.members) {
      if (viewer.jurisdiction.members.size() > 1) {
        subs.push_back(m);
      } else {
        add_children(m);
      }
    }
  }
  std::map<std::string, std::map<ProductKey, int64_t>> sub_produced;
  std::map<std::string, int64_t> sub_enterprises;
  auto sub_of = [&](const std::string& d) -> std::string {
    for (const std::string& s : subs) {
      if (core::division_within(d, s)) return s;
    }
    return {};
  };
  for (const EnterpriseRef& e : ents) {
    if (std::string s = sub_of(e.division); !s.empty()) ++sub_enterprises[s];
  }
  const bool monthly = !q.by_day;
  scan_period(v, q, divisions, "", [&](const Count& c) {
    const ProductKey pk{c.product, c.unit};
    const std::string period = monthly ? c.period.substr(0, 7) : c.period;
    if (c.direction == Direction::kProduced) {
      production[pk] += c.amount;
      if (std::string s = sub_of(c.division); !s.empty()) sub_produced[s][pk] += c.amount;
    }
    circulation[{period, c.product, c.unit}].add(c.direction, c.amount);
  });
  if (format == FlowFormat::kCsv) {
    std::string csv = csv_row({"section", "period", "division", "division_name", "product", "unit",
                               "amount", "in", "out", "sold", "written_off"});
    csv += csv_row({"entities_filed", "", q.division.value_or(""), "", "", "",
                    std::to_string(filed), "", "", "", ""});
    csv += csv_row({"entities_on_platform", "", q.division.value_or(""), "", "", "",
                    std::to_string(ents.size()), "", "", "", ""});
    csv += csv_row({"entities_reporting", "", q.division.value_or(""), "", "", "",
                    std::to_string(reporting), "", "", "", ""});
    for (const auto& [pk, a] : production) {
      csv += csv_row({"production", "", q.division.value_or(""), "", pk.first, pk.second,
                      std::to_string(a), "", "", "", ""});
    }
    for (const auto& [k, t] : circulation) {
      csv += csv_row({"circulation", std::get<0>(k), q.division.value_or(""), "", std::get<1>(k),
                      std::get<2>(k), std::to_string(t.produced), std::to_string(t.in),
                      std::to_string(t.out + t.sold), std::to_string(t.sold),
                      std::to_string(t.written_off)});
    }
    for (const std::string& s : subs) {
      csv += csv_row({"division_enterprises", "", s, division_name(s), "", "",
                      std::to_string(sub_enterprises[s]), "", "", "", ""});
      for (const auto& [pk, a] : sub_produced[s]) {
        csv += csv_row({"division_production", "", s, division_name(s), pk.first, pk.second,
                        std::to_string(a), "", "", "", ""});
      }
    }
    return csv;
  }
  JsonWriter w;
  w.begin_object()
      .field("jurisdiction", viewer.jurisdiction.id)
      .field("division", q.division.value_or(""))
      .field("from", date_text(q.from))
      .field("to", date_text(q.to))
      .field("period", monthly ? "month" : "day")
      .key("entities")
      .begin_object()
      .field("filed", filed)
      .field("on_platform", static_cast<int64_t>(ents.size()))
      .field("reporting", reporting)
      .field("silent_days", q.silent_days)
      .end_object()
      .key("production")
      .begin_array();
  for (const auto& [pk, a] : production) {
    w.begin_object()
        .field("product", pk.first)
        .field("unit", pk.second)
        .field("amount", a)
        .end_object();
  }
  w.end_array().key("circulation").begin_array();
  for (const auto& [k, t] : circulation) {
    w.begin_object()
        .field("period", std::get<0>(k))
        .field("product", std::get<1>(k))
        .field("unit", std::get<2>(k))
        .field("produced", t.produced)
        .field("in", t.in)
        .field("out", t.out + t.sold)
        .field("sold", t.sold)
        .field("written_off", t.written_off)
        .end_object();
  }
  w.end_array().key("divisions").begin_array();
  for (const std::string& s : subs) {
    w.begin_object()
        .field("division", s)
        .field("name", division_name(s))
        .field("enterprises", sub_enterprises[s])
        .key("produced")
        .begin_array();
    for (const auto& [pk, a] : sub_produced[s]) {
      w.begin_object()
          .field("product", pk.first)
          .field("unit", pk.second)
          .field("amount", a)
          .end_object();
    }
    w.end_array().end_object();
  }
  w.end_array().end_object();
  return w.take();
}

Result<std::string> flow_enterprises(const ViewStore& v, const RegulatorViewer& viewer,
                                     const StatisticsQuery& q, const FlowPage& page,
                                     FlowFormat format) {
  AGRITRACE_RETURN_IF_ERROR(check_range(q.from, q.to));
  FLOW_TRY(divisions, divisions_of(viewer, q.division));
  std::string cursor;
  if (!page.after.empty()) {
    auto c = unhex(page.after);
    if (!c || c->empty())
      return invalid_arg("after_id_invalid", "after_id is not a cursor of this list", "after_id");
    cursor = std::move(*c);
  }
  Directory dir(v);
  JsonWriter w;
  std::string csv;
  if (format == FlowFormat::kCsv) {
    csv = csv_row({"enterprise_id", "name", "division", "product", "unit", "produced", "in", "out",
                   "sold", "written_off", "consumed", "stock"});
  } else {
    w.begin_object().key("enterprises").begin_array();
  }
  uint32_t n = 0;
  std::string next;
  const bool ranged = q.from || q.to;
  for (const EnterpriseRef& e : enterprises_in(v, divisions)) {
    const std::string pos = e.division + "/" + e.tenant;
    if (!cursor.empty() && pos <= cursor) continue;
    if (n == page.limit) break;
    std::map<ProductKey, ProductTotals> period_totals, all_time;
    scan_counts(v, ViewKind::kFlowTotal, {e.division}, e.tenant + "/", [&](const Count& c) {
      all_time[{c.product, c.unit}].add(c.direction, c.amount);
    });
    if (ranged) {
      scan_period(v, q, {e.division}, e.tenant + "/", [&](const Count& c) {
        period_totals[{c.product, c.unit}].add(c.direction, c.amount);
      });
    } else {
      period_totals = all_time;
    }
    const Enterprise* ent = dir.get(e.tenant);
    const std::string name = ent != nullptr ? ent->name : "";
    if (format == FlowFormat::kJson) {
      w.begin_object()
          .field("enterprise_id", e.tenant)
          .field("name", name)
          .field("division", e.division)
          .key("products")
          .begin_array();
    }
    for (const auto& [pk, all] : all_time) {
      const ProductTotals& t = period_totals[pk];
      if (format == FlowFormat::kCsv) {
        csv += csv_row({e.tenant, name, e.division, pk.first, pk.second, std::to_string(t.produced),
                        std::to_string(t.in), std::to_string(t.out + t.sold),
                        std::to_string(t.sold), std::to_string(t.written_off),
                        std::to_string(t.consumed), std::to_string(all.stock())});
        continue;
      }
      w.begin_object()
          .field("product", pk.first)
          .field("unit", pk.second)
          .field("produced", t.produced)
          .field("in", t.in)
          .field("out", t.out + t.sold)
          .field("sold", t.sold)
          .field("written_off", t.written_off)
          .field("consumed", t.consumed)
          .field("stock", all.stock())
          .end_object();
    }
    if (format == FlowFormat::kJson) w.end_array().end_object();
    ++n;
    next = hex(pos);
  }
  // The last page has no cursor: look whether anything follows the last enterprise listed.
  if (n < page.limit) next.clear();
  if (n == page.limit && !next.empty()) {
    bool more = false;
    const std::string last = *unhex(next);
    for (const EnterpriseRef& e : enterprises_in(v, divisions)) {
      if (e.division + "/" + e.tenant > last) {
        more = true;
        break;
      }
    }
    if (!more) next.clear();
  }
  if (format == FlowFormat::kCsv) return csv;
  return close_page(w, next);
}

Result<std::string> flow_compliance(const ViewStore& v, const RegulatorViewer& viewer,
                                    const StatisticsQuery& q, FlowFormat format) {
  FLOW_TRY(divisions, divisions_of(viewer, q.division));
  Directory dir(v);
  struct Silent {
    EnterpriseRef ref;
    int64_t last_ms = 0;
  };
  std::vector<Silent> silent;
  for (const EnterpriseRef& e : enterprises_in(v, divisions)) {
    auto last = last_event_ms(v, e.tenant);
    if (last && q.now_ms - *last >= q.silent_days * kDayMs) silent.push_back({e, *last});
  }
  std::map<std::tuple<std::string, std::string, std::string, std::string>, ProductTotals> totals;
  scan_counts(v, ViewKind::kFlowTotal, divisions, "", [&](const Count& c) {
    totals[{c.division, c.tenant, c.product, c.unit}].add(c.direction, c.amount);
  });
  JsonWriter w;
  std::string csv;
  const bool as_csv = format == FlowFormat::kCsv;
  if (as_csv) {
    csv = csv_row({"kind", "enterprise_id", "name", "division", "last_event_at", "days_silent",
                   "product", "unit", "produced", "received", "sent", "excess"});
  } else {
    w.begin_object()
        .field("jurisdiction", viewer.jurisdiction.id)
        .field("division", q.division.value_or(""))
        .field("silent_days", q.silent_days)
        .field("as_of", core::format_rfc3339_utc(q.now_ms))
        .key("stopped_reporting")
        .begin_array();
  }
  for (const Silent& s : silent) {
    const Enterprise* e = dir.get(s.ref.tenant);
    const std::string name = e != nullptr ? e->name : "";
    const int64_t days = (q.now_ms - s.last_ms) / kDayMs;
    if (as_csv) {
      csv += csv_row({"stopped_reporting", s.ref.tenant, name, s.ref.division,
                      core::format_rfc3339_utc(s.last_ms), std::to_string(days), "", "", "", "", "",
                      ""});
      continue;
    }
    w.begin_object()
        .field("enterprise_id", s.ref.tenant)
        .field("name", name)
        .field("division", s.ref.division)
        .field("last_event_at", core::format_rfc3339_utc(s.last_ms))
        .field("days_silent", days)
        .end_object();
  }
  if (!as_csv) w.end_array().key("mass_balance_anomalies").begin_array();
  for (const auto& [k, t] : totals) {
    if (t.sent() <= t.produced + t.in) continue;
    const auto& [division, tenant, product, unit] = k;
    const Enterprise* e = dir.get(tenant);
    const std::string name = e != nullptr ? e->name : "";
    const int64_t excess = t.sent() - t.produced - t.in;
    if (as_csv) {
      csv += csv_row({"mass_balance_anomaly", tenant, name, division, "", "", product, unit,
                      std::to_string(t.produced), std::to_string(t.in), std::to_string(t.sent()),
                      std::to_string(excess)});
      continue;
    }
    w.begin_object()
        .field("enterprise_id", tenant)
        .field("name", name)
        .field("division", division)
        .field("product", product)
        .field("unit", unit)
        .field("produced", t.produced)
        .field("received", t.in)
        .field("sent", t.sent())
        .field("excess", excess)
        .end_object();
  }
  if (as_csv) return csv;
  w.end_array().end_object();
  return w.take();
}

}  // namespace agritrace::projections
