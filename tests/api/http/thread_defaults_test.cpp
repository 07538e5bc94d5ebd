// serve's thread defaults follow the CPUs: no more threads than the machine runs at once.
#include <doctest/doctest.h>

#include "api/http/thread_defaults.h"

namespace agritrace::api {

TEST_CASE("serve thread defaults: half the CPUs for I/O, one worker per CPU, never fewer than 1 and 2") {
  CHECK(default_server_threads(0) == ServerThreads{1, 2});  // unknown
  CHECK(default_server_threads(1) == ServerThreads{1, 2});
  CHECK(default_server_threads(2) == ServerThreads{1, 2});  // this machine, the bench's figures
  CHECK(default_server_threads(3) == ServerThreads{1, 3});
  CHECK(default_server_threads(8) == ServerThreads{4, 8});
  CHECK(default_server_threads(1000) == ServerThreads{32, 64});  // bounded as the flags are
}

}  // namespace agritrace::api
