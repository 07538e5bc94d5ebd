// The investigator's commands (issue 18): `agritrace replay --as-of T --out DIR`, `agritrace
// investigate timeline|whereabouts|recall-report|diff` and `agritrace audit`. They read the
// ledger (read-only) and views rebuilt as of an instant in a folder of their own: production is
// never touched, and no server needs to run. Exit codes: docs/INVESTIGATION.md.
#pragma once

#include "api/cli/cli_support.h"
#include "core/base/status.h"

namespace agritrace::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;      // I/O, unreachable ledger, anything else
inline constexpr int kExitUsage = 2;        // unknown flag, missing flag, unreadable instant
inline constexpr int kExitDamaged = 3;      // a broken hash chain or undecodable ledger bytes
inline constexpr int kExitBeforeStart = 4;  // an instant before the ledger's first event (or an empty ledger)
inline constexpr int kExitFuture = 5;       // an instant after now (the Env clock)
inline constexpr int kExitUnknown = 6;      // unknown code, lot, enterprise or recall
inline constexpr int kExitNoViews = 7;      // --views DIR is not a folder made by replay --as-of

// The exit code of a failure (prints nothing).
int exit_code_for(const Error& e);

// `agritrace replay --as-of T --out DIR` (cmd_replay hands over when --as-of is given).
int replay_as_of(const Args& a, Env& env);
int cmd_investigate(int argc, char** argv);
int cmd_audit(int argc, char** argv);

}  // namespace agritrace::cli
