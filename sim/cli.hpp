// SPDX-License-Identifier: Apache-2.0
// The command line: stopsim run | validate | list, each with --help.
#pragma once

namespace stopsim {

/// Exit codes (design.md section 4).
enum ExitCode { kExitOk = 0, kExitExpectation = 1, kExitUsage = 2, kExitInternal = 3 };

int cli_main(int argc, char** argv);

} // namespace stopsim
