// SPDX-License-Identifier: Apache-2.0
// Runner for a model-shell test: Catch2 inside sc_main, SystemC warnings fail the test.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <systemc>

#include <cstdlib>
#include <stdexcept>

static void fail_on_report(const sc_core::sc_report& rep, const sc_core::sc_actions&)
{
	if (rep.get_severity() == sc_core::SC_INFO)
		return;
	throw std::runtime_error(std::string("SystemC report: ") + rep.get_msg_type() + ": " + rep.get_msg());
}

int sc_main(int argc, char** argv)
{
	sc_core::sc_report_handler::set_handler(fail_on_report);
	sc_core::sc_set_time_resolution(1, sc_core::SC_PS);
	return Catch::Session().run(argc, argv);
}

int main(int argc, char** argv)
{
	setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", 1);
	return sc_core::sc_elab_and_sim(argc, argv);
}
