// The typed keys of the interchange views (ViewKey: projections/base/keys.h).
#pragma once

#include "projections/base/keys.h"

namespace agritrace::projections::interchange::keys {

inline constexpr ViewKey<ViewKind::kEpcisEvent> event;  // epcis/T/seq12/index3: one EPCIS event
inline constexpr ViewKey<ViewKind::kEpcisRun> run;  // epcisrun/T/run: a code run's GTIN, lot, batch
inline constexpr ViewKey<ViewKind::kEpcisItem> item;  // epcisitem/T/item: product_id and lot code

}  // namespace agritrace::projections::interchange::keys
