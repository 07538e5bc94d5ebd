#include "core/codes/code_table.h"

#include <algorithm>

namespace agritrace::core {

std::optional<TraceCodeState> CodeTable::find(std::string_view serial) const {
  if (overlay_) {
    if (auto it = memory_.find(serial); it != memory_.end()) return it->second;
  }
  if (store_ != nullptr) return store_->get(tenant_, serial);
  auto it = memory_.find(serial);
  if (it == memory_.end()) return std::nullopt;
  return it->second;
}

void CodeTable::put(const std::string& serial, const TraceCodeState& code) {
  if (store_ != nullptr && !overlay_) {
    store_->put(tenant_, serial, code);
  } else {
    memory_.insert_or_assign(serial, code);
  }
}

std::vector<std::string> CodeTable::run_serials(std::string_view run_id) const {
  if (store_ != nullptr) {
    std::vector<std::string> out = store_->run_serials(tenant_, run_id);
    if (!overlay_) return out;
    for (const auto& [serial, code] : memory_) {
      if (code.run_id == run_id) out.push_back(serial);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }
  // In memory a run's codes are found by scanning the tenant's codes: run toggles are rare.
  std::vector<std::string> out;
  for (const auto& [serial, code] : memory_) {
    if (code.run_id == run_id) out.push_back(serial);
  }
  return out;
}

void CodeTable::bind(CodeStore* store, std::string tenant) {
  overlay_ = false;
  store_ = store;
  tenant_ = std::move(tenant);
}

std::optional<std::string> SerialMap::find(std::string_view serial) const {
  if (overlay_) {
    if (auto it = overlay_->find(serial); it != overlay_->end()) return it->second;
  }
  if (store_ != nullptr) return store_->get_serial(tenant_, map_, serial);
  auto it = memory_.find(serial);
  if (it == memory_.end()) return std::nullopt;
  return it->second;
}

void SerialMap::set(std::string_view serial, std::string_view value) {
  if (overlay_) {
    overlay_->insert_or_assign(std::string(serial), std::string(value));
  } else if (store_ != nullptr) {
    store_->put_serial(tenant_, map_, serial, value);
  } else {
    memory_.insert_or_assign(std::string(serial), std::string(value));
  }
}

void SerialMap::set_if_absent(std::string_view serial, std::string_view value) {
  if (!contains(serial)) set(serial, value);
}

void SerialMap::erase(std::string_view serial) {
  if (overlay_) {
    overlay_->insert_or_assign(std::string(serial), std::nullopt);
  } else if (store_ != nullptr) {
    store_->put_serial(tenant_, map_, serial, std::nullopt);
  } else if (auto it = memory_.find(serial); it != memory_.end()) {
    memory_.erase(it);
  }
}

void SerialMap::bind(CodeStore* store, std::string tenant) {
  overlay_.reset();
  store_ = store;
  tenant_ = std::move(tenant);
}

}  // namespace agritrace::core
