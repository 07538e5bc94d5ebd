// One CSV cell as RFC 4180 writes it, safe to open in a spreadsheet: a cell starting with = + -
// or @ gets a leading apostrophe (no formula runs), and a cell with a comma, quote or line break
// is quoted with "" escapes. Used by every CSV the server writes (recall reports, upload error
// reports, templates).
#pragma once

#include <string>
#include <string_view>

namespace agritrace::core {

std::string csv_cell(std::string_view text);

}  // namespace agritrace::core
