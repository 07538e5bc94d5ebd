// complaint images: a JPEG carrying EXIF with a GPS position (written with libjpeg's
// marker API) and a PNG carrying a text chunk (written with libpng) come out of sanitize_image
// decodable, of the same size, and without the metadata; non-images, broken images, too many
// bytes and too many pixels are refused with their own reasons.
#include "api/public/complaint_images.h"

#include <doctest/doctest.h>
#include <jpeglib.h>
#include <png.h>

#include <cstddef>  // jpeglib.h needs size_t and FILE declared before it
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "tests/support/test_images.h"

namespace agritrace::api {
namespace {

// A minimal EXIF block: TIFF header, IFD0 with a GPS IFD pointer, a GPS IFD with
// GPSLatitudeRef "N" and GPSLongitudeRef "E" (tags 1 and 3), little endian.
std::string exif_with_gps() {
  std::string e = std::string("Exif\0\0", 6);
  auto u16 = [&](uint16_t v) {
    e.push_back(static_cast<char>(v & 0xff)), e.push_back(static_cast<char>(v >> 8));
  };
  auto u32 = [&](uint32_t v) {
    for (int i = 0; i < 4; ++i) e.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  };
  e += "II";
  u16(42);
  u32(8);  // IFD0 at 8
  u16(1);  // one entry: GPSInfo (0x8825) -> GPS IFD at 26
  u16(0x8825), u16(4), u32(1), u32(26);
  u32(0);  // no next IFD
  u16(2);  // GPS IFD: two ASCII entries of 2 bytes, stored inline
  u16(1), u16(2), u32(2), e += std::string("N\0\0\0", 4);
  u16(3), u16(2), u32(2), e += std::string("E\0\0\0", 4);
  u32(0);
  return e;
}

std::string jpeg_with_exif(uint32_t w, uint32_t h) {
  jpeg_compress_struct c{};
  jpeg_error_mgr err{};
  c.err = jpeg_std_error(&err);
  jpeg_create_compress(&c);
  unsigned char* buf = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&c, &buf, &size);
  c.image_width = w;
  c.image_height = h;
  c.input_components = 3;
  c.in_color_space = JCS_RGB;
  jpeg_set_defaults(&c);
  jpeg_start_compress(&c, TRUE);
  const std::string exif = exif_with_gps();
  jpeg_write_marker(&c, JPEG_APP0 + 1, reinterpret_cast<const JOCTET*>(exif.data()),
                    static_cast<unsigned>(exif.size()));
  jpeg_write_marker(&c, JPEG_COM, reinterpret_cast<const JOCTET*>("shot at 23.1N 113.3E"), 20);
  std::vector<unsigned char> row(static_cast<size_t>(w) * 3);
  for (size_t i = 0; i < row.size(); ++i) row[i] = static_cast<unsigned char>(i * 7);
  while (c.next_scanline < c.image_height) {
    unsigned char* r = row.data();
    jpeg_write_scanlines(&c, &r, 1);
  }
  jpeg_finish_compress(&c);
  jpeg_destroy_compress(&c);
  std::string out(reinterpret_cast<char*>(buf), size);
  std::free(buf);
  return out;
}

bool contains(const std::string& s, std::string_view what) {
  return s.find(what) != std::string::npos;
}

TEST_CASE("R-4.4.2 a JPEG's EXIF GPS and comment are stripped, the image keeps its size") {
  const std::string in = jpeg_with_exif(64, 48);
  REQUIRE(contains(in, std::string_view("Exif\0\0", 6)));
  REQUIRE(contains(in, "shot at"));
  auto clean = sanitize_image(in);
  REQUIRE(clean.ok());
  CHECK(clean->media_type == "image/jpeg");
  CHECK(clean->width == 64);
  CHECK(clean->height == 48);
  CHECK_FALSE(contains(clean->bytes, "Exif"));
  CHECK_FALSE(contains(clean->bytes, "shot at"));
  CHECK(contains(clean->bytes, "JFIF"));
  auto again = sanitize_image(clean->bytes);  // still a valid JPEG
  REQUIRE(again.ok());
  CHECK(again->width == 64);
}

TEST_CASE("R-4.4.2 a PNG's text chunk is stripped") {
  const std::string in = testing::png_with_location_text(20, 10);
  REQUIRE(contains(in, "GPS 23.1N"));
  auto clean = sanitize_image(in);
  REQUIRE(clean.ok());
  CHECK(clean->media_type == "image/png");
  CHECK(clean->width == 20);
  CHECK(clean->height == 10);
  CHECK_FALSE(contains(clean->bytes, "GPS"));
  CHECK_FALSE(contains(clean->bytes, "tEXt"));
}

TEST_CASE("R-4.4.2 non-images, broken images, too many bytes or pixels are refused precisely") {
  auto text = sanitize_image("%PDF-1.7 not an image");
  REQUIRE_FALSE(text.ok());
  CHECK(text.error().reason == "image_type_unsupported");
  CHECK(text.error().field == "image");
  const std::string jpeg = jpeg_with_exif(32, 32);
  auto broken = sanitize_image(std::string_view(jpeg).substr(0, jpeg.size() / 3));
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.error().reason == "image_invalid");
  auto broken_png = sanitize_image(testing::png_with_location_text(8, 8).substr(0, 40));
  REQUIRE_FALSE(broken_png.ok());
  CHECK(broken_png.error().reason == "image_invalid");
  ImageLimits small;
  small.max_bytes = jpeg.size() - 1;
  auto big = sanitize_image(jpeg, small);
  REQUIRE_FALSE(big.ok());
  CHECK(big.error().reason == "image_too_large");
  CHECK(big.error().code == ErrorCode::kTooLarge);
  ImageLimits few_pixels;
  few_pixels.max_dimension = 16;
  auto wide = sanitize_image(jpeg, few_pixels);
  REQUIRE_FALSE(wide.ok());
  CHECK(wide.error().reason == "image_dimensions_too_large");
  auto wide_png = sanitize_image(testing::png_with_location_text(8, 40), few_pixels);
  REQUIRE_FALSE(wide_png.ok());
  CHECK(wide_png.error().reason == "image_dimensions_too_large");
}

}  // namespace
}  // namespace agritrace::api
