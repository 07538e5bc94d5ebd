// A ZPL II label printer on loopback: takes ^XA…^XZ formats into a receive buffer of fixed size,
// prints them in order (at once, or one per print_interval_ms), answers ~HS with the three
// status strings and ~JA by cancelling the buffer. Faults: paper out, ribbon out, head open,
// paused (printing stops; ~HS says so, or stays silent like newer firmware when
// silent_on_error), receive buffer full (forced flag), disconnect after N more formats, every
// status reply sent twice.
#pragma once

#include <deque>

#include "devices/sim/sim_device.h"

namespace agritrace::devices::sim {

struct ZplSimStats {
  size_t formats_received = 0;
  size_t formats_overflowed = 0;  // arrived with the buffer full: lost (back-pressure failed)
  size_t status_requests = 0;
  size_t cancels = 0;
};

class ZplPrinterSim final : public SimDevice {
 public:
  ZplPrinterSim(Env& env, int print_interval_ms = 0, size_t buffer_formats = 256);
  ~ZplPrinterSim() override { stop(); }

  void set_paper_out(bool on) { set([&] { paper_out_ = on; }); }
  void set_ribbon_out(bool on) { set([&] { ribbon_out_ = on; }); }
  void set_head_open(bool on) { set([&] { head_open_ = on; }); }
  void set_paused(bool on) { set([&] { paused_ = on; }); }
  void set_buffer_full(bool on) { set([&] { forced_full_ = on; }); }
  void set_silent_on_error(bool on) { set([&] { silent_on_error_ = on; }); }
  // Every ~HS reply is sent twice (a duplicated acknowledgement).
  void set_duplicate_status(bool on) { set([&] { duplicate_status_ = on; }); }
  void set_print_interval_ms(int ms) { set([&] { interval_ns_ = int64_t{ms} * 1'000'000; }); }
  // Drops the connection when `n` more formats have arrived (bytes after them are lost).
  void disconnect_after_formats(int64_t n) { set([&] { disconnect_after_ = n; }); }
  ZplSimStats stats() const;

 protected:
  void on_bytes(std::string& rx) override;
  void on_due(int64_t now_ns) override;
  int64_t next_due_ns() const override;

 private:
  bool blocked() const { return paper_out_ || ribbon_out_ || head_open_ || paused_; }
  void print_due(int64_t now_ns);

  std::deque<std::string> buffer_;  // codes of the formats waiting
  size_t capacity_;
  int64_t interval_ns_;
  int64_t next_print_ns_ = 0;
  bool paper_out_ = false, ribbon_out_ = false, head_open_ = false, paused_ = false;
  bool forced_full_ = false, silent_on_error_ = false, partial_ = false;
  bool duplicate_status_ = false;
  int64_t disconnect_after_ = -1;
  ZplSimStats stats_;
};

}  // namespace agritrace::devices::sim
