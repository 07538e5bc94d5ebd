// Layering probe (CMakeLists.txt agritrace_layering_test): an events header.
#include "events/ledger/ledger.h"
