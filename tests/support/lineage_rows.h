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

// The same places read from the walk members of an answer (`at`: the object holding
// "enterprises", "in_transit", "missing", "retail_sales"), as "state enterprise item[ -> into]" ->
// amount, for the states both tell: own_stock, consumed_into, in_transit, missing,
// sold_to_consumers.
inline std::map<std::string, int64_t> walk_amounts(const Reply& r, const std::string& at) {
  std::map<std::string, int64_t> out;
  const auto add = [&](const std::string& key, int64_t amount) {
    if (amount != 0) out[key] += amount;
  };
  for (size_t e = 0; e < r.size(at + "/enterprises"); ++e) {
    const std::string ent = fmt::format("{}/enterprises/{}", at, e);
    const std::string tenant = r.str(ent + "/enterprise");
    for (size_t i = 0; i < r.size(ent + "/items"); ++i) {
      const std::string it = fmt::format("{}/items/{}", ent, i);
      const std::string item = tenant + " " + r.str(it + "/item_id");
      add("own_stock " + item, r.num(it + "/stock/amount"));
      for (size_t c = 0; c < r.size(it + "/consumed_into"); ++c) {
        const std::string ci = fmt::format("{}/consumed_into/{}", it, c);
        add("consumed_into " + item + " -> " + r.str(ci + "/batch_id"),
            r.num(ci + "/quantity/amount"));
      }
    }
  }
  for (const char* state : {"in_transit", "missing"}) {
    for (size_t i = 0; i < r.size(at + "/" + state); ++i) {
      const std::string row = fmt::format("{}/{}/{}", at, state, i);
      add(std::string(state) + " " + r.str(row + "/enterprise") + " " + r.str(row + "/item_id"),
          r.num(row + "/quantity/amount"));
    }
  }
  for (size_t i = 0; i < r.size(at + "/retail_sales"); ++i) {
    const std::string row = fmt::format("{}/retail_sales/{}", at, i);
    add("sold_to_consumers " + r.str(row + "/enterprise") + " " + r.str(row + "/item_id"),
        r.num(row + "/quantity/amount"));
  }
  return out;
}

// The lineage rows of those states, as walk_amounts writes them.
inline std::map<std::string, int64_t> lineage_amounts(const LineageRows& rows) {
  std::map<std::string, int64_t> out;
  for (const auto& [key, counts] : rows) {
    const std::string state = key.substr(0, key.find(' '));
    if (state == "written_off" || state == "at_customer") continue;
    if (counts.second != 0) out[key] += counts.second;
  }
  return out;
}

}  // namespace agritrace::testing
