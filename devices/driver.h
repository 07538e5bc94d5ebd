// The device driver interface the job runner talks to: one implementation per protocol
// (zpl_printer.h: Zebra ZPL II over raw TCP 9100; text_coder.h: a Zipher-style text coder
// protocol). A driver owns one TCP connection; it reports what the device acknowledged as printed
// and what keeps it from printing, and tells how many more codes it can take (back-pressure).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/base/env.h"
#include "core/base/status.h"

namespace agritrace::devices {

struct DeviceEndpoint {
  std::string host = "127.0.0.1";
  uint16_t port = 9100;
  int connect_timeout_ms = 2000;
  int io_timeout_ms = 2000;  // a write that does not complete, a reply that does not come
};

// What the device last reported. blocking_reason() is "" when it can print.
struct DeviceStatus {
  bool known = false;  // a status report arrived on this connection
  bool paper_out = false;
  bool ribbon_out = false;
  bool head_open = false;
  bool paused = false;
  bool buffer_full = false;
  bool no_response = false;  // the status request went unanswered (ZPL: error states stay silent)
  std::string fault;         // any other device fault, in the device's words
  std::string blocking_reason() const;
};

struct DriverProgress {
  std::vector<std::string> printed;         // acknowledged as printed, in order
  std::vector<std::string> duplicate_acks;  // acknowledgements of codes already acknowledged
  std::vector<std::string> rejected;        // refused for good: not in the device, never printed
};

class PrintDriver {
 public:
  virtual ~PrintDriver() = default;
  virtual const char* protocol() const = 0;
  // Opens the connection and clears the device's buffer: a new connection owns the device, so
  // nothing a previous connection left there (codes since voided as in doubt) prints later.
  virtual Status connect() = 0;
  virtual void disconnect() = 0;
  virtual bool connected() const = 0;
  // How many more codes may be sent now.
  virtual size_t capacity() const = 0;
  // Writes the codes (one label / one message each); they are in flight until acknowledged.
  virtual Status send(const std::vector<std::string>& codes) = 0;
  // Waits up to timeout_ms for the device; appends what it acknowledged to `progress`.
  // kUnavailable when the connection is lost.
  virtual Status poll(int timeout_ms, DriverProgress& progress) = 0;
  virtual const DeviceStatus& status() const = 0;
  virtual size_t in_flight() const = 0;
  // Cancels everything in the device's buffer (ZPL ~JA, coder CQI) and waits until the device
  // confirms it: afterwards no in-flight code prints. Acknowledgements that arrive before the
  // confirmation are appended to `progress`; every other in-flight code is dropped (in doubt).
  virtual Status clear_device(DriverProgress& progress) = 0;
};

// Connects with exponential back-off and jitter until it succeeds or give_up_ms has passed.
// `attempts` (optional) counts the attempts made.
Status connect_with_backoff(PrintDriver& driver, Env& env, int initial_ms, int max_ms,
                            int give_up_ms, int* attempts = nullptr);

}  // namespace agritrace::devices
