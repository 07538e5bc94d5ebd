// Which enterprises a caller of a regulators' route may see (issue 13): a bureau's users see the
// enterprises whose registered region lies in the bureau's jurisdiction (core/regulator/access.h
// in_jurisdiction); the platform operator sees every enterprise. Used by the routes that list
// other areas' records to regulators (complaints, sampling alerts).
#pragma once

#include <functional>
#include <string_view>

#include "api/http/http_types.h"
#include "projections/base/view_store.h"

namespace agritrace::api {

// An empty function for a caller that sees every enterprise (the platform operator).
using EnterpriseVisible = std::function<bool(std::string_view tenant)>;
EnterpriseVisible enterprise_visible_to(const projections::ViewStore& views,
                                        const HttpRequest& req);

}  // namespace agritrace::api
