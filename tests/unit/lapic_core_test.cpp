// SPDX-License-Identifier: Apache-2.0
// The local APIC core: IRR/ISR, TPR/PPR, INTR, INTA, EOI, the software enable, ICR fields.
#include "models/lapic/lapic_core.hpp"

#include <catch2/catch.hpp>

using namespace stopsim::lapic;

namespace {

LapicCore enabled_apic()
{
	LapicCore a;
	a.write(APIC_SVR, APIC_SVR_ENABLE | 0xff);
	return a;
}

} // namespace

TEST_CASE("lapic.core: reset leaves the APIC software-disabled with spurious vector 0xff", "[lapic][core]")
{
	LapicCore a;
	CHECK_FALSE(a.sw_enabled());
	CHECK(a.read(APIC_SVR) == 0xff);
	CHECK(a.read(APIC_PPR) == 0);
	CHECK_FALSE(a.intr());
}

TEST_CASE("lapic.core: one IRR bit per vector, a repeated vector merges", "[lapic][core][irr]")
{
	LapicCore a = enabled_apic();
	bool merged = true;
	REQUIRE(a.accept_fixed(0xf8, &merged));
	CHECK_FALSE(merged);
	REQUIRE(a.accept_fixed(0xf8, &merged));
	CHECK(merged);
	CHECK(a.irr.count() == 1);
	// One INTA takes it; nothing is left to deliver from the second copy.
	CHECK(a.inta() == 0xf8);
	CHECK(a.irr.none());
	CHECK(a.inta() == -1);
	// A vector may be queued twice at most: once in ISR, once in IRR.
	REQUIRE(a.accept_fixed(0xf8, &merged));
	CHECK_FALSE(merged);
	CHECK(a.irr.test(0xf8));
	CHECK(a.isr.test(0xf8));
}

TEST_CASE("lapic.core: PPR is TPR unless the highest in-service class is above it", "[lapic][core][ppr]")
{
	LapicCore a = enabled_apic();
	a.write(APIC_TPR, 0x35);
	CHECK(a.ppr() == 0x35); // nothing in service
	a.isr.set(0x41);
	CHECK(a.ppr() == 0x40); // ISRV class 4 > TPR class 3: PPR = ISRV & 0xf0
	a.isr.set(0xe7);
	CHECK(a.ppr() == 0xe0);
	a.write(APIC_TPR, 0xe9);
	CHECK(a.ppr() == 0xe9); // equal class: TPR wins, low bits included
	a.write(APIC_TPR, 0xf0);
	CHECK(a.ppr() == 0xf0);
	CHECK(a.read(APIC_PPR) == 0xf0);
}

TEST_CASE("lapic.core: INTR only when the highest IRR class beats the PPR class", "[lapic][core][intr]")
{
	LapicCore a = enabled_apic();
	a.write(APIC_TPR, 0x50);
	a.accept_fixed(0x5f);
	CHECK_FALSE(a.intr()); // same class as TPR: held
	CHECK(a.inta() == -1);
	a.accept_fixed(0x61);
	CHECK(a.intr());
	CHECK(a.inta() == 0x61);
	CHECK_FALSE(a.intr()); // 0x5f is below the in-service class 6
	a.write(APIC_TPR, 0);
	CHECK_FALSE(a.intr()); // still below ISR class 6
	a.write(APIC_EOI, 0);
	CHECK(a.intr()); // 0x5f class 5 > PPR 0
}

TEST_CASE("lapic.core: INTA moves the highest IRR vector to ISR", "[lapic][core][inta]")
{
	LapicCore a = enabled_apic();
	a.accept_fixed(0x31);
	a.accept_fixed(0xf8);
	a.accept_fixed(0x80);
	CHECK(a.inta() == 0xf8);
	CHECK_FALSE(a.irr.test(0xf8));
	CHECK(a.isr.test(0xf8));
	CHECK(a.irr.test(0x31));
	CHECK(a.irr.test(0x80));
	CHECK(a.ppr() == 0xf0);
	CHECK(a.inta() == -1); // 0x80 cannot preempt class 0xf
}

TEST_CASE("lapic.core: EOI clears only the highest in-service vector", "[lapic][core][eoi]")
{
	LapicCore a = enabled_apic();
	a.accept_fixed(0x40);
	REQUIRE(a.inta() == 0x40);
	a.accept_fixed(0xf8);
	REQUIRE(a.inta() == 0xf8); // nested: class 0xf preempts class 4
	CHECK(a.isr.count() == 2);
	a.write(APIC_EOI, 0);
	CHECK_FALSE(a.isr.test(0xf8));
	CHECK(a.isr.test(0x40));
	CHECK(a.ppr() == 0x40);
	a.eoi();
	CHECK(a.isr.none());
	a.eoi(); // nothing in service: harmless
	CHECK(a.isr.none());
	CHECK(a.ppr() == 0);
}

TEST_CASE("lapic.core: a software-disabled APIC loses fixed interrupts", "[lapic][core][svr]")
{
	LapicCore a;
	bool merged = true;
	CHECK_FALSE(a.accept_fixed(0xf8, &merged));
	CHECK(a.irr.none());

	a = enabled_apic();
	a.accept_fixed(0xf8);
	CHECK(a.intr());
	a.write(APIC_SVR, a.read(APIC_SVR) & ~APIC_SVR_ENABLE);
	CHECK_FALSE(a.sw_enabled());
	CHECK_FALSE(a.intr()); // no INTR while disabled
	CHECK(a.inta() == -1);
	CHECK_FALSE(a.accept_fixed(0x40));
	CHECK_FALSE(a.irr.test(0x40));
}

TEST_CASE("lapic.core: register reads of IRR/ISR words, SVR, TPR, PPR and ID", "[lapic][core][regs]")
{
	LapicCore a = enabled_apic();
	a.id = 3;
	a.accept_fixed(0x21); // word 1, bit 1
	a.accept_fixed(0xf8); // word 7, bit 24
	CHECK(a.read(APIC_IRR + 0x10) == 0x2u);
	CHECK(a.read(APIC_IRR + 0x70) == (1u << 24));
	CHECK(a.read(APIC_IRR) == 0);
	CHECK(a.read(APIC_ISR + 0x70) == 0);
	REQUIRE(a.inta() == 0xf8);
	CHECK(a.read(APIC_ISR + 0x70) == (1u << 24));
	CHECK(a.read(APIC_IRR + 0x70) == 0);
	CHECK(a.read(APIC_SVR) == (APIC_SVR_ENABLE | 0xff));
	a.write(APIC_SVR, 0xfffff3ff); // bits above 8 are not kept
	CHECK(a.read(APIC_SVR) == 0x1ff);
	a.write(APIC_TPR, 0x20);
	CHECK(a.read(APIC_TPR) == 0x20);
	CHECK(a.read(APIC_PPR) == 0xf0);
	CHECK(a.read(APIC_ID) == (3u << 24));
	CHECK(a.read(0x3f0) == 0); // unmodelled: reads zero
}

TEST_CASE("lapic.regs: ICR encode/decode in xAPIC mode", "[lapic][icr]")
{
	const uint64_t nmi = encode_icr(2, Delivery::nmi, Shorthand::all_but_self, 0, false);
	CHECK(nmi == 0x000c0402ull); // mode 100 at [10:8], shorthand 11 at [19:18]
	const uint64_t fixed = encode_icr(0xf8, Delivery::fixed, Shorthand::none, 5, false);
	CHECK(fixed == ((5ull << 56) | 0xf8));
	const IcrMessage m = decode_icr(fixed, false);
	CHECK(m.vector == 0xf8);
	CHECK(m.mode == Delivery::fixed);
	CHECK(m.shorthand == Shorthand::none);
	CHECK(m.dest == 5);
	// xAPIC keeps 8 destination bits.
	CHECK(decode_icr(encode_icr(1, Delivery::fixed, Shorthand::none, 0x1ff, false), false).dest == 0xff);
	CHECK(decode_icr(uint64_t(0x5) << 32, false).dest == 0); // x2APIC's field is not xAPIC's
}

TEST_CASE("lapic.regs: ICR encode/decode in x2APIC mode", "[lapic][icr]")
{
	const uint64_t v = encode_icr(0x40, Delivery::fixed, Shorthand::none, 0x1234, true);
	CHECK(v == ((0x1234ull << 32) | 0x40));
	CHECK(decode_icr(v, true).dest == 0x1234);
	for (Delivery d : {Delivery::fixed, Delivery::lowest, Delivery::smi, Delivery::nmi, Delivery::init,
			   Delivery::startup}) {
		for (Shorthand s :
		     {Shorthand::none, Shorthand::self, Shorthand::all_incl_self, Shorthand::all_but_self}) {
			const IcrMessage m = decode_icr(encode_icr(0x77, d, s, 9, true), true);
			CHECK(m.vector == 0x77);
			CHECK(m.mode == d);
			CHECK(m.shorthand == s);
			CHECK(m.dest == 9);
		}
	}
	CHECK(((encode_icr(0, Delivery::startup, Shorthand::self, 0, true) >> 8) & 7) == 6);
	CHECK(((encode_icr(0, Delivery::nmi, Shorthand::self, 0, true) >> 18) & 3) == 1);
	CHECK(((encode_icr(0, Delivery::nmi, Shorthand::all_incl_self, 0, true) >> 18) & 3) == 2);
}
