// Which enterprises a caller of a regulators' route may see (issue 13): a bureau's users see the
// enterprises whose registered region lies in the bureau's jurisdiction (core/regulator/access.h
// in_jurisdiction); the platform operator sees every enterprise. Used by the routes that list
// other areas' records to regulators (complaints, sampling alerts).
#pragma once

#include <functional>
#include <string_view>

#include "api/http/http_types.h"
#include "api/http/principal.h"
#include "core/base/env.h"
#include "core/regulator/jurisdiction.h"
#include "projections/base/view_store.h"
#include "projections/regulator/queries.h"

namespace agritrace::api {

// An empty function for a caller that sees every enterprise (the platform operator).
using EnterpriseVisible = std::function<bool(std::string_view tenant)>;
EnterpriseVisible enterprise_visible_to(const projections::ViewStore& views,
                                        const HttpRequest& req);

// Who reads through the regulator routes' queries: the caller's bureau, its jurisdiction and the
// platform's day by the Env's clock (R-4.5.2 inspection standing).
inline projections::RegulatorViewer regulator_viewer(const Principal& p, Env& env) {
  return projections::RegulatorViewer{p.tenant, p.jurisdiction, env.today()};
}

}  // namespace agritrace::api
