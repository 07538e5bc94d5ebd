// The typed keys of the regulator's ledger lines, statistics and chains (R-4.5.3 / R-4.5.4;
// projections/regulator/ledger_lines_projection.h). Cross-enterprise views live under the tenant
// segment core::kRegulatorsTenant; per-enterprise facts under the enterprise's own tenant.
//
// Lines (one record, four indexes; <d> a GB/T 2260 county/city code, <date> YYYY-MM-DD of the
// event's occurrence in UTC, <id> "<tenant>-<seq, 12 digits>-<n>"):
//   rll/regulators/<d>/<date>/<id>              -> the line (ledger_line.h encode_line)
//   rllp/regulators/<product>/<d>/<date>/<id>   -> ""   (product name, key_part-encoded)
//   rllb/regulators/<lot code>/<d>/<date>/<id>  -> ""
//   rllo/regulators/<origin>/<d>/<date>/<id>    -> ""   (origin: producer USCC, division or
//   c:country) rllx/regulators/<direction>/<d>/<date>/<id> -> ""
// so a filter is one key range [<sel>/<d>/<from>, <sel>/<d>/<to>~] per division of the
// jurisdiction (flow_queries.cpp).
// Counters (sums of the amount in the base unit):
//   rlsd/regulators/<d>/<tenant>/<date>/<product>/<unit>/<direction>
//   rlsm/regulators/<d>/<tenant>/<YYYY-MM>/<product>/<unit>/<direction>
//   rlst/regulators/<d>/<tenant>/<product>/<unit>/<direction>
// Enterprises: rlent/regulators/<tenant> -> name, region, division; rlend/regulators/<d>/<tenant>;
// rllast/regulators/<tenant> -> the occurrence time (ms) of its last event.
// Facts of one enterprise: rlitem/<tenant>/<item id>, rlcp/<tenant>/<counterparty id>,
// rlgtin/<tenant>/<product id>.
#pragma once

#include "projections/base/keys.h"

namespace agritrace::projections::regulator::keys {

inline constexpr ViewKey<ViewKind::kLedgerLine> line;
inline constexpr ViewKey<ViewKind::kLedgerLineByProduct> line_by_product;
inline constexpr ViewKey<ViewKind::kLedgerLineByBatch> line_by_batch;
inline constexpr ViewKey<ViewKind::kLedgerLineByOrigin> line_by_origin;
inline constexpr ViewKey<ViewKind::kLedgerLineByDirection> line_by_direction;
inline constexpr ViewKey<ViewKind::kFlowDay> flow_day;
inline constexpr ViewKey<ViewKind::kFlowMonth> flow_month;
inline constexpr ViewKey<ViewKind::kFlowTotal> flow_total;
inline constexpr ViewKey<ViewKind::kFlowEnterprise> enterprise;
inline constexpr ViewKey<ViewKind::kFlowEnterpriseByDivision> enterprise_by_division;
inline constexpr ViewKey<ViewKind::kFlowLastEvent> last_event;
inline constexpr ViewKey<ViewKind::kFlowItem> item;
inline constexpr ViewKey<ViewKind::kFlowCounterparty> counterparty;
inline constexpr ViewKey<ViewKind::kFlowGtin> gtin;

}  // namespace agritrace::projections::regulator::keys
