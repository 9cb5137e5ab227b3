// SPDX-License-Identifier: Apache-2.0
// arm64 PE state that decides whether an IRQ or FIQ is taken: PSTATE.DAIF, the current EL,
// SCR_EL3 routing, and the lines from the GIC CPU interface (Arm ARM D1, "asynchronous exception
// routing and masking"; docs/reference/hardware.md section 1.1-1.2). Plain C++.
#pragma once
#include <cstdint>

namespace stopsim::cpu {

/// PSTATE.{D,A,I,F} as the DAIF register holds them (bits 9..6).
constexpr uint32_t DAIF_F = 1u << 6;
constexpr uint32_t DAIF_I = 1u << 7;
constexpr uint32_t DAIF_A = 1u << 8;
constexpr uint32_t DAIF_D = 1u << 9;
constexpr uint32_t DAIF_ALL = DAIF_D | DAIF_A | DAIF_I | DAIF_F;

enum class Arm64Exception { kNone, kIrq, kFiq };

class Arm64PeCore {
public:
	uint32_t daif = DAIF_ALL; ///< reset: everything masked
	unsigned el = 1;          ///< current exception level
	bool scr_el3_irq = false; ///< SCR_EL3.IRQ: IRQs routed to EL3
	bool scr_el3_fiq = true;  ///< SCR_EL3.FIQ: FIQs routed to EL3 (TF-A's EHF sets it)
	bool irq_line = false;
	bool fiq_line = false;

	/// Arm ARM D1.3 (QEMU arm_excp_unmasked): an exception to a higher EL2 or EL3 is taken
	/// whatever PSTATE says; to the current EL (or to EL1 from EL0) it is masked by its PSTATE
	/// bit; to a lower EL it is never taken.
	static bool unmasked(unsigned target_el, unsigned cur_el, bool pstate_bit_set);

	unsigned irq_target_el() const { return scr_el3_irq ? 3 : 1; }
	unsigned fiq_target_el() const { return scr_el3_fiq ? 3 : 1; }
	bool irq_takeable() const { return irq_line && unmasked(irq_target_el(), el, daif & DAIF_I); }
	bool fiq_takeable() const { return fiq_line && unmasked(fiq_target_el(), el, daif & DAIF_F); }
	/// FIQ is checked first, as QEMU does (the architecture leaves it IMPLEMENTATION DEFINED).
	Arm64Exception pending() const;
};

} // namespace stopsim::cpu
