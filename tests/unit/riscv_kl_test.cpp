// SPDX-License-Identifier: Apache-2.0
// The RISC-V stop algorithms against the fake RISC-V shim.
#include "kl/riscv/riscv_sse.hpp"
#include "support/fake_riscv_shim.hpp"

#include <catch2/catch.hpp>

using namespace fake_riscv;
using namespace kl::riscv;

TEST_CASE("kl::riscv-v6.x: stop IPI through one SBI send_ipi; merge on a pending type", "[kl][riscv]")
{
	World w(4);
	Hart c0(w, 0);
	RiscvV6 v;
	kl::CpuMask m;
	m.set(1);
	m.set(3);
	send_ipi_mask(c0, m, RiscvV6::IPI_CPU_STOP);
	CHECK(w.called("cpu0: ecall 735049/0 5 1")); /* hart_mask 0b101 from base 1 */
	CHECK(w.mux_bits[1] == (1ul << RiscvV6::IPI_CPU_STOP));
	w.calls.clear();
	send_ipi_mask(c0, m, RiscvV6::IPI_CPU_STOP);
	CHECK(w.calls.empty()); /* both bits still pending: no hardware IPI */
}

TEST_CASE("kl::riscv-v6.x: a wedged target makes smp_send_stop print the whole online mask after 1 s", "[kl][riscv]")
{
	World w(3);
	Hart c0(w, 0);
	RiscvV6 v;
	v.smp_send_stop(c0);
	CHECK(w.logged("SMP: stopping secondary CPUs"));
	CHECK(w.logged("SMP: failed to stop secondary CPUs 0-2"));
	CHECK(w.now_ns >= 1000000000ull);
}

TEST_CASE("kl::riscv-v6.x: a panicking CPU that is offline with one other online sends nothing", "[kl][riscv]")
{
	World w(2);
	w.offline(1);
	Hart c1(w, 1);
	RiscvV6 v;
	v.smp_send_stop(c1);
	CHECK_FALSE(w.logged("SMP: stopping secondary CPUs"));
	CHECK(w.mux_bits[0] == 0);
	CHECK(w.now_ns == 0);
}

TEST_CASE("kl::riscv-v6.x: the crash handler saves, acks without offlining, masks, HSM-stops", "[kl][riscv]")
{
	World w(2);
	Hart c1(w, 1);
	RiscvV6 v;
	w.mux_bits[1] = 1ul << RiscvV6::IPI_CPU_CRASH_STOP;
	CHECK_THROWS_AS(ipi_mux_process(c1, v, kl::Regs{true, kl::Ctx::irq, "x"}), HartStopped);
	CHECK(w.called("cpu1: crash_save_cpu(1,irq)"));
	CHECK(w.called("cpu1: local_irq_disable"));
	CHECK(w.ks.cpu_online_mask.test(1));
}

TEST_CASE("kl::riscv-sse-v2: crash stop injects LOCAL_NMI_CRASH instead of the IPI", "[kl][riscv][sse]")
{
	World w(3);
	Hart c0(w, 0), c1(w, 1), c2(w, 2);
	RiscvSseV2 v;
	for (Hart* h : {&c0, &c1, &c2})
		v.cpu_up(*h);
	v.late_init(c0);
	REQUIRE(w.logged("SSE NMI: Using SSE for Local NMI event delivery"));
	/* Each injection reaches its target at once: run the handler there. */
	Hart* harts[] = {&c0, &c1, &c2};
	w.on_ecall = [&](unsigned, int ext, int fid, unsigned long, unsigned long a1) -> sbiret {
		if (ext == SBI_EXT_SSE && fid == SBI_SSE_EVENT_INJECT) {
			try {
				v.sse_event_handler(*harts[a1], SBI_SSE_EVENT_LOCAL_SOFTWARE_INJECTED, {true, kl::Ctx::nmi, "spin"});
			} catch (const HartStopped&) {
			}
		}
		return {};
	};
	v.crash_smp_send_stop(c0);
	CHECK(w.called("cpu0: rung sse 1-2"));
	CHECK(w.called("cpu1: crash_save_cpu(1,nmi)"));
	CHECK(w.called("cpu2: crash_save_cpu(2,nmi)"));
	CHECK_FALSE(v.smp_crash_stop_failed(c0));
	CHECK(w.mux_bits[1] == 0); /* no IPI */
}

TEST_CASE("kl::riscv-sse-v2: without SSE the crash IPI is used", "[kl][riscv][sse]")
{
	World w(2);
	Hart c0(w, 0), c1(w, 1);
	RiscvSseV2 v;
	w.on_ecall = [](unsigned, int ext, int, unsigned long, unsigned long) -> sbiret {
		return ext == SBI_EXT_SSE ? sbiret{SBI_ERR_NOT_SUPPORTED, 0} : sbiret{};
	};
	v.cpu_up(c0);
	v.cpu_up(c1);
	v.late_init(c0);
	CHECK_FALSE(w.logged("SSE NMI: Using SSE for Local NMI event delivery"));
	v.crash_smp_send_stop(c0);
	CHECK(w.called("cpu0: rung irq 1"));
	CHECK(w.mux_bits[1] == (1ul << RiscvV6::IPI_CPU_CRASH_STOP));
}

TEST_CASE("kl::riscv-sse: the shared type word is cleared by whoever handles it (bug 19)", "[kl][riscv][sse]")
{
	World w(3);
	Hart c1(w, 1), c2(w, 2);
	struct V2 : RiscvSseV2 {
		using RiscvSseNmi::local_nmi_arg;
	} v;
	w.ks.backtrace_mask.set(1);
	/* hart 1 handles a BACKTRACE; hart 2's CRASH bit is set too... */
	v.local_nmi_arg = RiscvSseNmi::LOCAL_NMI_BACKTRACE;
	w.on_ecall = nullptr;
	v.sse_event_handler(c1, SBI_SSE_EVENT_LOCAL_SOFTWARE_INJECTED, {true, kl::Ctx::nmi, "x"});
	CHECK(w.logged("NMI backtrace for cpu 1"));
	/* ...but the crash bit arrived after hart 1 read the word, and hart 1 clears it. */
	CHECK(v.nmi_type_word() == RiscvSseNmi::LOCAL_NMI_NONE);
	/* hart 2's event now finds nothing to do */
	CHECK(v.sse_event_handler(c2, SBI_SSE_EVENT_LOCAL_SOFTWARE_INJECTED, {true, kl::Ctx::nmi, "x"}) == 0);
	CHECK_FALSE(w.called("cpu2: crash_save_cpu(2,nmi)"));
}

TEST_CASE("kl::riscv-sse-v1: without the crash event every CPU's inject fails with the raw SBI error, then the IPI",
	  "[kl][riscv][sse]")
{
	World w(3);
	Hart c0(w, 0), c1(w, 1), c2(w, 2);
	RiscvSseV1 v;
	w.on_ecall = [](unsigned, int ext, int, unsigned long, unsigned long) -> sbiret {
		return ext == SBI_EXT_SSE ? sbiret{SBI_ERR_NOT_SUPPORTED, 0} : sbiret{};
	};
	for (Hart* h : {&c0, &c1, &c2})
		v.cpu_up(*h);
	v.late_init(c0);
	CHECK_FALSE(w.logged("Using SSE for crash NMI event delivery"));
	v.crash_smp_send_stop(c0);
	/* No availability test: one inject per target, each failure logged with the SBI code. */
	CHECK(w.called("cpu0: rung sse 1-2"));
	const std::string line = "Failed to signal event ffff0002, error " + std::to_string(SBI_ERR_NOT_SUPPORTED);
	size_t n = 0;
	for (const auto& l : w.log)
		n += l == line;
	CHECK(n == 2);
	CHECK(w.called("cpu0: rung irq 1-2"));
	CHECK(w.mux_bits[1] == (1ul << RiscvV6::IPI_CPU_CRASH_STOP));
}

TEST_CASE("kl::riscv: an idle hart answers a backtrace request with the one skipped line", "[kl][riscv][backtrace]")
{
	World w(2);
	Hart c1(w, 1);
	struct V2 : RiscvSseV2 {
		using RiscvSseNmi::local_nmi_arg;
	} v;
	w.ks.backtrace_mask.set(1);
	v.local_nmi_arg = RiscvSseNmi::LOCAL_NMI_BACKTRACE;
	v.sse_event_handler(c1, SBI_SSE_EVENT_LOCAL_SOFTWARE_INJECTED, {true, kl::Ctx::nmi, "idle (WFI)"});
	CHECK(w.logged("NMI backtrace for cpu 1 skipped: idling at arch_cpu_idle"));
	CHECK_FALSE(w.logged("NMI backtrace for cpu 1"));
	CHECK_FALSE(w.ks.backtrace_mask.test(1));
}
