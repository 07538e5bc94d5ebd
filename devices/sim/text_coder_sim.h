// A coder speaking the text protocol of text_coder.h on loopback: an update queue of fixed size
// (NAK QFULL when full), one PRC per printed message in queue order, STS on state changes.
// Faults: a device fault (printing stops, STS reports it), paused, NAK the next N messages with a
// given error, slow replies (every reply delayed), duplicate PRCs, disconnect after N more JDIs,
// slow printing (print_interval_ms).
#pragma once

#include <deque>
#include <string>
#include <utility>

#include "devices/sim/sim_device.h"

namespace agritrace::devices::sim {

struct CoderSimStats {
  size_t jdi_received = 0;
  size_t naks_sent = 0;
  size_t max_queue_seen = 0;
  size_t clears = 0;
};

class TextCoderSim final : public SimDevice {
 public:
  TextCoderSim(Env& env, size_t queue_capacity = 32, int print_interval_ms = 0);
  ~TextCoderSim() override { stop(); }

  void set_fault(std::string fault);  // "" clears it
  void set_paused(bool on);
  void nak_next(int n, std::string error) {
    set([&] {
      nak_left_ = n;
      nak_error_ = std::move(error);
    });
  }
  void set_reply_delay_ms(int ms) { set([&] { reply_delay_ns_ = int64_t{ms} * 1'000'000; }); }
  void set_duplicate_prc(bool on) { set([&] { duplicate_prc_ = on; }); }
  void set_print_interval_ms(int ms) { set([&] { interval_ns_ = int64_t{ms} * 1'000'000; }); }
  void disconnect_after_jdi(int64_t n) { set([&] { disconnect_after_ = n; }); }
  CoderSimStats stats() const;

 protected:
  void on_connect() override;
  void on_bytes(std::string& rx) override;
  void on_due(int64_t now_ns) override;
  int64_t next_due_ns() const override;

 private:
  void reply(std::string line);
  void status_line(const char* kind);
  void print_due(int64_t now_ns);
  void flush_due(int64_t now_ns);

  size_t capacity_;
  int64_t interval_ns_;
  int64_t next_print_ns_ = 0;
  std::deque<std::string> queue_;
  std::deque<std::pair<int64_t, std::string>> outgoing_;  // (due, bytes), in order
  std::string fault_;
  bool paused_ = false;
  int nak_left_ = 0;
  std::string nak_error_;
  int64_t reply_delay_ns_ = 0;
  bool duplicate_prc_ = false;
  int64_t disconnect_after_ = -1;
  CoderSimStats stats_;
};

}  // namespace agritrace::devices::sim
