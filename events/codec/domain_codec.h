// JSON payloads of the domain events (schema version 1): the `data` of the envelope. Each event
// struct's field list (its kFields, see core/base/describe.h) gives the keys, their order and how
// empty values are written; the generic codec in events/codec/payload_codec.h walks it, so this file
// names no event type (the type -> decoder table is built from core::Event's alternatives).
// Encoding is compact with a fixed key order, so the same event always gives the same bytes (they
// are hashed into the tenant's chain; tests/events/codec/codec_golden.txt pins them). Quantities are
// {"amount":N,"unit":"g"} in base units, dates "YYYY-MM-DD", enums by name.
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
