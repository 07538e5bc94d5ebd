#include "devices/driver.h"

#include <algorithm>

#include "devices/tcp.h"

namespace agritrace::devices {

std::string DeviceStatus::blocking_reason() const {
  if (paper_out) return "paper_out";
  if (ribbon_out) return "ribbon_out";
  if (head_open) return "head_open";
  if (paused) return "device_paused";
  if (!fault.empty()) return "device_fault:" + fault;
  if (no_response) return "no_status_response";
  return "";
}

Status connect_with_backoff(PrintDriver& driver, Env& env, int initial_ms, int max_ms,
                            int give_up_ms, int* attempts) {
  int64_t deadline = env.monotonic_ns() + int64_t{give_up_ms} * 1'000'000;
  Backoff backoff(env, initial_ms, max_ms);
  for (;;) {
    if (attempts) ++*attempts;
    Status st = driver.connect();
    if (st.ok()) return st;
    int left = remaining_ms(env, deadline);
    if (left == 0) return st;
    pause_ms(std::min(backoff.next_ms(), left));
  }
}

}  // namespace agritrace::devices
