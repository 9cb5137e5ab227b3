// SPDX-License-Identifier: Apache-2.0
// The command line: stopsim run | validate | list | sweep | replay | merge | summary | explore,
// each with --help.
#pragma once
#include "stopsim/exit_codes.hpp"

namespace stopsim {

int cli_main(int argc, char** argv);

} // namespace stopsim
