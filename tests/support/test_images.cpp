#include "tests/support/test_images.h"

#include <png.h>

#include <vector>

namespace agritrace::testing {
namespace {

void append_png(png_structp png, png_bytep data, png_size_t n) {
  static_cast<std::string*>(png_get_io_ptr(png))->append(reinterpret_cast<char*>(data), n);
}

}  // namespace

std::string png_with_location_text(uint32_t w, uint32_t h) {
  std::string out;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  png_set_write_fn(png, &out, append_png, nullptr);
  png_set_IHDR(png, info, w, h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_text text{};
  text.compression = PNG_TEXT_COMPRESSION_NONE;
  text.key = const_cast<char*>("Location");
  text.text = const_cast<char*>("GPS 23.1N 113.3E");
  png_set_text(png, info, &text, 1);
  png_write_info(png, info);
  std::vector<unsigned char> row(static_cast<size_t>(w) * 3, 0x80);
  for (uint32_t y = 0; y < h; ++y) png_write_row(png, row.data());
  png_write_end(png, info);
  png_destroy_write_struct(&png, &info);
  return out;
}

}  // namespace agritrace::testing
