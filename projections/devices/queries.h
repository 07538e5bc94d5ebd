// Queries over the devices read model (projections/devices/projection.h): lines, devices, print
// jobs with their progress, and the print status of a code.
#pragma once

#include <string>
#include <string_view>

#include "core/base/status.h"
#include "projections/base/view_store.h"

namespace agritrace::projections {

struct CodePrintStatus {
  std::string status;  // "not_queued" | "queued" | "sent" | "printed" | "voided"
  std::string job_id;  // "" when not_queued
};

class DevicesQueries {
 public:
  explicit DevicesQueries(const ViewStore& views) : views_(views) {}

  Result<std::string> lines(std::string_view tenant) const;      // {"items":[line]}
  Result<std::string> devices(std::string_view tenant) const;    // {"items":[device]}
  Result<std::string> jobs(std::string_view tenant) const;       // {"items":[job]}
  Result<std::string> job(std::string_view tenant, std::string_view job_id) const;
  CodePrintStatus code_status(std::string_view tenant, std::string_view serial) const;

 private:
  std::string job_json(std::string_view tenant, std::string_view sid, std::string_view record) const;
  const ViewStore& views_;
};

}  // namespace agritrace::projections
