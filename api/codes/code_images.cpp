#include "api/codes/code_images.h"

#include <fmt/format.h>
#include <qrencode.h>
#include <zlib.h>

#include <cstring>
#include <memory>

namespace agritrace::api {
namespace {

constexpr int kQuietZone = 4;  // modules, ISO/IEC 18004

struct QrDeleter {
  void operator()(QRcode* q) const { QRcode_free(q); }
};
using Qr = std::unique_ptr<QRcode, QrDeleter>;

Result<Qr> encode(const std::string& text) {
  Qr q(QRcode_encodeString8bit(text.c_str(), 0, QR_ECLEVEL_M));
  if (!q) {
    return make_error(ErrorCode::kInternal, "qr_encode_failed", "libqrencode could not encode " + text);
  }
  return q;
}


void put_u32(std::string& out, uint32_t v) {
  out.push_back(static_cast<char>(v >> 24));
  out.push_back(static_cast<char>(v >> 16));
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v));
}

void png_chunk(std::string& out, const char* type, const std::string& data) {
  put_u32(out, static_cast<uint32_t>(data.size()));
  const size_t start = out.size();
  out.append(type, 4);
  out += data;
  const uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(out.data() + start), static_cast<uInt>(out.size() - start));
  put_u32(out, static_cast<uint32_t>(crc));
}

}  // namespace

Result<std::string> qr_svg_sheet(const std::vector<LabelledCode>& codes, const std::string& title) {
  constexpr int kColumns = 5;
  constexpr int kCell = 160;   // user units per cell (width)
  constexpr int kSymbol = 130; // QR drawing size inside a cell
  constexpr int kCaption = 24;
  const int rows = static_cast<int>((codes.size() + kColumns - 1) / kColumns);
  const int width = kColumns * kCell;
  const int height = 40 + rows * (kSymbol + kCaption + 16);
  std::string out = fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
      "width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\">\n<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n"
      "<text x=\"10\" y=\"24\" font-family=\"sans-serif\" font-size=\"14\">{2}</text>\n",
      width, height, xml_escape(title));
  for (size_t i = 0; i < codes.size(); ++i) {
    auto q = encode(codes[i].uri);
    if (!q.ok()) return q.error();
    const int modules = (*q)->width + 2 * kQuietZone;
    const double m = static_cast<double>(kSymbol) / modules;
    const int x0 = static_cast<int>(i % kColumns) * kCell + (kCell - kSymbol) / 2;
    const int y0 = 40 + static_cast<int>(i / kColumns) * (kSymbol + kCaption + 16);
    // One path per symbol, one square per dark module, in module units scaled by a transform.
    out += fmt::format("<g transform=\"translate({},{}) scale({:.4f})\"><path d=\"", x0, y0, m);
    const int w = (*q)->width;
    for (int y = 0; y < w; ++y) {
      for (int x = 0; x < w; ++x) {
        if ((*q)->data[y * w + x] & 1) out += fmt::format("M{} {}h1v1h-1z", x + kQuietZone, y + kQuietZone);
      }
    }
    out += fmt::format("\"/></g>\n<text x=\"{}\" y=\"{}\" font-family=\"monospace\" font-size=\"13\" "
                       "text-anchor=\"middle\">{}</text>\n",
                       x0 + kSymbol / 2, y0 + kSymbol + 14, xml_escape(codes[i].caption));
  }
  out += "</svg>\n";
  return out;
}

Result<std::string> qr_png(const std::string& uri, int scale) {
  auto q = encode(uri);
  if (!q.ok()) return q.error();
  const int w = (*q)->width;
  const int size = (w + 2 * kQuietZone) * scale;
  // Raw image: each row is a filter byte (0) and `size` 1-bit pixels (1 = white), MSB first.
  const size_t row_bytes = (static_cast<size_t>(size) + 7) / 8;
  std::string raw(static_cast<size_t>(size) * (row_bytes + 1), '\0');
  for (int py = 0; py < size; ++py) {
    char* row = raw.data() + static_cast<size_t>(py) * (row_bytes + 1) + 1;
    const int my = py / scale - kQuietZone;
    for (int px = 0; px < size; ++px) {
      const int mx = px / scale - kQuietZone;
      const bool dark = my >= 0 && my < w && mx >= 0 && mx < w && ((*q)->data[my * w + mx] & 1);
      if (!dark) row[px / 8] = static_cast<char>(row[px / 8] | (0x80 >> (px % 8)));
    }
  }
  uLongf packed_size = compressBound(static_cast<uLong>(raw.size()));
  std::string packed(packed_size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(packed.data()), &packed_size, reinterpret_cast<const Bytef*>(raw.data()),
                static_cast<uLong>(raw.size()), 6) != Z_OK) {
    return make_error(ErrorCode::kInternal, "png_compress_failed", "zlib could not compress the image");
  }
  packed.resize(packed_size);
  std::string png("\x89PNG\r\n\x1a\n", 8);
  std::string ihdr;
  put_u32(ihdr, static_cast<uint32_t>(size));
  put_u32(ihdr, static_cast<uint32_t>(size));
  ihdr += std::string("\x01\x00\x00\x00\x00", 5);  // 1-bit, greyscale, deflate, filter 0, no interlace
  png_chunk(png, "IHDR", ihdr);
  png_chunk(png, "IDAT", packed);
  png_chunk(png, "IEND", "");
  return png;
}

std::string tar_archive(const std::vector<std::pair<std::string, std::string>>& files) {
  std::string out;
  for (const auto& [name, bytes] : files) {
    char h[512];
    std::memset(h, 0, sizeof h);
    std::memcpy(h, name.data(), std::min<size_t>(name.size(), 100));
    std::memcpy(h + 100, "0000644", 7);
    std::memcpy(h + 108, "0000000", 7);
    std::memcpy(h + 116, "0000000", 7);
    std::snprintf(h + 124, 12, "%011llo", static_cast<unsigned long long>(bytes.size()));
    std::memcpy(h + 136, "00000000000", 11);  // mtime 0: the same run gives the same bytes
    std::memset(h + 148, ' ', 8);
    h[156] = '0';
    std::memcpy(h + 257, "ustar", 6);
    std::memcpy(h + 263, "00", 2);
    unsigned sum = 0;
    for (unsigned char c : h) sum += c;
    std::snprintf(h + 148, 8, "%06o", sum);
    h[155] = ' ';
    out.append(h, sizeof h);
    out += bytes;
    out.append((512 - bytes.size() % 512) % 512, '\0');
  }
  out.append(1024, '\0');
  return out;
}

std::string xml_escape(std::string_view s, bool apostrophe) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'':
        if (apostrophe) {
          out += "&#39;";
          break;
        }
        [[fallthrough]];
      default: out.push_back(c);
    }
  }
  return out;
}

}  // namespace agritrace::api
