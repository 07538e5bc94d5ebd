// docs/EVENTS.md, the catalogue regulators and other platforms read, names every event type this
// build writes, and no other.
#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <variant>

#include "core/domain/event.h"

namespace agritrace::core {
namespace {

template <size_t... I>
std::set<std::string> all_types(std::index_sequence<I...>) {
  return {("agritrace." + std::string(std::variant_alternative_t<I, Event>::kType))...};
}

}  // namespace

TEST_CASE("docs/EVENTS.md documents exactly the event types of this build") {
  std::ifstream in(AGRITRACE_SOURCE_DIR "/docs/EVENTS.md");
  REQUIRE(in.good());
  std::set<std::string> documented;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("### ", 0) == 0) documented.insert(line.substr(4));
  }
  const std::set<std::string> known = all_types(std::make_index_sequence<std::variant_size_v<Event>>{});
  for (const std::string& t : known) CHECK_MESSAGE(documented.count(t) == 1, "not documented: " << t);
  for (const std::string& t : documented) CHECK_MESSAGE(known.count(t) == 1, "no such event type: " << t);
}

}  // namespace agritrace::core
