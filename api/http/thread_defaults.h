// How many threads `agritrace serve` starts when its flags do not say (--threads, --workers).
#pragma once

namespace agritrace::api {

struct ServerThreads {
  int io_threads = 1;
  int workers = 2;
  bool operator==(const ServerThreads&) const = default;
};

// On a machine with `cpus` CPUs (0: unknown): half as many I/O threads (at least one) and one
// worker per CPU (at least two, so that one slow request never holds every other). More threads
// than CPUs only add hand-offs: on 2 CPUs, 1 I/O thread + 2 workers served ~30 % more trace
// requests than 2 + 4 (bench/PERFORMANCE-notes.md, "HTTP threads").
ServerThreads default_server_threads(unsigned cpus);

}  // namespace agritrace::api
