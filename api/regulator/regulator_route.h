// What every regulator route shares (issue 13): the guard that admits only a bureau's account,
// who a regulator command acts as, and who a regulator read is answered for.
#pragma once

#include <functional>
#include <string>

#include "api/http/route_kit.h"
#include "core/base/env.h"
#include "core/regulator/rules.h"
#include "projections/regulator/queries.h"

namespace agritrace::api {

using RegulatorHandler =
    std::function<void(const HttpRequest&, const PathParams&, const Principal&, Responder)>;

// A regulator route's handler: the guard has admitted a regulator principal (the policy); without
// one (no guard) the route refuses (fail closed).
inline RouteHandler regulator_route(RegulatorHandler fn) {
  return [fn = std::move(fn)](const HttpRequest& req, const PathParams& params, Responder respond) {
    if (!req.context || !req.context->principal.regulator()) {
      return respond(problem_response(403, "regulator_required",
                                      "this route is for market supervision bureaus' accounts",
                                      "Authorization"));
    }
    fn(req, params, req.context->principal, std::move(respond));
  };
}

// Who acts: a regulator's commands are the regulators tenant's, with the bureau and user as actor.
inline Caller regulator_caller(const Principal& p) {
  return Caller{std::string(core::kRegulatorsTenant), p.label(), false};
}

// Who reads through the regulator routes' queries: the caller's bureau, its jurisdiction and the
// platform's day by the Env's clock (R-4.5.2 inspection standing).
inline projections::RegulatorViewer regulator_viewer(const Principal& p, Env& env) {
  return projections::RegulatorViewer{p.tenant, p.jurisdiction, env.today()};
}

}  // namespace agritrace::api
