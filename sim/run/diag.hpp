// SPDX-License-Identifier: Apache-2.0
// The simulator's own diagnostics (--log-level): the models' and the engine's messages through
// spdlog to stderr, each with the simulated time and the CPU. Never on stdout, so the kernel
// console output and --json - stay what they are.
#pragma once
#include "models/common/diag.hpp"

#include <optional>
#include <string>

namespace stopsim {

/// "trace" | "debug" | "info" | "warn"; nothing for another word.
std::optional<diag::Level> parse_log_level(const std::string& word);
/// The words parse_log_level() accepts, for an error message: "trace, debug, info, warn".
const char* log_level_words();
/// Send diagnostics at `level` and above to stderr through spdlog.
void start_diagnostics(diag::Level level);
/// One line as the sink writes it (without the newline): "[  1.000123456 s] [cpu 2] [debug] gic: ...".
std::string format_diag_line(uint64_t ps, diag::Level level, int cpu, const char* component, const std::string& text);

} // namespace stopsim
