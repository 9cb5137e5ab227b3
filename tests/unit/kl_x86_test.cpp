// SPDX-License-Identifier: Apache-2.0
// The x86 stop and crash-stop algorithms of each era, driven through the fake x86 shim.
#include "support/fake_x86_shim.hpp"

#include "kl/panic.hpp"
#include "kl/x86/x86_eras.hpp"

#include <catch2/catch.hpp>

#include <memory>
#include <set>

using namespace kl;
using namespace kl::x86;
using fake_x86::GaveUp;
using fake_x86::Halted;

namespace {

/// An era with its protected state and steps opened for inspection.
template <class V> struct Open : V {
	using V::crash_ipi_issued;
	using V::crashing_cpu;
	using V::cpus_stop_mask;
	using V::emergency_handler;
	using V::nmi_shootdown_cpus;
	using V::nmi_local;
	using V::stop_this_cpu;
	using V::stopping_cpu;
	using V::waiting_for_crash_ipi;
};

struct Machine;
bool log_has(const Machine& m, const std::string& part);

/// N fake CPUs. A fixed IPI reaches a target `ack_ns` after the send if its IF is set then; an NMI
/// does unless the target is inside an NMI handler, where it is latched (one at most).
struct Machine {
	Machine(unsigned n, X86Variant& v) : w(n), var(v)
	{
		for (unsigned i = 0; i < n; i++)
			cpu.push_back(std::make_unique<fake_x86::Cpu>(w, i));
		w.on_ipi = [this](const fake_x86::Ipi& i) {
			for (unsigned t = 0; t < w.nr_cpus; t++) {
				if (i.target < 0 ? t == i.from : int(t) != i.target)
					continue;
				const unsigned vec = i.vector;
				w.at(w.now_ns + ack_ns, [this, t, vec] { vec == NMI_VECTOR ? deliver_nmi(t) : deliver_irq(t, vec); });
			}
		};
	}
	void wedge(unsigned c) { cpu[c]->if_flag = false; } ///< spins with IF=0 forever
	void deliver_irq(unsigned t, unsigned vec)
	{
		auto& c = *cpu[t];
		if (!c.if_flag)
			return; // waits in IRR; these tests never let it in
		c.if_flag = false; // interrupt gate
		c.ctx = Ctx::irq;
		try {
			var.handle_interrupt(c, vec, c.get_irq_regs());
			c.if_flag = true; // IRET
		} catch (const Halted&) {
			halted.insert(t);
		}
	}
	void deliver_nmi(unsigned t)
	{
		auto& c = *cpu[t];
		if (c.nmi_blocked) {
			latched.insert(t);
			return;
		}
		c.nmi_blocked = true;
		c.ctx = Ctx::nmi;
		try {
			var.handle_nmi(c, c.get_irq_regs());
			c.nmi_blocked = false; // IRET
		} catch (const Halted&) {
			halted.insert(t);
		}
	}
	/// The calls CPU `c` made, without the "cpuN: " prefix.
	std::vector<std::string> calls_of(unsigned c) const
	{
		const std::string pre = "cpu" + std::to_string(c) + ": ";
		std::vector<std::string> out;
		for (const auto& s : w.calls)
			if (s.rfind(pre, 0) == 0)
				out.push_back(s.substr(pre.size()));
		return out;
	}

	fake_x86::World w;
	X86Variant& var;
	std::vector<std::unique_ptr<fake_x86::Cpu>> cpu;
	std::set<unsigned> halted;
	std::set<unsigned> latched;
	uint64_t ack_ns = 5000;
};

/// Some printk line contains `part`.
bool log_has(const Machine& m, const std::string& part)
{
	for (const auto& l : m.w.log)
		if (l.second.find(part) != std::string::npos)
			return true;
	return false;
}

bool before(const std::vector<std::string>& v, const std::string& a, const std::string& b)
{
	const auto ia = std::find(v.begin(), v.end(), a);
	const auto ib = std::find(v.begin(), v.end(), b);
	REQUIRE(ia != v.end());
	REQUIRE(ib != v.end());
	return ia < ib;
}

} // namespace

// ---- native_stop_other_cpus(), era by era

TEST_CASE("kl::x86 v3.3: the stop sends an NMI first and only", "[kl][x86][v3.3]")
{
	Open<X86V3_3> v;
	Machine m(4, v);
	m.wedge(2); // IF=0 does not matter to an NMI
	v.smp_send_stop(*m.cpu[0]);
	REQUIRE(m.w.ipis.size() == 1);
	CHECK(m.w.ipis[0].vector == NMI_VECTOR);
	CHECK(m.w.ipis[0].target == -1);
	CHECK(m.halted == std::set<unsigned>{1, 2, 3});
	CHECK(v.stopping_cpu == 0);
	REQUIRE_FALSE(v.nmi_local.empty());
	CHECK(v.nmi_local.front() == "smp_stop");
	REQUIRE(m.w.polls.size() == 1);
	CHECK(m.w.polls[0].budget == USEC_PER_SEC);
	CHECK(m.w.polls[0].acked);
	CHECK_FALSE(m.w.logged("Shutting down cpus with NMI"));
	CHECK(m.w.called("cpu0: disable_local_APIC"));
	// v3.3 does not disable virtualization before stopping.
	CHECK_FALSE(m.w.called("cpu1: virt_off"));
}

TEST_CASE("kl::x86 v3.3: nonmi_ipi selects the REBOOT_VECTOR routine with no stopping_cpu guard", "[kl][x86][v3.3]")
{
	Open<X86V3_3> v;
	Machine m(3, v);
	m.w.cfg.nonmi_ipi = true;
	v.smp_send_stop(*m.cpu[0]);
	REQUIRE(m.w.ipis.size() == 1);
	CHECK(m.w.ipis[0].vector == REBOOT_VECTOR);
	CHECK(v.stopping_cpu == -1);
	CHECK(v.nmi_local.empty());
	CHECK(m.halted == std::set<unsigned>{1, 2});
}

TEST_CASE("kl::x86: an NMI on the stopping CPU itself is not a stop request", "[kl][x86]")
{
	Open<X86V3_3> v;
	Machine m(2, v);
	v.smp_send_stop(*m.cpu[0]);
	REQUIRE(v.stopping_cpu == 0);
	m.deliver_nmi(0);
	CHECK(m.halted.count(0) == 0);
	CHECK_FALSE(m.cpu[0]->nmi_blocked); // the handler returned
	CHECK(m.w.log.empty());             // handled: no "Uhhuh"
}

TEST_CASE("kl::x86 v3.5: REBOOT_VECTOR first, then \"Shutting down cpus with NMI\" after 1 s", "[kl][x86][v3.5]")
{
	Open<X86V3_5> v;
	Machine m(4, v);
	m.wedge(2);
	m.w.now_ns = 100'000;
	v.smp_send_stop(*m.cpu[0]);
	REQUIRE(m.w.ipis.size() == 2);
	CHECK(m.w.ipis[0].vector == REBOOT_VECTOR);
	CHECK(m.w.ipis[0].target == -1);
	CHECK(m.w.ipis[1].vector == NMI_VECTOR);
	CHECK(m.w.ipis[1].target == -1); // a broadcast: already-stopped CPUs get it too
	const uint64_t t_nmi = m.w.logged_at("Shutting down cpus with NMI");
	CHECK(t_nmi >= 100'000 + 1'000'000'000ull);
	CHECK(t_nmi < 100'000 + 1'001'000'000ull);
	REQUIRE(m.w.polls.size() == 2);
	CHECK(m.w.polls[0].budget == USEC_PER_SEC);
	CHECK_FALSE(m.w.polls[0].acked);
	CHECK(m.w.polls[1].budget == 10 * USEC_PER_MSEC);
	CHECK(m.w.polls[1].acked);
	CHECK(m.halted == std::set<unsigned>{1, 2, 3});
	CHECK(v.nmi_handler_registered("smp_stop"));
	// CPUs 1 and 3 halted from the REBOOT IRQ with NMIs unblocked: the NMI enters stop_this_cpu again.
	CHECK(m.w.count("cpu1: handler stop_this_cpu") == 2);
	CHECK(m.w.count("cpu2: handler stop_this_cpu") == 1);
	CHECK(m.w.called("cpu2: virt_off"));
}

TEST_CASE("kl::x86 v3.5: with wait=1 (reboot) the REBOOT_VECTOR loop never times out", "[kl][x86][v3.5]")
{
	Open<X86V3_5> v;
	Machine m(4, v);
	m.wedge(2);
	m.w.give_up_ns = 3'000'000'000ull;
	CHECK_THROWS_AS(v.machine_restart(*m.cpu[0]), GaveUp);
	REQUIRE(m.w.polls.size() == 1);
	CHECK(m.w.polls[0].budget == kPollForever);
	CHECK(m.w.now_ns >= 3'000'000'000ull);
	CHECK(m.w.ipis.size() == 1);
	CHECK_FALSE(m.w.logged("Shutting down cpus with NMI"));
	CHECK(m.halted == std::set<unsigned>{1, 3});
}

TEST_CASE("kl::x86 v5.3: the first loop is always 1 s and the NMI is a broadcast", "[kl][x86][v5.3]")
{
	Open<X86V5_3> v;
	Machine m(4, v);
	m.wedge(2);
	SECTION("reboot (wait=1)")
	{
		v.machine_restart(*m.cpu[0]);
		REQUIRE(m.w.polls.size() == 2);
		CHECK(m.w.polls[0].budget == USEC_PER_SEC);
		CHECK(m.w.polls[1].budget == kPollForever); // by design: may hang if even the NMI fails
	}
	SECTION("panic (wait=0)")
	{
		v.smp_send_stop(*m.cpu[0]);
		REQUIRE(m.w.polls.size() == 2);
		CHECK(m.w.polls[0].budget == USEC_PER_SEC);
		CHECK(m.w.polls[1].budget == 10 * USEC_PER_MSEC);
	}
	CHECK_FALSE(m.w.polls[0].acked);
	CHECK(m.w.polls[1].acked);
	REQUIRE(m.w.ipis.size() == 2);
	CHECK(m.w.ipis[0].vector == REBOOT_VECTOR);
	CHECK(m.w.ipis[1].vector == NMI_VECTOR);
	CHECK(m.w.ipis[1].target == -1);
	CHECK(m.w.logged_at("Shutting down cpus with NMI") >= 1'000'000'000ull);
	CHECK(m.halted == std::set<unsigned>{1, 2, 3});
}

TEST_CASE("kl::x86 v5.3: with nonmi_ipi no NMI is sent but the second wait still runs", "[kl][x86][v5.3]")
{
	Open<X86V5_3> v;
	Machine m(3, v);
	m.wedge(1);
	m.w.cfg.nonmi_ipi = true;
	v.smp_send_stop(*m.cpu[0]);
	REQUIRE(m.w.ipis.size() == 1);
	CHECK(m.w.ipis[0].vector == REBOOT_VECTOR);
	REQUIRE(m.w.polls.size() == 2);
	CHECK(m.w.polls[1].budget == 10 * USEC_PER_MSEC);
	CHECK_FALSE(m.w.polls[1].acked);
	CHECK_FALSE(m.w.logged("Shutting down cpus with NMI"));
	CHECK(m.halted == std::set<unsigned>{2});
}

TEST_CASE("kl::x86 v6.5: per-CPU NMIs only to the CPUs still in cpus_stop_mask", "[kl][x86][v6.5]")
{
	Open<X86V6_5> v;
	Machine m(5, v);
	m.wedge(2);
	m.wedge(4);
	v.smp_send_stop(*m.cpu[0]);
	REQUIRE(m.w.ipis.size() == 3);
	CHECK(m.w.ipis[0].vector == REBOOT_VECTOR);
	CHECK(m.w.ipis[0].target == -1);
	CHECK(m.w.ipis[1].vector == NMI_VECTOR);
	CHECK(m.w.ipis[1].target == 2);
	CHECK(m.w.ipis[2].vector == NMI_VECTOR);
	CHECK(m.w.ipis[2].target == 4);
	CHECK(m.w.called("cpu0: rung nmi 2,4"));
	CHECK(m.w.logged("Shutting down cpus with NMI"));
	CHECK(m.halted == std::set<unsigned>{1, 2, 3, 4});
	CHECK(v.cpus_stop_mask.empty()); // cleared at the end in any case
	CHECK(m.w.called("cpu0: store cpumask_clear"));
	// CPUs that acked through the IRQ did not get an NMI, so each stopped once.
	CHECK(m.w.count("cpu1: handler stop_this_cpu") == 1);
}

TEST_CASE("kl::x86 v6.5: the ack comes after WBINVD; v5.3 went offline before it", "[kl][x86][v6.5][v5.3]")
{
	SECTION("v6.5")
	{
		Open<X86V6_5> v;
		Machine m(3, v);
		m.w.cfg.x86_sme = true;
		m.w.wbinvd_ns = 2'000'000;
		bool still_in_mask = true, online_count_dropped = true;
		m.w.on_wbinvd = [&](unsigned c) {
			still_in_mask = still_in_mask && v.cpus_stop_mask.test(c);
			online_count_dropped = online_count_dropped && !m.w.ks.cpu_online_mask.test(c);
		};
		v.smp_send_stop(*m.cpu[0]);
		CHECK(still_in_mask);
		CHECK(online_count_dropped);
		REQUIRE(m.w.polls.size() == 1);
		CHECK(m.w.polls[0].acked);
		CHECK(m.w.polls[0].end_ns - m.w.polls[0].start_ns >= 2'000'000);
	}
	SECTION("v5.3")
	{
		Open<X86V5_3> v;
		Machine m(3, v);
		m.w.cfg.x86_sme = true;
		m.w.wbinvd_ns = 2'000'000;
		unsigned online_at_wbinvd = 99;
		m.w.on_wbinvd = [&](unsigned c) {
			if (c == 1)
				online_at_wbinvd = m.w.ks.num_online;
		};
		v.smp_send_stop(*m.cpu[0]);
		CHECK(online_at_wbinvd == 2); // CPU 1 already counted as stopped while it flushes
	}
}

TEST_CASE("kl::x86: stop_this_cpu order per era", "[kl][x86][stop_this_cpu]")
{
	const std::vector<std::string> old_order{"handler stop_this_cpu", "local_irq_disable", "set_cpu_online(1,0)",
						 "disable_local_APIC", "mce_clear", "wbinvd", "parked", "hlt"};
	SECTION("v5.3: offline, then WBINVD, no mask ack")
	{
		Open<X86V5_3> v;
		Machine m(2, v);
		m.w.cfg.x86_sme = true;
		CHECK_THROWS_AS(v.stop_this_cpu(*m.cpu[1]), Halted);
		CHECK(m.calls_of(1) == old_order);
	}
	SECTION("v3.3: the same order")
	{
		Open<X86V3_3> v;
		Machine m(2, v);
		m.w.cfg.x86_sme = true;
		CHECK_THROWS_AS(v.stop_this_cpu(*m.cpu[1]), Halted);
		CHECK(m.calls_of(1) == old_order);
	}
	SECTION("v6.5: the cpus_stop_mask ack only after WBINVD")
	{
		Open<X86V6_5> v;
		Machine m(2, v);
		m.w.cfg.x86_sme = true;
		v.cpus_stop_mask.set(1);
		CHECK_THROWS_AS(v.stop_this_cpu(*m.cpu[1]), Halted);
		CHECK(m.calls_of(1) ==
		      std::vector<std::string>{"handler stop_this_cpu", "local_irq_disable", "set_cpu_online(1,0)",
					       "disable_local_APIC", "mce_clear", "wbinvd", "store cpumask_test_and_clear_cpu",
					       "parked", "hlt"});
		CHECK_FALSE(v.cpus_stop_mask.test(1));
	}
	SECTION("v6.5 without SME: no WBINVD")
	{
		Open<X86V6_5> v;
		Machine m(2, v);
		CHECK_THROWS_AS(v.stop_this_cpu(*m.cpu[1]), Halted);
		CHECK_FALSE(m.w.called("cpu1: wbinvd"));
	}
}

TEST_CASE("kl::x86: the stopping_cpu guard", "[kl][x86]")
{
	SECTION("v6.5 takes it even with one CPU online")
	{
		Open<X86V6_5> v;
		Machine m(1, v);
		v.smp_send_stop(*m.cpu[0]);
		CHECK(v.stopping_cpu == 0);
		CHECK(m.w.ipis.empty());
	}
	SECTION("v5.3 only with more than one CPU online")
	{
		Open<X86V5_3> v;
		Machine m(1, v);
		v.smp_send_stop(*m.cpu[0]);
		CHECK(v.stopping_cpu == -1);
	}
	SECTION("a second caller returns at once")
	{
		Open<X86V6_5> v;
		Machine m(3, v);
		v.stopping_cpu = 2;
		v.smp_send_stop(*m.cpu[0]);
		CHECK(m.w.ipis.empty());
		CHECK(m.w.polls.empty());
		CHECK(v.stopping_cpu == 2);
	}
}

TEST_CASE("kl::x86: reboot=force stops nothing", "[kl][x86]")
{
	auto check = [](X86Variant& v) {
		Machine m(3, v);
		m.w.cfg.reboot_force = true;
		v.smp_send_stop(*m.cpu[0]);
		v.machine_restart(*m.cpu[0]);
		CHECK(m.w.ipis.empty());
		CHECK(m.w.polls.empty());
		CHECK(m.w.ks.num_online == 3);
		CHECK(m.calls_of(0) ==
		      std::vector<std::string>{"begin native_stop_other_cpus", "end", "begin native_stop_other_cpus", "end"});
	};
	X86V3_3 a;
	X86V3_5 b;
	X86V5_3 c;
	X86V6_5 d;
	X86V6_15 e;
	check(a);
	check(b);
	check(c);
	check(d);
	check(e);
}

TEST_CASE("kl::x86: the REBOOT vector handler EOIs, then stops", "[kl][x86][reboot_vector]")
{
	SECTION("v6.5: EOI, virtualization off, stop_this_cpu")
	{
		X86V6_5 v;
		Machine m(2, v);
		CHECK_THROWS_AS(v.handle_interrupt(*m.cpu[1], REBOOT_VECTOR, Regs{}), Halted);
		const auto c = m.calls_of(1);
		REQUIRE(c.size() >= 3);
		CHECK(c[0] == "apic_eoi");
		CHECK(c[1] == "virt_off");
		CHECK(c[2] == "handler stop_this_cpu");
		CHECK(m.w.ks.num_online == 1);
	}
	SECTION("v3.3: EOI, then stop_this_cpu")
	{
		X86V3_3 v;
		Machine m(2, v);
		CHECK_THROWS_AS(v.handle_interrupt(*m.cpu[1], REBOOT_VECTOR, Regs{}), Halted);
		const auto c = m.calls_of(1);
		REQUIRE(c.size() >= 2);
		CHECK(c[0] == "apic_eoi");
		CHECK(c[1] == "handler stop_this_cpu");
	}
	SECTION("another vector is only acknowledged")
	{
		X86V6_5 v;
		Machine m(2, v);
		v.handle_interrupt(*m.cpu[1], 0x40, Regs{});
		CHECK(m.calls_of(1) == std::vector<std::string>{"apic_eoi"});
	}
}

TEST_CASE("kl::x86: an unclaimed NMI is reported as unknown", "[kl][x86][nmi]")
{
	X86V6_5 v;
	Machine m(2, v);
	m.deliver_nmi(1);
	CHECK(m.w.logged("Uhhuh. NMI received for unknown reason 00 on CPU 1."));
	CHECK(m.w.logged("Dazed and confused, but trying to continue"));
	CHECK_FALSE(m.cpu[1]->nmi_blocked);
}

// ---- the kdump NMI shootdown

TEST_CASE("kl::x86: nmi_shootdown_cpus sets crash_ipi_issued only after the NMI is sent", "[kl][x86][kdump]")
{
	Open<X86V6_5> v;
	Machine m(4, v);
	bool issued_at_send = true;
	int waiting_at_send = -1;
	auto deliver = m.w.on_ipi;
	m.w.on_ipi = [&](const fake_x86::Ipi& i) {
		issued_at_send = v.crash_ipi_issued;
		waiting_at_send = v.waiting_for_crash_ipi;
		deliver(i);
	};
	v.crash_smp_send_stop(*m.cpu[0]);
	CHECK_FALSE(issued_at_send);
	CHECK(waiting_at_send == 3); // num_online_cpus() - 1
	CHECK(v.crash_ipi_issued);
	CHECK(v.crashing_cpu == 0);
	CHECK(v.waiting_for_crash_ipi == 0);
	REQUIRE(m.w.ipis.size() == 1);
	CHECK(m.w.ipis[0].vector == NMI_VECTOR);
	CHECK(m.w.ipis[0].target == -1);
	REQUIRE(m.w.polls.size() == 1);
	CHECK(m.w.polls[0].budget == 1000);
	CHECK(m.w.polls[0].unit_us == 1000); // mdelay(1)
	CHECK(m.w.polls[0].acked);
	// Before v6.15: registered under the descriptor lock, and left installed.
	CHECK(before(m.w.calls, "cpu0: lock nmi_desc_lock", "cpu0: ipi allbutself 0x2"));
	CHECK(v.nmi_handler_registered("crash"));
	CHECK_FALSE(v.emergency_handler);
	CHECK(m.halted == std::set<unsigned>{1, 2, 3});
	CHECK(m.calls_of(1) == std::vector<std::string>{"nmi_enter", "handler crash_nmi_callback", "local_irq_disable",
							 "crash_save_cpu(1,nmi)", "disable_local_APIC", "virt_off",
							 "store atomic_dec", "parked", "hlt"});
	CHECK(m.w.called("cpu0: disable_local_APIC"));
	// crash_smp_send_stop() runs once.
	const size_t n = m.w.calls.size();
	v.crash_smp_send_stop(*m.cpu[0]);
	CHECK(m.w.calls.size() == n);
	// The crashing CPU ignores an NMI of its own (the watchdog, say).
	m.deliver_nmi(0);
	CHECK(m.halted.count(0) == 0);
}

TEST_CASE("kl::x86 v6.2+: the restart shootdown is skipped, silently, after a crash shootdown", "[kl][x86][kdump][v6.2]")
{
	auto check = [](X86Variant& v, Machine& m) {
		v.crash_smp_send_stop(*m.cpu[0]);
		v.emergency_restart(*m.cpu[0]);
		// Virtualization off on this CPU, but no second NMI, no wait and no WARN.
		CHECK(m.w.called("cpu0: virt_off"));
		CHECK_FALSE(log_has(m, "WARNING"));
		CHECK(m.w.ipis.size() == 1);
		CHECK(m.w.polls.size() == 1);
		CHECK_FALSE(m.w.called("cpu0: invariant nmi_handler_list_intact"));
	};
	SECTION("v6.2")
	{
		Open<X86V6_2> v;
		Machine m(4, v);
		check(v, m);
		CHECK(m.w.count("cpu0: lock nmi_desc_lock") == 1);
	}
	SECTION("v6.5")
	{
		Open<X86V6_5> v;
		Machine m(4, v);
		check(v, m);
	}
	SECTION("v6.6 with KVM's callback registered")
	{
		Open<X86V6_6> v;
		Machine m(4, v);
		m.w.cfg.x86_kvm = true;
		check(v, m);
	}
}

TEST_CASE("kl::x86 v6.6+: without KVM's callback the emergency restart shoots nothing down", "[kl][x86][v6.6]")
{
	SECTION("v6.6, no KVM: nothing at all")
	{
		Open<X86V6_6> v;
		Machine m(4, v);
		v.emergency_restart(*m.cpu[0]);
		CHECK_FALSE(m.w.called("cpu0: virt_off"));
		CHECK(m.w.ipis.empty());
	}
	SECTION("v6.5 (the CPU has VMX): the shootdown with no callback")
	{
		Open<X86V6_5> v;
		Machine m(4, v);
		v.emergency_restart(*m.cpu[0]);
		CHECK(m.w.called("cpu0: virt_off"));
		REQUIRE(m.w.ipis.size() == 1);
		CHECK(m.w.ipis[0].vector == NMI_VECTOR);
		CHECK(m.halted == std::set<unsigned>{1, 2, 3});
		// No kdump callback: nobody saves registers.
		CHECK_FALSE(m.w.called("cpu1: crash_save_cpu(1,nmi)"));
	}
}

TEST_CASE("kl::x86 v6.2+: a direct second nmi_shootdown_cpus() is refused with one WARN splat", "[kl][x86][kdump][v6.2]")
{
	Open<X86V6_2> v;
	Machine m(4, v);
	v.crash_smp_send_stop(*m.cpu[0]);
	v.nmi_shootdown_cpus(*m.cpu[0], false);
	v.nmi_shootdown_cpus(*m.cpu[0], false);
	CHECK(m.w.count("cpu0: printk warning ------------[ cut here ]------------") == 1);
	CHECK(m.w.logged("WARNING: CPU: 0 at arch/x86/kernel/reboot.c nmi_shootdown_cpus"));
	CHECK(m.w.ipis.size() == 1);
}

TEST_CASE("kl::x86 v5.3: a second nmi_shootdown_cpus registers \"crash\" twice", "[kl][x86][kdump][v5.3]")
{
	Open<X86V5_3> v;
	Machine m(4, v);
	v.crash_smp_send_stop(*m.cpu[0]);
	REQUIRE(m.halted == std::set<unsigned>{1, 2, 3});
	v.emergency_restart(*m.cpu[0]);
	CHECK(m.w.called("cpu0: invariant nmi_handler_list_intact"));
	CHECK(std::count(v.nmi_local.begin(), v.nmi_local.end(), "crash") == 2);
	CHECK_FALSE(log_has(m, "WARNING"));
	CHECK(m.w.called("cpu0: virt_off"));
	REQUIRE(m.w.ipis.size() == 2);
	CHECK(m.w.ipis[1].vector == NMI_VECTOR);
	// The halted CPUs are still inside the first NMI: the second one only latches, nobody acks.
	CHECK(m.latched == std::set<unsigned>{1, 2, 3});
	REQUIRE(m.w.polls.size() == 2);
	CHECK_FALSE(m.w.polls[1].acked);
	CHECK(v.waiting_for_crash_ipi == 3);
}

TEST_CASE("kl::x86 v6.15: the crash handler uses the emergency slot, never nmi_desc_lock", "[kl][x86][kdump][v6.15]")
{
	Open<X86V6_15> v;
	Machine m(4, v);
	v.crash_smp_send_stop(*m.cpu[0]);
	for (const auto& c : m.w.calls)
		CHECK(c.find("nmi_desc_lock") == std::string::npos);
	CHECK(v.emergency_handler);
	CHECK_FALSE(v.nmi_handler_registered("crash"));
	CHECK(m.halted == std::set<unsigned>{1, 2, 3});
	for (unsigned c = 1; c < 4; c++)
		CHECK(m.w.called("cpu" + std::to_string(c) + ": crash_save_cpu(" + std::to_string(c) + ",nmi)"));
	CHECK(v.waiting_for_crash_ipi == 0);
}

TEST_CASE("kl::x86: a CPU looping in NMI context polls crash_ipi_issued (v5.3+)", "[kl][x86][kdump][nmi_panic]")
{
	SECTION("v6.5: it saves its own registers after the initiator publishes the flag")
	{
		Open<X86V6_5> v;
		Machine m(4, v);
		m.cpu[2]->nmi_blocked = true; // in nmi_panic(), NMIs blocked until an IRET that never comes
		m.cpu[2]->ctx = Ctx::nmi;
		auto deliver = m.w.on_ipi;
		uint64_t sent_ns = 0;
		m.w.on_ipi = [&](const fake_x86::Ipi& i) {
			sent_ns = i.t_ns;
			deliver(i);
			// CPU 2 runs its nmi_panic_self_stop() loop from a little later on.
			m.w.at(i.t_ns + 2000, [&] {
				try {
					v.nmi_panic_self_stop(*m.cpu[2], m.cpu[2]->get_irq_regs());
				} catch (const Halted&) {
					m.halted.insert(2);
				}
			});
		};
		v.crash_smp_send_stop(*m.cpu[0]);
		CHECK(m.latched.count(2) == 1); // the shootdown NMI could not get in
		CHECK(m.halted == std::set<unsigned>{1, 2, 3});
		CHECK(m.w.called("cpu2: crash_save_cpu(2,nmi)"));
		CHECK(v.waiting_for_crash_ipi == 0);
		REQUIRE(m.w.polls.size() == 2);
		CHECK(m.w.polls[0].acked); // the initiator's 1000 x 1 ms wait
		CHECK(m.w.polls[1].cpu == 2);
		CHECK(m.w.polls[1].budget == kPollForever);
		CHECK(m.w.polls[1].start_ns > sent_ns);
	}
	SECTION("v5.3 polls it too")
	{
		Open<X86V5_3> v;
		Machine m(2, v);
		v.crash_ipi_issued = true;
		v.crashing_cpu = 0;
		v.waiting_for_crash_ipi = 1;
		CHECK_THROWS_AS(v.nmi_panic_self_stop(*m.cpu[1], Regs{true, Ctx::nmi, "test"}), Halted);
		CHECK(m.w.called("cpu1: crash_save_cpu(1,nmi)") == false); // shootdown_kdump not set: no save
		CHECK(m.w.called("cpu1: store atomic_dec"));
		CHECK(v.waiting_for_crash_ipi == 0);
	}
	SECTION("v4.5 (the stop of v3.5) polls it: 58c5661f2144 is v4.5")
	{
		Open<X86V4_5> v;
		Machine m(2, v);
		v.crash_ipi_issued = true;
		v.crashing_cpu = 0;
		v.waiting_for_crash_ipi = 1;
		CHECK_THROWS_AS(v.nmi_panic_self_stop(*m.cpu[1], Regs{true, Ctx::nmi, "test"}), Halted);
		CHECK(m.w.called("cpu1: store atomic_dec"));
		CHECK(v.waiting_for_crash_ipi == 0);
	}
	SECTION("v3.5 does not: it spins and never acks")
	{
		Open<X86V3_5> v;
		Machine m(2, v);
		m.w.give_up_ns = 50'000'000;
		v.crash_ipi_issued = true;
		v.crashing_cpu = 0;
		v.waiting_for_crash_ipi = 1;
		CHECK_THROWS_AS(v.nmi_panic_self_stop(*m.cpu[1], Regs{true, Ctx::nmi, "test"}), GaveUp);
		CHECK_FALSE(m.w.called("cpu1: handler crash_nmi_callback"));
		CHECK(v.waiting_for_crash_ipi == 1);
	}
}

TEST_CASE("kl::x86 v6.15: with the emergency handler set, the NMI_LOCAL list is not walked", "[kl][x86][nmi][v6.15]")
{
	Open<X86V6_15> v;
	Machine m(2, v);
	v.crash_smp_send_stop(*m.cpu[0]);
	REQUIRE(v.emergency_handler);
	// Someone registers smp_stop afterwards, with no stop in progress: had the dispatcher walked the
	// list after the emergency handler, this NMI on the crashing CPU would stop it.
	v.nmi_local.push_back("smp_stop");
	REQUIRE(v.stopping_cpu == -1);
	m.deliver_nmi(0);
	CHECK(m.halted.count(0) == 0);
	CHECK_FALSE(m.w.called("cpu0: handler stop_this_cpu"));
	CHECK_FALSE(m.cpu[0]->nmi_blocked);
}

TEST_CASE("kl::x86: the crash callback claims the crashing CPU's own NMI", "[kl][x86][nmi][kdump]")
{
	Open<X86V5_3> v;
	Machine m(2, v);
	// Registered, but crash_ipi_issued not yet published: the window before the send.
	v.crashing_cpu = 0;
	v.nmi_local.push_back("crash");
	m.deliver_nmi(0);
	CHECK(m.halted.count(0) == 0);
	CHECK(m.w.log.empty()); // NMI_HANDLED: no "Uhhuh"
}

TEST_CASE("kl::x86 v6.18: stop_this_cpu() flushes by the per-CPU incoherent flag, on every pass", "[kl][x86][v6.18]")
{
	Open<X86V6_18> v;
	Machine m(4, v);
	m.w.cfg.x86_sme = true;
	v.cpu_up(*m.cpu[1]); // the boot marks CPU 1 incoherent; CPU 2 never came up through cpu_up()
	CHECK_THROWS_AS(v.stop_this_cpu(*m.cpu[1]), Halted);
	CHECK(m.w.count("cpu1: wbinvd") == 1);
	// Woken again (bug 8): the flag is still set, so the WBINVD runs a second time.
	CHECK_THROWS_AS(v.stop_this_cpu(*m.cpu[1]), Halted);
	CHECK(m.w.count("cpu1: wbinvd") == 2);
	CHECK_THROWS_AS(v.stop_this_cpu(*m.cpu[2]), Halted);
	CHECK_FALSE(m.w.called("cpu2: wbinvd"));
}

TEST_CASE("kl::panic: crash_kexec_post_notifiers and panic_timeout on x86", "[kl][x86][panic]")
{
	SECTION("post notifiers, no crash kernel, panic_timeout 2: crash stop, countdown, emergency restart")
	{
		Open<X86V6_5> v;
		Machine m(4, v);
		m.w.cfg.crash_kexec_post_notifiers = true;
		m.w.cfg.panic_timeout_s = 2;
		bool notified = false;
		PanicHooks h;
		h.after_stop = [&] { notified = true; };
		try {
			panic(*m.cpu[0], v, "boom", false, h);
			FAIL("panic() returned");
		} catch (const fake_x86::Ended& e) {
			CHECK(e.how == MachineEnd::restart);
		}
		CHECK(notified);
		CHECK(v.crash_ipi_issued); // the crash flavour of the stop
		CHECK(m.w.called("cpu1: crash_save_cpu(1,nmi)"));
		CHECK(m.w.logged("Rebooting in 2 seconds.."));
		CHECK(m.w.logged_at("Rebooting in 2 seconds..") < m.w.now_ns);
		CHECK_FALSE(log_has(m, "end Kernel panic"));
	}
	SECTION("no timeout: the end line, and the panic loop")
	{
		Open<X86V6_5> v;
		Machine m(4, v);
		try {
			panic(*m.cpu[0], v, "boom", false, {});
			FAIL("panic() returned");
		} catch (const fake_x86::Ended& e) {
			CHECK(e.how == MachineEnd::panic_halt);
		}
		CHECK(m.w.logged("---[ end Kernel panic - not syncing: boom ]---"));
		CHECK_FALSE(log_has(m, "Rebooting"));
	}
	SECTION("crash kernel loaded with post notifiers: the notifiers run, then kexec")
	{
		Open<X86V6_5> v;
		Machine m(4, v);
		m.w.cfg.crash_kexec_post_notifiers = true;
		m.w.cfg.panic_timeout_s = 2;
		bool notified = false;
		PanicHooks h;
		h.after_stop = [&] { notified = true; };
		try {
			panic(*m.cpu[0], v, "boom", true, h);
			FAIL("panic() returned");
		} catch (const fake_x86::Ended& e) {
			CHECK(e.how == MachineEnd::kexec);
		}
		CHECK(notified);
		// machine_crash_shutdown()'s crash_smp_send_stop() ran only once.
		CHECK(m.w.ipis.size() == 1);
		CHECK_FALSE(log_has(m, "Rebooting"));
	}
}
