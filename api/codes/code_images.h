// Printable trace codes: QR symbols made with libqrencode (error correction level M,
// 4-module quiet zone per ISO/IEC 18004), written as an SVG sheet or as PNG files (zlib) packed
// in a POSIX ustar archive. No I/O: every function returns bytes.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/base/status.h"

namespace agritrace::api {

struct LabelledCode {
  std::string uri;     // what the QR encodes
  std::string caption; // printed under it (the human-readable serial)
};

// An A4-width SVG grid, 5 codes a row, the caption under each symbol.
Result<std::string> qr_svg_sheet(const std::vector<LabelledCode>& codes, const std::string& title);

// One PNG: 1-bit greyscale, `scale` pixels per module.
Result<std::string> qr_png(const std::string& uri, int scale = 4);

// Escapes & < > " for XML text and attributes; with `apostrophe`, ' as well (HTML attributes
// may be single-quoted).
std::string xml_escape(std::string_view s, bool apostrophe = false);

// A ustar archive of regular files (names up to 100 bytes).
std::string tar_archive(const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace agritrace::api
