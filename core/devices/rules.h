// Rules of lines, devices and print jobs in the ledger. A code is printed at most once
// across all jobs of the tenant; only codes of the tenant's own runs are queued; a code is in at
// most one open job (not closed: terminal with every code printed or voided); within a job the
// pure rules of core/devices/print_job.h hold (printed ∪ voided = issued, printed ∩ voided = ∅
// once closed).
#pragma once

#include <vector>

#include "core/domain/command.h"
#include "core/domain/event.h"
#include "core/domain/tenant_state.h"

namespace agritrace::core {

inline constexpr size_t kMaxCodesPerPrintJob = 5'000;  // one print_job.queued event ≈ 90 KB

Result<std::vector<Event>> decide(const TenantState& state, const RegisterLine& c, const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& state, const RegisterDevice& c,
                                  const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& state, const QueuePrintJob& c,
                                  const Context& ctx);
Result<std::vector<Event>> decide(const TenantState& state, const RecordPrintJobProgress& c,
                                  const Context& ctx);

void evolve(TenantState& state, const LineRegistered& e);
void evolve(TenantState& state, const DeviceRegistered& e);
void evolve(TenantState& state, const PrintJobQueued& e);
void evolve(TenantState& state, const PrintJobCodesSent& e);
void evolve(TenantState& state, const PrintJobCodesPrinted& e);
void evolve(TenantState& state, const PrintJobCodesVoided& e);
void evolve(TenantState& state, const PrintJobPaused& e);
void evolve(TenantState& state, const PrintJobResumed& e);
void evolve(TenantState& state, const PrintJobFailed& e);
void evolve(TenantState& state, const PrintJobCancelled& e);
void evolve(TenantState& state, const PrintJobDone& e);

// The pure rule events of a job's ledger event (one per code for codes_printed), for the runner.
std::vector<devices::PrintJobEvent> to_job_events(const Event& event);

}  // namespace agritrace::core
