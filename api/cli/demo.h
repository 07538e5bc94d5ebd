// The demo chain: seeds a small Guangdong supply chain through the public HTTP API (never by
// writing views) and prints the accounts and keys it created.
#pragma once

#include <cstdio>
#include <string>

#include "core/base/status.h"

namespace agritrace::api {

// `printer` ("zpl:HOST:PORT" or "coder:HOST:PORT", may be empty): also registers a packing line
// with that device and prints the curl lines that start a print job on it and show its progress.
Status run_demo(const std::string& url, const std::string& admin_key, FILE* out, const std::string& printer = {});

}  // namespace agritrace::api
