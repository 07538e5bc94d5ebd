// The device layer's part of a tenant's write model: lines, devices, print jobs (each
// folded with the pure print-job rules) and the per-code indexes the rules check.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "core/codes/code_table.h"
#include "core/devices/events.h"
#include "core/devices/print_job.h"

namespace agritrace::core {

struct LineState {
  std::string name;
  std::string device_id;  // the line's device ("" until one is registered)
};

struct DeviceState {
  std::string line_id;
  std::string name;
  DeviceProtocol protocol = DeviceProtocol::kZpl;
  std::string host;
  int64_t port = 0;
  int64_t max_in_flight = 0;
};

struct PrintJobRecord {
  std::string device_id;
  std::string run_id;
  devices::PrintJobState job;
};

struct DevicesState {
  std::map<std::string, LineState, std::less<>> lines;      // ln-N
  std::map<std::string, DeviceState, std::less<>> devices;  // dev-N
  std::map<std::string, PrintJobRecord, std::less<>> jobs;  // pj-N
  SerialMap printed{'P'};   // serial -> job that printed it (on disk in the writer)
  SerialMap open_job{'O'};  // serial -> open job holding it (on disk in the writer)
  int64_t last_line = 0;
  int64_t last_device = 0;
  int64_t last_job = 0;
};

}  // namespace agritrace::core
