// SPDX-License-Identifier: Apache-2.0
// The M-mode SBI rules (docs/reference/hardware.md section 5.2 and section 5.6) on the plain core: the IPI extension's
// ipi_type merge and STOPPED harts, HSM, and SSE state, masking, priorities and injection.
#include "models/cpu/riscv_hart_core.hpp"
#include "models/el3-firmware/sbi_core.hpp"

#include <catch2/catch.hpp>

using namespace stopsim::sbi;
using stopsim::cpu::MIP_MSIP;
using stopsim::cpu::MIP_SEIP;
using stopsim::cpu::MIP_SSIP;
using stopsim::cpu::Priv;
using stopsim::cpu::RiscvHartCore;
using stopsim::cpu::RiscvIrq;

namespace {
constexpr uint32_t EV = SBI_SSE_EVENT_LOCAL_SOFTWARE;

SbiCore ready(unsigned harts, SbiCoreParams p = {})
{
	SbiCore c(harts, p);
	for (unsigned h = 0; h < harts; h++)
		for (const SseEvent& e : std::vector<SseEvent>(c.hart(h).local)) {
			REQUIRE(c.sse_register(h, e.id, 0x1000, 0) == SBI_SUCCESS);
			REQUIRE(c.sse_enable(h, e.id) == SBI_SUCCESS);
		}
	for (unsigned h = 0; h < harts; h++)
		REQUIRE(c.sse_hart_unmask(h) == SBI_SUCCESS);
	return c;
}
} // namespace

TEST_CASE("sbi.ipi: the raw IPI is raised only when ipi_type was 0", "[sbi][ipi]")
{
	SbiCore c(4, {});
	auto r = c.send_ipi(0b0110, 0);
	CHECK(r.error == SBI_SUCCESS);
	CHECK(r.raise == std::vector<unsigned>{1, 2});
	/* Not yet processed at hart 1: the second send merges. */
	r = c.send_ipi(0b0010, 0);
	CHECK(r.raise.empty());
	CHECK(c.ipi_take(1) == IPI_EVENT_SMODE);
	CHECK(c.send_ipi(0b0010, 0).raise == std::vector<unsigned>{1});
	/* An SSE event on top of a waiting S-mode IPI merges too. */
	CHECK_FALSE(c.post_ipi(1, IPI_EVENT_SSE));
	CHECK(c.ipi_take(1) == (IPI_EVENT_SMODE | IPI_EVENT_SSE));
}

TEST_CASE("sbi.ipi: STOPPED harts are skipped silently; bad hart IDs are refused", "[sbi][ipi]")
{
	SbiCore c(4, {});
	REQUIRE(c.hart_stop(2) == SBI_SUCCESS);
	auto r = c.send_ipi(0b1110, 0);
	CHECK(r.error == SBI_SUCCESS);
	CHECK(r.raise == std::vector<unsigned>{1, 3});
	CHECK(c.hart(2).ipi_type == 0);
	CHECK(c.send_ipi(0b1, 4).error == SBI_ERR_INVALID_PARAM);
	/* base -1: every started hart; 1 and 3 still have theirs pending, so only 0 gets a raw IPI */
	CHECK(c.send_ipi(0, ~0ull).raise == std::vector<unsigned>{0});
	CHECK(c.hart(3).ipi_type == IPI_EVENT_SMODE);
}

TEST_CASE("sbi.hsm: hart_stop and status", "[sbi][hsm]")
{
	SbiCore c(2, {});
	CHECK(c.hart_status(1) == long(HsmState::started));
	CHECK(c.hart_stop(1) == SBI_SUCCESS);
	CHECK(c.hart_status(1) == long(HsmState::stopped));
	CHECK(c.hart_stop(1) == SBI_ERR_FAILED);
	SbiCoreParams p;
	p.hsm = false;
	SbiCore n(1, p);
	CHECK(n.hart_stop(0) == SBI_ERR_NOT_SUPPORTED);
}

TEST_CASE("sbi.sse: harts start masked; states move UNUSED->REGISTERED->ENABLED", "[sbi][sse]")
{
	SbiCore c(1, {});
	CHECK(c.hart(0).sse_masked);
	CHECK(c.sse_enable(0, EV) == SBI_ERR_INVALID_STATE);
	CHECK(c.sse_register(0, EV, 1, 2) == SBI_SUCCESS);
	CHECK(c.sse_register(0, EV, 1, 2) == SBI_ERR_INVALID_STATE);
	CHECK(c.sse_enable(0, EV) == SBI_SUCCESS);
	CHECK(c.event(0, EV)->state == SseState::enabled);
	CHECK(c.sse_register(0, 0x1234, 0, 0) == SBI_ERR_NOT_SUPPORTED);
	bool ipi = false;
	CHECK(c.sse_inject(0, EV, 0, ipi) == SBI_SUCCESS);
	CHECK_FALSE(ipi);                  /* local: delivered on the ecall's return */
	CHECK_FALSE(c.sse_next(0));        /* ...but the hart is still masked */
	CHECK(c.sse_hart_unmask(0) == SBI_SUCCESS);
	CHECK(c.sse_next(0) == EV);
}

TEST_CASE("sbi.sse: a remote inject needs an IPI; a STOPPED target keeps it queued", "[sbi][sse]")
{
	SbiCore c = ready(3);
	bool ipi = false;
	CHECK(c.sse_inject(0, EV, 1, ipi) == SBI_SUCCESS);
	CHECK(ipi);
	REQUIRE(c.hart_stop(2) == SBI_SUCCESS);
	CHECK(c.sse_inject(0, EV, 2, ipi) == SBI_SUCCESS);
	CHECK_FALSE(ipi);
	CHECK(c.event(2, EV)->pending);
	CHECK(c.sse_inject(0, EV, 9, ipi) == SBI_ERR_INVALID_PARAM);
}

TEST_CASE("sbi.sse: a RUNNING event blocks itself; it is taken again after COMPLETE", "[sbi][sse]")
{
	SbiCore c = ready(1);
	bool ipi = false;
	c.sse_inject(0, EV, 0, ipi);
	REQUIRE(c.sse_next(0) == EV);
	c.sse_begin(0, EV);
	c.sse_inject(0, EV, 0, ipi);
	CHECK_FALSE(c.sse_next(0));
	CHECK(c.sse_complete(0) == EV);
	CHECK(c.sse_next(0) == EV);
	/* A handler that never completes leaves the event RUNNING for good. */
	c.sse_begin(0, EV);
	c.sse_inject(0, EV, 0, ipi);
	CHECK(c.event(0, EV)->state == SseState::running);
	CHECK_FALSE(c.sse_next(0));
}

TEST_CASE("sbi.sse: a more urgent event preempts a RUNNING one; less urgent waits", "[sbi][sse]")
{
	SbiCoreParams p;
	p.sse_local_events = {EV, 0xffff0002};
	SbiCore c(1, p);
	for (uint32_t id : {EV, 0xffff0002u})
		REQUIRE(c.sse_register(0, id, 0, 0) == SBI_SUCCESS);
	REQUIRE(c.sse_write_attr(0, 0xffff0002, SBI_SSE_ATTR_PRIORITY, 5) == SBI_SUCCESS);
	for (uint32_t id : {EV, 0xffff0002u})
		REQUIRE(c.sse_enable(0, id) == SBI_SUCCESS);
	c.sse_hart_unmask(0);
	bool ipi = false;
	c.sse_inject(0, 0xffff0002, 0, ipi);
	c.sse_begin(0, 0xffff0002);
	c.sse_inject(0, EV, 0, ipi);
	CHECK(c.sse_next(0) == EV); /* priority 0 beats the RUNNING priority-5 event */
	c.sse_begin(0, EV);
	CHECK(c.sse_complete(0) == EV); /* the most urgent RUNNING one completes first */
	c.sse_inject(0, 0xffff0002, 0, ipi);
	CHECK_FALSE(c.sse_next(0)); /* equal priority to the RUNNING one: waits */
	CHECK(c.sse_write_attr(0, EV, SBI_SSE_ATTR_PRIORITY, 1) == SBI_ERR_INVALID_STATE);
}

TEST_CASE("sbi.sse: one-shot events return to REGISTERED on COMPLETE; no RUNNING event is a no-op", "[sbi][sse]")
{
	SbiCore c(1, {});
	c.sse_register(0, EV, 0, 0);
	c.sse_write_attr(0, EV, SBI_SSE_ATTR_CONFIG, 1);
	c.sse_enable(0, EV);
	c.sse_hart_unmask(0);
	CHECK_FALSE(c.sse_complete(0));
	bool ipi = false;
	c.sse_inject(0, EV, 0, ipi);
	c.sse_begin(0, EV);
	c.sse_complete(0);
	CHECK(c.event(0, EV)->state == SseState::registered);
}

TEST_CASE("riscv.hart: SIE gates S interrupts in S-mode; M interrupts preempt S whatever MIE says", "[riscv][hart]")
{
	RiscvHartCore h;
	h.priv = Priv::S;
	h.mie = MIP_SSIP | MIP_SEIP | MIP_MSIP;
	h.mip_sw = MIP_SSIP;
	CHECK(h.pending() == RiscvIrq::kNone);
	CHECK(h.wfi_wake()); /* WFI wakes on a pending-enabled bit whatever SIE says */
	h.mstatus_sie = true;
	CHECK(h.pending() == RiscvIrq::kSsi);
	h.mip_hw = MIP_SEIP;
	CHECK(h.pending() == RiscvIrq::kSei); /* SEI outranks SSI */
	h.mstatus_sie = false;
	h.mip_hw |= MIP_MSIP;
	CHECK(h.pending() == RiscvIrq::kMsi);
	h.priv = Priv::M; /* in M-mode with MIE=0 nothing is taken, S-level never */
	CHECK(h.pending() == RiscvIrq::kNone);
	h.mstatus_mie = true;
	CHECK(h.pending() == RiscvIrq::kMsi);
	h.mip_hw = MIP_SEIP;
	CHECK(h.pending() == RiscvIrq::kNone);
	h.priv = Priv::U;
	CHECK(h.pending() == RiscvIrq::kSei); /* from U, S-level interrupts are always enabled */
}
