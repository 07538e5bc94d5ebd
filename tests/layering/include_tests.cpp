// Layering probe (CMakeLists.txt agritrace_layering_test): a file reachable only from the
// repository root.
#include "tests/support/test_env.h"
