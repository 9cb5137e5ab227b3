// SPDX-License-Identifier: Apache-2.0
// arm64 v6.7 .. v6.11: the stop IPIs are pseudo-NMIs when priority masking is on.
#pragma once
#include "kl/arm64/arm64_v6_6.hpp"

namespace kl::arm64 {

class Arm64V6_7 : public Arm64V6_6 {
public:
	/* The wakeup IPI is gone; backtrace and kgdb follow NR_IPI. Stop numbers are unchanged. */
	enum : unsigned { NR_IPI_V6_7 = 6, IPI_CPU_BACKTRACE = NR_IPI_V6_7, IPI_KGDB_ROUNDUP, MAX_IPI };

	const char* name() const override { return "arm64-v6.7"; }
	const char* summary() const override
	{
		return "as v6.6, but IPI_CPU_STOP/IPI_CPU_CRASH_STOP are pseudo-NMIs when enabled (no IRQ first)";
	}
	std::vector<std::string> ipi_names() const override;
	bool ipi_should_be_nmi(Shim& k, unsigned ipi) const override;
	unsigned nr_ipi() const override { return MAX_IPI; }
	void do_handle_IPI(Arm64Shim& k, unsigned ipinr, const Regs& regs) override;
	bool trigger_cpumask_backtrace(Shim& k, const CpuMask& mask) override;
};

} // namespace kl::arm64
