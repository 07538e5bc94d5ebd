// Inkjet / laser coders speaking a Zipher-style text protocol (Videojet's "Zipher Text
// Communications Protocol", v1.21+, TCP): one ASCII command per line, each answered in order,
// and asynchronous print notifications. Commands of that protocol used here:
//   JDI  Job Data Update with Allocation  queues one message's variable field (our trace code) in
//                                         the coder's update queue; the queue has a fixed size
//   QSZ  Get update queue size and status  used / capacity of that queue
//   CQI  Clear Queue Item                  here: clears the whole update queue
//   GST  Get printer state
//   PRC  (async) Print complete             one per printed message, in queue order
//   STS  (async) Current overall status
// Sources: the command table of the Zipher Text Communications Protocol (revision history and
// command list reproduced at gist.github.com/michele-tn/b9123d60660a2b2b780b24de65a935f5 and
// fdocuments.in "Zipher Text Communications Protocol"); the full manual is Videojet-confidential.
// The byte framing below is this project's rendering of that command set; check it against the
// manual of the coder you connect (everything protocol-specific is in text_coder.cpp):
//   host -> coder  "JDI|<code>|\r"  "QSZ\r"  "CQI\r"  "GST\r"
//   coder -> host  "\x06\r" (ACK) or "\x15<ERR>|<text>\r" (NAK) for every command, in order;
//                  "QSZ|<used>|<capacity>|\r" and "GST|<state>|<fault>|\r" replies;
//                  async "PRC|<code>|\r" and "STS|<state>|<fault>|\r".
// "Printed" is exact: a code is printed when its PRC arrives. NAK QFULL (update queue full) keeps
// the code in flight and it is sent again once PRCs free room; any other NAK rejects the code
// (never printed). Back-pressure: never more in flight than the queue capacity from QSZ. A reply
// that does not come within io_timeout_ms means the link is dead: the connection is dropped (the
// runner reconnects, clears the queue and voids what is in doubt). After half that time without
// any reply the driver sends GST as a heartbeat, so a silent link is found even when nothing is
// awaited (a coder waiting for products legitimately prints nothing for a long time).
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "devices/driver.h"
#include "devices/tcp.h"

namespace agritrace::devices {

struct TextCoderOptions {
  DeviceEndpoint endpoint;
  size_t max_in_flight = 0;  // 0: the queue capacity the coder reports (QSZ)
};

class TextCoderDriver final : public PrintDriver {
 public:
  TextCoderDriver(Env& env, TextCoderOptions options);
  const char* protocol() const override { return "zipher-text"; }
  Status connect() override;
  void disconnect() override;
  bool connected() const override { return conn_.is_open(); }
  size_t capacity() const override;
  Status send(const std::vector<std::string>& codes) override;
  Status poll(int timeout_ms, DriverProgress& progress) override;
  const DeviceStatus& status() const override { return status_; }
  size_t in_flight() const override {
    return awaiting_ack_.size() + queued_.size() + retry_.size();
  }
  Status clear_device(DriverProgress& progress) override;
  size_t queue_capacity() const { return queue_capacity_; }

 private:
  enum class Pending : uint8_t { kJdi, kQsz, kCqi, kGst };
  Status fail(Status st);
  Status write(std::string_view bytes);
  Status handle_line(std::string_view line, DriverProgress& progress);
  Status read_until_idle(int timeout_ms, DriverProgress& progress);
  Status resend_retries();

  Env& env_;
  TextCoderOptions options_;
  TcpConnection conn_;
  std::string rx_;
  std::deque<Pending> pending_;            // responses expected, in order
  std::deque<std::string> awaiting_ack_;   // JDI codes written, not yet ACKed
  std::deque<std::string> queued_;         // ACKed: in the coder's queue, awaiting PRC
  std::deque<std::string> retry_;          // NAK QFULL: to send again
  std::deque<std::string> recent_printed_;  // to recognise duplicate PRCs
  std::unordered_set<std::string> recent_set_;
  size_t queue_capacity_ = 0;
  int64_t last_reply_ns_ = 0;  // when a reply last arrived (or, idle, when one was first awaited)
  DeviceStatus status_;
};

}  // namespace agritrace::devices
