// SPDX-License-Identifier: Apache-2.0
// stopsim entry point: keeps SystemC quiet, maps internal failures to exit code 3.
#include "models/common/error.hpp"
#include "sim/cli/cli.hpp"

#include <systemc>

#include <cstdlib>
#include <iostream>

namespace {

void report_handler(const sc_core::sc_report& rep, const sc_core::sc_actions&)
{
	// Our output is ours alone: SystemC information is dropped, anything worse is a simulator bug.
	if (rep.get_severity() == sc_core::SC_INFO)
		return;
	if (rep.get_severity() == sc_core::SC_WARNING) {
		std::cerr << "stopsim: SystemC warning: " << rep.get_msg_type() << ": " << rep.get_msg() << "\n";
		return;
	}
	throw stopsim::InternalError(std::string("SystemC: ") + rep.get_msg_type() + ": " + rep.get_msg());
}

} // namespace

int sc_main(int argc, char** argv)
{
	sc_core::sc_report_handler::set_handler(report_handler);
	sc_core::sc_set_time_resolution(1, sc_core::SC_PS);
	try {
		return stopsim::cli_main(argc, argv);
	} catch (const stopsim::InternalError& e) {
		std::cerr << "stopsim: " << e.what() << "\n";
		return stopsim::kExitInternal;
	} catch (const std::exception& e) {
		std::cerr << "stopsim: internal error: " << e.what() << "\n";
		return stopsim::kExitInternal;
	}
}

int main(int argc, char** argv)
{
	setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", 1);
	return sc_core::sc_elab_and_sim(argc, argv);
}
