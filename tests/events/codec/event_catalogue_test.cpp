// docs/EVENTS.md, the catalogue regulators and other platforms read, names every event type this
// build writes, and no other, and every payload key of each type (from the types' field lists,
// core/base/describe.h): in the section's example as "key" or in its text as `key`.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "core/domain/event.h"

namespace agritrace::core {
namespace {

// "agritrace.<kType>" -> the payload keys of that type.
template <size_t... I>
std::map<std::string, std::vector<std::string>> all_types(std::index_sequence<I...>) {
  std::map<std::string, std::vector<std::string>> types;
  (
      [&] {
        using E = std::variant_alternative_t<I, Event>;
        std::vector<std::string>& keys = types["agritrace." + std::string(E::kType)];
        describe::for_each_key<E>([&](std::string_view key) { keys.emplace_back(key); });
      }(),
      ...);
  return types;
}

// "### <type>" heading -> the text of its section.
std::map<std::string, std::string> documented_sections() {
  std::ifstream in(AGRITRACE_SOURCE_DIR "/docs/EVENTS.md");
  REQUIRE(in.good());
  std::map<std::string, std::string> sections;
  std::string* current = nullptr;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0) current = nullptr;
    if (line.rfind("### ", 0) == 0) {
      CHECK_MESSAGE(sections.count(line.substr(4)) == 0, "documented twice: " << line);
      current = &sections[line.substr(4)];
    } else if (current != nullptr) {
      *current += line + "\n";
    }
  }
  return sections;
}

}  // namespace

TEST_CASE("docs/EVENTS.md documents exactly the event types of this build, with every key") {
  const auto known = all_types(std::make_index_sequence<std::variant_size_v<Event>>{});
  const auto documented = documented_sections();
  for (const auto& [type, keys] : known) {
    auto section = documented.find(type);
    CHECK_MESSAGE(section != documented.end(), "not documented: " << type);
    if (section == documented.end()) continue;
    CHECK_MESSAGE(!keys.empty(), type);
    for (const std::string& key : keys) {
      const bool named = section->second.find("\"" + key + "\"") != std::string::npos ||
                         section->second.find("`" + key + "`") != std::string::npos;
      CHECK_MESSAGE(named, type << " does not document its key " << key);
    }
  }
  for (const auto& [type, text] : documented) {
    CHECK_MESSAGE(known.count(type) == 1, "no such event type: " << type);
  }
}

}  // namespace agritrace::core
