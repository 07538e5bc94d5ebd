// The holder rows of a lineage answer (projections/trace/lineage.h, docs/openapi.yaml
// LineageReport) as "state enterprise item[ -> into]" -> (codes, amount), to compare answers of
// different views and to check them against expected places.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "tests/support/api_client.h"

namespace agritrace::testing {

using LineageRows = std::map<std::string, std::pair<int64_t, int64_t>>;

// `at`: the JSON pointer of the lineage object ("" for a whole answer, "/lineage" for a member).
inline LineageRows lineage_rows(const Reply& r, const std::string& at) {
  LineageRows out;
  for (size_t i = 0; i < r.size(at + "/holders"); ++i) {
    const std::string h = fmt::format("{}/holders/{}", at, i);
    std::string key = r.str(h + "/state") + " " + r.str(h + "/item/enterprise_id") + " " +
                      r.str(h + "/item/item_id");
    if (r.has(h + "/into")) key += " -> " + r.str(h + "/into/item_id");
    out[key] = {r.num(h + "/codes"), r.num(h + "/quantity/amount")};
  }
  return out;
}

}  // namespace agritrace::testing
