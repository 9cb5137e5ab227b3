// SPDX-License-Identifier: Apache-2.0
// arm64 v6.7 .. v6.11 (d7402513c935): the v6.6 algorithms unchanged, but with pseudo-NMI in
// use IPI_CPU_STOP and IPI_CPU_CRASH_STOP are themselves pseudo-NMIs: one NMI rung, no IRQ first.
#include "kl/arm64/arm64_v6_7.hpp"
#include "kl/nmi_backtrace.hpp"

namespace kl::arm64 {

std::vector<std::string> Arm64V6_7::ipi_names() const
{
	return {"IPI_RESCHEDULE", "IPI_CALL_FUNC", "IPI_CPU_STOP",      "IPI_CPU_CRASH_STOP",
		"IPI_TIMER",      "IPI_IRQ_WORK",  "IPI_CPU_BACKTRACE", "IPI_KGDB_ROUNDUP"};
}

bool Arm64V6_7::ipi_should_be_nmi(Shim& k, unsigned ipi) const
{
	if (!system_uses_irq_prio_masking(k))
		return false;

	switch (ipi) {
	case IPI_CPU_STOP:
	case IPI_CPU_CRASH_STOP:
	case IPI_CPU_BACKTRACE:
	case IPI_KGDB_ROUNDUP:
		return true;
	default:
		return false;
	}
}

void Arm64V6_7::do_handle_IPI(Arm64Shim& k, unsigned ipinr, const Regs& regs)
{
	if (ipinr == IPI_CPU_BACKTRACE) {
		nmi_cpu_backtrace(k, regs);
		return;
	}
	Arm64V6_6::do_handle_IPI(k, ipinr, regs);
}

bool Arm64V6_7::trigger_cpumask_backtrace(Shim& k, const CpuMask& mask)
{
	arm64_backtrace_ipi(arm64_shim(k), *this, mask, -1, IPI_CPU_BACKTRACE);
	return true;
}

} // namespace kl::arm64
