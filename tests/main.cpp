// The doctest main, alone in its TU (it is the slowest test TU to compile).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
