// SPDX-License-Identifier: Apache-2.0
// The APLIC direct-mode rules (docs/reference/hardware.md section 5.5) and the IMSIC file, on the plain cores.
#include "models/aplic/aplic_core.hpp"
#include "models/aplic/aplic_regs.hpp"
#include "models/aplic/imsic_core.hpp"

#include <catch2/catch.hpp>

using namespace stopsim::aplic;

namespace {
uint32_t idc(unsigned hart, uint32_t reg) { return APLIC_IDC_BASE + APLIC_IDC_STRIDE * hart + reg; }
uint32_t sourcecfg(unsigned i) { return APLIC_SOURCECFG_BASE + 4 * (i - 1); }
uint32_t target(unsigned i) { return APLIC_TARGET_BASE + 4 * (i - 1); }

AplicCore direct(unsigned harts)
{
	AplicCore a(63, harts);
	a.write(APLIC_DOMAINCFG, APLIC_DOMAINCFG_IE);
	for (unsigned h = 0; h < harts; h++)
		a.write(idc(h, APLIC_IDC_IDELIVERY), 1);
	return a;
}
void edge_source(AplicCore& a, unsigned i, unsigned hart, unsigned prio)
{
	a.write(sourcecfg(i), APLIC_SM_EDGE_RISE);
	a.write(target(i), (hart << APLIC_TARGET_HART_SHIFT) | prio);
	a.write(APLIC_SETIENUM, i);
}
} // namespace

TEST_CASE("aplic: domaincfg reads 0x80 in the top byte and keeps IE/DM/BE", "[aplic]")
{
	AplicCore a(7, 1);
	a.write(APLIC_DOMAINCFG, 0xffffffff);
	CHECK(a.read(APLIC_DOMAINCFG) == (0x80000000u | APLIC_DOMAINCFG_IE | APLIC_DOMAINCFG_DM | APLIC_DOMAINCFG_BE));
}

TEST_CASE("aplic: an edge latches pending, claimi returns it and clears it", "[aplic]")
{
	AplicCore a = direct(2);
	edge_source(a, 5, 1, 3);
	CHECK_FALSE(a.irq_line(1));
	a.set_input(5, true);
	a.set_input(5, false);
	CHECK(a.irq_line(1));
	CHECK_FALSE(a.irq_line(0));
	CHECK(a.topi(1) == ((5u << 16) | 3));
	CHECK(a.read(idc(1, APLIC_IDC_CLAIMI)) == ((5u << 16) | 3));
	CHECK_FALSE(a.irq_line(1));
	CHECK(a.claimi(1) == 0); /* a spurious claim */
}

TEST_CASE("aplic: lower IPRIO wins, ties go to the lower source, threshold filters", "[aplic]")
{
	AplicCore a = direct(1);
	edge_source(a, 9, 0, 2);
	edge_source(a, 4, 0, 2);
	edge_source(a, 3, 0, 7);
	for (unsigned i : {9u, 4u, 3u})
		a.set_input(i, true);
	CHECK((a.topi(0) >> 16) == 4);
	a.write(idc(0, APLIC_IDC_ITHRESHOLD), 2); /* only priorities < 2 */
	CHECK(a.topi(0) == 0);
	CHECK_FALSE(a.irq_line(0));
	a.write(idc(0, APLIC_IDC_ITHRESHOLD), 0);
	a.claimi(0);
	CHECK((a.topi(0) >> 16) == 9);
}

TEST_CASE("aplic: IPRIO 0 is written as 1", "[aplic]")
{
	AplicCore a = direct(1);
	edge_source(a, 2, 0, 0);
	CHECK((a.read(target(2)) & 0xff) == 1);
}

TEST_CASE("aplic: a level source follows its wire and survives a claim", "[aplic]")
{
	AplicCore a = direct(1);
	a.write(sourcecfg(6), APLIC_SM_LEVEL_HIGH);
	a.write(target(6), 1);
	a.write(APLIC_SETIENUM, 6);
	a.set_input(6, true);
	CHECK(a.claimi(0) == ((6u << 16) | 1));
	CHECK(a.irq_line(0)); /* still asserted */
	a.write(APLIC_CLRIPNUM, 6);
	CHECK(a.irq_line(0));
	a.set_input(6, false);
	CHECK_FALSE(a.irq_line(0));
}

TEST_CASE("aplic: no delivery without IE or idelivery; iforce asserts the line", "[aplic]")
{
	AplicCore a(7, 1);
	edge_source(a, 1, 0, 1);
	a.set_input(1, true);
	CHECK_FALSE(a.irq_line(0));
	a.write(APLIC_DOMAINCFG, APLIC_DOMAINCFG_IE);
	CHECK_FALSE(a.irq_line(0));
	a.write(idc(0, APLIC_IDC_IDELIVERY), 1);
	CHECK(a.irq_line(0));
	a.claimi(0);
	a.write(idc(0, APLIC_IDC_IFORCE), 1);
	CHECK(a.irq_line(0));
	CHECK(a.claimi(0) == 0); /* a claim of 0 clears iforce */
	CHECK_FALSE(a.irq_line(0));
}

TEST_CASE("aplic: an inactive or delegated source never pends", "[aplic]")
{
	AplicCore a = direct(1);
	a.write(sourcecfg(3), APLIC_SOURCECFG_D);
	a.write(APLIC_SETIPNUM, 3);
	a.write(APLIC_SETIENUM, 3);
	CHECK(a.topi(0) == 0);
	a.write(sourcecfg(4), 0);
	a.set_input(4, true);
	CHECK(a.topi(0) == 0);
}

TEST_CASE("imsic: lower identity wins, claim clears, delivery and threshold gate the line", "[imsic]")
{
	ImsicFile f;
	f.set_enabled(1, true);
	f.set_enabled(7, true);
	f.seteipnum(7);
	f.seteipnum(1);
	f.seteipnum(0);   /* identity 0 is never valid */
	f.seteipnum(999); /* out of range: ignored */
	CHECK_FALSE(f.line());
	f.eidelivery = IMSIC_EIDELIVERY_ON;
	CHECK(f.line());
	CHECK(f.claim() == ((1u << 16) | 1));
	f.eithreshold = 7;
	CHECK_FALSE(f.line());
	f.eithreshold = 0;
	CHECK(f.claim() == ((7u << 16) | 7));
	CHECK(f.claim() == 0);
}
