// SPDX-License-Identifier: Apache-2.0
// The scenario's faults, resolved once at platform build into the models' own terms (a FaultPlan:
// target, hardware interrupt or event id, window, count, action) and handed to the model shells,
// which consult it at their fault points without calling back into the engine. Each firing's line
// reaches the log and the trace through the plan's observer.
#pragma once
#include "models/common/fault_plan.hpp"
#include "sim/run/sim_state.hpp"

#include <functional>

namespace stopsim {

/// Fills `plan` from the scenario's faults (drops first, so a drop fires alone) and points its
/// observer at the run's log.
void build_fault_plan(Sim& sim, FaultPlan& plan);

/// Schedule the faults that act at a time of their own (pend_ipi) with the hardware id resolved.
void schedule_pending_faults(Sim& sim, std::function<void(unsigned cpu, unsigned hw_id)> make_pending);

} // namespace stopsim
