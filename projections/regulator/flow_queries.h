// Queries of the regulator's ledger lines (issue 13): targeted supervision (the ledger
// line filter, the circulation chain) and R-4.5.3 statistics (totals, each enterprise's in / out /
// stock, reporting compliance), jurisdiction-scoped by core/regulator/access.h: only the lines of
// enterprises whose registered division lies in the bureau's jurisdiction are read.
//
// Which index a query uses (projections/regulator/flow_keys.h), most selective first:
//   batch given   -> rllb/<batch>/<d>/<from..to>      (one key range per division d)
//   product given -> rllp/<product>/<d>/<from..to>
//   origin given  -> rllo/<origin>/<d>/<from..to>     (per origin: the producers registered in
//                    an origin division, the division itself, or the enterprise / c:<country>)
//   direction     -> rllx/<direction>/<d>/<from..to>
//   otherwise     -> rll/<d>/<from..to>
// The divisions d are those of the shipped table inside the jurisdiction (and inside ?division=),
// so the jurisdiction and the date range are key ranges; the remaining filters are checked on
// the lines read from those ranges.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/base/civil_time.h"
#include "core/base/status.h"
#include "projections/base/view_store.h"
#include "projections/regulator/ledger_line.h"
#include "projections/regulator/queries.h"

namespace agritrace::projections {

namespace regulator {
// The origin a line is indexed under: the producer's USCC, else the supplier's division, else
// "c:<country>"; "" when none is known.
std::string origin_key(const Line& line);
}  // namespace regulator

struct FlowFilter {
  std::optional<std::string> division;  // GB/T 2260 code: this division and below
  std::optional<std::string> origin;    // division code (prefix), producer USCC or country
  std::optional<std::string> product;   // exact product name
  std::optional<std::string> batch;     // exact lot code
  std::optional<regulator::Direction> direction;
  std::optional<core::Date> from, to;  // occurrence date (UTC), inclusive
};

struct FlowPage {
  uint32_t limit = 50;  // 1..500
  std::string after;    // opaque cursor: next_after of the previous page
};

enum class FlowFormat : uint8_t { kJson, kCsv };

// GET /v1/regulator/ledger-lines: {"lines":[...],"next_after":"..."|""}.
Result<std::string> ledger_lines(const ViewStore& v, const RegulatorViewer& viewer,
                                 const FlowFilter& filter, const FlowPage& page, FlowFormat format);

// GET /v1/regulator/chain: the circulation graph in the jurisdiction of a product (exact name)
// and/or a batch (lot code: followed whatever the goods are called along the chain).
Result<std::string> flow_chain(const ViewStore& v, const RegulatorViewer& viewer,
                               const std::string& product, const std::string& batch,
                               const std::optional<core::Date>& from,
                               const std::optional<core::Date>& to);

struct StatisticsQuery {
  std::optional<std::string> division;
  std::optional<core::Date> from, to;
  bool by_day = false;      // period=day (else month)
  int64_t silent_days = 7;  // for entities.reporting
  int64_t now_ms = 0;       // the Env's clock at read time
};

// GET /v1/regulator/statistics.
Result<std::string> flow_statistics(const ViewStore& v, const RegulatorViewer& viewer,
                                    const StatisticsQuery& q, FlowFormat format);
// GET /v1/regulator/statistics/enterprises.
Result<std::string> flow_enterprises(const ViewStore& v, const RegulatorViewer& viewer,
                                     const StatisticsQuery& q, const FlowPage& page,
                                     FlowFormat format);
// GET /v1/regulator/compliance.
Result<std::string> flow_compliance(const ViewStore& v, const RegulatorViewer& viewer,
                                    const StatisticsQuery& q, FlowFormat format);

}  // namespace agritrace::projections
