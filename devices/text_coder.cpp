#include "devices/text_coder.h"

#include <algorithm>
#include <charconv>
#include <utility>

namespace agritrace::devices {

namespace {

constexpr char kAck = '\x06';
constexpr char kNak = '\x15';
constexpr size_t kRecentPrinted = 4096;

// "A|b|c|" -> {"A","b","c"}
std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start < line.size()) {
    size_t bar = line.find('|', start);
    if (bar == std::string_view::npos) {
      out.push_back(line.substr(start));
      break;
    }
    out.push_back(line.substr(start, bar - start));
    start = bar + 1;
  }
  return out;
}

Error protocol_error(std::string message) {
  return make_error(ErrorCode::kUnavailable, "device_protocol", std::move(message));
}

}  // namespace

TextCoderDriver::TextCoderDriver(Env& env, TextCoderOptions options)
    : env_(env), options_(std::move(options)) {}

Status TextCoderDriver::fail(Status st) {
  disconnect();
  return st;
}

Status TextCoderDriver::write(std::string_view bytes) {
  Status st = conn_.write_all(env_, bytes, options_.endpoint.io_timeout_ms);
  return st.ok() ? st : fail(st);
}

void TextCoderDriver::disconnect() {
  conn_.close();
  rx_.clear();
  pending_.clear();
  awaiting_ack_.clear();
  queued_.clear();
  retry_.clear();
  status_ = DeviceStatus{};
}

Status TextCoderDriver::connect() {
  disconnect();
  auto conn = TcpConnection::connect(env_, options_.endpoint.host, options_.endpoint.port,
                                     options_.endpoint.connect_timeout_ms);
  if (!conn.ok()) return conn.status();
  conn_ = std::move(conn.value());
  // Clear what a previous connection queued (in doubt, about to be voided), then learn the
  // queue size and the state.
  if (Status st = write("CQI\rQSZ\rGST\r"); !st.ok()) return st;
  pending_ = {Pending::kCqi, Pending::kQsz, Pending::kGst};
  DriverProgress ignored;
  int64_t deadline = env_.monotonic_ns() + int64_t{options_.endpoint.io_timeout_ms} * 1'000'000;
  while (!pending_.empty()) {
    int left = remaining_ms(env_, deadline);
    if (left == 0) return fail(make_error(ErrorCode::kTimeout, "reply_timeout", "coder silent"));
    if (Status st = read_until_idle(left, ignored); !st.ok()) return st;
  }
  if (queue_capacity_ == 0) return fail(protocol_error("coder reports an update queue of 0"));
  return Status::Ok();
}

size_t TextCoderDriver::capacity() const {
  if (!conn_.is_open() || !status_.known || !status_.blocking_reason().empty()) return 0;
  size_t limit = options_.max_in_flight ? std::min(options_.max_in_flight, queue_capacity_)
                                        : queue_capacity_;
  size_t used = in_flight();
  return used >= limit ? 0 : limit - used;
}

Status TextCoderDriver::send(const std::vector<std::string>& codes) {
  std::string batch;
  for (const auto& code : codes) {
    batch += "JDI|";
    batch += code;
    batch += "|\r";
  }
  if (Status st = write(batch); !st.ok()) return st;
  if (pending_.empty()) last_reply_ns_ = env_.monotonic_ns();
  for (const auto& code : codes) {
    pending_.push_back(Pending::kJdi);
    awaiting_ack_.push_back(code);
  }
  return Status::Ok();
}

Status TextCoderDriver::resend_retries() {
  std::vector<std::string> again;
  while (!retry_.empty() && queued_.size() + awaiting_ack_.size() < queue_capacity_) {
    again.push_back(std::move(retry_.front()));
    retry_.pop_front();
  }
  return again.empty() ? Status::Ok() : send(again);
}

Status TextCoderDriver::clear_device(DriverProgress& progress) {
  if (!conn_.is_open()) return make_error(ErrorCode::kUnavailable, "connection_lost", "closed");
  if (Status st = write("CQI\r"); !st.ok()) return st;
  pending_.push_back(Pending::kCqi);
  // Every reply before the CQI's ACK (JDI ACKs, PRCs of codes printed meanwhile) is read first;
  // once the ACK is in, nothing queued before it can print.
  int64_t deadline = env_.monotonic_ns() + int64_t{options_.endpoint.io_timeout_ms} * 1'000'000;
  while (!pending_.empty()) {
    int left = remaining_ms(env_, deadline);
    if (left == 0) return fail(make_error(ErrorCode::kTimeout, "reply_timeout", "coder silent"));
    if (Status st = read_until_idle(left, progress); !st.ok()) return st;
  }
  awaiting_ack_.clear();
  queued_.clear();
  retry_.clear();
  return Status::Ok();
}

Status TextCoderDriver::handle_line(std::string_view line, DriverProgress& progress) {
  if (line.empty()) return Status::Ok();
  last_reply_ns_ = env_.monotonic_ns();
  if (line[0] == kAck || line[0] == kNak) {
    if (pending_.empty()) return protocol_error("unexpected ACK/NAK");
    Pending p = pending_.front();
    pending_.pop_front();
    if (p != Pending::kJdi) {
      if (line[0] == kNak) return protocol_error("coder refused a control command");
      return Status::Ok();
    }
    if (awaiting_ack_.empty()) return Status::Ok();  // cleared by CQI meanwhile
    std::string code = std::move(awaiting_ack_.front());
    awaiting_ack_.pop_front();
    if (line[0] == kAck) {
      queued_.push_back(std::move(code));
    } else if (line.substr(1).starts_with("QFULL")) {
      retry_.push_back(std::move(code));
    } else {
      progress.rejected.push_back(std::move(code));
    }
    return Status::Ok();
  }
  auto f = fields(line);
  const std::string_view kind = f[0];
  if (kind == "PRC" && f.size() >= 2) {
    std::string code(f[1]);
    if (recent_set_.count(code)) {
      progress.duplicate_acks.push_back(std::move(code));
      return Status::Ok();
    }
    auto it = std::find(queued_.begin(), queued_.end(), code);
    if (it == queued_.end()) {
      // Not queued on this connection: a late PRC of a code cleared as in doubt.
      progress.duplicate_acks.push_back(std::move(code));
      return Status::Ok();
    }
    queued_.erase(it);
    recent_printed_.push_back(code);
    recent_set_.insert(code);
    if (recent_printed_.size() > kRecentPrinted) {
      recent_set_.erase(recent_printed_.front());
      recent_printed_.pop_front();
    }
    progress.printed.push_back(std::move(code));
    return Status::Ok();
  }
  if ((kind == "STS" || kind == "GST") && f.size() >= 2) {
    if (kind == "GST") {
      if (pending_.empty() || pending_.front() != Pending::kGst) {
        return protocol_error("unexpected GST reply");
      }
      pending_.pop_front();
    }
    status_.known = true;
    status_.paused = f[1] == "PAUSED";
    status_.fault = f.size() >= 3 ? std::string(f[2]) : std::string();
    return Status::Ok();
  }
  if (kind == "QSZ" && f.size() >= 3) {
    if (pending_.empty() || pending_.front() != Pending::kQsz) {
      return protocol_error("unexpected QSZ reply");
    }
    pending_.pop_front();
    size_t cap = 0;
    std::from_chars(f[2].data(), f[2].data() + f[2].size(), cap);
    queue_capacity_ = cap;
    return Status::Ok();
  }
  return protocol_error("unknown line from coder: " + std::string(line.substr(0, 40)));
}

Status TextCoderDriver::read_until_idle(int timeout_ms, DriverProgress& progress) {
  Status st = conn_.read_some(rx_, timeout_ms);
  if (!st.ok()) {
    if (st.error().code == ErrorCode::kTimeout) return Status::Ok();
    return fail(st);
  }
  size_t start = 0;
  for (;;) {
    size_t cr = rx_.find('\r', start);
    if (cr == std::string::npos) break;
    if (Status h = handle_line(std::string_view(rx_).substr(start, cr - start), progress);
        !h.ok()) {
      return fail(h);
    }
    start = cr + 1;
  }
  rx_.erase(0, start);
  return Status::Ok();
}

Status TextCoderDriver::poll(int timeout_ms, DriverProgress& progress) {
  if (!conn_.is_open()) return make_error(ErrorCode::kUnavailable, "connection_lost", "closed");
  if (Status st = resend_retries(); !st.ok()) return st;
  int64_t start = env_.monotonic_ns();
  // Heartbeat: a coder waiting for products may print nothing for minutes, so silence proves
  // nothing by itself; a GST after half the reply timeout of quiet must be answered in time.
  if (pending_.empty() &&
      start - last_reply_ns_ > int64_t{options_.endpoint.io_timeout_ms} * 500'000) {
    if (Status st = write("GST\r"); !st.ok()) return st;
    pending_.push_back(Pending::kGst);
    last_reply_ns_ = start;
  }
  size_t before = progress.printed.size() + progress.rejected.size();
  int64_t deadline = start + int64_t{timeout_ms} * 1'000'000;
  for (;;) {
    size_t waiting = pending_.size();
    if (Status st = read_until_idle(remaining_ms(env_, deadline), progress); !st.ok()) return st;
    bool moved = progress.printed.size() + progress.rejected.size() != before ||
                 pending_.size() != waiting;
    if (moved) return Status::Ok();
    if (!pending_.empty() && env_.monotonic_ns() - last_reply_ns_ >
                                 int64_t{options_.endpoint.io_timeout_ms} * 1'000'000) {
      return fail(make_error(ErrorCode::kTimeout, "reply_timeout", "coder stopped answering"));
    }
    if (remaining_ms(env_, deadline) == 0) return Status::Ok();
  }
}

}  // namespace agritrace::devices
