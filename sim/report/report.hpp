// SPDX-License-Identifier: Apache-2.0
// The outputs of a run: console text, the JSON report, and the Perfetto/Chrome trace.
#pragma once
#include "sim/run/result.hpp"

#include <nlohmann/json.hpp>
#include <ostream>

namespace stopsim {

/// Kernel-style log lines, then the outcome, the rungs and a per-CPU table, then expectations.
void write_console(std::ostream& os, const RunResult& r);
/// The JSON report (docs/outputs.md). host_ns is the only field that varies between runs.
nlohmann::json report_json(const RunResult& r);
/// Chrome trace-event JSON: one track per CPU.
nlohmann::json trace_json(const RunResult& r);
/// "ok" when every expectation held.
bool expectations_held(const RunResult& r);

} // namespace stopsim
