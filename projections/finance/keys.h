// The typed keys of the finance views (ViewKey: projections/base/keys.h).
#pragma once

#include "projections/base/keys.h"

namespace agritrace::projections::finance::keys {

inline constexpr ViewKey<ViewKind::kFinanceEntry> entry;  // fin/T/date/entry: finance entry
inline constexpr ViewKey<ViewKind::kFinanceEntryDate> entry_date;  // fini/T/entry: entry's date
inline constexpr ViewKey<ViewKind::kFinanceSum> sum;  // fsum/T/bucket: amount (sum)
inline constexpr ViewKey<ViewKind::kFinanceCount> count;  // fcnt/T/bucket: number of entries (sum)
inline constexpr ViewKey<ViewKind::kFinanceByDocument> by_document;  // fdoc/T/bucket: posted amount per document (sum)
inline constexpr ViewKey<ViewKind::kPricedMovements> priced_movements;  // fmv/T/bucket: priced movements (sum)
inline constexpr ViewKey<ViewKind::kPricedMovement> priced_movement;  // fmvd/T/date/movement: one priced movement

}  // namespace agritrace::projections::finance::keys
