// The generated trace codes of one enterprise, as the rules see them. A tenant can hold
// millions of codes, so the single writer keeps them out of its memory: it binds every table to a
// CodeStore (events/writer/writer_index.h, an on-disk index in the data folder). Unbound (the rule
// tests), the table keeps its codes in memory. Pure: the store is an interface, core does no I/O.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/codes/codes.h"

namespace agritrace::core {

// Where the codes of every tenant live when they are not in memory.
class CodeStore {
 public:
  virtual ~CodeStore() = default;
  virtual std::optional<TraceCodeState> get(std::string_view tenant, std::string_view serial) const = 0;
  virtual void put(std::string_view tenant, std::string_view serial, const TraceCodeState& code) = 0;
  // The serials of one run, in serial order.
  virtual std::vector<std::string> run_serials(std::string_view tenant, std::string_view run_id) const = 0;
};

class CodeTable {
 public:
  std::optional<TraceCodeState> find(std::string_view serial) const;
  bool contains(std::string_view serial) const { return find(serial).has_value(); }
  void put(const std::string& serial, const TraceCodeState& code);
  // The serials of one run, in serial order.
  std::vector<std::string> run_serials(std::string_view run_id) const;
  // From now on the codes live in `store` under `tenant` (null: in memory again).
  void bind(CodeStore* store, std::string tenant);

 private:
  CodeStore* store_ = nullptr;
  std::string tenant_;
  std::map<std::string, TraceCodeState, std::less<>> memory_;
};

}  // namespace agritrace::core
