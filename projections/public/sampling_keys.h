// The typed keys of the sampling publication views (R-4.4.S; ViewKey: projections/base/keys.h).
// Results live under the platform tenant ("platform"); the match indexes and links under the
// producer's tenant (its USCC).
#pragma once

#include "projections/base/keys.h"

namespace agritrace::projections::sampling::keys {

// smp/platform/sr-000000000012: {"result_id","status","recorded_at","finalised_at",
// "withdrawn_at","withdrawn_reason","corrections"}
inline constexpr ViewKey<ViewKind::kSamplingResult> result;
// smpr/platform/sr-000000000012: the sampling_result.recorded payload with the current columns
inline constexpr ViewKey<ViewKind::kSamplingRecord> record;
// smpp/platform/<inverted announcement date>/sr-000000000012 -> result id (final results only)
inline constexpr ViewKey<ViewKind::kSamplingPublic> listed;
// smpk/<producer USCC>/<match key> -> the final results with that key, one id a line
inline constexpr ViewKey<ViewKind::kSamplingByProducer> by_producer;
// smpb/<tenant>/<match key> -> the tenant's batches with that key, one id a line
inline constexpr ViewKey<ViewKind::kSamplingBatchByKey> batches;
// smpm/<tenant>/<batch id>/<result sort id> -> result id: the result is linked to the batch
inline constexpr ViewKey<ViewKind::kSamplingBatchLink> link;
// smpa/<tenant>/<result sort id>/<batch id> -> {"tenant","result_id","batch_id","published_at"}
inline constexpr ViewKey<ViewKind::kSamplingAlert> alert;
// smpd/<tenant>/<batch id> -> the batch's date match key ("date:YYYY-MM-DD"), so that
// batch.amended can take the batch off its old date key
inline constexpr ViewKey<ViewKind::kSamplingBatchDate> batch_date;

}  // namespace agritrace::projections::sampling::keys
