#include "events/regulator/divisions.h"

#include <cstdio>
#include <cstdlib>

extern const char kAgritraceDivisionsTsv[];  // generated from divisions_guangdong.tsv by CMake

namespace agritrace::events {

std::string_view shipped_divisions_text() { return kAgritraceDivisionsTsv; }

const core::DivisionTable& shipped_divisions() {
  static const core::DivisionTable table = [] {
    auto parsed = core::DivisionTable::parse(shipped_divisions_text());
    if (!parsed.ok()) {
      std::fprintf(stderr, "shipped division table: %s\n", parsed.error().message.c_str());
      std::abort();
    }
    return std::move(parsed).value();
  }();
  return table;
}

}  // namespace agritrace::events
