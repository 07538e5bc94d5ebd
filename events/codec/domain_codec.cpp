#include "events/codec/domain_codec.h"

#include <simdjson.h>

#include <array>
#include <utility>
#include <variant>

#include "core/base/json_writer.h"
#include "events/codec/payload_codec.h"

namespace agritrace::events {
namespace {

namespace od = simdjson::ondemand;

using Decoder = Result<core::Event> (*)(od::object&);

struct DecoderEntry {
  std::string_view type;
  Decoder decode;
};

template <core::describe::Described E>
Result<core::Event> decode_as(od::object& object) {
  E event;
  payload::PayloadReader reader;
  if (!reader.read_fields(object, event)) return reader.error();
  return core::Event{std::move(event)};
}

// One entry per alternative of core::Event, so a new event type needs no line here.
template <size_t... I>
constexpr std::array<DecoderEntry, sizeof...(I)> make_decoders(std::index_sequence<I...>) {
  return {{{std::variant_alternative_t<I, core::Event>::kType,
            &decode_as<std::variant_alternative_t<I, core::Event>>}...}};
}

constexpr auto kDecoders = make_decoders(std::make_index_sequence<std::variant_size_v<core::Event>>{});

constexpr bool types_are_distinct() {
  for (size_t i = 0; i < kDecoders.size(); ++i) {
    for (size_t j = i + 1; j < kDecoders.size(); ++j) {
      if (kDecoders[i].type == kDecoders[j].type) return false;
    }
  }
  return true;
}
static_assert(types_are_distinct(), "two event types share a kType");

}  // namespace

std::string encode_event_payload(const core::Event& event) {
  JsonWriter w;
  w.begin_object();
  std::visit([&](const auto& e) { payload::encode_fields(w, e); }, event);
  w.end_object();
  return w.take();
}

Result<core::Event> decode_event_payload(std::string_view type, std::string_view payload_json) {
  const DecoderEntry* entry = nullptr;
  for (const DecoderEntry& d : kDecoders) {
    if (d.type == type) {
      entry = &d;
      break;
    }
  }
  if (entry == nullptr) {
    return make_error(ErrorCode::kInternal, "unknown_event_type",
                      "this build does not know event type \"" + std::string(type) + "\"");
  }
  // Parsers are not thread-safe; one per thread keeps decoding allocation-free after warm-up.
  thread_local od::parser parser;
  const simdjson::padded_string padded(payload_json);
  od::document doc;
  od::object object;
  if (parser.iterate(padded).get(doc) || doc.get_object().get(object)) {
    return make_error(ErrorCode::kCorruption, "payload_invalid",
                      "the payload of a " + std::string(type) + " event is not a JSON object");
  }
  return entry->decode(object);
}

}  // namespace agritrace::events
