#include "projections/base/keys.h"

#include <cstring>
#include <utility>

#include <fmt/format.h>
#include <simdjson.h>

namespace agritrace::projections {

std::string sort_id(std::string_view id) {
  const size_t dash = id.rfind('-');
  if (dash == std::string_view::npos || dash + 1 >= id.size() || id.size() - dash - 1 > 12) {
    return std::string(id);
  }
  for (size_t i = dash + 1; i < id.size(); ++i) {
    if (id[i] < '0' || id[i] > '9') return std::string(id);
  }
  return fmt::format("{}{:0>12}", id.substr(0, dash + 1), id.substr(dash + 1));
}

namespace {
// The two pieces of an unsorted id: "po-000000000012" -> {"po-", "12"}, all zeros -> {"po-", "0"},
// no dash -> {sid, ""}. unsort_id and UnsortedId only differ in where they put them.
std::pair<std::string_view, std::string_view> unsorted_parts(std::string_view sid) {
  const size_t dash = sid.rfind('-');
  if (dash == std::string_view::npos) return {sid, {}};
  const size_t digits = sid.find_first_not_of('0', dash + 1);
  return {sid.substr(0, dash + 1), digits == std::string_view::npos ? "0" : sid.substr(digits)};
}
}  // namespace

std::string unsort_id(std::string_view sid) {
  const auto [head, tail] = unsorted_parts(sid);
  // One allocation: every id of every answer passes here.
  std::string out;
  out.reserve(head.size() + tail.size());
  out.append(head).append(tail);
  return out;
}

UnsortedId::UnsortedId(std::string_view sid) {
  const auto [head, tail] = unsorted_parts(sid);
  if (head.size() + tail.size() > sizeof(buf_)) {
    long_ = unsort_id(sid);
    return;
  }
  std::memcpy(buf_, head.data(), head.size());
  std::memcpy(buf_ + head.size(), tail.data(), tail.size());
  size_ = head.size() + tail.size();
}

std::string view_key(ViewKind kind, std::string_view tenant, std::string_view part1,
                     std::string_view part2) {
  const std::string_view view = view_prefix(kind);
  std::string k;
  k.reserve(view.size() + tenant.size() + part1.size() + part2.size() + 3);
  k += view;
  k.push_back('/');
  k += tenant;
  k.push_back('/');
  k += part1;
  if (!part2.empty()) {
    k.push_back('/');
    k += part2;
  }
  return k;
}

std::string merge_json_objects(std::string_view a, std::string_view b) {
  if (a.size() < 2) return std::string(b);
  if (b.size() < 2) return std::string(a);
  std::string out(a.substr(0, a.size() - 1));
  const bool a_empty = a.find_first_not_of(" \t\r\n", 1) == a.size() - 1;
  const bool b_empty = b.find_first_not_of(" \t\r\n", 1) == b.size() - 1;
  if (!a_empty && !b_empty) out.push_back(',');
  out += b.substr(1);
  return out;
}

std::optional<std::string> json_string_field(std::string_view json, std::string_view key) {
  thread_local simdjson::ondemand::parser parser;
  simdjson::padded_string padded(json);
  simdjson::ondemand::document doc;
  if (parser.iterate(padded).get(doc)) return std::nullopt;
  std::string_view value;
  if (doc[key].get_string().get(value)) return std::nullopt;
  return std::string(value);
}

std::optional<QuantityField> json_quantity_field(std::string_view json, std::string_view key) {
  thread_local simdjson::ondemand::parser parser;
  simdjson::padded_string padded(json);
  simdjson::ondemand::document doc;
  if (parser.iterate(padded).get(doc)) return std::nullopt;
  simdjson::ondemand::object q;
  if (doc[key].get_object().get(q)) return std::nullopt;
  QuantityField out;
  std::string_view unit;
  if (q["amount"].get_int64().get(out.amount) || q["unit"].get_string().get(unit)) return std::nullopt;
  out.unit.assign(unit);
  return out;
}

}  // namespace agritrace::projections
