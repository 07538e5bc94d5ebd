#include "core/receiving/events.h"

namespace agritrace::core {

std::string_view receipt_source_name(ReceiptSource source) {
  return source == ReceiptSource::kScan ? "scan" : "manual";
}

Result<ReceiptSource> parse_receipt_source(std::string_view name, std::string_view field) {
  for (ReceiptSource s : {ReceiptSource::kScan, ReceiptSource::kManual}) {
    if (receipt_source_name(s) == name) return s;
  }
  return make_error(ErrorCode::kInvalidArgument, "receipt_source_unknown",
                    "source is scan or manual", std::string(field));
}

}  // namespace agritrace::core
