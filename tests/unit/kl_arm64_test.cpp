// SPDX-License-Identifier: Apache-2.0
// The arm64 stop algorithms of each era, driven through the fake shim.
#include "support/fake_kernel_shim.hpp"

#include "kl/arm64/arm64_v3_xx.hpp"
#include "kl/arm64/arm64_v6_12.hpp"
#include "kl/arm64/arm64_v6_5.hpp"
#include "kl/arm64/arm64_v6_6.hpp"
#include "kl/arm64/arm64_v6_7.hpp"
#include "kl/panic.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <set>

using namespace kl;
using namespace kl::arm64;

namespace {

/// A small machine: N fake CPUs; every non-wedged target runs the variant's IPI handler
/// `ack_ns` after an SGI reaches it.
struct Machine {
	Machine(unsigned n, Arm64Variant& v) : w(n), var(v)
	{
		for (unsigned i = 0; i < n; i++)
			cpu.push_back(std::make_unique<fake::Cpu>(w, i));
		w.on_sgi = [this](unsigned, uint64_t val) {
			const unsigned intid = fake::sgi_intid(val);
			for (unsigned t : fake::sgi_targets(val)) {
				sgis.push_back({t, intid});
				if (wedged.count(t) && !(nmi_reaches.count(t) && var.ipi_should_be_nmi(*cpu[0], intid)))
					continue;
				w.at(w.now_ns + ack_ns, [this, t, intid] {
					try {
						cpu[t]->ctx = var.ipi_should_be_nmi(*cpu[t], intid) ? Ctx::nmi : Ctx::irq;
						var.do_handle_IPI(*cpu[t], intid, cpu[t]->get_irq_regs());
					} catch (const fake::Parked&) {
						parked.insert(t);
					}
				});
			}
		};
	}
	fake::World w;
	Arm64Variant& var;
	std::vector<std::unique_ptr<fake::Cpu>> cpu;
	std::set<unsigned> wedged;      ///< never take an IRQ
	std::set<unsigned> nmi_reaches; ///< ...but a pseudo-NMI gets them
	std::set<unsigned> parked;
	std::vector<std::pair<unsigned, unsigned>> sgis;
	uint64_t ack_ns = 5000;
};

size_t index_of(const std::vector<std::string>& v, const std::string& s)
{
	auto it = std::find(v.begin(), v.end(), s);
	REQUIRE(it != v.end());
	return size_t(it - v.begin());
}

} // namespace

TEST_CASE("kl::cpumask: range lists and iteration", "[kl][cpumask]")
{
	CpuMask m;
	CHECK(m.to_range_list() == "");
	for (unsigned c : {0u, 2u, 3u, 4u, 5u, 7u, 64u, 65u, 4095u})
		m.set(c);
	CHECK(m.to_range_list() == "0,2-5,7,64-65,4095");
	CHECK(m.weight() == 9);
	std::vector<unsigned> seen;
	m.for_each([&](unsigned c) { seen.push_back(c); });
	CHECK(seen == std::vector<unsigned>{0, 2, 3, 4, 5, 7, 64, 65, 4095});
	CHECK(m.next(8) == 64);
	CHECK(m.next(4096) == kMaxCpus);
	CHECK(CpuMask::first_n(4).to_range_list() == "0-3");
}

TEST_CASE("kl::arm64: num_other_online_cpus counts an offline initiator correctly", "[kl][arm64]")
{
	fake::World w(4);
	fake::Cpu c1(w, 1);
	CHECK(num_other_online_cpus(c1) == 3);
	w.offline(1); // CPU 1 panics before it is online
	CHECK(w.ks.num_online == 3);
	CHECK(num_other_online_cpus(c1) == 3);
}

TEST_CASE("kl::stop v6.12: every CPU stops on the IRQ rung, no NMI rung", "[kl][arm64][v6.12]")
{
	Arm64V6_12 v;
	Machine m(4, v);
	m.w.cfg.pseudo_nmi = true;
	v.smp_send_stop(*m.cpu[0]);
	CHECK(m.parked == std::set<unsigned>{1, 2, 3});
	CHECK(m.w.logged("SMP: stopping secondary CPUs"));
	CHECK_FALSE(m.w.called("cpu0: rung pseudo_nmi 1-3"));
	CHECK(m.w.called("cpu0: rung irq 1-3"));
	CHECK(m.w.called("cpu0: rung acked"));
	// The initiator masks SDEI on itself at the end.
	CHECK(m.w.calls.back() == "cpu0: end");
	CHECK(m.w.called("cpu0: smc 0xc400002b"));
	// Only IPI_CPU_STOP (SGI 2) went out.
	for (auto& s : m.sgis)
		CHECK(s.second == Arm64V6_12::IPI_CPU_STOP);
}

TEST_CASE("kl::stop v6.12: a PMR-masked CPU is stopped by the pseudo-NMI rung after 1 s", "[kl][arm64][v6.12]")
{
	Arm64V6_12 v;
	Machine m(4, v);
	m.w.cfg.pseudo_nmi = true;
	m.wedged = {2};
	m.nmi_reaches = {2};
	v.smp_send_stop(*m.cpu[0]);
	CHECK(m.parked == std::set<unsigned>{1, 2, 3});
	CHECK(m.w.logged("SMP: retry stop with NMI for CPUs 2"));
	CHECK_FALSE(m.w.logged("SMP: failed to stop secondary CPUs 2"));
	// The IRQ rung ran its whole budget: 1e6 delays, 1e6 + 1 checks, then the NMI rung.
	const auto& c = m.w.calls;
	CHECK(index_of(c, "cpu0: rung irq 1-3") < index_of(c, "cpu0: rung timed out"));
	CHECK(index_of(c, "cpu0: smp_rmb") < index_of(c, "cpu0: rung pseudo_nmi 2"));
	CHECK(m.w.now_ns >= 1000000000ull);
	CHECK(m.w.now_ns < 1000000000ull + 10000000ull);
}

TEST_CASE("kl::stop v6.12: without pseudo-NMI the ladder is IRQ then the failure line, self excluded",
	  "[kl][arm64][v6.12]")
{
	Arm64V6_12 v;
	Machine m(4, v);
	m.wedged = {2};
	v.smp_send_stop(*m.cpu[0]);
	CHECK(m.w.logged("SMP: failed to stop secondary CPUs 2"));
	CHECK_FALSE(m.w.logged("SMP: retry stop with NMI for CPUs 2"));
	// The poll is exact: T = 1e6 delays and T + 1 checks.
	CHECK(m.w.delays == 1000000);
	CHECK(m.w.checks == 1000001);
}

TEST_CASE("kl::stop v6.12: the NMI rung re-snapshots and catches a CPU that came online", "[kl][arm64][v6.12]")
{
	Arm64V6_12 v;
	Machine m(4, v);
	m.w.cfg.pseudo_nmi = true;
	m.w.offline(3);
	m.wedged = {2, 3};
	m.nmi_reaches = {2, 3};
	m.w.at(500000000ull, [&] { m.w.online(3); });
	v.smp_send_stop(*m.cpu[0]);
	CHECK(m.w.called("cpu0: rung irq 1-2"));
	CHECK(m.w.logged("SMP: retry stop with NMI for CPUs 2-3"));
	CHECK(m.parked == std::set<unsigned>{1, 2, 3});
}

TEST_CASE("kl::stop v6.12: a second caller returns at once, without the SDEI tail", "[kl][arm64][v6.12]")
{
	Arm64V6_12 v;
	Machine m(4, v);
	m.wedged = {1, 2, 3};
	m.w.cfg.stop_timeout_us = 10;
	v.smp_send_stop(*m.cpu[0]);
	m.w.calls.clear();
	m.w.log.clear();
	v.smp_send_stop(*m.cpu[1]);
	CHECK(m.w.calls == std::vector<std::string>{"cpu1: begin smp_send_stop", "cpu1: store test_and_set_bit", "cpu1: end"});
	CHECK(m.w.log.empty());
}

TEST_CASE("kl::stop v6.12: reboot (system_state past RUNNING) prints no stopping line", "[kl][arm64][v6.12]")
{
	Arm64V6_12 v;
	Machine m(2, v);
	m.w.ks.system_state = SystemState::restart;
	v.smp_send_stop(*m.cpu[0]);
	CHECK_FALSE(m.w.logged("SMP: stopping secondary CPUs"));
	CHECK(m.parked == std::set<unsigned>{1});
}

TEST_CASE("kl::stop v6.12: local_cpu_stop acks first, then masks, then parks", "[kl][arm64][v6.12]")
{
	Arm64V6_12 v;
	fake::World w(2);
	w.cfg.pseudo_nmi = true;
	fake::Cpu c(w, 1);
	c.ctx = Ctx::irq;
	CHECK_THROWS_AS(v.do_handle_IPI(c, Arm64V6_12::IPI_CPU_STOP, c.get_irq_regs()), fake::Parked);
	const auto& k = w.calls;
	const size_t ack = index_of(k, "cpu1: set_cpu_online(1,0)");
	const size_t mask = index_of(k, "cpu1: daif 0x3c0");
	const size_t pmr = index_of(k, "cpu1: pmr 0xf0");
	const size_t sdei = index_of(k, "cpu1: smc 0xc400002b");
	const size_t park = index_of(k, "cpu1: parked");
	CHECK(ack < mask);
	CHECK(mask < pmr);
	CHECK(pmr < sdei);
	CHECK(sdei < park);
	CHECK_FALSE(w.ks.cpu_online_mask.test(1));
}

TEST_CASE("kl::stop v6.12: the crash handler masks DAIF before saving, acks after, then CPU_OFF",
	  "[kl][arm64][v6.12]")
{
	Arm64V6_12 v;
	fake::World w(2);
	fake::Cpu c0(w, 0), c1(w, 1);
	w.cfg.stop_timeout_us = 1;
	// crash_smp_send_stop() sets crash_stop; CPU 1 then handles the stop IPI as a crash stop.
	v.crash_smp_send_stop(c0);
	w.calls.clear();
	c1.ctx = Ctx::irq;
	CHECK_THROWS_AS(v.do_handle_IPI(c1, Arm64V6_12::IPI_CPU_STOP, c1.get_irq_regs()), fake::Parked);
	const auto& k = w.calls;
	CHECK(index_of(k, "cpu1: daif 0x3c0") < index_of(k, "cpu1: crash_save_cpu(1,irq)"));
	CHECK(index_of(k, "cpu1: crash_save_cpu(1,irq)") < index_of(k, "cpu1: set_cpu_online(1,0)"));
	CHECK(index_of(k, "cpu1: set_cpu_online(1,0)") < index_of(k, "cpu1: smc 0x84000002"));
	CHECK(v.smp_crash_stop_failed(c0) == false);
}

TEST_CASE("kl::stop v6.12: without HOTPLUG_CPU the crash handler never tries CPU_OFF", "[kl][arm64][v6.12]")
{
	Arm64V6_12 v;
	fake::World w(2);
	w.cfg.hotplug_cpu = false;
	w.cfg.stop_timeout_us = 1;
	fake::Cpu c0(w, 0), c1(w, 1);
	v.crash_smp_send_stop(c0);
	CHECK_THROWS_AS(v.do_handle_IPI(c1, Arm64V6_12::IPI_CPU_STOP, c1.get_irq_regs()), fake::Parked);
	CHECK_FALSE(w.called("cpu1: smc 0x84000002"));
}

TEST_CASE("kl::stop v6.6: the failure line prints the whole online mask, self included", "[kl][arm64][v6.6]")
{
	Arm64V6_6 v;
	Machine m(4, v);
	m.wedged = {2};
	v.smp_send_stop(*m.cpu[0]);
	CHECK(m.w.logged("SMP: failed to stop secondary CPUs 0,2"));
	CHECK(m.parked == std::set<unsigned>{1, 3});
}

TEST_CASE("kl::stop v6.5 vs v6.6: only v6.6 aborts the SDEI handler the crashing CPU is in (bug 16)",
	  "[kl][arm64][v6.6][sdei]")
{
	for (bool v66 : {false, true}) {
		Arm64V6_5 old;
		Arm64V6_6 fixed;
		Arm64Variant& v = v66 ? static_cast<Arm64Variant&>(fixed) : old;
		fake::World w(1);
		w.sdei_present = true;
		fake::Cpu c0(w, 0);
		c0.ctx = Ctx::sdei; // the panic was raised inside an SDEI handler
		v.crash_smp_send_stop(c0);
		CHECK(w.called("cpu0: smc 0xc400002b"));
		CHECK(w.called("cpu0: smc 0xc4000026") == v66);
		CHECK(std::count(w.log.begin(), w.log.end(),
				 "sdei: still in SDEI normal event context, attempting to finish handler.") == (v66 ? 1 : 0));
	}
}

TEST_CASE("kl::stop v6.6: kdump acks through waiting_for_crash_ipi and leaves the online bits", "[kl][arm64][v6.6]")
{
	Arm64V6_6 v;
	Machine m(4, v);
	m.wedged = {3};
	v.crash_smp_send_stop(*m.cpu[0]);
	CHECK(m.parked == std::set<unsigned>{1, 2});
	// Stopped CPUs keep their online bit on this path.
	CHECK(m.w.ks.cpu_online_mask.test(1));
	CHECK(m.w.ks.cpu_online_mask.test(2));
	CHECK(m.w.logged("SMP: failed to stop secondary CPUs 1-3"));
	CHECK(v.smp_crash_stop_failed(*m.cpu[0]));
	// The crash handler saves, acks, then disables IRQs (not DAIF) before SDEI mask and CPU_OFF.
	const auto& k = m.w.calls;
	CHECK(index_of(k, "cpu1: crash_save_cpu(1,irq)") < index_of(k, "cpu1: store atomic_dec"));
	CHECK(index_of(k, "cpu1: store atomic_dec") < index_of(k, "cpu1: local_irq_disable"));
	CHECK_FALSE(m.w.called("cpu1: daif 0x3c0"));
	// A second call does nothing (cpus_stopped).
	m.w.calls.clear();
	v.crash_smp_send_stop(*m.cpu[0]);
	CHECK(m.w.calls.empty());
}

TEST_CASE("kl::stop v6.7: the stop IPIs are pseudo-NMIs only with priority masking", "[kl][arm64][v6.7]")
{
	Arm64V6_7 v;
	fake::World w(2);
	fake::Cpu c(w, 0);
	CHECK_FALSE(v.ipi_should_be_nmi(c, Arm64V6_6::IPI_CPU_STOP));
	w.cfg.pseudo_nmi = true;
	CHECK(v.ipi_should_be_nmi(c, Arm64V6_6::IPI_CPU_STOP));
	CHECK(v.ipi_should_be_nmi(c, Arm64V6_6::IPI_CPU_CRASH_STOP));
	CHECK(v.ipi_should_be_nmi(c, Arm64V6_7::IPI_CPU_BACKTRACE));
	CHECK_FALSE(v.ipi_should_be_nmi(c, Arm64V6_6::IPI_CPU_STOP - 1));
	CHECK(ipi_rung_name(c, v, Arm64V6_6::IPI_CPU_STOP) == std::string("pseudo_nmi"));
	Arm64V6_12 v12;
	CHECK_FALSE(v12.ipi_should_be_nmi(c, Arm64V6_12::IPI_CPU_STOP));
	CHECK(v12.ipi_should_be_nmi(c, Arm64V6_12::IPI_CPU_STOP_NMI));
}

TEST_CASE("kl::irqchip: gic_ipi_send_mask writes once per cluster after a DSB", "[kl][arm64][gic]")
{
	Arm64V6_12 v;
	fake::World w(40);
	fake::Cpu c(w, 0);
	std::vector<uint64_t> writes;
	w.on_sgi = [&](unsigned, uint64_t val) { writes.push_back(val); };
	CpuMask mask;
	for (unsigned i : {1u, 2u, 15u, 16u, 33u})
		mask.set(i);
	gic_ipi_send_mask(c, mask, 3);
	REQUIRE(writes.size() == 3);
	CHECK(fake::sgi_targets(writes[0]) == std::vector<unsigned>{1, 2, 15});
	CHECK(fake::sgi_targets(writes[1]) == std::vector<unsigned>{16});
	CHECK(fake::sgi_targets(writes[2]) == std::vector<unsigned>{33});
	for (uint64_t x : writes)
		CHECK(fake::sgi_intid(x) == 3);
	CHECK(w.calls.front() == "cpu0: dsb ishst");
	CHECK(w.calls.back() == "cpu0: isb");
}

TEST_CASE("kl::irqchip: ipi_setup gives NMI priority only to NMI IPIs", "[kl][arm64][gic]")
{
	Arm64V6_12 v;
	fake::World w(1);
	w.cfg.pseudo_nmi = true;
	fake::Cpu c(w, 0);
	v.ipi_setup(c);
	// SGI 3 (IPI_CPU_STOP_NMI) at 0x80, SGI 2 at 0xc0 (2024 values), all 8 enabled.
	CHECK(w.called("cpu0: mmio8 0x80b0403=0x80"));
	CHECK(w.called("cpu0: mmio8 0x80b0402=0xc0"));
	CHECK(w.called("cpu0: mmio32 0x80b0100=0xff"));
	w.calls.clear();
	w.cfg.prio_2024 = false;
	v.ipi_setup(c);
	CHECK(w.called("cpu0: mmio8 0x80b0403=0x20"));
	CHECK(w.called("cpu0: mmio8 0x80b0402=0xa0"));
}

TEST_CASE("kl::irqchip: an IRQ clears DAIF for nesting, a pseudo-NMI keeps it masked", "[kl][arm64][gic]")
{
	Arm64V6_12 v;
	fake::World w(2);
	w.cfg.pseudo_nmi = true;
	w.cfg.stop_timeout_us = 1;
	fake::Cpu c(w, 1);
	// IRQ from an IRQs-on context: EOI (drop), PMR=IRQOFF, DAIF cleared, handler, DIR.
	c.pmr = 0xe0;
	c.iar = 0; // IPI_RESCHEDULE: handled and returns
	c.rpr = 0xc0;
	el1_interrupt(c, v);
	auto& k = w.calls;
	CHECK(index_of(k, "cpu1: eoir 0") < index_of(k, "cpu1: daif 0x0"));
	CHECK(index_of(k, "cpu1: daif 0x0") < index_of(k, "cpu1: dir 0"));
	// The same IPI arriving as an NMI (RPR = NMI priority): DAIF is never cleared.
	w.calls.clear();
	c.rpr = 0x80;
	el1_interrupt(c, v);
	CHECK_FALSE(w.called("cpu1: daif 0x0"));
	CHECK(w.called("cpu1: eoir 0"));
	CHECK(w.called("cpu1: dir 0"));
}

TEST_CASE("kl::panic: the loser of the panic race stops itself", "[kl][panic]")
{
	Arm64V6_12 v;
	fake::World w(2);
	fake::Cpu c0(w, 0), c1(w, 1);
	w.ks.panic_cpu = 0;
	CHECK_THROWS_AS(panic(c1, v, "second", false, {}), fake::Parked);
	CHECK_FALSE(w.logged("Kernel panic - not syncing: second"));
	CHECK_FALSE(w.ks.cpu_online_mask.test(1));
}

TEST_CASE("kl::panic: kdump warns when the crash stop failed", "[kl][panic]")
{
	Arm64V6_6 v;
	Machine m(2, v);
	m.wedged = {1};
	m.w.cfg.crash_timeout_us = 10;
	CHECK_THROWS_AS(panic(*m.cpu[0], v, "boom", true, {}), fake::Ended);
	CHECK(m.w.logged("Kernel panic - not syncing: boom"));
	CHECK(m.w.logged("Some CPUs may be stale, kdump will be unreliable."));
	CHECK(m.w.called("cpu0: crash_save_cpu(0,task)"));
}

TEST_CASE("kl::panic: kernel_restart moves system_state before the stop", "[kl][panic]")
{
	Arm64V6_12 v;
	Machine m(2, v);
	CHECK_THROWS_AS(kernel_restart(*m.cpu[0], v, {}), fake::Ended);
	CHECK(m.w.logged("reboot: Restarting system"));
	CHECK_FALSE(m.w.logged("SMP: stopping secondary CPUs"));
	CHECK(m.parked == std::set<unsigned>{1});
}

TEST_CASE("kl::variants: the registry knows every era by name", "[kl]")
{
	std::vector<std::string> names;
	for (const auto& i : list_variants())
		names.push_back(i.name);
	for (const char* want : {"arm64-v6.5", "arm64-v6.6", "arm64-v6.7", "arm64-v6.12", "arm64-sdei-v1", "arm64-sdei-v2", "arm64-sdei-v4",
				 "arm64-sdei-v5", "x86-v3.3", "x86-v3.5", "x86-v5.3", "x86-v6.5", "x86-v6.15"})
		CHECK(std::count(names.begin(), names.end(), want) == 1);
	CHECK(make_variant("arm64-v6.12") != nullptr);
	CHECK(std::string(make_variant("x86-v6.5")->arch()) == "x86");
	CHECK(make_variant("arm64-v9.9") == nullptr);
}

TEST_CASE("kl::arm64 SDEI driver: the mask failure is one 'sdei:' warning per boot; unknown codes are no error",
	  "[kl][arm64][sdei]")
{
	fake::World w(2);
	fake::Cpu c0(w, 0), c1(w, 1);
	w.sdei_present = true;
	w.smc_result[SDEI_1_0_FN_SDEI_PE_MASK] = -3; // SDEI_DENIED
	CHECK(sdei_mask_local_cpu(c0) == -1);       // -EPERM
	CHECK(sdei_mask_local_cpu(c1) == -1);
	size_t n = 0;
	for (const auto& l : w.log)
		n += l.rfind("sdei: failed to mask CPU[", 0) == 0;
	CHECK(n == 1);
	CHECK(std::find(w.log.begin(), w.log.end(), "sdei: failed to mask CPU[0]: -1") != w.log.end());
	// A value the driver does not list is not an error: no message, 0.
	CHECK(sdei_to_linux_errno(-4) == 0);
	w.smc_result[SDEI_1_0_FN_SDEI_PE_UNMASK] = -7;
	CHECK(sdei_unmask_local_cpu(c0) == 0);
	// No firmware: -EIO from the conduit, not passed on, no message.
	w.sdei_present = false;
	w.log.clear();
	CHECK(sdei_mask_local_cpu(c0) == 0);
	CHECK(w.log.empty());
}

TEST_CASE("kl::stop v3.x: the target prints and dumps its stack under stop_lock, then goes offline", "[kl][arm64][v3.x]")
{
	Arm64V3_xx v;
	fake::World w(2);
	fake::Cpu c1(w, 1);
	CHECK_THROWS_AS(v.do_handle_IPI(c1, Arm64V3_xx::IPI_CPU_STOP, c1.get_irq_regs()), fake::Parked);
	CHECK(w.logged("CPU1: stopping"));
	CHECK(w.logged("Call trace:"));
	const auto& k = w.calls;
	CHECK(index_of(k, "cpu1: lock stop_lock") < index_of(k, "cpu1: trylock console_sem ok"));
	CHECK(index_of(k, "cpu1: trylock console_sem ok") < index_of(k, "cpu1: cost backtrace_dump"));
	CHECK(index_of(k, "cpu1: cost backtrace_dump") < index_of(k, "cpu1: unlock console_sem"));
	CHECK(index_of(k, "cpu1: unlock console_sem") < index_of(k, "cpu1: unlock stop_lock"));
	// The ack only after the lock is released; FIQ and IRQ masked after it.
	CHECK(index_of(k, "cpu1: unlock stop_lock") < index_of(k, "cpu1: set_cpu_online(1,0)"));
	CHECK_FALSE(w.ks.cpu_online_mask.test(1));
}

TEST_CASE("kl::stop v3.x: with console_sem taken elsewhere the stack costs no console time", "[kl][arm64][v3.x]")
{
	Arm64V3_xx v;
	fake::World w(2);
	w.busy_locks.insert("console_sem");
	fake::Cpu c1(w, 1);
	CHECK_THROWS_AS(v.do_handle_IPI(c1, Arm64V3_xx::IPI_CPU_STOP, c1.get_irq_regs()), fake::Parked);
	CHECK(w.called("cpu1: trylock console_sem busy"));
	CHECK_FALSE(w.called("cpu1: cost backtrace_dump"));
	CHECK_FALSE(w.called("cpu1: unlock console_sem"));
}

TEST_CASE("kl::stop v3.x: on restart the target prints nothing; a wedged CPU gets the bare failure line", "[kl][arm64][v3.x]")
{
	Arm64V3_xx v;
	Machine m(4, v);
	m.w.ks.system_state = SystemState::restart;
	m.wedged = {2};
	v.smp_send_stop(*m.cpu[0]);
	CHECK(m.parked == std::set<unsigned>{1, 3});
	CHECK_FALSE(m.w.called("cpu1: lock stop_lock"));
	CHECK_FALSE(m.w.logged("CPU1: stopping"));
	CHECK(m.w.logged("SMP: failed to stop secondary CPUs"));
}
