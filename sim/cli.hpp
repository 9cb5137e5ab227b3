// SPDX-License-Identifier: Apache-2.0
// The command line: stopsim run | validate | list | sweep | replay | merge | summary | explore,
// each with --help.
#pragma once
#include <stdexcept>

namespace stopsim {

/// Exit codes (docs/outputs.md, "Exit codes").
enum ExitCode { kExitOk = 0, kExitExpectation = 1, kExitUsage = 2, kExitInternal = 3 };

/// Bad usage: printed as "stopsim: MESSAGE", exit 2.
struct UsageError : std::runtime_error {
	using std::runtime_error::runtime_error;
};

int cli_main(int argc, char** argv);

} // namespace stopsim
