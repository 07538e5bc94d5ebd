// The demo chain: seeds a small Guangdong supply chain through the public HTTP API (never by
// writing views) and prints the accounts and keys it created.
#pragma once

#include <cstdio>
#include <string>

#include "core/base/status.h"

namespace agritrace::api {

Status run_demo(const std::string& url, const std::string& admin_key, FILE* out);

}  // namespace agritrace::api
