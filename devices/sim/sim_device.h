// The base of the device simulators: a TCP server on 127.0.0.1 (port 0: the kernel picks one)
// with one client at a time, like a real printer's raw port, run by one thread polling the
// listener, the client, a wake-up pipe and the next due time of the device's own work (printing,
// delayed replies). Subclasses (zpl_printer_sim.h, text_coder_sim.h) speak the protocol; this
// class keeps the physical print log that tests check: what the device really printed, in order.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/base/env.h"
#include "devices/tcp.h"

namespace agritrace::devices::sim {

class SimDevice {
 public:
  explicit SimDevice(Env& env);
  virtual ~SimDevice();
  SimDevice(const SimDevice&) = delete;
  SimDevice& operator=(const SimDevice&) = delete;

  Status start(uint16_t port = 0);
  void stop();  // subclasses' destructors call it
  uint16_t port() const { return port_; }

  // The physical print log, and how many times each code was printed (a code printed twice is a
  // bug the tests look for).
  std::vector<std::string> printed() const;
  size_t max_prints_of_one_code() const;
  size_t connections() const;
  // Drops the current client (a cable pulled); the device keeps its state.
  void disconnect_now();
  // Waits until `done()` holds or timeout_ms passes (a safety net, not a synchronisation: every
  // state change of the device wakes the waiter, which then asks done() again). done() runs
  // without the device's lock, so it may call the accessors. Returns done().
  bool wait_until(const std::function<bool()>& done, int timeout_ms);

 protected:
  // Called under mu_ by the loop thread.
  virtual void on_connect() {}
  virtual void on_bytes(std::string& rx) = 0;  // consume what it understood
  virtual void on_due(int64_t now_ns) = 0;     // the device's own work
  virtual int64_t next_due_ns() const = 0;     // -1: nothing due
  void send_to_client(std::string_view bytes);  // under mu_
  void record_print(const std::string& code);   // under mu_
  void drop_client();                           // under mu_
  void wake();                                  // from any thread, after changing settings
  int64_t now_ns() { return env_.monotonic_ns(); }

  // Changes a setting from any thread: runs f under mu_, then tells the waiters and the loop.
  template <typename F>
  void set(F&& f) {
    {
      std::lock_guard lock(mu_);
      f();
      bump();
    }
    wake();
  }
  void bump() {  // under mu_: a state change the waiters should see
    ++version_;
    changed_.notify_all();
  }
  mutable std::mutex mu_;
  std::condition_variable changed_;
  uint64_t version_ = 0;

 private:
  void loop();

  Env& env_;
  TcpListener listener_;
  TcpConnection client_;
  uint16_t port_ = 0;
  int wake_pipe_[2] = {-1, -1};
  bool stopping_ = false;
  std::thread thread_;
  std::string rx_;
  std::vector<std::string> printed_;
  size_t max_prints_ = 0;
  size_t connections_ = 0;
  bool drop_requested_ = false;
};

}  // namespace agritrace::devices::sim
