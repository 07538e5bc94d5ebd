#include "devices/tcp.h"

#include <arpa/inet.h>
#include <cerrno>
#include <climits>
#include <cstring>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <utility>

namespace agritrace::devices {

namespace {

Error io_error(ErrorCode code, const char* reason, const std::string& what) {
  return make_error(code, reason, what + ": " + std::strerror(errno));
}

void set_nonblocking(int fd) {
  int flags = ::fcntl(fd, F_GETFL, 0);
  ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

void set_nodelay(int fd) {
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

}  // namespace

int remaining_ms(Env& env, int64_t deadline_ns) {
  int64_t left = deadline_ns - env.monotonic_ns();
  if (left <= 0) return 0;
  int64_t ms = (left + 999'999) / 1'000'000;
  return ms > INT_MAX ? INT_MAX : static_cast<int>(ms);
}

TcpConnection& TcpConnection::operator=(TcpConnection&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

void TcpConnection::close() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

Result<TcpConnection> TcpConnection::connect(Env& env, const std::string& host, uint16_t port,
                                             int timeout_ms) {
  int64_t deadline = env.monotonic_ns() + int64_t{timeout_ms} * 1'000'000;
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  std::string service = std::to_string(port);
  if (int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &res); rc != 0 || !res) {
    return make_error(ErrorCode::kUnavailable, "connect_failed",
                      "cannot resolve " + host + ": " + ::gai_strerror(rc));
  }
  int fd = ::socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    ::freeaddrinfo(res);
    return io_error(ErrorCode::kUnavailable, "connect_failed", "socket");
  }
  TcpConnection conn(fd);
  set_nonblocking(fd);
  set_nodelay(fd);
  int rc = ::connect(fd, res->ai_addr, res->ai_addrlen);
  ::freeaddrinfo(res);
  if (rc != 0 && errno != EINPROGRESS) {
    return io_error(ErrorCode::kUnavailable, "connect_failed",
                    "connect " + host + ":" + service);
  }
  if (rc != 0) {
    pollfd p{fd, POLLOUT, 0};
    int n = 0;
    do {
      n = ::poll(&p, 1, remaining_ms(env, deadline));
    } while (n < 0 && errno == EINTR);
    if (n == 0) {
      return make_error(ErrorCode::kTimeout, "connect_timeout",
                        "connect " + host + ":" + service + " timed out");
    }
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (n < 0 || err != 0) {
      errno = err != 0 ? err : errno;
      return io_error(ErrorCode::kUnavailable, "connect_failed",
                      "connect " + host + ":" + service);
    }
  }
  return conn;
}

Status TcpConnection::write_all(Env& env, std::string_view bytes, int timeout_ms) {
  if (fd_ < 0) return make_error(ErrorCode::kUnavailable, "connection_lost", "not connected");
  int64_t deadline = env.monotonic_ns() + int64_t{timeout_ms} * 1'000'000;
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd_, POLLOUT, 0};
      int left = remaining_ms(env, deadline);
      if (left == 0 || ::poll(&p, 1, left) == 0) {
        return make_error(ErrorCode::kTimeout, "write_timeout", "device did not take the bytes");
      }
      continue;
    }
    return io_error(ErrorCode::kUnavailable, "connection_lost", "send");
  }
  return Status::Ok();
}

Status TcpConnection::read_some(std::string& into, int timeout_ms) {
  if (fd_ < 0) return make_error(ErrorCode::kUnavailable, "connection_lost", "not connected");
  char buf[16384];
  for (;;) {
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n > 0) {
      into.append(buf, static_cast<size_t>(n));
      return Status::Ok();
    }
    if (n == 0) return make_error(ErrorCode::kUnavailable, "connection_closed", "peer closed");
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      return io_error(ErrorCode::kUnavailable, "connection_lost", "recv");
    }
    if (timeout_ms <= 0) return make_error(ErrorCode::kTimeout, "read_timeout", "no data");
    pollfd p{fd_, POLLIN, 0};
    int r = ::poll(&p, 1, timeout_ms);
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) return make_error(ErrorCode::kTimeout, "read_timeout", "no data");
    timeout_ms = 0;  // readable (or error/hang-up): the next recv tells which
  }
}

TcpListener& TcpListener::operator=(TcpListener&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    port_ = other.port_;
    other.fd_ = -1;
  }
  return *this;
}

TcpListener::~TcpListener() {
  if (fd_ >= 0) ::close(fd_);
}

Result<TcpListener> TcpListener::listen_loopback(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return io_error(ErrorCode::kIoError, "listen_failed", "socket");
  TcpListener l;
  l.fd_ = fd;
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(fd, 8) != 0) {
    return io_error(ErrorCode::kIoError, "listen_failed", "bind/listen 127.0.0.1");
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  l.port_ = ntohs(addr.sin_port);
  set_nonblocking(fd);
  return l;
}

Result<TcpConnection> TcpListener::accept() {
  int fd = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
  if (fd < 0) return io_error(ErrorCode::kUnavailable, "accept_failed", "accept");
  set_nodelay(fd);
  return TcpConnection(fd);
}

Backoff::Backoff(Env& env, int initial_ms, int max_ms)
    : state_(env.random_seed() | 1), initial_ms_(initial_ms), max_ms_(max_ms),
      current_ms_(initial_ms) {}

int Backoff::next_ms() {
  // xorshift64: jitter only, never a secret.
  state_ ^= state_ << 13;
  state_ ^= state_ >> 7;
  state_ ^= state_ << 17;
  int d = current_ms_;
  current_ms_ = current_ms_ >= max_ms_ / 2 ? max_ms_ : current_ms_ * 2;
  int half = d / 2;
  return half + static_cast<int>(state_ % static_cast<uint64_t>(d - half + 1));
}

void pause_ms(int ms) {
  if (ms > 0) ::poll(nullptr, 0, ms);
}

}  // namespace agritrace::devices
