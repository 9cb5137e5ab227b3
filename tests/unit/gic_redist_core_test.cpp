// SPDX-License-Identifier: Apache-2.0
// GICv3 redistributor core (SGI_base frame) and distributor control: grouping, SGI acceptance,
// HPPI selection, and the Secure / Non-secure register views (docs/reference/hardware.md section 1.4, section 2.1-2.4).
#include "models/gic/gic_redist_core.hpp"

#include <catch2/catch.hpp>

#include <cstdint>

using namespace stopsim::gic;

namespace {

constexpr bool kNs = true;
constexpr bool kSecure = false;
constexpr bool kDs0 = false; // security enabled
constexpr bool kDs1 = true;  // security disabled

constexpr uint32_t kAllGroupsEnabled = GICD_CTLR_ENABLEGRP0 | GICD_CTLR_ENABLEGRP1NS | GICD_CTLR_ENABLEGRP1S;

GicDistCore dist_with(uint32_t ctlr)
{
	GicDistCore d;
	d.ctlr = ctlr;
	return d;
}

/// The layout firmware sets up on TF-A platforms: SGIs 8-15 are Group 0, everything else NS Group 1.
GicRedistCore tfa_layout()
{
	GicRedistCore r;
	r.igroupr0 = 0xffff00ffu;
	r.igrpmodr0 = 0;
	return r;
}

} // namespace

// Grouping

TEST_CASE("gic.redist: group_of from IGROUPR0 and IGRPMODR0", "[gic][redist][group]")
{
	GicRedistCore r;
	// Reset: everything Group 0.
	for (unsigned i = 0; i < kNumPrivate; i++)
		REQUIRE(r.group_of(i) == Group::G0);

	r.igroupr0 = (1u << 1) | (1u << 3) | (1u << 31);
	r.igrpmodr0 = (1u << 2) | (1u << 3) | (1u << 30);
	CHECK(r.group_of(0) == Group::G0);   // 0/0
	CHECK(r.group_of(1) == Group::G1NS); // IGROUPR=1, IGRPMODR=0
	CHECK(r.group_of(2) == Group::G1S);  // IGROUPR=0, IGRPMODR=1
	CHECK(r.group_of(30) == Group::G1S);
	CHECK(r.group_of(31) == Group::G1NS);
	CHECK(r.group_of(4) == Group::G0);
}

// SGI acceptance

TEST_CASE("gic.redist: accept_sgi needs the requested group to match the configured group",
	  "[gic][redist][sgi]")
{
	GicRedistCore r;
	r.igroupr0 = 1u << 1;  // SGI 1: NS Group 1
	r.igrpmodr0 = 1u << 2; // SGI 2: Secure Group 1; SGI 0: Group 0

	SECTION("NS Group 1 SGI")
	{
		CHECK_FALSE(r.accept_sgi(1, Group::G0, kSecure, kDs0));
		CHECK_FALSE(r.accept_sgi(1, Group::G1S, kSecure, kDs0));
		CHECK(r.pending == 0u);
		CHECK(r.accept_sgi(1, Group::G1NS, kNs, kDs0));
		CHECK(r.pending == (1u << 1));
	}
	SECTION("Secure Group 1 SGI")
	{
		CHECK_FALSE(r.accept_sgi(2, Group::G0, kSecure, kDs0));
		CHECK_FALSE(r.accept_sgi(2, Group::G1NS, kNs, kDs0));
		CHECK(r.pending == 0u);
		CHECK(r.accept_sgi(2, Group::G1S, kSecure, kDs0));
		CHECK(r.pending == (1u << 2));
	}
	SECTION("Group 0 SGI")
	{
		CHECK_FALSE(r.accept_sgi(0, Group::G1NS, kNs, kDs0));
		CHECK(r.pending == 0u);
		CHECK(r.accept_sgi(0, Group::G0, kSecure, kDs0));
		CHECK(r.pending == 1u);
	}
}

TEST_CASE("gic.redist: a Secure Group 1 request is accepted by a Group 0 SGI", "[gic][redist][sgi]")
{
	GicRedistCore r; // SGI 8: Group 0
	CHECK(r.accept_sgi(8, Group::G1S, kSecure, kDs0));
	CHECK(r.is_pending(8));
	CHECK(r.pending == (1u << 8));
}

TEST_CASE("gic.redist: GICR_NSACR gates Secure SGIs from a Non-secure sender", "[gic][redist][sgi][nsacr]")
{
	GicRedistCore r;
	r.igrpmodr0 = 1u << 9; // SGI 8: Group 0, SGI 9: Secure Group 1

	SECTION("NSACR = 0 denies both")
	{
		CHECK_FALSE(r.accept_sgi(8, Group::G0, kNs, kDs0));
		CHECK_FALSE(r.accept_sgi(9, Group::G1S, kNs, kDs0));
		CHECK(r.pending == 0u);
	}
	SECTION("NSACR = 1 permits Group 0 only")
	{
		r.nsacr = (1u << 16) | (1u << 18);
		CHECK(r.accept_sgi(8, Group::G0, kNs, kDs0));
		CHECK_FALSE(r.accept_sgi(9, Group::G1S, kNs, kDs0));
		CHECK(r.pending == (1u << 8));
	}
	SECTION("NSACR = 2 permits Group 0 and Secure Group 1")
	{
		r.nsacr = (2u << 16) | (2u << 18);
		CHECK(r.accept_sgi(8, Group::G0, kNs, kDs0));
		CHECK(r.accept_sgi(9, Group::G1S, kNs, kDs0));
		CHECK(r.pending == ((1u << 8) | (1u << 9)));
	}
	SECTION("the field of another SGI does not count")
	{
		r.nsacr = 2u << 14; // SGI 7's field
		CHECK_FALSE(r.accept_sgi(8, Group::G0, kNs, kDs0));
		CHECK(r.pending == 0u);
	}
	SECTION("a Secure sender ignores NSACR")
	{
		CHECK(r.accept_sgi(8, Group::G0, kSecure, kDs0));
		CHECK(r.accept_sgi(9, Group::G1S, kSecure, kDs0));
	}
	SECTION("with security disabled NSACR does not apply")
	{
		CHECK(r.accept_sgi(8, Group::G0, kNs, kDs1));
	}
}

TEST_CASE("gic.redist: NSACR never blocks a Non-secure Group 1 SGI", "[gic][redist][sgi][nsacr]")
{
	GicRedistCore r = tfa_layout();
	r.nsacr = 0;
	CHECK(r.accept_sgi(2, Group::G1NS, kNs, kDs0));
	CHECK(r.is_pending(2));
}

TEST_CASE("gic.redist: a repeated SGI merges into one pending bit", "[gic][redist][sgi][merge]")
{
	GicRedistCore r = tfa_layout();
	CHECK(r.accept_sgi(3, Group::G1NS, kNs, kDs0));
	CHECK(r.accept_sgi(3, Group::G1NS, kNs, kDs0)); // reported as accepted: it merged
	CHECK(r.pending == (1u << 3));
	// One clear removes it: no count was kept.
	r.set_pending(3, false);
	CHECK_FALSE(r.is_pending(3));
	CHECK(r.pending == 0u);
}

TEST_CASE("gic.redist: an SGI arriving while active becomes active and pending", "[gic][redist][sgi]")
{
	GicRedistCore r = tfa_layout();
	r.isenabler0 = 0xffffffffu;
	const GicDistCore d = dist_with(kAllGroupsEnabled);
	r.set_active(2, true);
	CHECK(r.accept_sgi(2, Group::G1NS, kNs, kDs0));
	CHECK(r.is_pending(2));
	CHECK(r.is_active(2));
	CHECK_FALSE(r.hppi(d).has_value());
	r.set_active(2, false);
	REQUIRE(r.hppi(d).has_value());
	CHECK(r.hppi(d)->intid == 2u);
}

// Highest-priority pending interrupt

TEST_CASE("gic.redist: hppi is empty with nothing pending", "[gic][redist][hppi]")
{
	GicRedistCore r = tfa_layout();
	r.isenabler0 = 0xffffffffu;
	CHECK_FALSE(r.hppi(dist_with(kAllGroupsEnabled)).has_value());
}

TEST_CASE("gic.redist: hppi picks the lowest priority value", "[gic][redist][hppi]")
{
	GicRedistCore r = tfa_layout();
	r.isenabler0 = 0xffffffffu;
	r.ipriorityr[1] = 0xa0;
	r.ipriorityr[5] = 0x80;
	r.ipriorityr[20] = 0xc0;
	r.set_pending(1, true);
	r.set_pending(5, true);
	r.set_pending(20, true);
	const GicDistCore d = dist_with(kAllGroupsEnabled);
	auto h = r.hppi(d);
	REQUIRE(h.has_value());
	CHECK(h->intid == 5u);
	CHECK(h->prio == 0x80);
	CHECK(h->group == Group::G1NS);

	// A Group 0 SGI at 0x70 beats them all.
	r.ipriorityr[8] = 0x70;
	r.set_pending(8, true);
	h = r.hppi(d);
	REQUIRE(h.has_value());
	CHECK(h->intid == 8u);
	CHECK(h->prio == 0x70);
	CHECK(h->group == Group::G0);
}

TEST_CASE("gic.redist: hppi ties go to the lowest INTID", "[gic][redist][hppi]")
{
	GicRedistCore r = tfa_layout();
	r.isenabler0 = 0xffffffffu;
	for (unsigned i : {7u, 2u, 6u, 25u}) {
		r.ipriorityr[i] = 0x60;
		r.set_pending(i, true);
	}
	const GicDistCore d = dist_with(kAllGroupsEnabled);
	REQUIRE(r.hppi(d).has_value());
	CHECK(r.hppi(d)->intid == 2u);
	r.set_pending(2, false);
	CHECK(r.hppi(d)->intid == 6u);
	r.set_pending(6, false);
	CHECK(r.hppi(d)->intid == 7u);
	r.set_pending(7, false);
	CHECK(r.hppi(d)->intid == 25u);
}

TEST_CASE("gic.redist: hppi excludes disabled, active and group-disabled interrupts", "[gic][redist][hppi]")
{
	GicRedistCore r = tfa_layout();
	r.isenabler0 = 0xffffffffu;
	r.ipriorityr[0] = 0x10;  // NS
	r.ipriorityr[1] = 0x20;  // NS
	r.ipriorityr[8] = 0x30;  // Group 0
	r.ipriorityr[3] = 0x40;  // NS
	for (unsigned i : {0u, 1u, 8u, 3u})
		r.set_pending(i, true);
	GicDistCore d = dist_with(kAllGroupsEnabled);
	REQUIRE(r.hppi(d)->intid == 0u);

	r.isenabler0 &= ~1u; // disabled
	REQUIRE(r.hppi(d)->intid == 1u);

	r.set_active(1, true); // active (and still pending)
	REQUIRE(r.hppi(d)->intid == 8u);

	d.ctlr = GICD_CTLR_ENABLEGRP1NS | GICD_CTLR_ENABLEGRP1S; // Group 0 off in the distributor
	REQUIRE(r.hppi(d)->intid == 3u);

	d.ctlr = GICD_CTLR_ENABLEGRP0; // only Group 0 on
	REQUIRE(r.hppi(d)->intid == 8u);

	d.ctlr = 0;
	CHECK_FALSE(r.hppi(d).has_value());
}

TEST_CASE("gic.redist: hppi respects the Secure Group 1 enable", "[gic][redist][hppi]")
{
	GicRedistCore r;
	r.igrpmodr0 = 1u << 4; // SGI 4: Secure Group 1
	r.isenabler0 = 1u << 4;
	r.ipriorityr[4] = 0x50;
	r.set_pending(4, true);
	CHECK_FALSE(r.hppi(dist_with(GICD_CTLR_ENABLEGRP0 | GICD_CTLR_ENABLEGRP1NS)).has_value());
	auto h = r.hppi(dist_with(GICD_CTLR_ENABLEGRP1S));
	REQUIRE(h.has_value());
	CHECK(h->intid == 4u);
	CHECK(h->group == Group::G1S);
}

TEST_CASE("gic.redist: with security disabled, Secure Group 1 is treated as Group 0", "[gic][redist][ds]")
{
	// docs/reference/hardware.md section 1.3: with GICD_CTLR.DS=1 there is no Secure Group 1.
	GicRedistCore r;
	r.igrpmodr0 = 1u << 4;
	r.isenabler0 = 1u << 4;
	r.ipriorityr[4] = 0x50;
	const GicDistCore d = dist_with(GICD_CTLR_DS | GICD_CTLR_ENABLEGRP0);
	CHECK(r.accept_sgi(4, Group::G0, kNs, kDs1));
	auto h = r.hppi(d);
	REQUIRE(h.has_value());
	CHECK(h->intid == 4u);
	CHECK(h->group == Group::G0);
}

// MMIO, Secure view

TEST_CASE("gic.redist: Secure MMIO reads back what it wrote", "[gic][redist][mmio]")
{
	GicRedistCore r;
	r.write(GICR_IGROUPR0, 0xffff00ffu, kSecure, kDs0);
	r.write(GICR_IGRPMODR0, 0x00000200u, kSecure, kDs0);
	r.write(GICR_NSACR, 0x00050000u, kSecure, kDs0);
	CHECK(r.read(GICR_IGROUPR0, kSecure, kDs0) == 0xffff00ffu);
	CHECK(r.read(GICR_IGRPMODR0, kSecure, kDs0) == 0x00000200u);
	CHECK(r.read(GICR_NSACR, kSecure, kDs0) == 0x00050000u);
	CHECK(r.group_of(9) == Group::G1S);
	CHECK(r.group_of(8) == Group::G0);
	CHECK(r.group_of(0) == Group::G1NS);
}

TEST_CASE("gic.redist: set/clear-enable, -pending and -active registers", "[gic][redist][mmio]")
{
	GicRedistCore r;
	r.write(GICR_ISENABLER0, 0x0000000fu, kSecure, kDs0);
	r.write(GICR_ISENABLER0, 0x00000100u, kSecure, kDs0); // set: ORs in
	CHECK(r.isenabler0 == 0x0000010fu);
	CHECK(r.read(GICR_ISENABLER0, kSecure, kDs0) == 0x0000010fu);
	CHECK(r.read(GICR_ICENABLER0, kSecure, kDs0) == 0x0000010fu);
	r.write(GICR_ICENABLER0, 0x00000003u, kSecure, kDs0); // clear: only the ones written
	CHECK(r.read(GICR_ISENABLER0, kSecure, kDs0) == 0x0000010cu);
	r.write(GICR_ISENABLER0, 0, kSecure, kDs0); // writing 0 changes nothing
	r.write(GICR_ICENABLER0, 0, kSecure, kDs0);
	CHECK(r.isenabler0 == 0x0000010cu);

	r.write(GICR_ISPENDR0, 0x00000022u, kSecure, kDs0);
	CHECK(r.is_pending(1));
	CHECK(r.is_pending(5));
	CHECK(r.read(GICR_ISPENDR0, kSecure, kDs0) == 0x00000022u);
	CHECK(r.read(GICR_ICPENDR0, kSecure, kDs0) == 0x00000022u);
	r.write(GICR_ICPENDR0, 0x00000002u, kSecure, kDs0);
	CHECK(r.pending == 0x00000020u);

	r.write(GICR_ISACTIVER0, 0x80000001u, kSecure, kDs0);
	CHECK(r.read(GICR_ISACTIVER0, kSecure, kDs0) == 0x80000001u);
	CHECK(r.read(GICR_ICACTIVER0, kSecure, kDs0) == 0x80000001u);
	r.write(GICR_ICACTIVER0, 0x00000001u, kSecure, kDs0);
	CHECK(r.active == 0x80000000u);
}

TEST_CASE("gic.redist: Secure IPRIORITYR access is byte-per-INTID, little-endian, unshifted",
	  "[gic][redist][mmio][priority]")
{
	GicRedistCore r;
	r.write(GICR_IPRIORITYR0, 0x40302010u, kSecure, kDs0);
	CHECK(r.priority(0) == 0x10);
	CHECK(r.priority(1) == 0x20);
	CHECK(r.priority(2) == 0x30);
	CHECK(r.priority(3) == 0x40);
	r.write(GICR_IPRIORITYR0 + 28, 0xffa0c0e0u, kSecure, kDs0);
	CHECK(r.priority(28) == 0xe0);
	CHECK(r.priority(31) == 0xff);
	CHECK(r.read(GICR_IPRIORITYR0, kSecure, kDs0) == 0x40302010u);
	CHECK(r.read(GICR_IPRIORITYR0 + 28, kSecure, kDs0) == 0xffa0c0e0u);
	CHECK(r.read(GICR_IPRIORITYR0 + 4, kSecure, kDs0) == 0u);
}

TEST_CASE("gic.redist: GICR_WAKER ProcessorSleep handshake", "[gic][redist][mmio]")
{
	GicRedistCore r;
	CHECK(r.read(GICR_WAKER, kSecure, kDs0) == (GICR_WAKER_PROCESSORSLEEP | GICR_WAKER_CHILDRENASLEEP));
	r.write(GICR_WAKER, 0, kNs, kDs0);
	CHECK(r.read(GICR_WAKER, kNs, kDs0) == 0u);
	r.write(GICR_WAKER, GICR_WAKER_PROCESSORSLEEP, kNs, kDs0);
	CHECK(r.read(GICR_WAKER, kNs, kDs0) == (GICR_WAKER_PROCESSORSLEEP | GICR_WAKER_CHILDRENASLEEP));
}

TEST_CASE("gic.redist: unimplemented SGI_base offsets read as zero and ignore writes", "[gic][redist][mmio]")
{
	GicRedistCore r;
	r.write(GICR_SGI_BASE + 0x0c00, 0xffffffffu, kSecure, kDs0); // GICR_ICFGR0
	CHECK(r.read(GICR_SGI_BASE + 0x0c00, kSecure, kDs0) == 0u);
	CHECK(r.isenabler0 == 0u);
	CHECK(r.pending == 0u);
}

// MMIO, Non-secure view with security enabled (DS=0)

TEST_CASE("gic.redist: Non-secure bit registers are RAZ/WI for Secure interrupts", "[gic][redist][mmio][ns]")
{
	GicRedistCore r = tfa_layout(); // 8-15 Group 0
	r.write(GICR_ISENABLER0, 0xffffffffu, kNs, kDs0);
	CHECK(r.isenabler0 == 0xffff00ffu);
	r.write(GICR_ISENABLER0, 0x0000ff00u, kSecure, kDs0);
	CHECK(r.isenabler0 == 0xffffffffu);
	CHECK(r.read(GICR_ISENABLER0, kNs, kDs0) == 0xffff00ffu);
	CHECK(r.read(GICR_ISENABLER0, kSecure, kDs0) == 0xffffffffu);
	r.write(GICR_ICENABLER0, 0xffffffffu, kNs, kDs0);
	CHECK(r.isenabler0 == 0x0000ff00u);

	r.write(GICR_ISPENDR0, 0x00000301u, kNs, kDs0);
	CHECK(r.pending == 0x00000001u);
	r.set_pending(8, true);
	CHECK(r.read(GICR_ISPENDR0, kNs, kDs0) == 0x00000001u);
	r.write(GICR_ICPENDR0, 0xffffffffu, kNs, kDs0);
	CHECK(r.pending == (1u << 8));

	r.write(GICR_ISACTIVER0, 0x00000101u, kNs, kDs0);
	CHECK(r.active == 0x00000001u);
	r.set_active(9, true);
	CHECK(r.read(GICR_ISACTIVER0, kNs, kDs0) == 0x00000001u);
	r.write(GICR_ICACTIVER0, 0xffffffffu, kNs, kDs0);
	CHECK(r.active == (1u << 9));
}

TEST_CASE("gic.redist: Non-secure writes cannot regroup interrupts or open NSACR", "[gic][redist][mmio][ns]")
{
	GicRedistCore r = tfa_layout();
	r.igrpmodr0 = 1u << 9;
	r.nsacr = 1u << 16;
	r.write(GICR_IGROUPR0, 0xffffffffu, kNs, kDs0);
	r.write(GICR_IGRPMODR0, 0xffffffffu, kNs, kDs0);
	r.write(GICR_NSACR, 0xffffffffu, kNs, kDs0);
	CHECK(r.igroupr0 == 0xffff00ffu);
	CHECK(r.igrpmodr0 == (1u << 9));
	CHECK(r.nsacr == (1u << 16));
	CHECK(r.read(GICR_IGRPMODR0, kNs, kDs0) == 0u);
	CHECK(r.read(GICR_NSACR, kNs, kDs0) == 0u);
}

TEST_CASE("gic.redist: Non-secure priority writes are shifted into the lower half", "[gic][redist][mmio][ns][priority]")
{
	GicRedistCore r = tfa_layout();
	// Linux's values for INTIDs 0-3: 0xe0, 0xa0, 0xc0, 0x80.
	r.write(GICR_IPRIORITYR0, 0x80c0a0e0u, kNs, kDs0);
	CHECK(r.priority(0) == 0xf0);
	CHECK(r.priority(1) == 0xd0);
	CHECK(r.priority(2) == 0xe0);
	CHECK(r.priority(3) == 0xc0);
	// And read back shifted left, so NS software sees its own values.
	CHECK(r.read(GICR_IPRIORITYR0, kNs, kDs0) == 0x80c0a0e0u);
	CHECK(r.read(GICR_IPRIORITYR0, kSecure, kDs0) == 0xc0e0d0f0u);

	// The lowest bit of an NS write is lost, and 0 lands at 0x80: NS can never reach the Secure half.
	r.write(GICR_IPRIORITYR0 + 4, 0x00ff01e1u, kNs, kDs0);
	CHECK(r.priority(4) == 0xf0);
	CHECK(r.priority(5) == 0x80);
	CHECK(r.priority(6) == 0xff);
	CHECK(r.priority(7) == 0x80);
	CHECK(r.read(GICR_IPRIORITYR0 + 4, kNs, kDs0) == 0x00fe00e0u);
}

TEST_CASE("gic.redist: Non-secure priority access to Secure interrupts is RAZ/WI", "[gic][redist][mmio][ns][priority]")
{
	GicRedistCore r = tfa_layout();
	r.write(GICR_IPRIORITYR0 + 8, 0x70707070u, kSecure, kDs0);
	r.write(GICR_IPRIORITYR0 + 8, 0xa0a0a0a0u, kNs, kDs0);
	for (unsigned i = 8; i < 12; i++)
		CHECK(r.priority(i) == 0x70);
	CHECK(r.read(GICR_IPRIORITYR0 + 8, kNs, kDs0) == 0u);
	CHECK(r.read(GICR_IPRIORITYR0 + 8, kSecure, kDs0) == 0x70707070u);

	// A word mixing NS and Secure INTIDs: only the NS bytes change and show.
	r.igroupr0 = 0x00000005u; // INTIDs 0 and 2 NS, 1 and 3 Group 0
	r.write(GICR_IPRIORITYR0, 0x11223344u, kSecure, kDs0);
	r.write(GICR_IPRIORITYR0, 0xa0a0a0a0u, kNs, kDs0);
	CHECK(r.read(GICR_IPRIORITYR0, kSecure, kDs0) == 0x11d033d0u);
	CHECK(r.read(GICR_IPRIORITYR0, kNs, kDs0) == 0x00a000a0u);
}

TEST_CASE("gic.redist: an NS interrupt given a Secure-half priority reads back as (p << 1) & 0xff from NS",
	  "[gic][redist][mmio][ns][priority]")
{
	GicRedistCore r = tfa_layout();
	r.write(GICR_IPRIORITYR0, 0x00000040u, kSecure, kDs0);
	CHECK(r.priority(0) == 0x40);
	CHECK(r.read(GICR_IPRIORITYR0, kNs, kDs0) == 0x00000080u); // (0x40 << 1) & 0xff
}

TEST_CASE("gic.redist: with security disabled, Non-secure accesses see everything unshifted", "[gic][redist][mmio][ds]")
{
	GicRedistCore r = tfa_layout();
	r.write(GICR_IPRIORITYR0 + 8, 0x70605040u, kNs, kDs1);
	CHECK(r.priority(8) == 0x40);
	CHECK(r.priority(11) == 0x70);
	CHECK(r.read(GICR_IPRIORITYR0 + 8, kNs, kDs1) == 0x70605040u);
	r.write(GICR_ISENABLER0, 0xffffffffu, kNs, kDs1);
	CHECK(r.read(GICR_ISENABLER0, kNs, kDs1) == 0xffffffffu);
	r.write(GICR_IGROUPR0, 0x0000ffffu, kNs, kDs1);
	CHECK(r.read(GICR_IGROUPR0, kNs, kDs1) == 0x0000ffffu);
	r.write(GICR_NSACR, 0x2u, kNs, kDs1);
	CHECK(r.read(GICR_NSACR, kNs, kDs1) == 0x2u);
}

// Distributor GICD_CTLR

TEST_CASE("gic.dist: group_enabled follows the GICD_CTLR enables", "[gic][dist]")
{
	GicDistCore d;
	CHECK_FALSE(d.group_enabled(Group::G0));
	CHECK_FALSE(d.group_enabled(Group::G1S));
	CHECK_FALSE(d.group_enabled(Group::G1NS));
	d.ctlr = GICD_CTLR_ENABLEGRP0;
	CHECK(d.group_enabled(Group::G0));
	CHECK_FALSE(d.group_enabled(Group::G1NS));
	d.ctlr = GICD_CTLR_ENABLEGRP1NS;
	CHECK(d.group_enabled(Group::G1NS));
	CHECK_FALSE(d.group_enabled(Group::G1S));
	d.ctlr = GICD_CTLR_ENABLEGRP1S;
	CHECK(d.group_enabled(Group::G1S));
	CHECK_FALSE(d.group_enabled(Group::G0));
}

TEST_CASE("gic.dist: Secure GICD_CTLR write keeps only implemented bits", "[gic][dist][ctlr]")
{
	GicDistCore d;
	d.write_ctlr(0xffffffffu, true);
	CHECK(d.ctlr == (kAllGroupsEnabled | GICD_CTLR_ARE_S | GICD_CTLR_ARE_NS | GICD_CTLR_DS));
	CHECK(d.ds());

	GicDistCore e;
	e.write_ctlr(0x80000000u | kAllGroupsEnabled | GICD_CTLR_ARE_S | GICD_CTLR_ARE_NS | (1u << 7), true);
	CHECK_FALSE(e.ds());
	CHECK(e.read_ctlr(true) == 0x37u);
}

TEST_CASE("gic.dist: Non-secure view of GICD_CTLR with security enabled", "[gic][dist][ctlr][ns]")
{
	GicDistCore d;
	d.write_ctlr(kAllGroupsEnabled | GICD_CTLR_ARE_S | GICD_CTLR_ARE_NS, true);
	// NS sees EnableGrp1A (bit 1) and ARE_NS (bit 4) only.
	CHECK(d.read_ctlr(false) == (GICD_CTLR_NS_ENABLEGRP1A | GICD_CTLR_NS_ARE_NS));
	CHECK(d.read_ctlr(false) == 0x12u);

	// An NS write of 0 turns off only the NS Group 1 enable and ARE_NS.
	d.write_ctlr(0, false);
	CHECK(d.ctlr == (GICD_CTLR_ENABLEGRP0 | GICD_CTLR_ENABLEGRP1S | GICD_CTLR_ARE_S));
	CHECK(d.read_ctlr(false) == 0u);

	// NS cannot disable Secure groups or set DS.
	d.write_ctlr(0xffffffffu, false);
	CHECK(d.ctlr == (kAllGroupsEnabled | GICD_CTLR_ARE_S | GICD_CTLR_ARE_NS));
	CHECK_FALSE(d.ds());

	// Bit 0 (EnableGrp1) alone also enables NS Group 1.
	d.write_ctlr(0, false);
	d.write_ctlr(GICD_CTLR_NS_ENABLEGRP1, false);
	CHECK(d.group_enabled(Group::G1NS));
	CHECK(d.read_ctlr(false) == GICD_CTLR_NS_ENABLEGRP1A);
	CHECK(d.read_ctlr(true) == (GICD_CTLR_ENABLEGRP0 | GICD_CTLR_ENABLEGRP1NS | GICD_CTLR_ENABLEGRP1S | GICD_CTLR_ARE_S));
}

TEST_CASE("gic.dist: with DS=1 a Non-secure access sees the single-security view", "[gic][dist][ctlr][ds]")
{
	GicDistCore d;
	d.write_ctlr(GICD_CTLR_DS | GICD_CTLR_ENABLEGRP0 | GICD_CTLR_ENABLEGRP1NS | GICD_CTLR_ARE_S, true);
	CHECK(d.read_ctlr(false) == (GICD_CTLR_DS | GICD_CTLR_ENABLEGRP0 | GICD_CTLR_ENABLEGRP1NS | GICD_CTLR_ARE_S));
	d.write_ctlr(GICD_CTLR_DS | GICD_CTLR_ENABLEGRP1NS, false);
	CHECK(d.ctlr == (GICD_CTLR_DS | GICD_CTLR_ENABLEGRP1NS));
	CHECK_FALSE(d.group_enabled(Group::G0));
}
