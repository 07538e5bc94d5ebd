// The generated trace codes of one enterprise, as the rules see them, and the per-code
// indexes of the write model (SerialMap: shipped, inbound, received, held, recalled, printed and
// queued serials). A tenant can hold millions of codes, so the single writer keeps them out of its
// memory: it binds every table and map to a CodeStore (events/writer/writer_index.h, an on-disk
// index in the data folder). Unbound (the rule tests), they stay in memory. Pure: the store is an
// interface, core does no I/O.
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
  // The per-code maps: (tenant, map, serial) -> one value; nullopt erases.
  virtual std::optional<std::string> get_serial(std::string_view tenant, char map,
                                                std::string_view serial) const = 0;
  virtual void put_serial(std::string_view tenant, char map, std::string_view serial,
                          std::optional<std::string_view> value) = 0;
};

// A copy of a bound table or map (decide() of a CommandGroup works on a copy of the state) reads
// the store but keeps its own writes in memory: only the writer's own state writes the store.
class CodeTable {
 public:
  CodeTable() = default;
  CodeTable(const CodeTable& o) : store_(o.store_), tenant_(o.tenant_), memory_(o.memory_), overlay_(o.store_ != nullptr) {}
  CodeTable& operator=(const CodeTable& o) {
    if (this != &o) {
      store_ = o.store_;
      tenant_ = o.tenant_;
      memory_ = o.memory_;
      overlay_ = o.store_ != nullptr;
    }
    return *this;
  }
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
  std::map<std::string, TraceCodeState, std::less<>> memory_;  // a copy of a bound one: its writes
  bool overlay_ = false;
};

// One per-code index of a tenant's write model: serial -> one value (the shipment a code left with,
// the inbound shipment it came in with, the lot holding it, the job that printed it, ...; or an
// inbound shipment -> its serials). Only point look-ups and writes, never a walk: that is what lets
// the writer keep it on disk. `map` names the map in the store (one letter per map, unique within
// a tenant).
class SerialMap {
 public:
  explicit SerialMap(char map) : map_(map) {}
  SerialMap(const SerialMap& o)
      : map_(o.map_), store_(o.store_), tenant_(o.tenant_), memory_(o.memory_), overlay_(o.overlay_) {
    if (store_ != nullptr && !overlay_) overlay_.emplace();
  }
  SerialMap& operator=(const SerialMap& o) {
    if (this != &o) {
      map_ = o.map_;
      store_ = o.store_;
      tenant_ = o.tenant_;
      memory_ = o.memory_;
      overlay_ = o.overlay_;
      if (store_ != nullptr && !overlay_) overlay_.emplace();
    }
    return *this;
  }
  std::optional<std::string> find(std::string_view serial) const;
  bool contains(std::string_view serial) const { return find(serial).has_value(); }
  void set(std::string_view serial, std::string_view value);            // insert or assign
  void set_if_absent(std::string_view serial, std::string_view value);  // the first one stays
  void erase(std::string_view serial);
  // From now on the map lives in `store` under `tenant` (null: in memory again).
  void bind(CodeStore* store, std::string tenant);
  // What an unbound map holds (the rule tests compare two folds).
  const std::map<std::string, std::string, std::less<>>& in_memory() const { return memory_; }

 private:
  char map_;
  CodeStore* store_ = nullptr;
  std::string tenant_;
  std::map<std::string, std::string, std::less<>> memory_;
  // A copy of a bound map: its own writes (nullopt: erased), read before the store.
  std::optional<std::map<std::string, std::optional<std::string>, std::less<>>> overlay_;
};

}  // namespace agritrace::core
