#include "api/regulator/visibility.h"

#include <optional>
#include <string>

#include "api/http/principal.h"
#include "core/regulator/access.h"
#include "events/regulator/divisions.h"
#include "projections/trace/queries.h"

namespace agritrace::api {

EnterpriseVisible enterprise_visible_to(const projections::ViewStore& views,
                                        const HttpRequest& req) {
  if (!req.context || !req.context->principal.regulator()) return {};
  return [views = &views,
          jurisdiction = req.context->principal.jurisdiction](std::string_view tenant) {
    const std::optional<std::string> division =
        events::shipped_divisions().match_region(projections::enterprise_region_of(*views, tenant));
    return core::in_jurisdiction(jurisdiction, division.value_or(std::string()));
  };
}

}  // namespace agritrace::api
