// agritrace-devsim: runs one device simulator until a signal ends it (Ctrl-C, SIGTERM).
//   agritrace-devsim zpl   [port] [print_interval_ms]   a ZPL label printer (raw TCP, ~HS)
//   agritrace-devsim coder [port] [print_interval_ms]   a text-protocol coder (JDI/PRC)
// Prints "listening 127.0.0.1:<port>" once ready; port 0 (the default) lets the kernel choose.
// Lines on stdin inject faults: paper_out on|off, ribbon_out on|off, head_open on|off,
// paused on|off, buffer_full on|off (zpl); fault <TEXT>|clear, nak <n> <ERR>, delay <ms>,
// duplicate on|off (coder); disconnect (both). "printed" prints the print log's size, "log" the
// print log itself (every code in the order it printed).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "events/env/posix_env.h"
#include "devices/sim/text_coder_sim.h"
#include "devices/sim/zpl_printer_sim.h"

using agritrace::devices::sim::SimDevice;
using agritrace::devices::sim::TextCoderSim;
using agritrace::devices::sim::ZplPrinterSim;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: agritrace-devsim zpl|coder [port] [print_interval_ms]\n");
    return 2;
  }
  std::string kind = argv[1];
  auto port = static_cast<uint16_t>(argc > 2 ? std::atoi(argv[2]) : 0);
  int interval = argc > 3 ? std::atoi(argv[3]) : 0;
  agritrace::Env& env = agritrace::events::posix_env();
  std::unique_ptr<ZplPrinterSim> zpl;
  std::unique_ptr<TextCoderSim> coder;
  SimDevice* device = nullptr;
  if (kind == "zpl") {
    zpl = std::make_unique<ZplPrinterSim>(env, interval);
    device = zpl.get();
  } else if (kind == "coder") {
    coder = std::make_unique<TextCoderSim>(env, 32, interval);
    device = coder.get();
  } else {
    std::fprintf(stderr, "unknown device kind %s\n", kind.c_str());
    return 2;
  }
  if (auto st = device->start(port); !st.ok()) {
    std::fprintf(stderr, "%s\n", st.to_string().c_str());
    return 1;
  }
  std::printf("listening 127.0.0.1:%u\n", static_cast<unsigned>(device->port()));
  std::fflush(stdout);
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
    std::string cmd, arg, arg2;
    in >> cmd >> arg >> arg2;
    bool on = arg == "on";
    if (cmd == "disconnect") device->disconnect_now();
    else if (cmd == "printed") std::printf("printed %zu\n", device->printed().size());
    else if (cmd == "log") {  // the physical print log: every code in the order it printed
      std::printf("log");
      for (const std::string& code : device->printed()) std::printf(" %s", code.c_str());
      std::printf("\n");
    }
    else if (zpl && cmd == "paper_out") zpl->set_paper_out(on);
    else if (zpl && cmd == "ribbon_out") zpl->set_ribbon_out(on);
    else if (zpl && cmd == "head_open") zpl->set_head_open(on);
    else if (zpl && cmd == "paused") zpl->set_paused(on);
    else if (zpl && cmd == "buffer_full") zpl->set_buffer_full(on);
    else if (coder && cmd == "fault") coder->set_fault(arg == "clear" ? "" : arg);
    else if (coder && cmd == "nak") coder->nak_next(std::atoi(arg.c_str()), arg2);
    else if (coder && cmd == "delay") coder->set_reply_delay_ms(std::atoi(arg.c_str()));
    else if (coder && cmd == "duplicate") coder->set_duplicate_prc(on);
    else std::printf("unknown command\n");
    std::fflush(stdout);
  }
  // Without commands (stdin closed, e.g. started in the background by ./scripts/run) the device
  // keeps serving until a signal ends the process.
  for (;;) ::pause();
}
