// Images the complaint tests upload, written by libpng as a phone's editor would.
#pragma once

#include <cstdint>
#include <string>

namespace agritrace::testing {

// A w×h RGB PNG of one grey carrying a tEXt chunk "Location" with a GPS position: metadata the
// server must strip when it re-encodes an upload.
std::string png_with_location_text(uint32_t w, uint32_t h);

}  // namespace agritrace::testing
