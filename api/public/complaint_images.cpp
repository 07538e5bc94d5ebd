#include "api/public/complaint_images.h"

#include <fmt/format.h>
#include <jpeglib.h>
#include <png.h>

#include <csetjmp>
#include <cstddef>  // jpeglib.h needs size_t and FILE declared before it
#include <cstdio>
#include <cstring>
#include <vector>

namespace agritrace::api {
namespace {

Error invalid_image(std::string message) {
  return make_error(ErrorCode::kInvalidArgument, "image_invalid", std::move(message), "image");
}

Error too_big(uint32_t w, uint32_t h, const ImageLimits& l) {
  return make_error(ErrorCode::kInvalidArgument, "image_dimensions_too_large",
                    fmt::format("{}x{} pixels: at most {} per side and {} pixels", w, h,
                                l.max_dimension, l.max_pixels),
                    "image");
}

bool dimensions_ok(uint32_t w, uint32_t h, const ImageLimits& l) {
  return w > 0 && h > 0 && w <= l.max_dimension && h <= l.max_dimension &&
         static_cast<uint64_t>(w) * h <= l.max_pixels;
}

// ---- JPEG (libjpeg-turbo): errors longjmp out of the library ----

struct JpegError {
  jpeg_error_mgr mgr;
  jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

void jpeg_error_exit(j_common_ptr cinfo) {
  auto* e = reinterpret_cast<JpegError*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, e->message);
  std::longjmp(e->jump, 1);
}

void jpeg_no_output(j_common_ptr) {}

// Decoded RGB rows; the caller checks the header's size before the pixels are read.
Result<CleanImage> clean_jpeg(std::string_view bytes, const ImageLimits& limits) {
  jpeg_decompress_struct in{};
  jpeg_compress_struct out{};
  JpegError err{};
  in.err = jpeg_std_error(&err.mgr);
  err.mgr.error_exit = jpeg_error_exit;
  err.mgr.output_message = jpeg_no_output;
  out.err = in.err;
  unsigned char* encoded = nullptr;
  unsigned long encoded_size = 0;
  std::vector<unsigned char> pixels;
  // Everything the longjmp may skip is declared above: no destructor runs between setjmp and it.
  if (setjmp(err.jump)) {
    jpeg_destroy_decompress(&in);
    jpeg_destroy_compress(&out);
    std::free(encoded);
    return invalid_image(fmt::format("the JPEG does not decode: {}", err.message));
  }
  jpeg_create_decompress(&in);
  jpeg_mem_src(&in, reinterpret_cast<const unsigned char*>(bytes.data()),
               static_cast<unsigned long>(bytes.size()));
  jpeg_read_header(&in, TRUE);
  if (!dimensions_ok(in.image_width, in.image_height, limits)) {
    const uint32_t w = in.image_width, h = in.image_height;
    jpeg_destroy_decompress(&in);
    return too_big(w, h, limits);
  }
  in.out_color_space = JCS_RGB;
  jpeg_start_decompress(&in);
  const uint32_t w = in.output_width, h = in.output_height;
  const size_t stride = static_cast<size_t>(w) * 3;
  pixels.resize(stride * h);
  while (in.output_scanline < in.output_height) {
    unsigned char* row = pixels.data() + stride * in.output_scanline;
    jpeg_read_scanlines(&in, &row, 1);
  }
  jpeg_finish_decompress(&in);
  jpeg_destroy_decompress(&in);

  jpeg_create_compress(&out);
  jpeg_mem_dest(&out, &encoded, &encoded_size);
  out.image_width = w;
  out.image_height = h;
  out.input_components = 3;
  out.in_color_space = JCS_RGB;
  jpeg_set_defaults(&out);
  jpeg_set_quality(&out, 85, TRUE);
  out.write_JFIF_header = TRUE;  // the only marker written: no EXIF, XMP, ICC or comment
  jpeg_start_compress(&out, TRUE);
  while (out.next_scanline < out.image_height) {
    unsigned char* row = pixels.data() + stride * out.next_scanline;
    jpeg_write_scanlines(&out, &row, 1);
  }
  jpeg_finish_compress(&out);
  CleanImage clean{"image/jpeg", std::string(reinterpret_cast<char*>(encoded), encoded_size), w, h};
  jpeg_destroy_compress(&out);
  std::free(encoded);
  return clean;
}

// ---- PNG (libpng simplified API: decode to RGBA, encode without ancillary chunks) ----

Result<CleanImage> clean_png(std::string_view bytes, const ImageLimits& limits) {
  png_image in{};
  in.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&in, bytes.data(), bytes.size())) {
    return invalid_image(fmt::format("the PNG does not decode: {}", in.message));
  }
  if (!dimensions_ok(in.width, in.height, limits)) {
    const uint32_t w = in.width, h = in.height;
    png_image_free(&in);
    return too_big(w, h, limits);
  }
  in.format = PNG_FORMAT_RGBA;
  std::vector<unsigned char> pixels(PNG_IMAGE_SIZE(in));
  if (!png_image_finish_read(&in, nullptr, pixels.data(), 0, nullptr)) {
    std::string message = in.message;
    png_image_free(&in);
    return invalid_image(fmt::format("the PNG does not decode: {}", message));
  }
  png_image out{};
  out.version = PNG_IMAGE_VERSION;
  out.width = in.width;
  out.height = in.height;
  out.format = PNG_FORMAT_RGBA;
  png_alloc_size_t size = 0;
  if (!png_image_write_get_memory_size(out, size, 0, pixels.data(), 0, nullptr)) {
    return invalid_image(fmt::format("the PNG does not encode again: {}", out.message));
  }
  std::string encoded(size, '\0');
  if (!png_image_write_to_memory(&out, encoded.data(), &size, 0, pixels.data(), 0, nullptr)) {
    return invalid_image(fmt::format("the PNG does not encode again: {}", out.message));
  }
  encoded.resize(size);
  return CleanImage{"image/png", std::move(encoded), in.width, in.height};
}

}  // namespace

Result<CleanImage> sanitize_image(std::string_view bytes, const ImageLimits& limits) {
  if (bytes.size() > limits.max_bytes) {
    return make_error(ErrorCode::kTooLarge, "image_too_large",
                      fmt::format("an image is at most {} bytes", limits.max_bytes), "image");
  }
  static constexpr unsigned char kPng[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (bytes.size() >= 3 && static_cast<unsigned char>(bytes[0]) == 0xff &&
      static_cast<unsigned char>(bytes[1]) == 0xd8 &&
      static_cast<unsigned char>(bytes[2]) == 0xff) {
    return clean_jpeg(bytes, limits);
  }
  if (bytes.size() >= sizeof kPng && std::memcmp(bytes.data(), kPng, sizeof kPng) == 0) {
    return clean_png(bytes, limits);
  }
  return make_error(ErrorCode::kInvalidArgument, "image_type_unsupported",
                    "only JPEG and PNG images are accepted", "image");
}

}  // namespace agritrace::api
