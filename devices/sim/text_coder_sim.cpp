#include "devices/sim/text_coder_sim.h"

#include <algorithm>

namespace agritrace::devices::sim {

TextCoderSim::TextCoderSim(Env& env, size_t queue_capacity, int print_interval_ms)
    : SimDevice(env), capacity_(queue_capacity),
      interval_ns_(int64_t{print_interval_ms} * 1'000'000) {}

CoderSimStats TextCoderSim::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void TextCoderSim::set_fault(std::string fault) {
  set([&] {
    fault_ = std::move(fault);
    status_line("STS");
  });
}

void TextCoderSim::set_paused(bool on) {
  set([&] {
    paused_ = on;
    status_line("STS");
  });
}

void TextCoderSim::reply(std::string line) {
  int64_t due = now_ns() + reply_delay_ns_;
  if (!outgoing_.empty()) due = std::max(due, outgoing_.back().first);
  outgoing_.emplace_back(due, std::move(line));
  if (reply_delay_ns_ == 0) flush_due(now_ns());
}

void TextCoderSim::status_line(const char* kind) {
  std::string state = !fault_.empty() ? "FAULT" : paused_ ? "PAUSED" : "RUNNING";
  reply(std::string(kind) + "|" + state + "|" + fault_ + "|\r");
}

void TextCoderSim::flush_due(int64_t now) {
  std::string out;
  while (!outgoing_.empty() && outgoing_.front().first <= now) {
    out += outgoing_.front().second;
    outgoing_.pop_front();
  }
  if (!out.empty()) send_to_client(out);
}

void TextCoderSim::print_due(int64_t now) {
  while (fault_.empty() && !paused_ && !queue_.empty() && now >= next_print_ns_) {
    std::string code = std::move(queue_.front());
    queue_.pop_front();
    record_print(code);
    reply("PRC|" + code + "|\r");
    if (duplicate_prc_) reply("PRC|" + code + "|\r");
    if (interval_ns_ > 0) {
      next_print_ns_ = now + interval_ns_;
      break;
    }
  }
}

void TextCoderSim::on_connect() {
  outgoing_.clear();  // replies meant for the old connection are gone with it
}

void TextCoderSim::on_bytes(std::string& rx) {
  size_t start = 0;
  for (;;) {
    size_t cr = rx.find('\r', start);
    if (cr == std::string::npos) break;
    std::string_view line = std::string_view(rx).substr(start, cr - start);
    start = cr + 1;
    if (line.starts_with("JDI|")) {
      ++stats_.jdi_received;
      std::string_view code = line.substr(4);
      if (!code.empty() && code.back() == '|') code.remove_suffix(1);
      if (nak_left_ > 0) {
        --nak_left_;
        ++stats_.naks_sent;
        reply("\x15" + nak_error_ + "|refused|\r");
      } else if (queue_.size() >= capacity_) {
        ++stats_.naks_sent;
        reply("\x15QFULL|update queue full|\r");
      } else {
        queue_.emplace_back(code);
        stats_.max_queue_seen = std::max(stats_.max_queue_seen, queue_.size());
        reply("\x06\r");
        if (interval_ns_ == 0) print_due(now_ns());
      }
      if (disconnect_after_ > 0 && --disconnect_after_ == 0) {
        disconnect_after_ = -1;
        outgoing_.clear();
        drop_client();
        return;
      }
    } else if (line == "QSZ") {
      reply("QSZ|" + std::to_string(queue_.size()) + "|" + std::to_string(capacity_) + "|\r");
    } else if (line == "CQI") {
      ++stats_.clears;
      queue_.clear();
      reply("\x06\r");
    } else if (line == "GST") {
      status_line("GST");
    } else {
      reply("\x15" "UNKNOWN|unknown command|\r");
    }
  }
  rx.erase(0, start);
}

void TextCoderSim::on_due(int64_t now) {
  print_due(now);
  flush_due(now);
}

int64_t TextCoderSim::next_due_ns() const {
  int64_t due = -1;
  if (fault_.empty() && !paused_ && !queue_.empty()) due = next_print_ns_;
  if (!outgoing_.empty() && (due < 0 || outgoing_.front().first < due)) {
    due = outgoing_.front().first;
  }
  return due;
}

}  // namespace agritrace::devices::sim
