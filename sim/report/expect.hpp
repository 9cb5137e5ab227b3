// SPDX-License-Identifier: Apache-2.0
// Checks a run against the scenario's expectations.
#pragma once
#include "sim/run/result.hpp"
#include "sim/scenario/scenario.hpp"

namespace stopsim {

/// Fill r.expectations, one entry per check, in the scenario's order.
void evaluate_expectations(const Scenario& sc, RunResult& r);

} // namespace stopsim
