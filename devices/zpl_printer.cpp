#include "devices/zpl_printer.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <utility>

#include "core/codes/codes.h"

namespace agritrace::devices {

namespace {

constexpr char kStx = '\x02';
constexpr char kEtx = '\x03';

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t pos = s.find(sep, start);
    out.push_back(s.substr(start, pos == std::string_view::npos ? pos : pos - start));
    if (pos == std::string_view::npos) return out;
    start = pos + 1;
  }
}

bool to_int(std::string_view s, int64_t* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

std::string field_hex(std::string_view data) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(data.size());
  for (unsigned char c : data) {
    if (c == '^' || c == '~' || c == '_' || c < 0x20 || c == 0x7f) {
      out += '_';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string field_unhex(std::string_view data) {
  std::string out;
  for (size_t i = 0; i < data.size(); ++i) {
    if (data[i] == '_' && i + 2 < data.size()) {
      unsigned v = 0;
      auto [p, ec] = std::from_chars(data.data() + i + 1, data.data() + i + 3, v, 16);
      if (ec == std::errc() && p == data.data() + i + 3) {
        out += static_cast<char>(v);
        i += 2;
        continue;
      }
    }
    out += data[i];
  }
  return out;
}

}  // namespace

Result<std::optional<ZplHostStatus>> parse_host_status(std::string_view bytes, size_t* consumed) {
  std::string_view lines[3];
  size_t pos = 0;
  for (auto& line : lines) {
    while (pos < bytes.size() && (bytes[pos] == '\r' || bytes[pos] == '\n')) ++pos;
    if (pos >= bytes.size()) return std::optional<ZplHostStatus>{};
    if (bytes[pos] != kStx) {
      return make_error(ErrorCode::kInvalidArgument, "hs_malformed", "~HS reply without <STX>");
    }
    size_t end = bytes.find(kEtx, pos);
    if (end == std::string_view::npos) return std::optional<ZplHostStatus>{};
    line = bytes.substr(pos + 1, end - pos - 1);
    pos = end + 1;
    // <CR><LF> after <ETX>
    if (pos + 2 > bytes.size()) return std::optional<ZplHostStatus>{};
    pos += 2;
  }
  auto s1 = split(lines[0], ',');
  auto s2 = split(lines[1], ',');
  if (s1.size() < 12 || s2.size() < 11) {
    return make_error(ErrorCode::kInvalidArgument, "hs_malformed",
                      "~HS reply with too few fields");
  }
  ZplHostStatus st;
  int64_t v[6] = {};
  if (!to_int(s1[1], &v[0]) || !to_int(s1[2], &v[1]) || !to_int(s1[3], &v[2]) ||
      !to_int(s1[4], &v[3]) || !to_int(s1[5], &v[4]) || !to_int(s1[7], &v[5])) {
    return make_error(ErrorCode::kInvalidArgument, "hs_malformed", "~HS string 1 not numeric");
  }
  st.paper_out = v[0] == 1;
  st.paused = v[1] == 1;
  st.label_length_dots = static_cast<int>(v[2]);
  st.formats_in_buffer = static_cast<int>(v[3]);
  st.buffer_full = v[4] == 1;
  st.partial_format = v[5] == 1;
  int64_t head = 0, ribbon = 0, remaining = 0;
  if (!to_int(s2[2], &head) || !to_int(s2[3], &ribbon) || !to_int(s2[8], &remaining)) {
    return make_error(ErrorCode::kInvalidArgument, "hs_malformed", "~HS string 2 not numeric");
  }
  st.head_up = head == 1;
  st.ribbon_out = ribbon == 1;
  st.labels_remaining = remaining;
  *consumed = pos;
  return std::optional<ZplHostStatus>(st);
}

std::string format_host_status(const ZplHostStatus& s) {
  char buf[256];
  int n = std::snprintf(buf, sizeof buf,
                        "\x02" "030,%d,%d,%04d,%03d,%d,0,%d,000,0,0,0\x03\r\n"
                        "\x02" "001,0,%d,%d,1,2,6,0,%08lld,1,000\x03\r\n"
                        "\x02" "1234,0\x03\r\n",
                        s.paper_out ? 1 : 0, s.paused ? 1 : 0, s.label_length_dots,
                        s.formats_in_buffer, s.buffer_full ? 1 : 0, s.partial_format ? 1 : 0,
                        s.head_up ? 1 : 0, s.ribbon_out ? 1 : 0,
                        static_cast<long long>(s.labels_remaining));
  return std::string(buf, static_cast<size_t>(n));
}

std::string zpl_label(std::string_view code, const ZplLabelLayout& l) {
  std::string serial(code);
  if (auto parsed = core::parse_digital_link(code); parsed.ok() && !parsed->serial.empty()) {
    serial = parsed->serial;
  }
  std::string out;
  out.reserve(code.size() * 2 + 160);
  out += "^XA\n";
  out += "^FO" + std::to_string(l.qr_x) + "," + std::to_string(l.qr_y) + "^BQN,2," +
         std::to_string(l.qr_magnification) + "^FH^FDQA," + field_hex(code) + "^FS\n";
  out += "^FO" + std::to_string(l.text_x) + "," + std::to_string(l.text_y) + "^A0N," +
         std::to_string(l.text_height) + "," + std::to_string(l.text_height) + "^FH^FD" +
         field_hex(serial) + "^FS\n";
  out += "^PQ1\n^XZ\n";
  return out;
}

std::optional<std::string> code_of_zpl_label(std::string_view format) {
  size_t qr = format.find("^BQ");
  if (qr == std::string_view::npos) return std::nullopt;
  size_t fd = format.find("^FDQA,", qr);
  if (fd == std::string_view::npos) return std::nullopt;
  size_t fs = format.find("^FS", fd);
  if (fs == std::string_view::npos) return std::nullopt;
  std::string_view data = format.substr(fd + 6, fs - fd - 6);
  bool hex = format.substr(qr, fd - qr).find("^FH") != std::string_view::npos;
  return hex ? field_unhex(data) : std::string(data);
}

ZplPrinterDriver::ZplPrinterDriver(Env& env, ZplOptions options)
    : env_(env), options_(std::move(options)) {}

Status ZplPrinterDriver::fail(Status st) {
  disconnect();
  return st;
}

Status ZplPrinterDriver::connect() {
  disconnect();
  auto conn = TcpConnection::connect(env_, options_.endpoint.host, options_.endpoint.port,
                                     options_.endpoint.connect_timeout_ms);
  if (!conn.ok()) return conn.status();
  conn_ = std::move(conn.value());
  // ~JA: cancel every format a previous connection left in the buffer (they are in doubt and
  // about to be voided; they must not print now). The ~HS after it is answered only once the
  // printer has executed ~JA (tilde commands run in order of arrival), so when connect() returns
  // the cancel is done. A printer that stays silent (error state) gets no_response.
  if (Status st = conn_.write_all(env_, "~JA", options_.endpoint.io_timeout_ms); !st.ok()) {
    return fail(st);
  }
  if (Status st = request_status(); !st.ok()) return st;
  DriverProgress none;
  return poll(options_.endpoint.io_timeout_ms, none);
}

void ZplPrinterDriver::disconnect() {
  conn_.close();
  rx_.clear();
  in_flight_.clear();
  written_ = confirmed_ = 0;
  hs_outstanding_ = false;
  status_ = DeviceStatus{};
}

size_t ZplPrinterDriver::capacity() const {
  if (!conn_.is_open() || !status_.known || !status_.blocking_reason().empty() ||
      status_.buffer_full) {
    return 0;
  }
  return in_flight_.size() >= options_.max_in_flight ? 0
                                                      : options_.max_in_flight - in_flight_.size();
}

Status ZplPrinterDriver::send(const std::vector<std::string>& codes) {
  std::string batch;
  for (const auto& code : codes) batch += zpl_label(code, options_.layout);
  if (Status st = conn_.write_all(env_, batch, options_.endpoint.io_timeout_ms); !st.ok()) {
    // Everything written on this connection is now in doubt; the caller reconnects.
    return fail(st);
  }
  for (const auto& code : codes) in_flight_.push_back(code);
  written_ += static_cast<int64_t>(codes.size());
  return Status::Ok();
}

Status ZplPrinterDriver::request_status() {
  if (Status st = conn_.write_all(env_, "~HS", options_.endpoint.io_timeout_ms); !st.ok()) {
    return fail(st);
  }
  hs_outstanding_ = true;
  hs_written_at_ = written_;
  hs_sent_ns_ = env_.monotonic_ns();
  return Status::Ok();
}

Status ZplPrinterDriver::clear_device(DriverProgress& progress) {
  if (!conn_.is_open()) return make_error(ErrorCode::kUnavailable, "connection_lost", "closed");
  const int io = options_.endpoint.io_timeout_ms;
  // 1. A last count of what printed (any ~HS already asked is answered first).
  if (hs_outstanding_) {
    if (Status st = poll(io, progress); !st.ok()) return st;
  }
  if (Status st = request_status(); !st.ok()) return st;
  if (Status st = poll(io, progress); !st.ok()) return st;
  // 2. ~JA, then a ~HS whose reply proves the cancel ran. What was still in flight is cancelled
  // (or printed between the count and ~JA: in doubt, and voided before anything else happens).
  if (Status st = conn_.write_all(env_, "~JA", io); !st.ok()) return fail(st);
  in_flight_.clear();
  confirmed_ = written_;
  if (Status st = request_status(); !st.ok()) return st;
  DriverProgress none;
  return poll(io, none);
}

Status ZplPrinterDriver::poll(int timeout_ms, DriverProgress& progress) {
  if (!conn_.is_open()) return make_error(ErrorCode::kUnavailable, "connection_lost", "closed");
  int64_t now = env_.monotonic_ns();
  if (!hs_outstanding_) {
    rx_.clear();  // nothing is due: whatever arrived unasked is stale
    bool due = !in_flight_.empty() || !status_.known ||
               now - last_status_ns_ >= int64_t{options_.status_interval_ms} * 1'000'000;
    if (due) {
      if (Status st = request_status(); !st.ok()) return st;
    }
  }
  int64_t deadline = now + int64_t{timeout_ms} * 1'000'000;
  for (;;) {
    if (hs_outstanding_) {
      size_t used = 0;
      auto parsed = parse_host_status(rx_, &used);
      if (!parsed.ok()) return fail(parsed.status());
      if (parsed->has_value()) {
        const ZplHostStatus& hs = **parsed;
        // Only one ~HS is ever outstanding: bytes after its reply answer nothing (a repeated
        // reply) and must not be taken for the reply to the next ~HS, whose count they predate.
        rx_.clear();
        hs_outstanding_ = false;
        last_status_ns_ = env_.monotonic_ns();
        status_.known = true;
        status_.no_response = false;
        status_.paper_out = hs.paper_out;
        status_.paused = hs.paused;
        status_.head_open = hs.head_up;
        status_.ribbon_out = hs.ribbon_out;
        status_.buffer_full = hs.buffer_full;
        int64_t not_done =
            int64_t{hs.formats_in_buffer} + (hs.partial_format ? 1 : 0) + hs.labels_remaining;
        int64_t printed = std::max<int64_t>(0, hs_written_at_ - not_done);
        while (confirmed_ < printed && !in_flight_.empty()) {
          progress.printed.push_back(std::move(in_flight_.front()));
          in_flight_.pop_front();
          ++confirmed_;
        }
        return Status::Ok();
      }
      if (env_.monotonic_ns() - hs_sent_ns_ >=
          int64_t{options_.endpoint.io_timeout_ms} * 1'000'000) {
        // Silent printer (error state on newer firmware, or a dead link): stop sending. A later
        // ~HS is asked for; nothing is sent meanwhile, so an old late reply stays conservative.
        status_.no_response = true;
        hs_outstanding_ = false;
        return Status::Ok();
      }
    }
    int left = remaining_ms(env_, deadline);
    if (hs_outstanding_) {
      int to_io = remaining_ms(env_, hs_sent_ns_ + int64_t{options_.endpoint.io_timeout_ms} *
                                                       1'000'000);
      left = std::min(left, std::max(to_io, 1));
    }
    Status st = conn_.read_some(rx_, left);
    if (!st.ok()) {
      if (st.error().code == ErrorCode::kTimeout) {
        if (remaining_ms(env_, deadline) == 0) return Status::Ok();
        continue;
      }
      return fail(st);
    }
  }
}

}  // namespace agritrace::devices
