// The generic codec (events/codec/payload_codec.h) on a struct it has never seen: what a new event type
// takes is this struct with its field list; nothing in the codec names it.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "core/domain/event.h"
#include "events/codec/payload_codec.h"

namespace agritrace::events {
namespace {

using core::describe::field;
using core::describe::kInline;
using core::describe::kNullWhenAbsent;
using core::describe::kOmitWhenEmpty;
using core::describe::written_with;

// A hypothetical regulator-end event, with every kind of field the codec knows.
struct SampleInspected {
  static constexpr std::string_view kType = "sample.inspected";
  std::string sample_id;
  core::CounterpartyRecord lab;
  core::Date taken_on;
  std::optional<core::Date> reported_on;
  std::optional<int64_t> fee_fen;
  core::Quantity quantity;
  core::RecallScope scope = core::RecallScope::kLot;
  bool passed = false;
  std::vector<std::string> batch_ids;
  std::vector<core::StocktakeLine> lines;
  core::CatalogueProduct product;
  std::string inspector = {};
  std::string case_id = {};
  std::optional<int64_t> fine_fen = {};
  bool operator==(const SampleInspected&) const = default;
  static constexpr auto kFields = std::make_tuple(
      field("sample_id", &SampleInspected::sample_id),
      field("lab", &SampleInspected::lab, kInline),
      field("taken_on", &SampleInspected::taken_on),
      field("reported_on", &SampleInspected::reported_on, kNullWhenAbsent),
      field("fee_fen", &SampleInspected::fee_fen, kNullWhenAbsent),
      field("quantity", &SampleInspected::quantity),
      field("scope", &SampleInspected::scope),
      field("passed", &SampleInspected::passed),
      field("batch_ids", &SampleInspected::batch_ids),
      field("lines", &SampleInspected::lines),
      field("product", &SampleInspected::product),
      field("inspector", &SampleInspected::inspector, written_with(&SampleInspected::case_id)),
      field("case_id", &SampleInspected::case_id, kOmitWhenEmpty),
      field("fine_fen", &SampleInspected::fine_fen, kOmitWhenEmpty));
};

std::string encode(const SampleInspected& s) {
  JsonWriter w;
  w.begin_object();
  payload::encode_fields(w, s);
  w.end_object();
  return w.take();
}

Result<SampleInspected> decode(std::string_view json) {
  simdjson::ondemand::parser parser;
  const simdjson::padded_string padded(json);
  simdjson::ondemand::document doc;
  simdjson::ondemand::object object;
  REQUIRE_FALSE(parser.iterate(padded).get(doc));
  REQUIRE_FALSE(doc.get_object().get(object));
  SampleInspected s;
  payload::PayloadReader reader;
  if (!reader.read_fields(object, s)) return reader.error();
  return s;
}

}  // namespace

TEST_CASE("a new described struct is encoded and decoded with no codec code of its own") {
  SampleInspected minimal;
  const std::string minimal_json = encode(minimal);
  CHECK(minimal_json ==
        R"({"sample_id":"","kind":"enterprise","roles":[],"name":"","uscc":"",)"
        R"("legal_representative":"","contact_person":"","id_number":"","phone":"","address":"",)"
        R"("taken_on":"1970-01-01","reported_on":null,"fee_fen":null,)"
        R"("quantity":{"amount":0,"unit":"g"},"scope":"lot","passed":false,"batch_ids":[],)"
        R"("lines":[],"product":{"product_id":"","name":"","category":"","unit":"","gtin":""}})");
  auto back = decode(minimal_json);
  REQUIRE(back.ok());
  CHECK(*back == minimal);

  SampleInspected full = minimal;
  full.sample_id = "si-1";
  full.lab.region = "广东省";
  full.reported_on = *core::parse_date("2026-12-01", "t");
  full.fee_fen = 0;
  full.scope = core::RecallScope::kCode;
  full.passed = true;
  full.batch_ids = {"b-1", "b-2"};
  full.lines = {{"b-1", {1, core::Unit::kGram}, {2, core::Unit::kPiece}, "r"}};
  full.inspector = "张三";
  full.case_id = "case-1";
  full.fine_fen = 500;
  const std::string full_json = encode(full);
  CHECK(full_json.find(R"("region":"广东省","taken_on")") != std::string::npos);
  CHECK(full_json.find(R"("inspector":"张三","case_id":"case-1","fine_fen":500})") !=
        std::string::npos);
  back = decode(full_json);
  REQUIRE(back.ok());
  CHECK(*back == full);

  std::vector<std::string> keys;
  core::describe::for_each_key<SampleInspected>([&](std::string_view k) { keys.emplace_back(k); });
  CHECK(keys.size() == 13 + 10 + 4 + 5);  // own, lab's (inline), lines' and product's keys
  CHECK(keys[1] == "kind");
}

}  // namespace agritrace::events
