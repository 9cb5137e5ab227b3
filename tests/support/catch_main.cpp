// SPDX-License-Identifier: Apache-2.0
// The unit-test runner (plain C++ cores and kernel logic: no SystemC simulation here).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

// libsystemc (linked through the model cores) references sc_main; the unit tests never
// start a simulation.
extern "C" int sc_main(int, char**)
{
	return 0;
}
