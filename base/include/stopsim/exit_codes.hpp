// SPDX-License-Identifier: Apache-2.0
// The process exit codes of every stopsim command (docs/outputs.md, "Exit codes") and the error a
// user can cause. The base layer: every other layer may include it; it includes nothing of theirs.
#pragma once
#include <stdexcept>

namespace stopsim {

/// 0: ran, expectations held; 1: ran, an expectation failed; 2: bad usage (a scenario, a flag, a
/// kernel tree the shim cannot serve); 3: an internal invariant broke.
enum ExitCode { kExitOk = 0, kExitExpectation = 1, kExitUsage = 2, kExitInternal = 3 };

/// Bad usage: printed as "stopsim: MESSAGE", exit 2.
struct UsageError : std::runtime_error {
	using std::runtime_error::runtime_error;
};

} // namespace stopsim
