// Access control tested like tenant isolation (issue 16): every route the router registers has an
// entry in the one policy (api/http/route_policy.cpp), and over real HTTP each role, a scoped key,
// the platform operator, each role of a regulator's bureau (issue 13) and an anonymous caller get
// 403 (401) problem+json exactly where the policy says, before any handler runs. A new route without a policy entry fails here.
#include "api/http/route_policy.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <set>
#include <string>
#include <vector>

#include "tests/api/http/registered_routes.h"
#include "tests/e2e/base/fixtures.h"
#include "tests/support/api_client.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

// The pattern with every parameter filled: "/v1/batches/{batch_id}" -> "/v1/batches/x".
std::string concrete(const std::string& pattern) {
  std::string out;
  bool in_param = false;
  for (char c : pattern) {
    if (c == '{') {
      in_param = true;
      out += 'x';
    } else if (c == '}') {
      in_param = false;
    } else if (!in_param) {
      out += c;
    }
  }
  return out;
}

bool refused_by_policy(const Reply& r) {
  static const std::set<std::string> kCodes = {"role_forbidden", "key_scope_forbidden",
                                               "administrator_required", "admin_key_required",
                                               "enterprise_key_required", "regulator_required",
                                               "regulator_role_forbidden"};
  return r.status == 403 && r.header("Content-Type") == "application/problem+json" &&
         r.has("/code") && kCodes.count(r.str("/code")) == 1;
}

struct Caller {
  std::string what;
  ApiClient client;
  // Whether the policy lets it call a route of `policy` with `access`.
  std::function<bool(const api::RoutePolicy&, core::Access)> allowed;
};

}  // namespace

TEST_CASE("route policy: every registered route has exactly one policy entry") {
  const std::vector<api::RouteInfo> routes = registered_routes();
  REQUIRE(!routes.empty());
  std::set<std::string> names;
  for (const api::RouteInfo& r : routes) {
    CAPTURE(r.name);
    CHECK_MESSAGE(api::route_policy(r.name) != nullptr,
                  "route without a policy entry: " << r.method << " " << r.pattern);
    names.insert(r.name);
  }
  std::set<std::string_view> seen;
  for (const api::RoutePolicy& p : api::route_policies()) {
    CAPTURE(p.operation_id);
    CHECK_MESSAGE(names.count(std::string(p.operation_id)) == 1,
                  "policy entry of no route: " << p.operation_id);
    CHECK(seen.insert(p.operation_id).second);
  }
}

TEST_CASE("route policy: least privilege of the roles") {
  using core::Access;
  using core::Area;
  using core::Role;
  for (Role role : core::kAllRoles) {
    CAPTURE(core::role_name(role));
    const bool admin = role == Role::kAdministrator;
    // Accounts (users, keys, audit) and the enterprise's own settings: administrators only.
    CHECK(api::role_allows(role, Area::kAccounts, Access::kRead) == admin);
    CHECK(api::role_allows(role, Area::kEnterprise, Access::kWrite) == admin);
    // Finance figures: finance and administrators.
    CHECK(api::role_allows(role, Area::kFinance, Access::kRead) ==
          (admin || role == Role::kFinance));
    // Every role reads the enterprise and the trace.
    CHECK(api::role_allows(role, Area::kEnterprise, Access::kRead));
    CHECK(api::role_allows(role, Area::kTrace, Access::kRead));
  }
  CHECK(api::role_allows(Role::kSales, Area::kSales, Access::kWrite));
  CHECK(!api::role_allows(Role::kSales, Area::kPurchasing, Access::kWrite));
  CHECK(!api::role_allows(Role::kFinance, Area::kSales, Access::kWrite));
  CHECK(!api::role_allows(Role::kWarehouse, Area::kProduction, Access::kWrite));
  CHECK(api::role_allows(Role::kProduction, Area::kCodes, Access::kWrite));
  CHECK(!api::role_allows(Role::kPurchasing, Area::kCodes, Access::kRead));
}

TEST_CASE(
    "route policy: over HTTP every route refuses (403/401 problem+json) exactly whom the policy "
    "refuses [embedded]") {
  const std::vector<api::RouteInfo> routes = registered_routes();
  TestApp app(Backend::kEmbedded);
  const uint16_t port = app.port();
  ApiClient platform(port, kAdminKey);
  Reply reg = platform.post(
      "/v1/enterprises",
      fmt::format(
          R"({{"uscc":"{}","name":"鲜达","region":"广东省","administrator":{{"username":"boss","password":"Green-Field-2024"}}}})",
          kPlantUscc));
  REQUIRE(reg.status == 201);
  ApiClient registration_key(port, reg.str("/api_key"));

  auto login = [&](const std::string& user, const std::string& password) {
    Reply r = ApiClient(port).post(
        "/v1/sessions", fmt::format(R"({{"enterprise_id":"{}","username":"{}","password":"{}"}})",
                                    kPlantUscc, user, password));
    INFO(r.body);
    REQUIRE(r.status == 201);
    return r.str("/token");
  };
  std::vector<Caller> callers;
  for (core::Role role : core::kAllRoles) {
    std::string user = "boss";
    const std::string password = "Green-Field-2024";
    if (role != core::Role::kAdministrator) {
      user = std::string(core::role_name(role)) + ".user";
      Reply made = registration_key.post(
          "/v1/accounts/users", fmt::format(R"({{"username":"{}","password":"{}","role":"{}"}})",
                                            user, password, core::role_name(role)));
      INFO(made.body);
      REQUIRE(made.status == 201);
    }
    callers.push_back({std::string(core::role_name(role)), ApiClient(port, login(user, password)),
                       [role](const api::RoutePolicy& p, core::Access access) {
                         switch (p.audience) {
                           case api::Audience::kPublic:
                           case api::Audience::kAnyEnterprise:
                           case api::Audience::kAnySession:
                             return true;
                           case api::Audience::kPlatform:
                           case api::Audience::kRegulator:
                           case api::Audience::kRegulatorOrPlatform:
                             return false;
                           case api::Audience::kAdminOrPlatform:
                             return role == core::Role::kAdministrator;
                           case api::Audience::kEnterprise:
                             return api::role_allows(role, p.area, access);
                         }
                         return false;
                       }});
  }
  Reply key = registration_key.post(
      "/v1/api-keys", R"({"name":"reader","access":"read","areas":["codes","sales"]})");
  REQUIRE(key.status == 201);
  callers.push_back({"read key (codes, sales)", ApiClient(port, key.str("/api_key")),
                     [](const api::RoutePolicy& p, core::Access access) {
                       switch (p.audience) {
                         case api::Audience::kPublic:
                         case api::Audience::kAnyEnterprise:
                         case api::Audience::kAnySession:
                           return true;
                         case api::Audience::kEnterprise:
                           return access == core::Access::kRead &&
                                  (p.area == core::Area::kCodes || p.area == core::Area::kSales);
                         default:
                           return false;
                       }
                     }});
  callers.push_back({"platform operator", ApiClient(port, kAdminKey),
                     [](const api::RoutePolicy& p, core::Access) {
                       return p.audience == api::Audience::kPublic ||
                              p.audience == api::Audience::kPlatform ||
                              p.audience == api::Audience::kAdminOrPlatform ||
                              p.audience == api::Audience::kRegulatorOrPlatform;
                     }});
  // Issue 13: the users of a bureau (the jurisdiction policy's principals), one per role. They
  // reach the regulator routes their role allows, and no enterprise route.
  REQUIRE(platform
              .post("/v1/regulator/bureaus",
                    R"({"bureau_id":"gz-amr","name":"广州市市场监督管理局","jurisdiction":"440100"})")
              .status == 201);
  for (core::RegulatorRole role : core::kAllRegulatorRoles) {
    const std::string user = std::string(core::regulator_role_name(role)) + ".gz";
    Reply made = platform.post(
        "/v1/regulator/bureaus/gz-amr/users",
        fmt::format(R"({{"username":"{}","password":"Green-Field-2024","role":"{}"}})", user,
                    core::regulator_role_name(role)));
    INFO(made.body);
    REQUIRE(made.status == 201);
    Reply session = ApiClient(port).post(
        "/v1/regulator/sessions",
        fmt::format(R"({{"bureau_id":"gz-amr","username":"{}","password":"Green-Field-2024"}})",
                    user));
    INFO(session.body);
    REQUIRE(session.status == 201);
    callers.push_back({"regulator " + user, ApiClient(port, session.str("/token")),
                       [role](const api::RoutePolicy& p, core::Access) {
                         switch (p.audience) {
                           case api::Audience::kPublic:
                           case api::Audience::kAnySession:
                             return true;
                           case api::Audience::kRegulator:
                           case api::Audience::kRegulatorOrPlatform:
                             return core::regulator_role_allows(role, p.regulator_right);
                           default:
                             return false;
                         }
                       }});
  }

  size_t refused = 0;
  for (const api::RouteInfo& route : routes) {
    const api::RoutePolicy* policy = api::route_policy(route.name);
    REQUIRE(policy != nullptr);
    const std::string target = concrete(route.pattern);
    CAPTURE(route.method);
    CAPTURE(target);
    const core::Access access = route.method == "GET" ? core::Access::kRead : core::Access::kWrite;
    const std::string body = route.method == "GET" ? "" : "{}";
    // Anonymous: 401 problem+json on every route that is not public.
    Reply anon = ApiClient(port).request(route.method, target, body);
    if (policy->audience == api::Audience::kPublic) {
      CHECK(anon.status != 401);
    } else {
      check_problem(anon, 401, "api_key_missing", "Authorization");
      CHECK(anon.header("WWW-Authenticate") == "Bearer realm=\"agritrace\"");
    }
    if (route.name == "deleteSession") continue;  // would end the callers' sessions
    for (Caller& c : callers) {
      CAPTURE(c.what);
      Reply r = c.client.request(route.method, target, body);
      INFO(r.body);
      const bool allowed = c.allowed(*policy, access);
      CHECK(refused_by_policy(r) == !allowed);
      if (!allowed) ++refused;
    }
  }
  CHECK(refused > routes.size());  // the walk did refuse (most routes, to someone)
}

}  // namespace agritrace::testing
