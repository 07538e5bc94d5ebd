// The zh-CN regulator portal (issue 13, "Pages"; docs/REGULATOR.md "Portal"): one page served by
// the product itself at /regulator, with its stylesheet and script (no CDN, no other host; the
// HTML answers' CSP: script-src 'self', no inline script). The script logs a bureau's user in
// (POST /v1/regulator/sessions, the token kept in sessionStorage) and draws every view from the
// regulator routes: dashboard (statistics, compliance, overdue inspections), entity list and
// detail, inspection entry, random draws, ledger filter, chain graph.
#pragma once

namespace agritrace::api {

struct RouteKit;
class Router;

// The portal's page and assets (api/regulator/portal_assets.cpp, portal_script.cpp).
extern const char kPortalHtml[];
extern const char kPortalCss[];
extern const char kPortalJs[];

// GET /regulator, /regulator/portal.css, /regulator/portal.js (public: the page holds no data;
// every datum comes from the authenticated regulator routes).
void register_regulator_portal(RouteKit& kit, Router& router);

}  // namespace agritrace::api
