// The typed keys of the complaint views (R-4.4.2; ViewKey: projections/base/keys.h).
#pragma once

#include "projections/base/keys.h"

namespace agritrace::projections::complaints::keys {

// cmp/T/case_id: the case as the respondent's ledger tells it (projections/public/complaint_record.h).
inline constexpr ViewKey<ViewKind::kComplaint> complaint;
// cmpt/token_sha256/T/case_id: the consumer's follow token -> the case (any enterprise).
inline constexpr ViewKey<ViewKind::kComplaintByToken> by_token;

}  // namespace agritrace::projections::complaints::keys
