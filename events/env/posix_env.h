// The real Env: the POSIX wall and monotonic clocks (clock_gettime), the kernel CSPRNG
// (getrandom(2)) and POSIX file operations with fsync of the file and of its folder. Files it
// creates are mode 0600, folders 0700 unless asked otherwise. Thread-safe.
#pragma once

#include "core/base/env.h"

namespace agritrace::events {

// The process-wide POSIX Env (never destroyed).
Env& posix_env();

}  // namespace agritrace::events
