// Layering probe (CMakeLists.txt agritrace_layering_test): an api header.
#include "api/http/problem.h"
