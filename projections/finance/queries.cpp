#include "projections/finance/queries.h"

#include <fmt/format.h>

#include <charconv>
#include <functional>
#include <map>
#include <utility>

#include "core/base/json_writer.h"
#include "projections/base/keys.h"
#include "projections/finance/keys.h"
#include "projections/base/view_values.h"
#include "projections/finance/projection.h"

namespace agritrace::projections {
namespace {

// A statement names at most this many unmatched documents per side.
constexpr size_t kMaxUnmatched = 1000;
// Up to this many months a date range is read month by month (a seek each); a longer one is
// read in one pass over the tenant's keys.
constexpr int32_t kMaxMonthSeeks = 24;

std::vector<std::string_view> split(std::string_view s) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == kFinanceKeySep) {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

// Calls fn(suffix after `base`, value) for the keys base + DATE... with DATE in [from, to] (either
// may be absent), in key order, until fn returns false.
void scan_dates(const ViewStore& views, const std::string& base, std::optional<core::Date> from,
                std::optional<core::Date> to, const std::function<bool(std::string_view, std::string_view)>& fn) {
  const std::string from_s = from ? core::format_date(*from) : std::string();
  const std::string to_s = to ? core::format_date(*to) : std::string();
  bool stop = false;
  auto visit = [&](std::string_view k, std::string_view v) {
    const std::string_view suffix = k.substr(base.size());
    const std::string_view date = suffix.substr(0, 10);
    if (!from_s.empty() && date < from_s) return true;
    if (!to_s.empty() && date > to_s) {
      stop = true;
      return false;
    }
    if (!fn(suffix, v)) {
      stop = true;
      return false;
    }
    return true;
  };
  if (from && to) {
    const core::CivilDate a = core::civil_from_days(from->days_since_epoch);
    const core::CivilDate b = core::civil_from_days(to->days_since_epoch);
    const int32_t months = (b.year - a.year) * 12 + static_cast<int32_t>(b.month) - static_cast<int32_t>(a.month);
    if (months >= 0 && months < kMaxMonthSeeks) {
      int32_t y = a.year;
      uint32_t m = a.month;
      for (int32_t i = 0; i <= months && !stop; ++i) {
        views.scan_prefix(base + fmt::format("{:04}-{:02}", y, m), visit);
        if (++m == 13) {
          m = 1;
          ++y;
        }
      }
      return;
    }
  }
  views.scan_prefix(base, visit);
}

struct Reconciliation {
  int64_t movements_fen = 0;  // priced shipments / receipts
  int64_t posted_fen = 0;     // automatic sales income / purchases expense
};

}  // namespace

Result<std::string> FinanceQueries::entries(std::string_view tenant, const FinanceFilter& filter,
                                            const Page& page) const {
  std::optional<core::Date> from = filter.from;
  std::string after;  // "DATE/fe-..." of the last entry of the previous page
  if (!page.after.empty()) {
    const std::string sid = sort_id(page.after);
    auto date = views_.get(finance::keys::entry_date(tenant, sid));
    if (!date) {
      return make_error(ErrorCode::kInvalidArgument, "after_id_invalid",
                        "after_id is the id of the last entry of the previous page", "after_id");
    }
    after = *date + "/" + sid;
    if (auto d = core::parse_date(*date, "after_id"); d.ok() && (!from || *from < *d)) from = *d;
  }
  const std::string direction =
      filter.direction ? std::string(core::finance_direction_name(*filter.direction)) : std::string();
  JsonWriter w;
  w.begin_object().key("items").begin_array();
  uint32_t n = 0;
  std::string last;
  bool more = false;
  scan_dates(views_, finance::keys::entry(tenant), from, filter.to, [&](std::string_view suffix, std::string_view v) {
    if (!after.empty() && suffix <= after) return true;
    if (!direction.empty() && json_string_field(v, "direction").value_or("") != direction) return true;
    if (!filter.category.empty() && json_string_field(v, "category").value_or("") != filter.category) return true;
    if (n == page.limit) {
      more = true;
      return false;
    }
    w.raw(v);
    last.assign(suffix.substr(suffix.find('/') + 1));
    ++n;
    return true;
  });
  w.end_array().key("next_after");
  if (more) w.value(unsort_id(last)); else w.null();
  w.end_object();
  return w.take();
}

Result<std::string> FinanceQueries::statement(std::string_view tenant, core::Date from, core::Date to) const {
  if (to < from) {
    return make_error(ErrorCode::kInvalidArgument, "period_invalid", "to is before from", "to");
  }
  CheckedSum income, expense;
  // (direction, category) -> (amount, entries)
  std::map<std::pair<std::string, std::string>, std::pair<CheckedSum, CheckedSum>> by_category;
  struct Sums {
    CheckedSum movements, posted;
  } sales_sums, purchases_sums;
  const std::string fsum = finance::keys::sum(tenant);
  scan_dates(views_, fsum, from, to, [&](std::string_view suffix, std::string_view v) {
    const auto parts = split(suffix);
    if (parts.size() != 4) return true;
    const bool is_income = parts[1] == core::finance_direction_name(core::FinanceDirection::kIncome);
    (is_income ? income : expense).add(v);
    auto& cat = by_category[{std::string(parts[1]), std::string(parts[2])}];
    cat.first.add(v);
    cat.second.add(views_.get(finance::keys::count(tenant, suffix)).value_or("0"));
    if (parts[3] == "auto") {
      if (is_income && parts[2] == core::kSalesCategory) sales_sums.posted.add(v);
      if (!is_income && parts[2] == core::kPurchasesCategory) purchases_sums.posted.add(v);
    }
    return true;
  });
  scan_dates(views_, finance::keys::priced_movements(tenant), from, to, [&](std::string_view suffix, std::string_view v) {
    const auto parts = split(suffix);
    if (parts.size() != 2) return true;
    if (parts[1] == core::kSalesCategory) sales_sums.movements.add(v);
    if (parts[1] == core::kPurchasesCategory) purchases_sums.movements.add(v);
    return true;
  });
  // Checked arithmetic: a total that leaves int64 is a 422, never a wrapped number.
  int64_t net = 0, difference = 0;
  bool overflow = income.overflowed() || expense.overflowed() ||
                  __builtin_sub_overflow(income.value(), expense.value(), &net);
  for (const auto& [key, value] : by_category) overflow = overflow || value.first.overflowed() || value.second.overflowed();
  Reconciliation sales, purchases;
  for (auto [sums, r] : {std::pair{&sales_sums, &sales}, std::pair{&purchases_sums, &purchases}}) {
    overflow = overflow || sums->movements.overflowed() || sums->posted.overflowed() ||
               __builtin_sub_overflow(sums->movements.value(), sums->posted.value(), &difference);
    r->movements_fen = sums->movements.value();
    r->posted_fen = sums->posted.value();
  }
  if (overflow) return total_overflow("a total of the statement");
  JsonWriter w;
  w.begin_object().field("from", core::format_date(from)).field("to", core::format_date(to))
      .field("income_fen", income.value()).field("expense_fen", expense.value()).field("net_fen", net);
  w.key("by_category").begin_array();
  for (const auto& [key, value] : by_category) {
    w.begin_object().field("direction", key.first).field("category", key.second)
        .field("amount_fen", value.first.value()).field("entries", value.second.value()).end_object();
  }
  w.end_array();
  // The documents of the period whose automatic posting is missing or differs from their price;
  // read only when the sums disagree.
  auto side = [&](std::string_view name, std::string_view category, std::string_view movements_name,
                  const Reconciliation& r) {
    const int64_t difference = r.movements_fen - r.posted_fen;
    w.key(name).begin_object().field(movements_name, r.movements_fen).field("posted_fen", r.posted_fen)
        .field("difference_fen", difference).field("reconciled", difference == 0);
    w.key("unmatched").begin_array();
    if (difference != 0) {
      size_t listed = 0;
      scan_dates(views_, finance::keys::priced_movement(tenant), from, to, [&](std::string_view suffix, std::string_view v) {
        const size_t slash = suffix.find('/');
        const auto parts = split(suffix.substr(slash + 1));
        if (parts.size() != 2 || parts[0] != category) return true;
        const int64_t price = view_int(v);
        std::string doc_key(category);
        doc_key += kFinanceKeySep;
        doc_key += parts[1];
        const int64_t posted = view_int(views_.get(finance::keys::by_document(tenant, doc_key)).value_or("0"));
        if (posted == price) return true;
        w.begin_object().field("document", parts[1]).field("date", suffix.substr(0, slash))
            .field("price_fen", price).field("posted_fen", posted).end_object();
        return ++listed < kMaxUnmatched;
      });
    }
    w.end_array().end_object();
  };
  w.key("reconciliation").begin_object();
  side("sales", core::kSalesCategory, "shipments_fen", sales);
  side("purchases", core::kPurchasesCategory, "receipts_fen", purchases);
  w.end_object().end_object();
  return w.take();
}

}  // namespace agritrace::projections
