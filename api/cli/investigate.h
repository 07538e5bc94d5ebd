// The investigator's commands (issue 18): `agritrace replay --as-of T --out DIR`, `agritrace
// investigate timeline|whereabouts|recall-report|diff` and `agritrace audit`. They read the
// ledger (read-only) and views rebuilt as of an instant in a folder of their own: production is
// never touched, and no server needs to run. Exit codes: docs/OPERATIONS.md#exit-codes.
#pragma once

#include "api/cli/cli_support.h"
#include "api/cli/exit_codes.h"
#include "core/base/status.h"

namespace agritrace::cli {

// Exit codes: api/cli/exit_codes.h (one table for the whole CLI).

// The exit code of a failure (prints nothing).
int exit_code_for(const Error& e);

// `agritrace replay --as-of T --out DIR` (cmd_replay hands over when --as-of is given).
int replay_as_of(const Args& a, Env& env);
int cmd_investigate(int argc, char** argv);
int cmd_audit(int argc, char** argv);

}  // namespace agritrace::cli
