// SPDX-License-Identifier: Apache-2.0
// GICv3 CPU interface core: PMR and its Non-secure view, running priority, preemption,
// acknowledge / priority drop / deactivate, group enables, line selection, and Linux
// pseudo-NMI with both the 2024 and the older priority constants (docs/reference/hardware.md section 1.3-1.5).
#include "models/gic/gic_cpuif_core.hpp"

#include <catch2/catch.hpp>

#include <cstdint>

using namespace stopsim::gic;

namespace {

constexpr bool kNs = true;
constexpr bool kSecure = false;

constexpr uint32_t kCtlrSecure = GICD_CTLR_ENABLEGRP0 | GICD_CTLR_ENABLEGRP1NS | GICD_CTLR_ENABLEGRP1S |
				 GICD_CTLR_ARE_S | GICD_CTLR_ARE_NS;

const PeSecurity kPeNs{false, false};
const PeSecurity kPeSecureEl1{false, true};
const PeSecurity kPeEl3{true, false};

/// One PE's redistributor and CPU interface behind a distributor with security enabled (DS=0),
/// laid out as TF-A does: SGIs 8-15 Group 0, everything else Non-secure Group 1, all enabled.
struct Cpu {
	GicDistCore dist;
	GicRedistCore redist;
	GicCpuIfCore cpuif{redist, dist};

	Cpu()
	{
		dist.write_ctlr(kCtlrSecure, true);
		redist.write(GICR_IGROUPR0, 0xffff00ffu, kSecure, false);
		redist.write(GICR_ISENABLER0, 0xffffffffu, kSecure, false);
	}

	/// Set an absolute (Secure-view) priority directly.
	void prio(unsigned intid, uint8_t p) { redist.ipriorityr[intid] = p; }
	void pend(unsigned intid) { redist.set_pending(intid, true); }
	/// Open the mask from Secure and enable both Group 1 NS and Group 0 at the CPU interface.
	void open()
	{
		cpuif.write_pmr(0xff, kSecure);
		cpuif.write_igrpen(Group::G1NS, true);
		cpuif.write_igrpen(Group::G0, true);
	}
	bool signalled() const
	{
		auto h = cpuif.hppi();
		return h && cpuif.hppi_can_preempt(*h);
	}
};

} // namespace

// PMR and its views

TEST_CASE("gic.cpuif: PMR resets to 0 and a Secure access sees it unshifted", "[gic][cpuif][pmr]")
{
	Cpu c;
	CHECK(c.cpuif.pmr_abs() == 0);
	CHECK(c.cpuif.read_pmr(kSecure) == 0);
	c.cpuif.write_pmr(0xa5, kSecure);
	CHECK(c.cpuif.pmr_abs() == 0xa5);
	CHECK(c.cpuif.read_pmr(kSecure) == 0xa5);
}

TEST_CASE("gic.cpuif: Non-secure PMR writes are ignored while the stored value is in the Secure half",
	  "[gic][cpuif][pmr][ns]")
{
	Cpu c;
	// Reset value 0 is Secure: NS sees 0 and cannot open the mask until firmware does.
	c.cpuif.write_pmr(0xff, kNs);
	CHECK(c.cpuif.pmr_abs() == 0);
	CHECK(c.cpuif.read_pmr(kNs) == 0);

	c.cpuif.write_pmr(0x70, kSecure); // e.g. EHF raised the mask during Secure execution
	c.cpuif.write_pmr(0xe0, kNs);
	CHECK(c.cpuif.pmr_abs() == 0x70);
	CHECK(c.cpuif.read_pmr(kNs) == 0);

	c.cpuif.write_pmr(0x7f, kSecure); // the very top of the Secure half
	c.cpuif.write_pmr(0xe0, kNs);
	CHECK(c.cpuif.pmr_abs() == 0x7f);
}

TEST_CASE("gic.cpuif: Non-secure PMR accesses are shifted", "[gic][cpuif][pmr][ns]")
{
	Cpu c;
	c.cpuif.write_pmr(0xff, kSecure); // firmware opens it

	c.cpuif.write_pmr(0xe0, kNs);
	CHECK(c.cpuif.pmr_abs() == 0xf0);
	CHECK(c.cpuif.read_pmr(kNs) == 0xe0);
	CHECK(c.cpuif.read_pmr(kSecure) == 0xf0);

	c.cpuif.write_pmr(0xc0, kNs);
	CHECK(c.cpuif.pmr_abs() == 0xe0);
	CHECK(c.cpuif.read_pmr(kNs) == 0xc0);

	// The lowest bit is lost.
	c.cpuif.write_pmr(0xc1, kNs);
	CHECK(c.cpuif.pmr_abs() == 0xe0);

	// NS writing 0 only reaches 0x80: it can never mask Secure priorities; and it can write again.
	c.cpuif.write_pmr(0x00, kNs);
	CHECK(c.cpuif.pmr_abs() == 0x80);
	CHECK(c.cpuif.read_pmr(kNs) == 0x00);
	c.cpuif.write_pmr(0xf0, kNs);
	CHECK(c.cpuif.pmr_abs() == 0xf8);
	CHECK(c.cpuif.read_pmr(kNs) == 0xf0);
}

TEST_CASE("gic.cpuif: with security disabled a Non-secure PMR access is unshifted", "[gic][cpuif][pmr][ds]")
{
	Cpu c;
	c.dist.write_ctlr(kCtlrSecure | GICD_CTLR_DS, true);
	c.cpuif.write_pmr(0x60, kNs);
	CHECK(c.cpuif.pmr_abs() == 0x60);
	CHECK(c.cpuif.read_pmr(kNs) == 0x60);
}

TEST_CASE("gic.cpuif: PMR masks an SGI of equal priority", "[gic][cpuif][pmr]")
{
	Cpu c;
	c.open();
	c.prio(1, 0x80);
	c.pend(1);
	c.cpuif.write_pmr(0x80, kSecure);
	CHECK_FALSE(c.signalled());
	CHECK(c.cpuif.lines(kPeNs) == CpuIfLines{});
	CHECK(c.cpuif.read_iar(Group::G1NS, kNs) == INTID_SPURIOUS);
	CHECK(c.redist.is_pending(1));
	CHECK_FALSE(c.redist.is_active(1));

	c.cpuif.write_pmr(0x81, kSecure); // strictly less: now it passes
	CHECK(c.signalled());
	CHECK(c.cpuif.lines(kPeNs).irq);
}

TEST_CASE("gic.cpuif: PMR masks an SGI of equal priority through the Non-secure view", "[gic][cpuif][pmr][ns]")
{
	Cpu c;
	c.open();
	c.redist.write(GICR_IPRIORITYR0, 0x000000c0u, kNs, false); // SGI 0 at NS 0xc0 (stored 0xe0)
	c.pend(0);
	c.cpuif.write_pmr(0xc0, kNs); // stored 0xe0
	CHECK_FALSE(c.signalled());
	c.cpuif.write_pmr(0xc2, kNs); // stored 0xe1
	CHECK(c.signalled());
}

TEST_CASE("gic.cpuif: PMR 0 masks everything, 0xff everything but priority 0xff", "[gic][cpuif][pmr]")
{
	Cpu c;
	c.open();
	c.prio(8, 0x00); // Group 0 at the highest priority
	c.pend(8);
	c.cpuif.write_pmr(0x00, kSecure);
	CHECK_FALSE(c.signalled());
	c.cpuif.write_pmr(0xff, kSecure);
	CHECK(c.signalled());

	Cpu d;
	d.open();
	d.prio(3, 0xff);
	d.pend(3);
	CHECK_FALSE(d.signalled());
	CHECK(d.cpuif.read_iar(Group::G1NS, kNs) == INTID_SPURIOUS);
}

// Running priority, preemption

TEST_CASE("gic.cpuif: group priority masks the subpriority bit", "[gic][cpuif][rpr]")
{
	Cpu c;
	// Reset binary points: BPR0 = 0 and BPR1 = 1 both leave bit 0 as subpriority.
	CHECK(c.cpuif.group_priority(0x81, Group::G0) == 0x80);
	CHECK(c.cpuif.group_priority(0x81, Group::G1NS) == 0x80);
	CHECK(c.cpuif.group_priority(0x81, Group::G1S) == 0x80);
	CHECK(c.cpuif.group_priority(0x7e, Group::G1NS) == 0x7e);
	CHECK(c.cpuif.group_priority(0xff, Group::G0) == 0xfe);
}

TEST_CASE("gic.cpuif: running priority comes from the active priority bits", "[gic][cpuif][rpr]")
{
	Cpu c;
	c.open();
	CHECK(c.cpuif.running_priority() == 0xff);
	CHECK(c.cpuif.read_rpr(kSecure) == 0xff);
	CHECK(c.cpuif.apr(Group::G1NS).none());

	c.prio(1, 0x90);
	c.pend(1);
	REQUIRE(c.cpuif.read_iar(Group::G1NS, kNs) == 1u);
	CHECK(c.cpuif.apr(Group::G1NS).count() == 1u);
	CHECK(c.cpuif.apr(Group::G1NS).test(0x90 >> 1));
	CHECK(c.cpuif.apr(Group::G0).none());
	CHECK(c.cpuif.running_priority() == 0x90);
	CHECK(c.cpuif.read_rpr(kSecure) == 0x90);
	CHECK(c.cpuif.read_rpr(kNs) == 0x20); // (0x90 << 1) & 0xff

	// A Group 0 interrupt preempts it; RPR follows the highest active priority of any group.
	c.prio(8, 0x40);
	c.pend(8);
	REQUIRE(c.cpuif.read_iar(Group::G0, kSecure) == 8u);
	CHECK(c.cpuif.apr(Group::G0).test(0x40 >> 1));
	CHECK(c.cpuif.running_priority() == 0x40);
	CHECK(c.cpuif.read_rpr(kNs) == 0x00); // a Secure running priority is hidden from NS

	c.cpuif.write_eoir(8, Group::G0, kSecure);
	CHECK(c.cpuif.running_priority() == 0x90);
	c.cpuif.write_eoir(1, Group::G1NS, kNs);
	CHECK(c.cpuif.running_priority() == 0xff);
	CHECK(c.cpuif.read_rpr(kSecure) == 0xff);
}

TEST_CASE("gic.cpuif: preemption compares group priorities, strictly", "[gic][cpuif][rpr][preempt]")
{
	Cpu c;
	c.open();
	c.prio(1, 0x81); // group priority 0x80
	c.pend(1);
	REQUIRE(c.cpuif.read_iar(Group::G1NS, kNs) == 1u);
	CHECK(c.cpuif.running_priority() == 0x80);

	// Equal group priority (even a better subpriority) cannot preempt.
	c.prio(2, 0x80);
	c.pend(2);
	CHECK_FALSE(c.signalled());
	CHECK(c.cpuif.read_iar(Group::G1NS, kNs) == INTID_SPURIOUS);
	CHECK(c.cpuif.lines(kPeNs) == CpuIfLines{});

	// A lower priority cannot either.
	c.redist.set_pending(2, false);
	c.prio(3, 0xa0);
	c.pend(3);
	CHECK_FALSE(c.signalled());

	// A higher group priority can.
	c.prio(4, 0x7e);
	c.pend(4);
	CHECK(c.signalled());
	CHECK(c.cpuif.lines(kPeNs).irq);
	REQUIRE(c.cpuif.read_iar(Group::G1NS, kNs) == 4u);
	CHECK(c.cpuif.running_priority() == 0x7e);

	// Unwinding: after both EOIs, the lower-priority SGI 3 is signalled.
	c.cpuif.write_eoir(4, Group::G1NS, kNs);
	CHECK(c.cpuif.running_priority() == 0x80);
	CHECK_FALSE(c.signalled());
	c.cpuif.write_eoir(1, Group::G1NS, kNs);
	CHECK(c.cpuif.running_priority() == 0xff);
	CHECK(c.signalled());
	CHECK(c.cpuif.hppi()->intid == 3u);
}

// Acknowledge, priority drop, deactivate

TEST_CASE("gic.cpuif: IAR acknowledges the HPPI: pending to active, APR bit set", "[gic][cpuif][iar]")
{
	Cpu c;
	c.open();
	c.prio(5, 0xa0);
	c.prio(6, 0xb0);
	c.pend(6);
	c.pend(5);
	CHECK(c.cpuif.lines(kPeNs).irq);
	REQUIRE(c.cpuif.read_iar(Group::G1NS, kNs) == 5u);
	CHECK_FALSE(c.redist.is_pending(5));
	CHECK(c.redist.is_active(5));
	CHECK(c.cpuif.apr(Group::G1NS).test(0xa0 >> 1));
	CHECK(c.cpuif.apr(Group::G1NS).count() == 1u);
	// SGI 6 (0xb0) cannot preempt 0xa0: the line drops.
	CHECK(c.cpuif.lines(kPeNs) == CpuIfLines{});
	CHECK(c.redist.is_pending(6));
}

TEST_CASE("gic.cpuif: IAR returns 1023 when nothing may be acknowledged", "[gic][cpuif][iar]")
{
	SECTION("nothing pending")
	{
		Cpu c;
		c.open();
		CHECK(c.cpuif.read_iar(Group::G1NS, kNs) == INTID_SPURIOUS);
		CHECK(c.cpuif.read_iar(Group::G0, kSecure) == INTID_SPURIOUS);
	}
	SECTION("pending but masked by PMR")
	{
		Cpu c;
		c.open();
		c.prio(1, 0xc0);
		c.pend(1);
		c.cpuif.write_pmr(0xc0, kSecure);
		CHECK(c.cpuif.read_iar(Group::G1NS, kNs) == INTID_SPURIOUS);
		CHECK(c.redist.is_pending(1));
		CHECK(c.cpuif.apr(Group::G1NS).none());
	}
	SECTION("NS IAR1 while the HPPI is Group 0")
	{
		Cpu c;
		c.open();
		c.prio(8, 0x70);
		c.prio(1, 0xa0);
		c.pend(8);
		c.pend(1);
		CHECK(c.cpuif.read_iar(Group::G1NS, kNs) == INTID_SPURIOUS);
		CHECK(c.redist.is_pending(8));
		CHECK_FALSE(c.redist.is_active(8));
		CHECK(c.redist.is_pending(1));
		CHECK(c.cpuif.running_priority() == 0xff);
		// Group 0 is acknowledged through IAR0.
		CHECK(c.cpuif.read_iar(Group::G0, kSecure) == 8u);
	}
	SECTION("IAR0 while the HPPI is Non-secure Group 1")
	{
		Cpu c;
		c.open();
		c.prio(1, 0xa0);
		c.pend(1);
		CHECK(c.cpuif.read_iar(Group::G0, kSecure) == INTID_SPURIOUS);
		CHECK(c.redist.is_pending(1));
	}
	SECTION("Secure IAR1 does not acknowledge Non-secure Group 1")
	{
		Cpu c;
		c.open();
		c.prio(1, 0xa0);
		c.pend(1);
		CHECK(c.cpuif.read_iar(Group::G1S, kSecure) == INTID_SPURIOUS);
		CHECK(c.redist.is_pending(1));
	}
	SECTION("the group is disabled at the CPU interface")
	{
		Cpu c;
		c.open();
		c.cpuif.write_igrpen(Group::G1NS, false);
		c.prio(1, 0xa0);
		c.pend(1);
		CHECK(c.cpuif.read_iar(Group::G1NS, kNs) == INTID_SPURIOUS);
	}
}

TEST_CASE("gic.cpuif: EOIR with EOImode 0 drops priority and deactivates", "[gic][cpuif][eoi]")
{
	Cpu c;
	c.open();
	CHECK_FALSE(c.cpuif.eoimode(kNs));
	c.prio(2, 0xa0);
	c.pend(2);
	REQUIRE(c.cpuif.read_iar(Group::G1NS, kNs) == 2u);
	c.cpuif.write_eoir(2, Group::G1NS, kNs);
	CHECK(c.cpuif.apr(Group::G1NS).none());
	CHECK(c.cpuif.running_priority() == 0xff);
	CHECK_FALSE(c.redist.is_active(2));
	// A new assertion is signalled at once.
	c.pend(2);
	CHECK(c.signalled());
}

TEST_CASE("gic.cpuif: EOIR with EOImode 1 only drops priority; DIR deactivates", "[gic][cpuif][eoi]")
{
	Cpu c;
	c.open();
	c.cpuif.write_eoimode(kNs, true);
	CHECK(c.cpuif.eoimode(kNs));
	CHECK_FALSE(c.cpuif.eoimode(kSecure)); // banked
	c.prio(2, 0xa0);
	c.pend(2);
	REQUIRE(c.cpuif.read_iar(Group::G1NS, kNs) == 2u);
	c.cpuif.write_eoir(2, Group::G1NS, kNs);
	CHECK(c.cpuif.running_priority() == 0xff);
	CHECK(c.redist.is_active(2));

	// Still active: a second SGI becomes active+pending and is held back (docs/reference/hardware.md section 2.6).
	c.pend(2);
	CHECK_FALSE(c.cpuif.hppi().has_value());
	CHECK(c.cpuif.lines(kPeNs) == CpuIfLines{});

	// Another SGI of the same priority is not blocked: the priority has been dropped.
	c.prio(3, 0xa0);
	c.pend(3);
	CHECK(c.signalled());
	c.redist.set_pending(3, false);

	c.cpuif.write_dir(2);
	CHECK_FALSE(c.redist.is_active(2));
	CHECK(c.signalled());
	CHECK(c.cpuif.hppi()->intid == 2u);
}

TEST_CASE("gic.cpuif: EOImode of the Secure bank does not affect Non-secure EOIs", "[gic][cpuif][eoi]")
{
	Cpu c;
	c.open();
	c.cpuif.write_eoimode(kSecure, true);
	c.prio(2, 0xa0);
	c.pend(2);
	REQUIRE(c.cpuif.read_iar(Group::G1NS, kNs) == 2u);
	c.cpuif.write_eoir(2, Group::G1NS, kNs);
	CHECK_FALSE(c.redist.is_active(2));
}

TEST_CASE("gic.cpuif: EOIR of a special INTID does nothing", "[gic][cpuif][eoi]")
{
	Cpu c;
	c.open();
	c.prio(2, 0xa0);
	c.pend(2);
	REQUIRE(c.cpuif.read_iar(Group::G1NS, kNs) == 2u);
	c.cpuif.write_eoir(INTID_SPURIOUS, Group::G1NS, kNs);
	c.cpuif.write_eoir(1020, Group::G1NS, kNs);
	CHECK(c.cpuif.running_priority() == 0xa0);
	CHECK(c.redist.is_active(2));
}

TEST_CASE("gic.cpuif: EOIR drops the highest active priority of its own group only", "[gic][cpuif][eoi]")
{
	Cpu c;
	c.open();
	c.prio(1, 0xa0);
	c.pend(1);
	REQUIRE(c.cpuif.read_iar(Group::G1NS, kNs) == 1u);
	c.prio(8, 0x40);
	c.pend(8);
	REQUIRE(c.cpuif.read_iar(Group::G0, kSecure) == 8u);
	// EOIR1 from NS clears the NS Group 1 bit, not the Group 0 bit.
	c.cpuif.write_eoir(1, Group::G1NS, kNs);
	CHECK(c.cpuif.apr(Group::G1NS).none());
	CHECK(c.cpuif.apr(Group::G0).test(0x40 >> 1));
	CHECK(c.cpuif.running_priority() == 0x40);
	c.cpuif.write_eoir(8, Group::G0, kSecure);
	CHECK(c.cpuif.running_priority() == 0xff);
}

// Group enables and lines

TEST_CASE("gic.cpuif: IGRPEN gates signalling per group", "[gic][cpuif][igrpen]")
{
	Cpu c;
	c.cpuif.write_pmr(0xff, kSecure);
	c.prio(1, 0xa0);
	c.pend(1);
	CHECK_FALSE(c.cpuif.igrpen(Group::G1NS));
	CHECK(c.cpuif.lines(kPeNs) == CpuIfLines{});

	c.cpuif.write_igrpen(Group::G0, true);
	c.cpuif.write_igrpen(Group::G1S, true);
	CHECK(c.cpuif.lines(kPeNs) == CpuIfLines{}); // the other banks do not help

	c.cpuif.write_igrpen(Group::G1NS, true);
	CHECK(c.cpuif.igrpen(Group::G1NS));
	CHECK(c.cpuif.lines(kPeNs).irq);

	// The pending interrupt survives while its group is disabled.
	c.cpuif.write_igrpen(Group::G1NS, false);
	CHECK(c.cpuif.lines(kPeNs) == CpuIfLines{});
	CHECK(c.redist.is_pending(1));
	c.cpuif.write_igrpen(Group::G1NS, true);
	CHECK(c.cpuif.read_iar(Group::G1NS, kNs) == 1u);
}

TEST_CASE("gic.cpuif: a disabled HPPI group hides lower-priority interrupts of another group", "[gic][cpuif][igrpen]")
{
	// IGRPEN is checked on the HPPI only (QEMU icc_hppi_can_preempt): a pending Group 0 SGI with
	// IGRPEN0 off still wins the HPPI choice and nothing is signalled.
	Cpu c;
	c.cpuif.write_pmr(0xff, kSecure);
	c.cpuif.write_igrpen(Group::G1NS, true);
	c.prio(8, 0x70);
	c.prio(1, 0xa0);
	c.pend(8);
	c.pend(1);
	REQUIRE(c.cpuif.hppi()->intid == 8u);
	CHECK(c.cpuif.lines(kPeNs) == CpuIfLines{});
}

TEST_CASE("gic.cpuif: which line each group drives, by PE security state", "[gic][cpuif][lines]")
{
	const CpuIfLines irq{true, false};
	const CpuIfLines fiq{false, true};
	auto setup = [](Cpu& c, unsigned intid) {
		c.cpuif.write_pmr(0xff, kSecure);
		c.cpuif.write_igrpen(Group::G0, true);
		c.cpuif.write_igrpen(Group::G1S, true);
		c.cpuif.write_igrpen(Group::G1NS, true);
		c.prio(intid, 0x40);
		c.pend(intid);
	};

	SECTION("Group 0: always FIQ")
	{
		Cpu c;
		setup(c, 8);
		REQUIRE(c.cpuif.hppi()->group == Group::G0);
		CHECK(c.cpuif.lines(kPeNs) == fiq);
		CHECK(c.cpuif.lines(kPeSecureEl1) == fiq);
		CHECK(c.cpuif.lines(kPeEl3) == fiq);
	}
	SECTION("Secure Group 1: IRQ in Secure EL1, FIQ otherwise")
	{
		Cpu c;
		c.redist.write(GICR_IGRPMODR0, 1u << 9, kSecure, false);
		setup(c, 9);
		REQUIRE(c.cpuif.hppi()->group == Group::G1S);
		CHECK(c.cpuif.lines(kPeNs) == fiq);
		CHECK(c.cpuif.lines(kPeSecureEl1) == irq);
		CHECK(c.cpuif.lines(kPeEl3) == fiq);
	}
	SECTION("Non-secure Group 1: IRQ in Non-secure state, FIQ otherwise")
	{
		Cpu c;
		setup(c, 1);
		REQUIRE(c.cpuif.hppi()->group == Group::G1NS);
		CHECK(c.cpuif.lines(kPeNs) == irq);
		CHECK(c.cpuif.lines(kPeSecureEl1) == fiq);
		CHECK(c.cpuif.lines(kPeEl3) == fiq);
		CHECK(c.cpuif.lines(PeSecurity{true, true}) == fiq);
	}
	SECTION("nothing signalled: both lines low")
	{
		Cpu c;
		setup(c, 1);
		c.cpuif.write_pmr(0x40, kSecure);
		CHECK(c.cpuif.lines(kPeNs) == CpuIfLines{});
		CHECK(c.cpuif.lines(kPeEl3) == CpuIfLines{});
	}
}

TEST_CASE("gic.cpuif: a Secure Group 0 SGI at 0x70 is signalled past any Non-secure PMR", "[gic][cpuif][lines]")
{
	// The SDEI rung: NS software can at most write PMR 0 (stored 0x80), which never masks 0x70.
	Cpu c;
	c.open();
	c.prio(8, 0x70);
	c.cpuif.write_pmr(0x00, kNs);
	REQUIRE(c.cpuif.pmr_abs() == 0x80);
	c.pend(8);
	CHECK(c.cpuif.lines(kPeNs) == CpuIfLines{false, true});
}

// Linux pseudo-NMI, through the Non-secure view with security enabled (DS=0)

namespace {

/// Priorities as Linux writes them (Non-secure view).
struct PseudoNmiPrios {
	const char* era;
	uint8_t irq;     ///< distributor priority of normal IRQs
	uint8_t nmi;     ///< distributor priority of pseudo-NMIs (and the RPR value that identifies one)
	uint8_t irqon;   ///< PMR: everything allowed
	uint8_t irqoff;  ///< PMR: IRQs masked, NMIs allowed
};

constexpr PseudoNmiPrios kPrio2024{"2024", 0xc0, 0x80, 0xe0, 0xc0};
constexpr PseudoNmiPrios kPrioPre2024{"pre-2024", 0xa0, 0x20, 0xe0, 0x60};
constexpr PseudoNmiPrios kPrioPre2024NsPrio{"pre-2024, gic_nonsecure_priorities", 0xa0, 0x20, 0xe0, 0xa0};

constexpr unsigned kIpiStop = 2;    // IPI_CPU_STOP: a normal IRQ
constexpr unsigned kIpiStopNmi = 3; // IPI_CPU_STOP_NMI: a pseudo-NMI

/// INTIDs 0-3 as Linux sets them: IRQ priority, except the stop NMI (INTID 3).
uint32_t sgi0_3_word(const PseudoNmiPrios& p)
{
	return ((0x01010101u * p.irq) & 0x00ffffffu) | (uint32_t(p.nmi) << 24);
}

/// Firmware then Linux: Secure PMR 0xff and group set-up, then NS priorities, enables and IGRPEN1,
/// EOImode 1 as a host kernel runs.
struct LinuxCpu : Cpu {
	explicit LinuxCpu(const PseudoNmiPrios& p)
	{
		cpuif.write_pmr(0xff, kSecure);
		cpuif.write_igrpen(Group::G0, true);
		redist.write(GICR_ICENABLER0, 0xffffffffu, kSecure, false);
		// Linux: all SGIs at the IRQ priority (one word at a time), then the NMI's word.
		for (unsigned off = 0; off < 8; off += 4)
			redist.write(GICR_IPRIORITYR0 + off, 0x01010101u * p.irq, kNs, false);
		redist.write(GICR_IPRIORITYR0, sgi0_3_word(p), kNs, false);
		redist.write(GICR_ISENABLER0, 0x000000ffu, kNs, false);
		cpuif.write_igrpen(Group::G1NS, true);
		cpuif.write_eoimode(kNs, true);
		cpuif.write_pmr(p.irqon, kNs);
	}
	unsigned iar() { return cpuif.read_iar(Group::G1NS, kNs); }
	void eoi(unsigned intid) { cpuif.write_eoir(intid, Group::G1NS, kNs); }
};

void nmi_passes_irqoff(const PseudoNmiPrios& p)
{
	INFO("priority set: " << p.era);
	LinuxCpu c(p);
	// The NS view reads back what Linux wrote.
	CHECK(c.redist.read(GICR_IPRIORITYR0, kNs, false) == sgi0_3_word(p));
	CHECK(c.redist.read(GICR_IPRIORITYR0 + 4, kNs, false) == 0x01010101u * p.irq);
	CHECK(c.cpuif.read_pmr(kNs) == p.irqon);

	// local_irq_disable(): PMR = IRQOFF.
	c.cpuif.write_pmr(p.irqoff, kNs);
	CHECK(c.cpuif.read_pmr(kNs) == p.irqoff);

	// The stop IPI is held back...
	c.pend(kIpiStop);
	CHECK_FALSE(c.signalled());
	CHECK(c.cpuif.lines(kPeNs) == CpuIfLines{});
	CHECK(c.iar() == INTID_SPURIOUS);
	CHECK(c.redist.is_pending(kIpiStop));

	// ...the stop NMI gets through, is acknowledged and shows its priority in RPR.
	c.pend(kIpiStopNmi);
	CHECK(c.cpuif.lines(kPeNs) == CpuIfLines{true, false});
	REQUIRE(c.iar() == kIpiStopNmi);
	CHECK(c.cpuif.read_rpr(kNs) == p.nmi);
	CHECK(c.cpuif.lines(kPeNs) == CpuIfLines{});

	// EOImode 1: priority drop at once, deactivate later.
	c.eoi(kIpiStopNmi);
	CHECK(c.cpuif.running_priority() == 0xff);
	CHECK(c.redist.is_active(kIpiStopNmi));
	c.cpuif.write_dir(kIpiStopNmi);
	CHECK_FALSE(c.redist.is_active(kIpiStopNmi));

	// local_irq_enable(): the stop IPI comes in, and RPR shows the IRQ priority.
	c.cpuif.write_pmr(p.irqon, kNs);
	CHECK(c.cpuif.lines(kPeNs) == CpuIfLines{true, false});
	REQUIRE(c.iar() == kIpiStop);
	CHECK(c.cpuif.read_rpr(kNs) == p.irq);
	CHECK(c.cpuif.read_rpr(kNs) != p.nmi);
	c.eoi(kIpiStop);
	c.cpuif.write_dir(kIpiStop);
	CHECK(c.cpuif.running_priority() == 0xff);
}

void nmi_preempts_irq_handler(const PseudoNmiPrios& p)
{
	INFO("priority set: " << p.era);
	LinuxCpu c(p);
	// A guest kernel (EOImode 0): the IRQ keeps its running priority until the handler's EOIR.
	c.cpuif.write_eoimode(kNs, false);
	c.pend(kIpiStop);
	REQUIRE(c.iar() == kIpiStop);
	CHECK(c.cpuif.read_rpr(kNs) == p.irq);
	// Handler entry from an IRQs-on context: PMR = IRQOFF and DAIF.I cleared, so NMIs may nest.
	c.cpuif.write_pmr(p.irqoff, kNs);
	c.pend(kIpiStopNmi);
	CHECK(c.cpuif.lines(kPeNs) == CpuIfLines{true, false});
	REQUIRE(c.iar() == kIpiStopNmi);
	CHECK(c.cpuif.read_rpr(kNs) == p.nmi);
	c.eoi(kIpiStopNmi);
	CHECK_FALSE(c.redist.is_active(kIpiStopNmi));
	CHECK(c.cpuif.read_rpr(kNs) == p.irq); // back to the interrupted handler's priority
	// A second stop IPI now is held: the first is still active, and PMR masks it anyway.
	c.pend(kIpiStop);
	CHECK_FALSE(c.signalled());
	c.eoi(kIpiStop);
	CHECK(c.cpuif.running_priority() == 0xff);
	CHECK_FALSE(c.redist.is_active(kIpiStop));
	CHECK_FALSE(c.signalled()); // PMR is still at IRQOFF
	c.cpuif.write_pmr(p.irqon, kNs);
	CHECK(c.signalled());
}

void nmi_passes_host_irq_handler(const PseudoNmiPrios& p)
{
	INFO("priority set: " << p.era);
	LinuxCpu c(p);
	// A host kernel (EOImode 1): EOIR right after IAR, so only PMR and the active state hold
	// interrupts back while the handler runs.
	c.pend(kIpiStop);
	REQUIRE(c.iar() == kIpiStop);
	c.eoi(kIpiStop);
	CHECK(c.cpuif.running_priority() == 0xff);
	c.cpuif.write_pmr(p.irqoff, kNs);
	c.pend(kIpiStop);
	c.pend(kIpiStopNmi);
	CHECK(c.cpuif.lines(kPeNs) == CpuIfLines{true, false});
	REQUIRE(c.iar() == kIpiStopNmi);
	CHECK(c.cpuif.read_rpr(kNs) == p.nmi);
	c.eoi(kIpiStopNmi);
	c.cpuif.write_dir(kIpiStopNmi);
	CHECK_FALSE(c.signalled()); // the stop IPI is active+pending
	c.cpuif.write_dir(kIpiStop);
	CHECK_FALSE(c.signalled()); // and PMR still masks it
	c.cpuif.write_pmr(p.irqon, kNs);
	CHECK(c.signalled());
	CHECK(c.iar() == kIpiStop);
}

void nothing_preempts_nmi_handler(const PseudoNmiPrios& p)
{
	INFO("priority set: " << p.era);
	LinuxCpu c(p);
	// Inside an NMI handler (RPR = NMI priority): neither a second NMI nor an IRQ preempts,
	// whatever the PMR says.
	c.pend(kIpiStopNmi);
	REQUIRE(c.iar() == kIpiStopNmi);
	c.pend(kIpiStop);
	c.pend(0);
	c.cpuif.write_pmr(p.irqon, kNs);
	CHECK_FALSE(c.signalled());
	// The same NMI again is active+pending: held.
	c.pend(kIpiStopNmi);
	CHECK_FALSE(c.signalled());
	c.eoi(kIpiStopNmi);
	c.cpuif.write_dir(kIpiStopNmi);
	REQUIRE(c.iar() == kIpiStopNmi); // the repeated NMI first (higher priority)
	c.eoi(kIpiStopNmi);
	c.cpuif.write_dir(kIpiStopNmi);
	REQUIRE(c.iar() == 0u); // then the IRQs, lowest INTID first
	c.eoi(0);
	c.cpuif.write_dir(0);
	REQUIRE(c.iar() == kIpiStop);
	c.eoi(kIpiStop);
	c.cpuif.write_dir(kIpiStop);
	CHECK(c.iar() == INTID_SPURIOUS);
}

void daif_mask_pmr_lets_both_through(const PseudoNmiPrios& p)
{
	INFO("priority set: " << p.era);
	LinuxCpu c(p);
	// local_daif_mask() writes IRQON | PSR_I_SET (0xf0): PMR does not mask, DAIF does.
	c.cpuif.write_pmr(0xf0, kNs);
	c.pend(kIpiStop);
	CHECK(c.signalled());
	c.redist.set_pending(kIpiStop, false);
	c.pend(kIpiStopNmi);
	CHECK(c.signalled());
}

} // namespace

TEST_CASE("gic.cpuif: pseudo-NMI (2024 priorities): an NMI passes PMR=IRQOFF, an IRQ does not",
	  "[gic][cpuif][pnmi]")
{
	nmi_passes_irqoff(kPrio2024);
}

TEST_CASE("gic.cpuif: pseudo-NMI (pre-2024 priorities): an NMI passes PMR=IRQOFF, an IRQ does not",
	  "[gic][cpuif][pnmi]")
{
	nmi_passes_irqoff(kPrioPre2024);
	nmi_passes_irqoff(kPrioPre2024NsPrio);
}

TEST_CASE("gic.cpuif: pseudo-NMI (2024 priorities): an NMI preempts a running IRQ handler", "[gic][cpuif][pnmi]")
{
	nmi_preempts_irq_handler(kPrio2024);
	nmi_passes_host_irq_handler(kPrio2024);
}

TEST_CASE("gic.cpuif: pseudo-NMI (pre-2024 priorities): an NMI preempts a running IRQ handler",
	  "[gic][cpuif][pnmi]")
{
	nmi_preempts_irq_handler(kPrioPre2024);
	nmi_preempts_irq_handler(kPrioPre2024NsPrio);
	nmi_passes_host_irq_handler(kPrioPre2024);
	nmi_passes_host_irq_handler(kPrioPre2024NsPrio);
}

TEST_CASE("gic.cpuif: pseudo-NMI: nothing preempts a running NMI handler", "[gic][cpuif][pnmi]")
{
	nothing_preempts_nmi_handler(kPrio2024);
	nothing_preempts_nmi_handler(kPrioPre2024);
}

TEST_CASE("gic.cpuif: pseudo-NMI: PMR 0xf0 (IRQON|PSR_I_SET) masks neither", "[gic][cpuif][pnmi]")
{
	daif_mask_pmr_lets_both_through(kPrio2024);
	daif_mask_pmr_lets_both_through(kPrioPre2024);
}

TEST_CASE("gic.cpuif: pseudo-NMI stored priorities stay below every Secure priority", "[gic][cpuif][pnmi]")
{
	LinuxCpu a(kPrio2024);
	CHECK(a.redist.priority(kIpiStop) == 0xe0);
	CHECK(a.redist.priority(kIpiStopNmi) == 0xc0);
	CHECK(a.cpuif.pmr_abs() == 0xf0);
	a.cpuif.write_pmr(kPrio2024.irqoff, kNs);
	CHECK(a.cpuif.pmr_abs() == 0xe0);

	LinuxCpu b(kPrioPre2024);
	CHECK(b.redist.priority(kIpiStop) == 0xd0);
	CHECK(b.redist.priority(kIpiStopNmi) == 0x90);
	b.cpuif.write_pmr(kPrioPre2024.irqoff, kNs);
	CHECK(b.cpuif.pmr_abs() == 0xb0);
}
