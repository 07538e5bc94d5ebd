// GS1 Digital Link compression (GS1 Digital Link URI syntax 1.2, "Compression"): a list of GS1
// Application Identifier values packed into bits and written with the URI-safe base64 alphabet,
// so that https://id.gs1.org/01/09506000134376/10/LOT01 becomes
// https://id.gs1.org/ARFKk4XB0CDKWcnpq. The AI formats and the optimisation codes are the tables of
// the GS1 Digital Link toolkit (core/codes/dl_compression_tables.inc). Pure functions, no I/O.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"

namespace agritrace::core {

struct AiElement {
  std::string ai;     // "01", "10", "21", "8004", ... (or a non-GS1 key from the query string)
  std::string value;  // decoded text
  bool operator==(const AiElement&) const = default;
};

// Decodes one compressed path segment (without '/'). Errors (kInvalidArgument, field "code"):
// digital_link_compressed_invalid (not base64url, an AI outside the tables, bits run out).
Result<std::vector<AiElement>> decompress_digital_link(std::string_view segment);

// Encodes the elements (every AI must be in the tables), AIs in ascending order. With
// `optimise`, pairs such as 01+10 use the one-byte codes of the optimisation table (as the GS1
// toolkit does by default); without, every AI is written out (as the GS1 Resolver CE does).
// Errors: digital_link_compressed_invalid (unknown AI, a value that does not fit its format).
Result<std::string> compress_digital_link(std::vector<AiElement> elements, bool optimise);

}  // namespace agritrace::core
