#include "devices/sim/sim_device.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <unordered_map>

namespace agritrace::devices::sim {

SimDevice::SimDevice(Env& env) : env_(env) {}

SimDevice::~SimDevice() { stop(); }

Status SimDevice::start(uint16_t port) {
  auto l = TcpListener::listen_loopback(port);
  if (!l.ok()) return l.status();
  listener_ = std::move(l.value());
  port_ = listener_.port();
  if (::pipe2(wake_pipe_, O_CLOEXEC | O_NONBLOCK) != 0) {
    return make_error(ErrorCode::kIoError, "pipe_failed", "wake-up pipe");
  }
  thread_ = std::thread([this] { loop(); });
  return Status::Ok();
}

void SimDevice::stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake();
  thread_.join();
  ::close(wake_pipe_[0]);
  ::close(wake_pipe_[1]);
  client_.close();
}

void SimDevice::wake() {
  char c = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_pipe_[1], &c, 1);
}

std::vector<std::string> SimDevice::printed() const {
  std::lock_guard lock(mu_);
  return printed_;
}

size_t SimDevice::max_prints_of_one_code() const {
  std::lock_guard lock(mu_);
  std::unordered_map<std::string_view, size_t> counts;
  size_t max = 0;
  for (const auto& code : printed_) max = std::max(max, ++counts[code]);
  return max;
}

size_t SimDevice::connections() const {
  std::lock_guard lock(mu_);
  return connections_;
}

void SimDevice::disconnect_now() {
  {
    std::lock_guard lock(mu_);
    drop_requested_ = true;
  }
  wake();
}

bool SimDevice::wait_until(const std::function<bool()>& done, int timeout_ms) {
  int64_t deadline = env_.monotonic_ns() + int64_t{timeout_ms} * 1'000'000;
  for (;;) {
    uint64_t seen = 0;
    {
      std::lock_guard lock(mu_);
      seen = version_;
    }
    if (done()) return true;
    int left = remaining_ms(env_, deadline);
    if (left == 0) return false;
    std::unique_lock lock(mu_);
    changed_.wait_for(lock, std::chrono::milliseconds(left), [&] { return version_ != seen; });
  }
}

void SimDevice::send_to_client(std::string_view bytes) {
  if (!client_.is_open()) return;
  if (!client_.write_all(env_, bytes, 2000).ok()) client_.close();
}

void SimDevice::record_print(const std::string& code) {
  printed_.push_back(code);
  bump();
}

void SimDevice::drop_client() {
  client_.close();
  rx_.clear();
  bump();
}

void SimDevice::loop() {
  for (;;) {
    int timeout = -1;
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      if (drop_requested_) {
        drop_requested_ = false;
        drop_client();
      }
      int64_t due = next_due_ns();
      if (due >= 0) timeout = remaining_ms(env_, due);
    }
    pollfd fds[3] = {{listener_.fd(), POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}, {-1, POLLIN, 0}};
    {
      std::lock_guard lock(mu_);
      fds[2].fd = client_.fd();
    }
    ::poll(fds, client_.is_open() ? 3 : 2, timeout);
    std::lock_guard lock(mu_);
    if (fds[1].revents & POLLIN) {
      char buf[64];
      while (::read(wake_pipe_[0], buf, sizeof buf) > 0) {
      }
    }
    if (fds[0].revents & POLLIN) {
      auto conn = listener_.accept();
      if (conn.ok()) {
        drop_client();  // one host at a time: the newer connection wins
        client_ = std::move(conn.value());
        ++connections_;
        on_connect();
        bump();
      }
    } else if (client_.is_open() && fds[2].revents != 0 && fds[2].fd == client_.fd()) {
      Status st = client_.read_some(rx_, 0);
      if (!st.ok() && st.error().code != ErrorCode::kTimeout) {
        drop_client();
      } else if (st.ok()) {
        on_bytes(rx_);
        bump();
      }
    }
    int64_t due = next_due_ns();
    if (due >= 0 && due <= env_.monotonic_ns()) {
      on_due(env_.monotonic_ns());
      bump();
    }
  }
}

}  // namespace agritrace::devices::sim
