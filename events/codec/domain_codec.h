// JSON payloads of the production-end domain events (schema version 1): the `data` of the
// envelope. Encoding is compact with a fixed key order, so the same event always gives the same
// bytes (they are hashed into the tenant's chain). Quantities are {"amount":N,"unit":"g"} in
// base units, dates "YYYY-MM-DD", absent optional dates null.
#pragma once

#include <string>
#include <string_view>

#include "core/base/status.h"
#include "core/domain/event.h"

namespace agritrace::events {

std::string encode_event_payload(const core::Event& event);

// `type` is the envelope's catalogue name. Errors: kInternal/`unknown_event_type` for a type this
// build does not know (a newer writer); kCorruption/`payload_invalid` for bytes that are not the
// payload of that type (bad JSON, missing field, wrong type, unknown enum value, invalid date).
// Unknown extra keys are ignored, so that adding a field is not a breaking change.
Result<core::Event> decode_event_payload(std::string_view type, std::string_view payload_json);

}  // namespace agritrace::events
