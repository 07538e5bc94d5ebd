// Queries over the income and expense read model (projections/finance/projection.h, R-4.3.6): the entries by
// date and the statement of a period, reconciled with the priced shipments and receipts.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/base/civil_time.h"
#include "core/base/status.h"
#include "core/finance/events.h"
#include "projections/base/pagination.h"
#include "projections/base/view_store.h"

namespace agritrace::projections {

struct FinanceFilter {
  std::optional<core::Date> from;  // inclusive
  std::optional<core::Date> to;    // inclusive
  std::optional<core::FinanceDirection> direction;
  std::string category;  // exact, "" for all
};

class FinanceQueries {
 public:
  explicit FinanceQueries(const ViewStore& views) : views_(views) {}

  // {"items":[entry],"next_after":entry id|null}, by date then entry id.
  Result<std::string> entries(std::string_view tenant, const FinanceFilter& filter, const Page& page) const;
  // Totals of [from, to]: income, expense, net, by category, and the reconciliation of automatic
  // sales income / purchases expense with the priced shipments / receipts of the period.
  Result<std::string> statement(std::string_view tenant, core::Date from, core::Date to) const;

 private:
  const ViewStore& views_;
};

}  // namespace agritrace::projections
