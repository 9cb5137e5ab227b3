// SPDX-License-Identifier: Apache-2.0
// The models' diagnostics facade: a level threshold checked inline and one sink the engine
// installs. A model states what happened in its own terms; the sink (sim/run/diag.cpp) adds the
// simulated time and writes the line. With the level above a message, the message costs one
// compare and its text is never built.
#pragma once
#include <string>

namespace stopsim::diag {

enum class Level : int { trace = 0, debug = 1, info = 2, warn = 3, off = 4 };

/// Receives one message: its level, the CPU it concerns (-1: none), the component ("gic", ...).
using Sink = void (*)(Level level, int cpu, const char* component, const std::string& text);

/// The lowest level that reaches the sink (default warn; off with no sink installed).
extern Level g_threshold;
extern Sink g_sink;

inline bool enabled(Level l) { return int(l) >= int(g_threshold); }
/// Installs `sink` for messages at `threshold` and above (nullptr: none at all).
void set_sink(Sink sink, Level threshold);
void emit(Level level, int cpu, const char* component, const std::string& text);

} // namespace stopsim::diag

/// STOPSIM_DIAG(debug, cpu, "gic", "SGI " + std::to_string(id) + " pending"): the text
/// expression is evaluated only when the level is enabled.
#define STOPSIM_DIAG(level, cpu, component, text)                                                 \
	do {                                                                                      \
		if (::stopsim::diag::enabled(::stopsim::diag::Level::level))                      \
			::stopsim::diag::emit(::stopsim::diag::Level::level, int(cpu), component, text); \
	} while (0)
