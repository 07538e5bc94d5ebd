// StoredMap: one per-entity map of a tenant's write model (purchase orders, lots, batches, sales
// orders, lot/batch lineage...) that the single writer keeps in its on-disk index instead of in
// memory (issue 11: server RSS bound by tenants, not by entities). Like SerialMap
// (core/codes/code_table.h), but for whole entities: the writer binds it to a CodeStore and from
// then on an entry lives in the store as one encoded value; only the entries the current command
// reads or changes are in memory (`cache_`), and StoredMapCache::flush() writes the changed ones
// back (into the store's pending writes: durable with the group's ledger append) and forgets
// them all. Unbound (the rule tests), the map is an ordinary in-memory map.
//
// The interface is the subset of std::map the rules use: find / count / contains / operator[] /
// emplace / at; begin / end / size / iteration see the whole map only while unbound (bound, only
// the cached entries). An iterator stays valid until the next flush(): WriteModel flushes after
// each event it applies and the writer after each command, never while a rule holds one.
// Pure: the store is an interface, core does no I/O.
#pragma once

#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/base/civil_time.h"
#include "core/base/quantity.h"
#include "core/codes/code_table.h"

namespace agritrace::core {

// --- value encoding (little-endian u64 lengths and numbers; decoding checks every length) ---
namespace stored {

inline void put(std::string& out, uint64_t v) {
  char b[8];
  std::memcpy(b, &v, 8);
  out.append(b, 8);
}
inline void put(std::string& out, int64_t v) { put(out, static_cast<uint64_t>(v)); }
inline void put(std::string& out, int32_t v) { put(out, static_cast<uint64_t>(static_cast<int64_t>(v))); }
inline void put(std::string& out, bool v) { put(out, uint64_t{v ? 1u : 0u}); }
inline void put(std::string& out, std::string_view s) {
  put(out, static_cast<uint64_t>(s.size()));
  out.append(s);
}
inline void put(std::string& out, const std::string& s) { put(out, std::string_view(s)); }
inline void put(std::string& out, const char* s) = delete;

struct In {
  std::string_view in;
  bool ok = true;
  uint64_t u64() {
    if (in.size() < 8) {
      ok = false;
      return 0;
    }
    uint64_t v = 0;
    std::memcpy(&v, in.data(), 8);
    in.remove_prefix(8);
    return v;
  }
  int64_t i64() { return static_cast<int64_t>(u64()); }
  bool boolean() { return u64() != 0; }
  std::string str() {
    const uint64_t n = u64();
    if (!ok || in.size() < n) {
      ok = false;
      return {};
    }
    std::string s(in.substr(0, n));
    in.remove_prefix(n);
    return s;
  }
};

}  // namespace stored

// store_encode / store_decode: one overload per field type of the stored entities (the entities
// declare theirs next to them, core/*/state.h: found by argument-dependent lookup).
inline void store_encode(std::string& out, int64_t v) { stored::put(out, v); }
inline void store_decode(stored::In& in, int64_t& v) { v = in.i64(); }
inline void store_encode(std::string& out, const std::string& v) { stored::put(out, v); }
inline void store_decode(stored::In& in, std::string& v) { v = in.str(); }
inline void store_encode(std::string& out, const Quantity& q) {
  stored::put(out, q.amount);
  stored::put(out, static_cast<uint64_t>(q.unit));
}
inline void store_decode(stored::In& in, Quantity& q) {
  q.amount = in.i64();
  q.unit = static_cast<Unit>(in.u64());
}
inline void store_encode(std::string& out, const Date& d) { stored::put(out, d.days_since_epoch); }
inline void store_decode(stored::In& in, Date& d) { d.days_since_epoch = static_cast<int32_t>(in.i64()); }
template <class T>
void store_encode(std::string& out, const std::optional<T>& v) {
  stored::put(out, v.has_value());
  if (v) store_encode(out, *v);
}
template <class T>
void store_decode(stored::In& in, std::optional<T>& v) {
  if (in.boolean()) {
    T t{};
    store_decode(in, t);
    v = std::move(t);
  } else {
    v.reset();
  }
}
template <class T>
void store_encode(std::string& out, const std::vector<T>& v) {
  stored::put(out, static_cast<uint64_t>(v.size()));
  for (const T& t : v) store_encode(out, t);
}
template <class T>
void store_decode(stored::In& in, std::vector<T>& v) {
  const uint64_t n = in.u64();
  v.clear();
  for (uint64_t i = 0; in.ok && i < n && i <= in.in.size(); ++i) {
    T t{};
    store_decode(in, t);
    v.push_back(std::move(t));
  }
}
inline void store_encode(std::string& out, const std::set<std::string, std::less<>>& v) {
  stored::put(out, static_cast<uint64_t>(v.size()));
  for (const std::string& s : v) stored::put(out, s);
}
inline void store_decode(stored::In& in, std::set<std::string, std::less<>>& v) {
  const uint64_t n = in.u64();
  v.clear();
  for (uint64_t i = 0; in.ok && i < n && i <= in.in.size(); ++i) v.insert(in.str());
}


class StoredMapCache;

class StoredMapBase {
 public:
  virtual ~StoredMapBase() = default;
  // Writes the changed entries to the store and drops every cached entry.
  virtual void flush() = 0;
  virtual void bind_base(CodeStore* store, std::string tenant, StoredMapCache* cache) = 0;
};

// The maps that hold cached entries right now (one per write model); flush() empties them all.
class StoredMapCache {
 public:
  void touch(StoredMapBase* m) { touched_.push_back(m); }
  void flush() {
    std::vector<StoredMapBase*> maps = std::move(touched_);
    touched_.clear();
    for (StoredMapBase* m : maps) m->flush();
  }
  void clear() { touched_.clear(); }  // the maps are gone (WriteModel::clear)
  // Blind: the event being folded is one whose effects the store already holds (the writer's
  // start skips what its index covers). The stored maps then neither read nor write the store:
  // they look empty and forget what is written to them, which leaves the store as it is and
  // spares a read per entity. Sound because no evolve() lets in-memory state depend on what a
  // stored map holds (every in-memory field is folded from the events alone); keep it so.
  void set_blind(bool blind) { blind_ = blind; }
  bool blind() const { return blind_; }

 private:
  std::vector<StoredMapBase*> touched_;
  bool blind_ = false;
};

template <class V>
class StoredMap final : public StoredMapBase {
  using Map = std::map<std::string, V, std::less<>>;

 public:
  using iterator = typename Map::iterator;
  using const_iterator = typename Map::const_iterator;
  using value_type = typename Map::value_type;

  explicit StoredMap(char map) : map_(map) {}
  // A copy of a bound map (decide() of a CommandGroup works on a copy of the state) reads the
  // store but never writes it: its changes stay in its own memory, and it is in no cache's list.
  StoredMap(const StoredMap& o)
      : map_(o.map_), store_(o.store_), tenant_(o.tenant_), cache_(o.cache_), overlay_(o.store_ != nullptr) {}
  StoredMap& operator=(const StoredMap& o) {
    if (this != &o) {
      map_ = o.map_;
      store_ = o.store_;
      tenant_ = o.tenant_;
      registry_ = nullptr;
      cache_ = o.cache_;
      dirty_.clear();
      listed_ = false;
      overlay_ = o.store_ != nullptr;
    }
    return *this;
  }

  iterator find(std::string_view key) {
    auto it = load(key);
    if (it != cache_.end()) mark(it->first);
    return it;
  }
  const_iterator find(std::string_view key) const { return load(key); }
  size_t count(std::string_view key) const { return load(key) == cache_.end() ? 0 : 1; }
  bool contains(std::string_view key) const { return count(key) != 0; }
  iterator end() { return cache_.end(); }
  const_iterator end() const { return cache_.end(); }
  iterator begin() { return cache_.begin(); }
  const_iterator begin() const { return cache_.begin(); }
  size_t size() const { return cache_.size(); }
  bool empty() const { return cache_.empty(); }

  V& operator[](std::string_view key) {
    auto it = load(key);
    if (it == cache_.end()) it = cache_.emplace(std::string(key), V{}).first;
    mark(it->first);
    return it->second;
  }
  std::pair<iterator, bool> emplace(std::string key, V value) {
    auto it = load(key);
    if (it != cache_.end()) return {it, false};
    it = cache_.emplace(std::move(key), std::move(value)).first;
    mark(it->first);
    return {it, true};
  }
  V& at(std::string_view key) {
    auto it = find(key);
    if (it == cache_.end()) throw std::out_of_range("StoredMap::at");
    return it->second;
  }
  const V& at(std::string_view key) const {
    auto it = find(key);
    if (it == cache_.end()) throw std::out_of_range("StoredMap::at");
    return it->second;
  }

  // From now on the map lives in `store` under `tenant`; `cache` is told which maps to flush.
  void bind_base(CodeStore* store, std::string tenant, StoredMapCache* cache) override {
    bind(store, std::move(tenant), cache);
  }
  void bind(CodeStore* store, std::string tenant, StoredMapCache* cache) {
    overlay_ = false;
    store_ = store;
    tenant_ = std::move(tenant);
    registry_ = cache;
  }
  bool bound() const { return store_ != nullptr; }

  void flush() override {
    listed_ = false;
    if (store_ == nullptr || overlay_) return;
    for (const std::string& key : dirty_) {
      if (registry_ != nullptr && registry_->blind()) break;
      auto it = cache_.find(key);
      if (it == cache_.end()) continue;
      std::string value;
      store_encode(value, it->second);
      store_->put_serial(tenant_, map_, key, value);
    }
    dirty_.clear();
    cache_.clear();
  }

 private:
  // The cached entry, read from the store on a miss (bound); end() when there is none.
  iterator load(std::string_view key) const {
    auto it = cache_.find(key);
    if (it != cache_.end() || store_ == nullptr) return it;
    if (registry_ != nullptr && registry_->blind()) return it;
    std::optional<std::string> raw = store_->get_serial(tenant_, map_, key);
    if (!raw) return cache_.end();
    stored::In in{*raw};
    V v{};
    store_decode(in, v);
    list();
    return cache_.emplace(std::string(key), std::move(v)).first;
  }
  void mark(const std::string& key) {
    if (store_ == nullptr || overlay_) return;
    list();
    dirty_.insert(key);
  }
  void list() const {
    if (listed_ || registry_ == nullptr) return;
    listed_ = true;
    registry_->touch(const_cast<StoredMap*>(this));
  }

  char map_;
  CodeStore* store_ = nullptr;
  std::string tenant_;
  StoredMapCache* registry_ = nullptr;
  mutable Map cache_;                         // unbound: the whole map
  mutable std::set<std::string, std::less<>> dirty_;  // keys changed since the last flush
  mutable bool listed_ = false;               // in the registry's list since the last flush
  bool overlay_ = false;                      // a copy: reads the store, keeps its changes
};

}  // namespace agritrace::core
