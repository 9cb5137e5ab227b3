// SPDX-License-Identifier: Apache-2.0
// A scripted x86 kernel shim for unit tests of kernel-logic/x86: a virtual nanosecond clock, every
// call recorded as text, timed events, and the "noreturn" paths (HLT, machine_end) throwing so a
// test can look at what happened before them. A poll that outlives World::give_up_ns throws
// GaveUp, so a loop that never ends in the kernel still ends in the test.
#pragma once
#include "support/fake_recorder.hpp"
#include "kl/x86/x86.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace fake_x86 {

/// native_halt(): the CPU reached HLT (inside its final loop).
struct Halted {
	unsigned cpu;
};
struct Ended {
	kl::MachineEnd how;
};
/// Simulated time passed World::give_up_ns inside a poll.
struct GaveUp {
	uint64_t now_ns;
};

/// One IPI as the APIC would see it: target -1 = all but self.
struct Ipi {
	uint64_t t_ns;
	unsigned from;
	int target;
	unsigned vector;
};

/// One spin_poll() call: the budget and unit the kernel passed.
struct Poll {
	unsigned cpu;
	uint64_t budget;
	uint64_t unit_us;
	uint64_t start_ns;
	bool acked = false;
	uint64_t end_ns = 0;
};

/// State shared by the fake CPUs of one test.
struct World {
	kl::KernelConfig cfg;
	kl::KernelState ks;
	unsigned nr_cpus;
	uint64_t now_ns = 0;
	uint64_t give_up_ns = 5'000'000'000ull; ///< 5 s of virtual time
	uint64_t wbinvd_ns = 0;                 ///< what one WBINVD costs
	std::vector<std::string> calls;         ///< "cpuN: what", in order
	std::vector<std::pair<uint64_t, std::string>> log; ///< (ns, printk text)
	std::vector<Ipi> ipis;
	std::vector<Poll> polls;
	std::multimap<uint64_t, std::function<void()>> timeline; ///< virtual ns -> event
	std::function<void(const Ipi&)> on_ipi;
	std::function<void(unsigned cpu)> on_wbinvd; ///< called as a CPU starts its WBINVD

	explicit World(unsigned cpus) : nr_cpus(cpus)
	{
		for (unsigned i = 0; i < cpus; i++) {
			ks.cpu_online_mask.set(i);
			ks.num_online++;
		}
	}
	void at(uint64_t ns, std::function<void()> fn) { timeline.emplace(ns, std::move(fn)); }
	void advance(uint64_t ns)
	{
		const uint64_t until = now_ns + ns;
		while (!timeline.empty() && timeline.begin()->first <= until) {
			auto node = timeline.extract(timeline.begin());
			now_ns = std::max(now_ns, node.key());
			node.mapped()();
		}
		// An event may itself have advanced time (a handler that polls): never go back.
		now_ns = std::max(now_ns, until);
	}
	void offline(unsigned cpu)
	{
		if (ks.cpu_online_mask.test(cpu)) {
			ks.cpu_online_mask.clear(cpu);
			ks.num_online--;
		}
	}
	void online(unsigned cpu)
	{
		if (!ks.cpu_online_mask.test(cpu)) {
			ks.cpu_online_mask.set(cpu);
			ks.num_online++;
		}
	}
	bool called(const std::string& s) const { return std::find(calls.begin(), calls.end(), s) != calls.end(); }
	/// Index of the first call equal to `s`, or calls.size().
	size_t index(const std::string& s) const
	{
		return size_t(std::find(calls.begin(), calls.end(), s) - calls.begin());
	}
	size_t count(const std::string& s) const { return size_t(std::count(calls.begin(), calls.end(), s)); }
	bool logged(const std::string& s) const
	{
		for (const auto& l : log)
			if (l.second == s)
				return true;
		return false;
	}
	/// Virtual time of the first printk equal to `s` (UINT64_MAX if none).
	uint64_t logged_at(const std::string& s) const
	{
		for (const auto& l : log)
			if (l.second == s)
				return l.first;
		return UINT64_MAX;
	}
};

class Cpu : public fake_common::Recorder<kl::x86::X86Shim> {
public:
	Cpu(World& w, unsigned id) : Recorder(w.calls, id), m_w(w), m_id(id) {}

	// Identity and configuration.
	unsigned smp_processor_id() const override { return m_id; }
	unsigned nr_cpu_ids() const override { return m_w.nr_cpus; }
	const kl::KernelConfig& config() const override { return m_w.cfg; }
	kl::KernelState& ks() override { return m_w.ks; }

	void printk(kl::Level l, const std::string& text) override
	{
		m_w.log.emplace_back(m_w.now_ns, text);
		rec(std::string("printk ") + kl::level_name(l) + " " + text);
	}
	void udelay(uint64_t us) override { m_w.advance(us * 1000); }
	void mdelay(uint64_t ms) override { m_w.advance(ms * 1000000); }
	bool spin_poll(const std::function<bool()>& pending, uint64_t budget, uint64_t unit_us) override
	{
		m_w.polls.push_back(Poll{m_id, budget, unit_us, m_w.now_ns});
		const size_t me = m_w.polls.size() - 1;
		// The literal kernel loop: while (pending() && budget--) delay(unit).
		for (;;) {
			if (!pending()) {
				m_w.polls[me].acked = true;
				m_w.polls[me].end_ns = m_w.now_ns;
				return true;
			}
			if (budget-- == 0) {
				m_w.polls[me].end_ns = m_w.now_ns;
				return false;
			}
			if (m_w.now_ns >= m_w.give_up_ns)
				throw GaveUp{m_w.now_ns};
			udelay(unit_us);
		}
	}
	void cost(kl::Cost what) override { rec(std::string("cost ") + kl::cost_name(what)); }
	void set_cpu_online(unsigned cpu, bool on) override
	{
		on ? m_w.online(cpu) : m_w.offline(cpu);
		rec("set_cpu_online(" + std::to_string(cpu) + "," + (on ? "1" : "0") + ")");
	}
	void store(const char* what, const std::function<void()>& write) override
	{
		write();
		rec(std::string("store ") + what);
	}
	void smp_mb() override { rec("smp_mb"); }
	void raw_spin_lock(const std::string& name) override { rec("lock " + name); }
	void raw_spin_unlock(const std::string& name) override { rec("unlock " + name); }
	bool raw_spin_trylock(const std::string& name) override
	{
		rec("trylock " + name);
		return true;
	}
	void smp_rmb() override { rec("smp_rmb"); }
	void smp_wmb() override { rec("smp_wmb"); }
	void local_irq_disable() override
	{
		if_flag = false;
		rec("local_irq_disable");
	}
	void local_irq_enable() override
	{
		if_flag = true;
		rec("local_irq_enable");
	}
	void nmi_enter() override
	{
		ctx = kl::Ctx::nmi;
		rec("nmi_enter");
	}
	void nmi_exit() override { rec("nmi_exit"); }

	// kl::x86::X86Shim
	void send_IPI_allbutself(unsigned vector) override { ipi(-1, vector); }
	void send_IPI(unsigned cpu, unsigned vector) override { ipi(int(cpu), vector); }
	void apic_eoi() override { rec("apic_eoi"); }
	void disable_local_APIC() override { rec("disable_local_APIC"); }
	void native_halt() override
	{
		rec("hlt");
		throw Halted{m_id};
	}
	void native_wbinvd() override
	{
		rec("wbinvd");
		if (m_w.on_wbinvd)
			m_w.on_wbinvd(m_id);
		m_w.advance(m_w.wbinvd_ns);
	}
	void cpu_emergency_disable_virtualization() override { rec("virt_off"); }
	void mcheck_cpu_clear() override { rec("mce_clear"); }
	void trace_parked() override { rec("parked"); }

	bool if_flag = true;
	bool nmi_blocked = false; ///< the test's view: inside an NMI handler that has not returned

protected:
	void do_machine_end(kl::MachineEnd how) override
	{
		rec("machine_end");
		throw Ended{how};
	}

private:
	void ipi(int target, unsigned vector)
	{
		const Ipi i{m_w.now_ns, m_id, target, vector};
		m_w.ipis.push_back(i);
		rec(std::string("ipi ") + (target < 0 ? "allbutself" : "cpu" + std::to_string(target)) + " " + hex(vector));
		if (m_w.on_ipi)
			m_w.on_ipi(i);
	}
	static std::string hex(uint64_t v)
	{
		std::ostringstream os;
		os << "0x" << std::hex << v;
		return os.str();
	}

	World& m_w;
	unsigned m_id;
};

} // namespace fake_x86
