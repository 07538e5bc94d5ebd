#include "api/http/json_input.h"

#include <fmt/format.h>
#include <simdjson.h>

namespace agritrace::api {

struct JsonInput::Impl {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  std::vector<std::unique_ptr<simdjson::dom::object>> objects;  // stable addresses
};

namespace {

const simdjson::dom::object& obj_of(const void* p) {
  return *static_cast<const simdjson::dom::object*>(p);
}

Error required(const std::string& field) {
  return make_error(ErrorCode::kInvalidArgument, "field_required", fmt::format("'{}' is required", field),
                    field);
}
Error mismatch(const std::string& field, std::string_view expected) {
  return make_error(ErrorCode::kInvalidArgument, "type_mismatch",
                    fmt::format("'{}' must be {}", field, expected), field);
}

}  // namespace

JsonInput::JsonInput(std::shared_ptr<Impl> impl, const void* element, std::string path)
    : impl_(std::move(impl)), element_(element), path_(std::move(path)) {}
JsonInput::JsonInput(JsonInput&&) noexcept = default;
JsonInput& JsonInput::operator=(JsonInput&&) noexcept = default;
JsonInput::~JsonInput() = default;

Result<JsonInput> JsonInput::parse(std::string_view body) {
  auto impl = std::make_shared<Impl>();
  if (impl->parser.parse(body.data(), body.size()).get(impl->root)) {
    return make_error(ErrorCode::kInvalidArgument, "malformed_json", "the request body is not valid JSON");
  }
  simdjson::dom::object o;
  if (impl->root.get_object().get(o)) {
    return make_error(ErrorCode::kInvalidArgument, "malformed_json",
                      "the request body must be a JSON object");
  }
  impl->objects.push_back(std::make_unique<simdjson::dom::object>(o));
  const void* p = impl->objects.back().get();
  return JsonInput(std::move(impl), p, "");
}

std::string JsonInput::path_of(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

bool JsonInput::has(std::string_view key) const {
  simdjson::dom::element e;
  return !obj_of(element_)[key].get(e) && !e.is_null();
}

Result<std::string> JsonInput::opt_str(std::string_view key, size_t max_bytes) const {
  simdjson::dom::element e;
  if (obj_of(element_)[key].get(e) || e.is_null()) return std::string();
  std::string_view s;
  if (e.get_string().get(s)) return mismatch(path_of(key), "a string");
  if (s.size() > max_bytes) {
    return make_error(ErrorCode::kInvalidArgument, "too_long",
                      fmt::format("'{}' is longer than {} bytes", path_of(key), max_bytes), path_of(key));
  }
  return std::string(s);
}

Result<std::string> JsonInput::str(std::string_view key, size_t max_bytes) const {
  auto s = opt_str(key, max_bytes);
  if (!s.ok()) return s;
  if (s->empty()) return required(path_of(key));
  return s;
}

Result<int64_t> JsonInput::i64(std::string_view key) const {
  simdjson::dom::element e;
  if (obj_of(element_)[key].get(e) || e.is_null()) return required(path_of(key));
  int64_t v = 0;
  if (e.get_int64().get(v)) return mismatch(path_of(key), "an integer");
  return v;
}

Result<JsonInput> JsonInput::object(std::string_view key) const {
  simdjson::dom::element e;
  if (obj_of(element_)[key].get(e) || e.is_null()) return required(path_of(key));
  simdjson::dom::object o;
  if (e.get_object().get(o)) return mismatch(path_of(key), "an object");
  impl_->objects.push_back(std::make_unique<simdjson::dom::object>(o));
  return JsonInput(impl_, impl_->objects.back().get(), path_of(key));
}

Result<std::vector<std::string>> JsonInput::str_array(std::string_view key, size_t max_items) const {
  simdjson::dom::element e;
  if (obj_of(element_)[key].get(e) || e.is_null()) return required(path_of(key));
  simdjson::dom::array a;
  if (e.get_array().get(a)) return mismatch(path_of(key), "an array of strings");
  std::vector<std::string> out;
  size_t i = 0;
  for (simdjson::dom::element item : a) {
    std::string_view s;
    const std::string field = fmt::format("{}[{}]", path_of(key), i++);
    if (item.get_string().get(s)) return mismatch(field, "a string");
    if (out.size() == max_items) {
      return make_error(ErrorCode::kInvalidArgument, "too_many_items",
                        fmt::format("'{}' has more than {} items", path_of(key), max_items), path_of(key));
    }
    out.emplace_back(s);
  }
  return out;
}

Result<std::vector<JsonInput>> JsonInput::object_array(std::string_view key, size_t max_items) const {
  simdjson::dom::element e;
  if (obj_of(element_)[key].get(e) || e.is_null()) return required(path_of(key));
  simdjson::dom::array a;
  if (e.get_array().get(a)) return mismatch(path_of(key), "an array of objects");
  std::vector<JsonInput> out;
  size_t i = 0;
  for (simdjson::dom::element item : a) {
    const std::string field = fmt::format("{}[{}]", path_of(key), i++);
    simdjson::dom::object o;
    if (item.get_object().get(o)) return mismatch(field, "an object");
    if (out.size() == max_items) {
      return make_error(ErrorCode::kInvalidArgument, "too_many_items",
                        fmt::format("'{}' has more than {} items", path_of(key), max_items), path_of(key));
    }
    impl_->objects.push_back(std::make_unique<simdjson::dom::object>(o));
    out.push_back(JsonInput(impl_, impl_->objects.back().get(), field));
  }
  return out;
}

Status JsonInput::only(std::initializer_list<std::string_view> known) const {
  for (auto [k, v] : obj_of(element_)) {
    bool ok = false;
    for (std::string_view n : known) ok = ok || n == k;
    if (!ok) {
      return make_error(ErrorCode::kInvalidArgument, "unknown_field",
                        fmt::format("'{}' is not a field of this request", path_of(k)), path_of(k));
    }
  }
  return Status::Ok();
}

}  // namespace agritrace::api
