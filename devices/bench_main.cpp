// agritrace_devices_bench: codes per second through the job runner to simulators that print and
// acknowledge at once (one line, then several lines at once, per protocol), and the time to
// recover a job after the device drops the connection. Prints figures; asserts nothing.
//   agritrace_devices_bench [codes_per_job=20000] [lines=4]
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "devices/job_runner.h"
#include "events/env/posix_env.h"
#include "devices/sim/text_coder_sim.h"
#include "devices/sim/zpl_printer_sim.h"
#include "devices/text_coder.h"
#include "devices/zpl_printer.h"

namespace cd = agritrace::core::devices;
namespace dv = agritrace::devices;
namespace sim = agritrace::devices::sim;

namespace {

std::vector<std::string> make_codes(const std::string& job, size_t n) {
  std::vector<std::string> codes;
  codes.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    codes.push_back("https://id.example.cn/01/06901234567892/10/" + job + "/21/S" +
                    std::to_string(100000 + i));
  }
  return codes;
}

struct Line {
  std::unique_ptr<sim::SimDevice> device;
  std::unique_ptr<dv::PrintDriver> driver;
};

Line make_line(agritrace::Env& env, bool zpl) {
  Line line;
  if (zpl) {
    auto s = std::make_unique<sim::ZplPrinterSim>(env, 0, 1024);
    (void)s->start();
    dv::ZplOptions o;
    o.endpoint.port = s->port();
    o.max_in_flight = 256;
    line.driver = std::make_unique<dv::ZplPrinterDriver>(env, o);
    line.device = std::move(s);
  } else {
    auto s = std::make_unique<sim::TextCoderSim>(env, 256, 0);
    (void)s->start();
    dv::TextCoderOptions o;
    o.endpoint.port = s->port();
    line.driver = std::make_unique<dv::TextCoderDriver>(env, o);
    line.device = std::move(s);
  }
  return line;
}

double run_lines(agritrace::Env& env, bool zpl, size_t lines, size_t codes_per_job) {
  std::vector<Line> ls;
  for (size_t i = 0; i < lines; ++i) ls.push_back(make_line(env, zpl));
  std::vector<std::thread> threads;
  int64_t t0 = env.monotonic_ns();
  for (size_t i = 0; i < lines; ++i) {
    threads.emplace_back([&, i] {
      dv::RunnerOptions ro;
      ro.max_batch = 256;
      dv::JobRunner runner(env, *ls[i].driver, nullptr, ro);
      std::string job = "job" + std::to_string(i);
      auto codes = make_codes(job, codes_per_job);
      (void)runner.start(cd::QueueJob{job, "line" + std::to_string(i), std::move(codes)});
      (void)runner.run();
      if (runner.state().printed != codes_per_job) std::fprintf(stderr, "line %zu short\n", i);
    });
  }
  for (auto& t : threads) t.join();
  double secs = static_cast<double>(env.monotonic_ns() - t0) / 1e9;
  return static_cast<double>(lines * codes_per_job) / secs;
}

double recovery_ms(agritrace::Env& env, bool zpl) {
  Line line = make_line(env, zpl);
  if (zpl) static_cast<sim::ZplPrinterSim*>(line.device.get())->disconnect_after_formats(500);
  else static_cast<sim::TextCoderSim*>(line.device.get())->disconnect_after_jdi(500);
  dv::JobRunner runner(env, *line.driver, nullptr);
  (void)runner.start(cd::QueueJob{"rec", "line", make_codes("rec", 2000)});
  (void)runner.run();
  return static_cast<double>(runner.stats().last_recovery_ns) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  size_t codes = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 20000;
  size_t lines = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 4;
  agritrace::Env& env = agritrace::events::posix_env();
  for (bool zpl : {true, false}) {
    const char* name = zpl ? "zpl printer " : "text coder  ";
    double one = run_lines(env, zpl, 1, codes);
    double many = run_lines(env, zpl, lines, codes);
    std::printf("%s 1 line: %9.0f codes/s | %zu lines at once: %9.0f codes/s total, "
                "%8.0f per line\n",
                name, one, lines, many, many / static_cast<double>(lines));
  }
  for (bool zpl : {true, false}) {
    double best = 1e18, worst = 0;
    for (int i = 0; i < 5; ++i) {
      double ms = recovery_ms(env, zpl);
      best = std::min(best, ms);
      worst = std::max(worst, ms);
    }
    std::printf("%s recovery after a disconnect (lost -> reconnected, in-doubt voided, sending): "
                "%.2f-%.2f ms over 5 runs\n",
                zpl ? "zpl printer " : "text coder  ", best, worst);
  }
  return 0;
}
