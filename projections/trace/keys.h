// The typed keys of the lineage views (ViewKey: projections/base/keys.h).
#pragma once

#include "projections/base/keys.h"

namespace agritrace::projections::trace::keys {

inline constexpr ViewKey<ViewKind::kLineageNode>
    node;  // lnode/T/item: lineage document of a stock item
inline constexpr ViewKey<ViewKind::kLineageAncestors>
    ancestors;  // lanc/T/item: every item upstream (closure)
inline constexpr ViewKey<ViewKind::kLineageDescendants>
    descendants;  // ldsc/T/item: every item downstream (closure)
inline constexpr ViewKey<ViewKind::kLineageMissingCode>
    missing_code;  // lmis/T/serial: recorded missing, not received since

}  // namespace agritrace::projections::trace::keys
