// Who is calling (issue 16: identification and authentication), as the router's guard found out
// before any handler runs (api/http/router.h RouteGuard), and what the audit trail should say of
// the request. Plain values: no I/O.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "core/accounts/access.h"
#include "core/regulator/access.h"

namespace agritrace::api {

enum class PrincipalKind {
  kAnonymous,         // no credential (public routes, refused requests)
  kPlatformOperator,  // the platform administrator key (AGRITRACE_ADMIN_KEY / DATA/admin.key)
  kUser,              // an enterprise user, by a login session
  kApiKey,            // an enterprise API key (the registration key or a scoped one)
  kRegulator,         // a market supervision bureau's user, by a login session (issue 13)
};

struct Principal {
  PrincipalKind kind = PrincipalKind::kAnonymous;
  std::string tenant;  // the enterprise (kUser, kApiKey); the bureau for kRegulator
  std::string id;      // user id ("u-3") or key id ("key_…")
  std::string name;    // username (kUser; for a failed login, the name tried)
  core::Role role = core::Role::kAdministrator;  // kUser
  bool key_administrator = false;  // kApiKey: the registration key (administrator authority)
  core::Access access = core::Access::kRead;  // kApiKey
  std::vector<core::Area> areas;              // kApiKey; empty: all but accounts
  std::string session_sha256;                 // kUser, kRegulator: the session it came with
  // kRegulator (issue 13, core/regulator/access.h): the bureau's jurisdiction and the role.
  core::Jurisdiction jurisdiction;
  core::RegulatorRole regulator_role = core::RegulatorRole::kInspector;

  bool regulator() const { return kind == PrincipalKind::kRegulator; }

  bool enterprise() const { return kind == PrincipalKind::kUser || kind == PrincipalKind::kApiKey; }
  // An administrator of its enterprise: an administrator user or the registration key.
  bool enterprise_administrator() const {
    return (kind == PrincipalKind::kUser && role == core::Role::kAdministrator) ||
           (kind == PrincipalKind::kApiKey && key_administrator);
  }
  // The actor recorded on events and in the audit trail: "user:u-3", the key id, "admin".
  std::string label() const {
    switch (kind) {
      case PrincipalKind::kPlatformOperator:
        return "admin";
      case PrincipalKind::kUser:
        return "user:" + id;
      case PrincipalKind::kApiKey:
        return id;
      case PrincipalKind::kRegulator:
        return "regulator:" + tenant + "/" + id;
      case PrincipalKind::kAnonymous:
        break;
    }
    return name.empty() ? "anonymous" : "anonymous:" + name;
  }
};

// Per request, shared by the guard and the handler.
struct RequestContext {
  Principal principal;
  // Set when the request reached the command writer: its audit record is the writer's.
  std::atomic<bool> audited_by_writer{false};
};

}  // namespace agritrace::api
