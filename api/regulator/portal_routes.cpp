// The regulator portal's routes (api/regulator/portal.h): the page and its two assets, all public
// (they carry no data; the script reads everything through the authenticated regulator routes).
#include "api/http/route_kit.h"
#include "api/regulator/portal.h"

namespace agritrace::api {
namespace {

HttpResponse portal_asset(const char* type, const char* body) {
  HttpResponse r;
  r.status = 200;
  r.content_type = type;
  r.body = body;
  // Revalidated on every load: a new server version's script is used at once.
  r.headers.emplace_back("Cache-Control", "no-cache");
  return r;
}

}  // namespace

void register_regulator_portal(RouteKit&, Router& router) {
  router.add("GET", "/regulator", "regulatorPortal",
             [](const HttpRequest&, const PathParams&, Responder r) {
               r(portal_asset("text/html; charset=utf-8", kPortalHtml));
             });
  router.add("GET", "/regulator/portal.css", "regulatorPortalCss",
             [](const HttpRequest&, const PathParams&, Responder r) {
               r(portal_asset("text/css; charset=utf-8", kPortalCss));
             });
  router.add("GET", "/regulator/portal.js", "regulatorPortalJs",
             [](const HttpRequest&, const PathParams&, Responder r) {
               r(portal_asset("text/javascript; charset=utf-8", kPortalJs));
             });
}

}  // namespace agritrace::api
