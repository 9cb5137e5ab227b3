// SPDX-License-Identifier: Apache-2.0
#include "models/cpu/arm64_pe_core.hpp"

namespace stopsim::cpu {

bool Arm64PeCore::unmasked(unsigned target_el, unsigned cur_el, bool pstate_bit_set)
{
	if (cur_el > target_el)
		return false;
	// A higher target of EL2 or EL3 ignores PSTATE (EL2 with HCR_EL2.{E2H,TGE} = {1,1}, where
	// PSTATE would apply, is not modelled); EL1 from EL0 and the current EL follow PSTATE.
	if (target_el > cur_el && target_el >= 2)
		return true;
	return !pstate_bit_set;
}

Arm64Exception Arm64PeCore::pending() const
{
	if (fiq_takeable())
		return Arm64Exception::kFiq;
	if (irq_takeable())
		return Arm64Exception::kIrq;
	return Arm64Exception::kNone;
}

} // namespace stopsim::cpu
