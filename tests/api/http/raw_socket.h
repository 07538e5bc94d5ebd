// Plain POSIX loopback socket for the tests that must send bytes no HTTP client would (garbage,
// oversized headers) or watch the connection itself (EOF after close). No Beast here.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace agritrace::api::testing {

struct RawResponse {
  int32_t status = 0;
  std::string head;  // status line and headers, lower-cased names not applied
  std::string body;
  bool has_header_line(std::string_view line) const { return head.find(line) != std::string::npos; }
};

class RawConnection {
 public:
  explicit RawConnection(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) return;
    // A broken server must fail the test, not hang it.
    timeval tv{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  int fd() const { return fd_; }

  bool send_all(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Blocks for one response framed by Content-Length (all our server sends). nullopt on EOF.
  std::optional<RawResponse> read_response() {
    size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) return std::nullopt;
    }
    RawResponse r;
    r.head = buf_.substr(0, end + 2);
    buf_.erase(0, end + 4);
    if (r.head.size() >= 12) r.status = std::atoi(r.head.c_str() + 9);
    size_t length = 0;
    size_t pos = r.head.find("Content-Length: ");
    if (pos != std::string::npos) length = std::strtoul(r.head.c_str() + pos + 16, nullptr, 10);
    while (buf_.size() < length) {
      if (!fill()) return std::nullopt;
    }
    r.body = buf_.substr(0, length);
    buf_.erase(0, length);
    return r;
  }

  // True when the peer closed (a blocking read returns 0 or a reset), with no stray bytes.
  bool at_eof() {
    if (!buf_.empty()) return false;
    char c;
    ssize_t n = ::recv(fd_, &c, 1, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }

 private:
  bool fill() {
    char chunk[4096];
    ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    buf_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  std::string buf_;
};

}  // namespace agritrace::api::testing
