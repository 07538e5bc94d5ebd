// A TCP connection with deadlines (poll(2)), the only socket code of the device drivers and the
// simulators. Time is read through the Env (monotonic clock) only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/env.h"
#include "core/base/status.h"

namespace agritrace::devices {

class TcpConnection {
 public:
  TcpConnection() = default;
  explicit TcpConnection(int fd) : fd_(fd) {}
  TcpConnection(TcpConnection&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  TcpConnection& operator=(TcpConnection&& other) noexcept;
  TcpConnection(const TcpConnection&) = delete;
  TcpConnection& operator=(const TcpConnection&) = delete;
  ~TcpConnection() { close(); }

  // Non-blocking connect to host:port (numeric IPv4 or a name) within timeout_ms.
  // kUnavailable `connect_failed` / kTimeout `connect_timeout`.
  static Result<TcpConnection> connect(Env& env, const std::string& host, uint16_t port,
                                       int timeout_ms);

  bool is_open() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  void close();

  // Writes every byte before the deadline. kTimeout `write_timeout`, kUnavailable
  // `connection_lost`.
  Status write_all(Env& env, std::string_view bytes, int timeout_ms);
  // Appends what arrives (at least one byte) to `into`, waiting at most timeout_ms.
  // kTimeout `read_timeout` when nothing arrived, kUnavailable `connection_closed` on EOF or
  // `connection_lost` on an error.
  Status read_some(std::string& into, int timeout_ms);

 private:
  int fd_ = -1;
};

// A listening socket on 127.0.0.1 (port 0: the kernel picks one), for the simulators.
class TcpListener {
 public:
  TcpListener() = default;
  TcpListener(TcpListener&& other) noexcept : fd_(other.fd_), port_(other.port_) {
    other.fd_ = -1;
  }
  TcpListener& operator=(TcpListener&& other) noexcept;
  TcpListener(const TcpListener&) = delete;
  TcpListener& operator=(const TcpListener&) = delete;
  ~TcpListener();

  static Result<TcpListener> listen_loopback(uint16_t port = 0);
  int fd() const { return fd_; }
  uint16_t port() const { return port_; }
  // Accepts one pending connection (call when poll says the fd is readable).
  Result<TcpConnection> accept();

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

// Milliseconds left until `deadline_ns` of env.monotonic_ns(), clamped to [0, INT32_MAX].
int remaining_ms(Env& env, int64_t deadline_ns);

// Exponential back-off with jitter for reconnection: initial, doubled per failure up to max, each
// delay drawn uniformly in [delay/2, delay] (the seed comes from the Env).
class Backoff {
 public:
  Backoff(Env& env, int initial_ms, int max_ms);
  int next_ms();
  void reset() { current_ms_ = initial_ms_; }

 private:
  uint64_t state_;
  int initial_ms_;
  int max_ms_;
  int current_ms_;
};

// Waits `ms` milliseconds without a socket (poll with no descriptors): the back-off pause.
void pause_ms(int ms);

}  // namespace agritrace::devices
