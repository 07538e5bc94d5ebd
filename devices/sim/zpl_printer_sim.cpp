#include "devices/sim/zpl_printer_sim.h"

#include "devices/zpl_printer.h"

namespace agritrace::devices::sim {

ZplPrinterSim::ZplPrinterSim(Env& env, int print_interval_ms, size_t buffer_formats)
    : SimDevice(env), capacity_(buffer_formats),
      interval_ns_(int64_t{print_interval_ms} * 1'000'000) {}

ZplSimStats ZplPrinterSim::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void ZplPrinterSim::print_due(int64_t now_ns) {
  while (!blocked() && !buffer_.empty() && now_ns >= next_print_ns_) {
    record_print(buffer_.front());
    buffer_.pop_front();
    if (interval_ns_ > 0) {
      next_print_ns_ = now_ns + interval_ns_;
      break;
    }
  }
}

void ZplPrinterSim::on_bytes(std::string& rx) {
  size_t pos = 0;
  partial_ = false;
  while (pos < rx.size()) {
    std::string_view rest = std::string_view(rx).substr(pos);
    if (rest.starts_with("~HS")) {
      pos += 3;
      ++stats_.status_requests;
      if (silent_on_error_ && (paper_out_ || ribbon_out_ || head_open_)) continue;
      ZplHostStatus hs;
      hs.paper_out = paper_out_;
      hs.paused = paused_;
      hs.label_length_dots = 406;
      hs.formats_in_buffer = static_cast<int>(buffer_.size());
      hs.buffer_full = forced_full_ || buffer_.size() >= capacity_;
      hs.partial_format = false;
      hs.head_up = head_open_;
      hs.ribbon_out = ribbon_out_;
      hs.labels_remaining = 0;  // the format being printed is still counted in the buffer
      std::string reply = format_host_status(hs);
      send_to_client(duplicate_status_ ? reply + reply : reply);
    } else if (rest.starts_with("~JA")) {
      pos += 3;
      ++stats_.cancels;
      buffer_.clear();
    } else if (rest.starts_with("^XA")) {
      size_t end = rest.find("^XZ");
      if (end == std::string_view::npos) {
        partial_ = true;
        break;
      }
      auto code = code_of_zpl_label(rest.substr(0, end + 3));
      pos += end + 3;
      ++stats_.formats_received;
      if (buffer_.size() >= capacity_) {
        ++stats_.formats_overflowed;
      } else if (code) {
        buffer_.push_back(std::move(*code));
        if (interval_ns_ == 0) print_due(now_ns());
      }
      if (disconnect_after_ > 0 && --disconnect_after_ == 0) {
        disconnect_after_ = -1;
        drop_client();
        return;
      }
    } else {
      ++pos;  // newlines between formats, unknown bytes
    }
  }
  rx.erase(0, pos);
}

void ZplPrinterSim::on_due(int64_t now_ns) { print_due(now_ns); }

int64_t ZplPrinterSim::next_due_ns() const {
  if (blocked() || buffer_.empty()) return -1;
  return next_print_ns_;
}

}  // namespace agritrace::devices::sim
