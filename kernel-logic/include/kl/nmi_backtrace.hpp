// SPDX-License-Identifier: Apache-2.0
// lib/nmi_backtrace.c: the generic all-CPU backtrace, raised by whatever the architecture offers.
#pragma once
#include "kl/shim.hpp"

#include <functional>

namespace kl {

/// nmi_trigger_cpumask_backtrace(): one request at a time (a concurrent one is dropped), a 10 s
/// wait of 10000 x mdelay(1) for the targets to clear their bits. `exclude_cpu` < 0: none.
void nmi_trigger_cpumask_backtrace(Shim& k, const CpuMask& mask, int exclude_cpu,
				   const std::function<void(const CpuMask&)>& raise);
/// The requesting CPU prints its own backtrace directly (no NMI).
void nmi_cpu_backtrace_self(Shim& k);
/// nmi_cpu_backtrace(): on a target, print and clear its bit if asked; false if not asked. A
/// target interrupted in its idle loop prints the one "skipped: idling at IDLE_FN" line instead
/// (backtrace_idle=0, the default); `idle_fn` names the architecture's idle function.
bool nmi_cpu_backtrace(Shim& k, const Regs& regs, const char* idle_fn = "cpu_do_idle");
/// The interrupted context was the idle loop (cpu_in_idle() of its PC).
bool regs_in_idle(const Regs& regs);

} // namespace kl
