// The consumer's answer of a scan (issue 12, R-4.4.1): the zh-CN mobile page and its JSON twin,
// opened by the GS1 Digital Link resolver (api/codes/routes.cpp) for a code it found. The page
// shows the chain stage by stage from the read models (raw materials, production with documents,
// circulation hand-overs, customs / import facts, the official sampling results, the recall
// warning), personal data masked, and the code's scan signals; the scan itself is recorded in the
// scan log (api/public/scan_log.h) with the consumer's first-party cookie.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "api/http/http_types.h"
#include "core/codes/codes.h"
#include "core/public/scan_signals.h"
#include "projections/codes/queries.h"

namespace agritrace::api {

struct RouteKit;
class ScanPageCache;  // the views' part of the scan pages, per code and views version

// A new cache for the scan pages over `views`; they use it while the caller keeps it alive.
std::shared_ptr<ScanPageCache> scan_page_cache(const projections::ViewStore& views);

// Where the code's unit was sold to a consumer (its retail sale), from the views.
std::optional<core::SoldAt> sold_at(const projections::ViewStore& views, const std::string& serial);

// Consumer scans: GET of the resolver (/01/...) and the public pages. The HTTP server runs them on
// their own workers at a lower CPU priority (HttpServerOptions::bulk), so that a flood of scans
// never delays commands.
bool is_consumer_scan(const HttpRequest& req);

// Whether the request is a scan of a serial whose page parts are cached at the views' current
// state, so that answering it needs no rendering: the page is the cached parts, the scan summary
// and the scan's record (api/public/scan_log.h, queued). serve lets the HTTP I/O thread answer
// those itself (HttpServerOptions::inline_when); every other scan goes to the scan workers. A
// false answer is always safe (the workers answer the same bytes).
bool scan_answer_cached(const RouteKit& kit, const HttpRequest& req);

// The answer for an active or disabled code (HTML unless `json`). Records the scan.
HttpResponse scan_answer(RouteKit& kit, const HttpRequest& req,
                         const projections::ResolvedCode& code, const core::ParsedDigitalLink& link,
                         const std::string& self, bool json);

// The consumer id of the request's cookie ("" when none or malformed).
std::string consumer_of(const HttpRequest& req);

}  // namespace agritrace::api
