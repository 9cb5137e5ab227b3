// SPDX-License-Identifier: Apache-2.0
// arm64 PE core: which asynchronous exception is taken, given DAIF, the EL, SCR_EL3 routing and
// the lines from the GIC (docs/reference/hardware.md section 1.1-1.2).
#include "models/cpu/arm64_pe_core.hpp"

#include <catch2/catch.hpp>

using namespace stopsim::cpu;

namespace {

/// A PE at EL1 with nothing routed to EL3 and nothing masked.
Arm64PeCore el1_open()
{
	Arm64PeCore pe;
	pe.el = 1;
	pe.daif = 0;
	pe.scr_el3_irq = false;
	pe.scr_el3_fiq = false;
	return pe;
}

} // namespace

TEST_CASE("arm64.pe: DAIF bit positions and reset state", "[arm64][pe]")
{
	CHECK(DAIF_F == 0x40u);
	CHECK(DAIF_I == 0x80u);
	CHECK(DAIF_A == 0x100u);
	CHECK(DAIF_D == 0x200u);
	CHECK(DAIF_ALL == 0x3c0u);

	const Arm64PeCore pe;
	CHECK(pe.daif == DAIF_ALL);
	CHECK(pe.el == 1u);
	CHECK_FALSE(pe.scr_el3_irq);
	CHECK(pe.scr_el3_fiq);
	CHECK(pe.pending() == Arm64Exception::kNone);
}

TEST_CASE("arm64.pe: unmasked() to the current EL follows the PSTATE bit", "[arm64][pe][unmasked]")
{
	for (unsigned el = 0; el <= 3; el++) {
		INFO("EL" << el);
		CHECK(Arm64PeCore::unmasked(el, el, false));
		CHECK_FALSE(Arm64PeCore::unmasked(el, el, true));
	}
}

TEST_CASE("arm64.pe: unmasked() never takes an exception to a lower EL", "[arm64][pe][unmasked]")
{
	for (unsigned cur = 1; cur <= 3; cur++)
		for (unsigned target = 0; target < cur; target++) {
			INFO("target EL" << target << " from EL" << cur);
			CHECK_FALSE(Arm64PeCore::unmasked(target, cur, false));
			CHECK_FALSE(Arm64PeCore::unmasked(target, cur, true));
		}
}

TEST_CASE("arm64.pe: unmasked() to EL3 from below ignores PSTATE", "[arm64][pe][unmasked]")
{
	for (unsigned cur = 0; cur <= 2; cur++) {
		INFO("from EL" << cur);
		CHECK(Arm64PeCore::unmasked(3, cur, true));
		CHECK(Arm64PeCore::unmasked(3, cur, false));
	}
}

TEST_CASE("arm64.pe: unmasked() to EL2 from EL0/EL1 ignores PSTATE (E2H/TGE not both set)",
	  "[arm64][pe][unmasked]")
{
	// docs/reference/hardware.md section 1.2: a higher target EL2 is unmasked; PSTATE only applies with
	// HCR_EL2.{E2H,TGE} = {1,1}, which this core does not model.
	CHECK(Arm64PeCore::unmasked(2, 1, true));
	CHECK(Arm64PeCore::unmasked(2, 0, true));
	CHECK(Arm64PeCore::unmasked(2, 1, false));
}

TEST_CASE("arm64.pe: unmasked() to EL1 from EL0 follows the PSTATE bit", "[arm64][pe][unmasked]")
{
	// Only a higher target of EL2 or EL3 escapes PSTATE; EL0 code runs under EL1's masks.
	CHECK_FALSE(Arm64PeCore::unmasked(1, 0, true));
	CHECK(Arm64PeCore::unmasked(1, 0, false));
}

TEST_CASE("arm64.pe: routing follows SCR_EL3.IRQ and SCR_EL3.FIQ", "[arm64][pe]")
{
	Arm64PeCore pe;
	pe.scr_el3_irq = false;
	pe.scr_el3_fiq = false;
	CHECK(pe.irq_target_el() == 1u);
	CHECK(pe.fiq_target_el() == 1u);
	pe.scr_el3_irq = true;
	pe.scr_el3_fiq = true;
	CHECK(pe.irq_target_el() == 3u);
	CHECK(pe.fiq_target_el() == 3u);
}

TEST_CASE("arm64.pe: DAIF.I masks an IRQ taken to EL1", "[arm64][pe][daif]")
{
	Arm64PeCore pe = el1_open();
	pe.irq_line = true;
	CHECK(pe.irq_takeable());
	CHECK(pe.pending() == Arm64Exception::kIrq);

	pe.daif = DAIF_I;
	CHECK_FALSE(pe.irq_takeable());
	CHECK(pe.pending() == Arm64Exception::kNone);

	// Only I matters for IRQs: D, A and F set with I clear leaves the IRQ takeable.
	pe.daif = DAIF_D | DAIF_A | DAIF_F;
	CHECK(pe.irq_takeable());
	CHECK(pe.pending() == Arm64Exception::kIrq);

	pe.daif = DAIF_ALL;
	CHECK(pe.pending() == Arm64Exception::kNone);
}

TEST_CASE("arm64.pe: DAIF.F masks an FIQ taken to EL1, DAIF.I does not", "[arm64][pe][daif]")
{
	Arm64PeCore pe = el1_open();
	pe.fiq_line = true;
	pe.daif = DAIF_I;
	CHECK(pe.pending() == Arm64Exception::kFiq);
	pe.daif = DAIF_F;
	CHECK(pe.pending() == Arm64Exception::kNone);
}

TEST_CASE("arm64.pe: FIQ routed to EL3 is taken even with DAIF fully masked", "[arm64][pe][daif]")
{
	Arm64PeCore pe;
	pe.scr_el3_fiq = true;
	pe.daif = DAIF_ALL;
	pe.fiq_line = true;
	for (unsigned el = 0; el <= 2; el++) {
		INFO("at EL" << el);
		pe.el = el;
		CHECK(pe.fiq_takeable());
		CHECK(pe.pending() == Arm64Exception::kFiq);
	}
	// At EL3 itself the target is the current EL, so PSTATE.F applies.
	pe.el = 3;
	CHECK(pe.pending() == Arm64Exception::kNone);
	pe.daif = DAIF_ALL & ~DAIF_F;
	CHECK(pe.pending() == Arm64Exception::kFiq);
}

TEST_CASE("arm64.pe: an IRQ routed to EL3 is taken from EL1 with DAIF.I set", "[arm64][pe][daif]")
{
	Arm64PeCore pe;
	pe.el = 1;
	pe.daif = DAIF_ALL;
	pe.scr_el3_irq = true;
	pe.irq_line = true;
	CHECK(pe.pending() == Arm64Exception::kIrq);
}

TEST_CASE("arm64.pe: nothing is taken when the current EL is above the target EL", "[arm64][pe]")
{
	Arm64PeCore pe;
	pe.scr_el3_irq = false;
	pe.scr_el3_fiq = false;
	pe.irq_line = true;
	pe.fiq_line = true;
	pe.daif = 0;
	for (unsigned el = 2; el <= 3; el++) {
		INFO("at EL" << el);
		pe.el = el;
		CHECK_FALSE(pe.irq_takeable());
		CHECK_FALSE(pe.fiq_takeable());
		CHECK(pe.pending() == Arm64Exception::kNone);
	}
	// Dropping back to EL1 makes both takeable again: the exceptions stayed pending.
	pe.el = 1;
	CHECK(pe.pending() == Arm64Exception::kFiq);
}

TEST_CASE("arm64.pe: no line, no exception", "[arm64][pe]")
{
	Arm64PeCore pe = el1_open();
	CHECK(pe.pending() == Arm64Exception::kNone);
	pe.scr_el3_fiq = true;
	pe.scr_el3_irq = true;
	CHECK(pe.pending() == Arm64Exception::kNone);
}

TEST_CASE("arm64.pe: FIQ is checked before IRQ", "[arm64][pe]")
{
	Arm64PeCore pe = el1_open();
	pe.irq_line = true;
	pe.fiq_line = true;
	CHECK(pe.pending() == Arm64Exception::kFiq);

	// With the FIQ masked the IRQ comes through.
	pe.daif = DAIF_F;
	CHECK(pe.pending() == Arm64Exception::kIrq);

	// FIQ to EL3 wins over an unmasked IRQ at EL1.
	pe.daif = DAIF_ALL & ~DAIF_I;
	pe.scr_el3_fiq = true;
	CHECK(pe.pending() == Arm64Exception::kFiq);
	pe.fiq_line = false;
	CHECK(pe.pending() == Arm64Exception::kIrq);
}
