// `agritrace subscribe` (issue 13, docs/REGULATOR-FEED.md): a bureau's local copy of its
// jurisdiction's feed topic as JSON lines, resumable. OUT/events.jsonl holds one CloudEvent a
// line in topic order; OUT/position holds "<next offset> <bytes of events.jsonl>" written durably
// after the lines are synced, so a restart (even after a crash mid-write) cuts a torn tail and
// continues at exactly the next record: no line twice, none missing.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/base/env.h"
#include "core/base/status.h"

namespace agritrace::api {

struct SubscribeOptions {
  std::string brokers;
  std::vector<std::pair<std::string, std::string>> client_config;  // SASL
  std::string topic;                                               // <prefix><jurisdiction>
  std::string out_dir;
  bool follow = false;  // keep waiting for new records until *stop
  Env* env = nullptr;   // null: the POSIX Env
};

struct SubscribeReport {
  uint64_t copied = 0;      // records appended by this run
  int64_t next_offset = 0;  // where the next run starts
};

Result<SubscribeReport> run_subscribe(const SubscribeOptions& options,
                                      const std::atomic<bool>* stop = nullptr);

}  // namespace agritrace::api
