// SPDX-License-Identifier: Apache-2.0
#include "models/common/diag.hpp"

namespace stopsim::diag {

Level g_threshold = Level::off;
Sink g_sink = nullptr;

void set_sink(Sink sink, Level threshold)
{
	g_sink = sink;
	g_threshold = sink ? threshold : Level::off;
}

void emit(Level level, int cpu, const char* component, const std::string& text)
{
	if (g_sink)
		g_sink(level, cpu, component, text);
}

} // namespace stopsim::diag
