#include "tests/support/api_client.h"

#include <doctest/doctest.h>
#include <simdjson.h>

namespace agritrace::testing {
namespace {

simdjson::dom::element at(simdjson::dom::parser& parser, const std::string& body, const std::string& pointer,
                          bool* found) {
  simdjson::dom::element doc;
  *found = false;
  if (parser.parse(body).get(doc)) return doc;
  simdjson::dom::element e;
  if (doc.at_pointer(pointer).get(e)) return doc;
  *found = true;
  return e;
}

}  // namespace

// The value of type T at `pointer` (views into `parser`); fails the test when it is absent or of
// another type.
template <class T>
T value_at(simdjson::dom::parser& parser, const std::string& body, const std::string& pointer,
           const char* type_name) {
  bool found = false;
  auto e = at(parser, body, pointer, &found);
  INFO("body: ", body);
  REQUIRE_MESSAGE(found, "no value at ", pointer);
  T v{};
  REQUIRE_MESSAGE(!e.get(v), pointer, " is not ", type_name);
  return v;
}

std::string Reply::str(const std::string& pointer) const {
  simdjson::dom::parser parser;
  return std::string(value_at<std::string_view>(parser, body, pointer, "a string"));
}

int64_t Reply::num(const std::string& pointer) const {
  simdjson::dom::parser parser;
  return value_at<int64_t>(parser, body, pointer, "an integer");
}

size_t Reply::size(const std::string& pointer) const {
  simdjson::dom::parser parser;
  return value_at<simdjson::dom::array>(parser, body, pointer, "an array").size();
}

bool Reply::has(const std::string& pointer) const {
  simdjson::dom::parser parser;
  bool found = false;
  at(parser, body, pointer, &found);
  return found;
}

std::string Reply::header(const std::string& name) const {
  auto h = api::find_header(headers, name);
  return h ? std::string(*h) : std::string();
}

ApiClient::ApiClient(uint16_t port, std::string key) : http_("127.0.0.1", port), key_(std::move(key)) {}

Reply ApiClient::call(const std::string& method, const std::string& target, const std::string& body,
                      const api::HeaderList& headers) {
  auto r = http_.request(method, target, body, headers);
  INFO(method, " ", target);
  REQUIRE_MESSAGE(r.ok(), r.status().to_string());
  Reply reply{r->status, r->body, r->headers};
  if (auto p = api::find_header(r->headers, "X-Agritrace-Position")) last_position_.assign(*p);
  return reply;
}

static api::HeaderList auth_headers(const std::string& key, const std::string& idem) {
  api::HeaderList h{{"Content-Type", "application/json"}};
  if (!key.empty()) h.emplace_back("Authorization", "Bearer " + key);
  if (!idem.empty()) h.emplace_back("Idempotency-Key", idem);
  return h;
}

Reply ApiClient::get(const std::string& target) { return call("GET", target, "", auth_headers(key_, "")); }

Reply ApiClient::post(const std::string& target, const std::string& body, const std::string& idem) {
  return call("POST", target, body, auth_headers(key_, idem));
}

Reply ApiClient::put(const std::string& target, const std::string& body, const std::string& idem) {
  return call("PUT", target, body, auth_headers(key_, idem));
}

Reply ApiClient::get_fresh(const std::string& target) {
  if (last_position_.empty()) return get(target);
  const char sep = target.find('?') == std::string::npos ? '?' : '&';
  return get(target + sep + "after=" + last_position_ + "&wait_ms=20000");
}

}  // namespace agritrace::testing

namespace agritrace::testing {

Reply ApiClient::request(const std::string& method, const std::string& target, const std::string& body) {
  return call(method, target, body, auth_headers(key_, ""));
}

}  // namespace agritrace::testing
