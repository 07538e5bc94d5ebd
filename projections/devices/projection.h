// Read model of lines, devices and print jobs. Queries in projections/devices/queries.h.
// Key layout (T = tenant, ln/dev/pj = sort_id of the id, S = '\x1f'):
//   pline/T/ln                 the line {"line_id","name","device_id"|null}
//   pdev/T/dev                 the device {"device_id","line_id","name","protocol","host","port","max_in_flight"}
//   pjob/T/pj                  the job {"job_id","line_id","device_id","run_id","queued_at"}
//   pjst/T/pj                  status S reason S updated_at (RFC 3339)
//   pjn/T/pj S issued|sent|printed|voided   counts (sent: sent and not yet printed or voided)
//   pcode/T/serial             print status of a code: queued|sent|printed|voided S job id
#pragma once

#include <memory>

#include "projections/base/dispatch.h"
#include "projections/base/runner.h"

namespace agritrace::projections {

namespace devices {
// The events the devices projection reacts to (projections/base/dispatch.h).
using Handled = EventList<core::LineRegistered, core::DeviceRegistered, core::PrintJobQueued, core::PrintJobCodesSent,
                          core::PrintJobCodesPrinted, core::PrintJobCodesVoided, core::PrintJobPaused,
                          core::PrintJobResumed, core::PrintJobFailed, core::PrintJobCancelled, core::PrintJobDone>;
static_assert(are_events_v<Handled>);
}  // namespace devices

std::unique_ptr<Projection> make_devices_projection();

inline constexpr char kDevicesKeySep = '\x1f';

}  // namespace agritrace::projections
