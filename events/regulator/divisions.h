// The division table shipped with the product (issue 13): Guangdong's GB/T 2260 divisions plus
// Hong Kong and Macau, from events/regulator/divisions_guangdong.tsv (source stated in the file),
// compiled into the binary by CMake and parsed once, at first use (startup).
#pragma once

#include <string_view>

#include "core/regulator/jurisdiction.h"

namespace agritrace::events {

// The text of events/regulator/divisions_guangdong.tsv.
std::string_view shipped_divisions_text();
// The parsed table; the shipped file is checked by a test, so a parse failure here is a bug
// (the process aborts with the reason).
const core::DivisionTable& shipped_divisions();

}  // namespace agritrace::events
