// SPDX-License-Identifier: Apache-2.0
#include "models/cpu/riscv_hart_core.hpp"

namespace stopsim::cpu {

RiscvIrq RiscvHartCore::pending() const
{
	const uint64_t ready = mip() & mie;
	const uint64_t to_m = ready & ~mideleg;
	const uint64_t to_s = ready & mideleg;
	/* Interrupts for a higher mode than the current one are always enabled (global-enable rule). */
	const bool m_on = priv != Priv::M || mstatus_mie;
	if (m_on && to_m) {
		if (to_m & MIP_MEIP)
			return RiscvIrq::kMei;
		if (to_m & MIP_MSIP)
			return RiscvIrq::kMsi;
		if (to_m & MIP_MTIP)
			return RiscvIrq::kMti;
	}
	const bool s_on = priv == Priv::U || (priv == Priv::S && mstatus_sie);
	if (s_on && to_s) {
		if (to_s & MIP_SEIP)
			return RiscvIrq::kSei;
		if (to_s & MIP_SSIP)
			return RiscvIrq::kSsi;
		if (to_s & MIP_STIP)
			return RiscvIrq::kSti;
	}
	return RiscvIrq::kNone;
}

} // namespace stopsim::cpu
