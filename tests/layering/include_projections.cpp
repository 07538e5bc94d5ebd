// Layering probe (CMakeLists.txt agritrace_layering_test): a projections header.
#include "projections/base/pagination.h"
