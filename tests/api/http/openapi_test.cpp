// docs/openapi.yaml against the real route table: the service's routes are registered on a real
// Router (embedded ledger in a temp folder, command writer, views, projection runner) and compared
// with the operations the document declares, in both directions, by method, path and operationId.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>

#include "api/http/router.h"
#include "core/domain/event.h"
#include "tests/api/http/registered_routes.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

using Operation = std::pair<std::string, std::string>;  // (METHOD, path)

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return s;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
  size_t i = 0;
  while (i < s.size() && s[i] == ' ') ++i;
  s.erase(0, i);
  if (s.size() >= 2 && (s.front() == '\'' || s.front() == '"') && s.back() == s.front()) {
    s = s.substr(1, s.size() - 2);
  }
  return s;
}

// The operations of the `paths:` section, keyed by (METHOD, path), valued by operationId ("" when
// the operation has none). Relies on the document's layout: paths are 2-space-indented keys
// starting with '/', methods 4-space-indented keys, operationId 6-space-indented.
std::map<Operation, std::string> documented_operations(const std::string& yaml) {
  std::map<Operation, std::string> ops;
  std::istringstream in(yaml);
  std::string line;
  bool in_paths = false;
  std::string path;
  std::optional<Operation> current;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    if (line[0] != ' ') {  // a top-level key
      in_paths = line == "paths:";
      current.reset();
      continue;
    }
    if (!in_paths) continue;
    if (line.starts_with("  /") && line.back() == ':') {
      path = line.substr(2, line.size() - 3);
      current.reset();
      continue;
    }
    if (line.starts_with("    ") && line[4] != ' ') {
      current.reset();
      for (const char* m : {"get", "post", "put", "delete", "patch", "options"}) {
        if (line == std::string("    ") + m + ":") {
          current = Operation{upper(m), path};
          REQUIRE_MESSAGE(ops.count(*current) == 0, "documented twice: " << upper(m) << " " << path);
          ops[*current] = "";
        }
      }
      continue;
    }
    constexpr std::string_view kOperationId = "      operationId:";
    if (current && line.starts_with(kOperationId)) {
      ops[*current] = trim(line.substr(kOperationId.size()));
    }
  }
  return ops;
}

TEST_CASE("OpenAPI: docs/openapi.yaml documents exactly the routes the server registers") {
  const std::vector<api::RouteInfo> routes = registered_routes();
  std::map<Operation, std::string> registered;
  for (const api::RouteInfo& r : routes) registered[{r.method, r.pattern}] = r.name;
  REQUIRE(registered.size() == routes.size());
  REQUIRE(!registered.empty());

  const std::string yaml = read_text(AGRITRACE_SOURCE_DIR "/docs/openapi.yaml");
  const std::map<Operation, std::string> documented = documented_operations(yaml);
  REQUIRE(!documented.empty());

  for (const auto& [op, name] : registered) {
    CAPTURE(op.first);
    CAPTURE(op.second);
    auto it = documented.find(op);
    CHECK_MESSAGE(it != documented.end(), "route not documented: " << op.first << " " << op.second);
    if (it != documented.end()) CHECK(it->second == name);
  }
  for (const auto& [op, operation_id] : documented) {
    CAPTURE(op.first);
    CAPTURE(op.second);
    CHECK_MESSAGE(registered.count(op) == 1,
                  "documented but not registered: " << op.first << " " << op.second);
    CHECK_MESSAGE(!operation_id.empty(), "no operationId: " << op.first << " " << op.second);
  }
  CHECK(documented.size() == registered.size());

  CHECK(yaml.find("openapi: 3.0.3") != std::string::npos);
  CHECK(yaml.find("application/problem+json") != std::string::npos);
  CHECK(yaml.find("Idempotency-Key") != std::string::npos);
}

// The catalogue's event types, from the variant itself: a new event type cannot be forgotten.
template <size_t... I>
std::vector<std::string> catalogue_types(std::index_sequence<I...>) {
  return {std::string(std::variant_alternative_t<I, core::Event>::kType)...};
}

// The `enum:` list of EventRef's `type` property (components.schemas.EventRef.properties.type).
std::vector<std::string> event_ref_type_enum(const std::string& yaml) {
  std::vector<std::string> out;
  const size_t schema = yaml.find("\n    EventRef:\n");
  REQUIRE(schema != std::string::npos);
  const size_t type = yaml.find("\n        type:\n", schema);
  REQUIRE(type != std::string::npos);
  const size_t list = yaml.find("\n          enum:\n", type);
  REQUIRE(list != std::string::npos);
  std::istringstream in(yaml.substr(list + std::string_view("\n          enum:\n").size()));
  std::string line;
  while (std::getline(in, line) && line.rfind("          - ", 0) == 0)
    out.push_back(trim(line.substr(12)));
  return out;
}

TEST_CASE("OpenAPI: EventRef.type lists exactly the event catalogue's types") {
  auto documented = event_ref_type_enum(read_text(AGRITRACE_SOURCE_DIR "/docs/openapi.yaml"));
  auto catalogue = catalogue_types(std::make_index_sequence<std::variant_size_v<core::Event>>{});
  std::sort(documented.begin(), documented.end());
  std::sort(catalogue.begin(), catalogue.end());
  CHECK(documented == catalogue);
}

}  // namespace
}  // namespace agritrace::testing
