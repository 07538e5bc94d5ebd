// The typed keys of the devices views (ViewKey: projections/base/keys.h).
#pragma once

#include "projections/base/keys.h"

namespace agritrace::projections::devices::keys {

inline constexpr ViewKey<ViewKind::kPrintLine> line;  // pline/T/ln: the line
inline constexpr ViewKey<ViewKind::kPrintDevice> device;  // pdev/T/dev: the device
inline constexpr ViewKey<ViewKind::kPrintJob> job;  // pjob/T/pj: the job as queued
inline constexpr ViewKey<ViewKind::kPrintJobStatus> job_status;  // pjst/T/pj: status S reason S updated_at
inline constexpr ViewKey<ViewKind::kPrintJobCount> job_count;  // pjn/T/pj S what: counts (sum)
inline constexpr ViewKey<ViewKind::kCodePrintStatus> code_status;  // pcode/T/serial: status S job id

}  // namespace agritrace::projections::devices::keys
