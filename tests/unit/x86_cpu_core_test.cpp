// SPDX-License-Identifier: Apache-2.0
// The x86 core's interrupt acceptance: IF, NMI blocking with one latched NMI, SMM, HLT wake-up.
#include "models/cpu/x86_cpu_core.hpp"

#include <catch2/catch.hpp>

using namespace stopsim::cpu;

TEST_CASE("x86.core: NMIs are blocked until IRET and one NMI stays latched", "[x86][core][nmi]")
{
	X86CpuCore c;
	c.raise_nmi();
	REQUIRE(c.pending() == X86Exception::kNmi);
	c.take_nmi();
	CHECK(c.nmi_blocked);
	CHECK_FALSE(c.nmi_pending);
	CHECK(c.pending() == X86Exception::kNone);

	// Three more NMIs during the handler collapse into one latch.
	c.raise_nmi();
	c.raise_nmi();
	c.raise_nmi();
	CHECK(c.pending() == X86Exception::kNone);
	c.iret();
	REQUIRE(c.pending() == X86Exception::kNmi);
	c.take_nmi();
	CHECK(c.pending() == X86Exception::kNone);
	c.iret();
	CHECK(c.pending() == X86Exception::kNone); // only one was kept
}

TEST_CASE("x86.core: an NMI is taken before INTR", "[x86][core][nmi]")
{
	X86CpuCore c;
	c.if_flag = true;
	c.intr_line = true;
	c.raise_nmi();
	CHECK(c.pending() == X86Exception::kNmi);
	c.take_nmi();
	CHECK(c.pending() == X86Exception::kIntr); // NMI blocking does not hold INTR back
}

TEST_CASE("x86.core: INTR needs IF=1, NMI does not", "[x86][core][if]")
{
	X86CpuCore c;
	c.intr_line = true;
	c.if_flag = false;
	CHECK(c.pending() == X86Exception::kNone);
	c.if_flag = true;
	CHECK(c.pending() == X86Exception::kIntr);
	c.intr_line = false;
	CHECK(c.pending() == X86Exception::kNone);
	c.if_flag = false;
	c.raise_nmi();
	CHECK(c.pending() == X86Exception::kNmi);
}

TEST_CASE("x86.core: SMM holds an NMI until RSM", "[x86][core][smm]")
{
	X86CpuCore c;
	c.if_flag = true;
	c.enter_smm();
	CHECK(c.nmi_blocked);
	c.raise_nmi();
	c.raise_nmi();
	c.intr_line = true;
	CHECK(c.pending() == X86Exception::kNone); // neither NMI nor INTR inside SMM
	c.rsm();
	CHECK_FALSE(c.in_smm);
	CHECK_FALSE(c.nmi_blocked);
	REQUIRE(c.pending() == X86Exception::kNmi); // serviced right after RSM
	c.take_nmi();
	c.iret();
	CHECK(c.pending() == X86Exception::kIntr); // the two NMIs were one
}

TEST_CASE("x86.core: RSM restores the NMI blocking that was there before the SMI", "[x86][core][smm]")
{
	X86CpuCore c;
	c.raise_nmi();
	c.take_nmi(); // inside an NMI handler
	c.enter_smm();
	c.raise_nmi();
	c.rsm();
	CHECK(c.nmi_blocked); // still in the NMI handler
	CHECK(c.pending() == X86Exception::kNone);
	c.iret();
	CHECK(c.pending() == X86Exception::kNmi);

	X86CpuCore d; // not blocked before: not blocked after
	d.enter_smm();
	d.rsm();
	CHECK_FALSE(d.nmi_blocked);
}

TEST_CASE("x86.core: HLT wake rules", "[x86][core][hlt]")
{
	SECTION("a fixed interrupt with IF=0 does not wake HLT")
	{
		X86CpuCore c;
		c.intr_line = true;
		CHECK_FALSE(c.hlt_wakes());
		c.if_flag = true;
		CHECK(c.hlt_wakes());
	}
	SECTION("an NMI wakes HLT with IF=0 unless NMIs are blocked")
	{
		X86CpuCore c;
		c.raise_nmi();
		CHECK(c.hlt_wakes());
		c.take_nmi();
		c.raise_nmi();
		CHECK_FALSE(c.hlt_wakes()); // stuck in an NMI handler's HLT: latched only
		c.iret();
		CHECK(c.hlt_wakes());
	}
	SECTION("nothing pending: HLT sleeps")
	{
		X86CpuCore c;
		c.if_flag = true;
		CHECK_FALSE(c.hlt_wakes());
	}
	SECTION("in SMM nothing wakes it until RSM")
	{
		X86CpuCore c;
		c.enter_smm();
		c.raise_nmi();
		CHECK_FALSE(c.hlt_wakes());
		c.rsm();
		CHECK(c.hlt_wakes());
	}
}
