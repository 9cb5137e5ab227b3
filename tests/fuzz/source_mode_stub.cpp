// SPDX-License-Identifier: Apache-2.0
// Source mode in the fuzz build: the loader asks a Linux tree for its IPI names when a scenario
// says kernel.source. A fuzzer must not read (or compile) whatever paths its inputs name, so here
// every tree is refused the way a missing one is: exit-2 messages, which is all the loader sees.
#include "srcmode/source.hpp"

namespace srcmode {

std::vector<std::string> tree_ipi_names(const std::string&, const std::string& tree, const std::string&)
{
	throw SourceError(tree + ": source mode is not part of the fuzz build");
}

} // namespace srcmode
