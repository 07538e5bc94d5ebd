// The consumer's answer of a scan (issue 12, R-4.4.1): the zh-CN mobile page and its JSON twin,
// opened by the GS1 Digital Link resolver (api/codes/routes.cpp) for a code it found. The page
// shows the chain stage by stage from the read models (raw materials, production with documents,
// circulation hand-overs, customs / import facts, the official sampling results, the recall
// warning), personal data masked, and the code's scan signals; the scan itself is recorded in the
// scan log (api/public/scan_log.h) with the consumer's first-party cookie.
#pragma once

#include <string>

#include "api/http/http_types.h"
#include "core/codes/codes.h"
#include "projections/codes/queries.h"

namespace agritrace::api {

struct RouteKit;

// The answer for an active or disabled code (HTML unless `json`). Records the scan.
HttpResponse scan_answer(RouteKit& kit, const HttpRequest& req,
                         const projections::ResolvedCode& code, const core::ParsedDigitalLink& link,
                         const std::string& self, bool json);

// The consumer id of the request's cookie ("" when none or malformed).
std::string consumer_of(const HttpRequest& req);

}  // namespace agritrace::api
