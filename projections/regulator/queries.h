// Queries of the regulator end (issue 13, R-4.5.1), applying the jurisdiction policy
// (core/regulator/access.h): a bureau reads the entities whose division lies in its jurisdiction,
// nothing else (an entity outside it answers 404 like another tenant's id); personal data is in
// full for the filing bureau only, masked for every other.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/civil_time.h"
#include "core/base/status.h"
#include "core/regulator/jurisdiction.h"
#include "projections/base/pagination.h"
#include "projections/base/view_store.h"

namespace agritrace::projections {

// A stored entity record (projections/regulator/projection.cpp): its string fields.
struct StoredEntity {
  std::map<std::string, std::string, std::less<>> fields;
  int64_t amendments = 0;
  std::string get(std::string_view key) const {
    auto it = fields.find(key);
    return it == fields.end() ? std::string() : it->second;
  }
};
std::optional<StoredEntity> parse_stored_entity(std::string_view json);

struct RegulatorViewer {
  std::string bureau_id;
  core::Jurisdiction jurisdiction;
  core::Date today;  // the platform's day (the Env's clock): inspection standing
};

// Whether a USCC is an enterprise registered on the platform (the link of a filed entity to its
// enterprise account).
using OnPlatform = std::function<bool(std::string_view uscc)>;

// A filed entity as stored (nullopt when unknown), and its answer for this viewer (masked outside
// the filing bureau; with its inspection standing).
std::optional<StoredEntity> load_regulated_entity(const ViewStore& v, std::string_view entity_id);
std::string regulated_entity_json(const ViewStore& v, const StoredEntity& e,
                                  const RegulatorViewer& viewer, const OnPlatform& on_platform);

// GET /v1/regulator/entities/{id}: 404 `entity_not_found` when unknown or outside the
// jurisdiction.
Result<std::string> regulated_entity(const ViewStore& v, const RegulatorViewer& viewer,
                                     std::string_view entity_id, const OnPlatform& on_platform);

// GET /v1/regulator/entities?division=&limit=&after_id=: the jurisdiction's entities (those of
// `division` and below when given), ordered by division then id. A division that does not
// overlap the jurisdiction: 403 `outside_jurisdiction`.
Result<std::string> regulated_entities(const ViewStore& v, const RegulatorViewer& viewer,
                                       const std::optional<std::string>& division,
                                       const Page& page, const OnPlatform& on_platform);

}  // namespace agritrace::projections
