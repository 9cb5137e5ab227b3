// SPDX-License-Identifier: Apache-2.0
#include "models/cpu/arm64_pe_core.hpp"

namespace stopsim::cpu {

bool Arm64PeCore::unmasked(unsigned target_el, unsigned cur_el, bool pstate_bit_set)
{
	if (cur_el > target_el)
		return false;
	if (target_el > cur_el)
		return target_el == 3 ? true : !pstate_bit_set; // EL2 with E2H/TGE not modelled
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
