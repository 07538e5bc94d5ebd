#include "api/http/thread_defaults.h"

#include <algorithm>

namespace agritrace::api {

ServerThreads default_server_threads(unsigned cpus) {
  const int n = static_cast<int>(std::min(cpus, 64u));
  return {std::max(1, n / 2), std::max(2, n)};
}

}  // namespace agritrace::api
