// Complaint images: a consumer's JPEG or PNG is decoded and encoded again (libjpeg-turbo,
// libpng), so that nothing but the pixels survives: EXIF (GPS position, camera, time), XMP, ICC,
// comments and PNG text chunks are dropped. Limits protect the server from huge or hostile files.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/status.h"

namespace agritrace::api {

struct ImageLimits {
  size_t max_bytes = 5 * 1024 * 1024;         // per image, as uploaded
  uint32_t max_dimension = 8192;              // width or height, pixels
  uint64_t max_pixels = 24ull * 1000 * 1000;  // decoded size (a decompression bomb stops here)
  size_t max_images = 6;                      // per complaint (checked by the route)
};

struct CleanImage {
  std::string media_type;  // "image/jpeg" | "image/png"
  std::string bytes;       // re-encoded, metadata-free
  uint32_t width = 0, height = 0;
};

// Refusals, field `image`: `image_too_large` (kTooLarge, 413: bytes); `image_type_unsupported`
// (neither JPEG nor PNG by its signature; a route answers 415); `image_invalid` (does not decode:
// the decoder's message) and `image_dimensions_too_large` (width, height or pixels), 422.
Result<CleanImage> sanitize_image(std::string_view bytes, const ImageLimits& limits = {});

}  // namespace agritrace::api
