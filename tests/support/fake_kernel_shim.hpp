// SPDX-License-Identifier: Apache-2.0
// A scripted arm64 kernel shim for unit tests of kernel-logic: a virtual microsecond clock, every
// call recorded as text, timed events (a target acking, a CPU coming online), and "noreturn"
// paths (park, machine_end) that throw so a test can inspect what happened before them.
#pragma once
#include "support/fake_recorder.hpp"
#include "kl/arm64/arm64.hpp"

#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fake {

struct Parked {
	unsigned cpu;
};
struct Ended {
	kl::MachineEnd how;
};

/// State shared by the fake CPUs of one test: kernel globals, virtual time, the call log.
struct World {
	kl::KernelConfig cfg;
	kl::KernelState ks;
	uint64_t now_ns = 0;
	std::vector<std::string> calls;           ///< "cpuN: what"
	std::vector<std::string> log;             ///< printk text, in order
	std::multimap<uint64_t, std::function<void()>> timeline; ///< virtual ns -> event
	std::function<void(unsigned from, uint64_t sgi1r)> on_sgi; ///< called for each ICC_SGI1R_EL1 write
	uint64_t checks = 0;                      ///< spin_poll condition evaluations
	uint64_t delays = 0;                      ///< spin_poll delays
	bool sdei_present = true; ///< firmware answers SDEI calls (with 0)
	bool psci_present = true;
	std::map<uint32_t, long> smc_result; ///< per function ID; default 0
	std::set<std::string> busy_locks; ///< locks another CPU holds: raw_spin_trylock() fails on them

	explicit World(unsigned cpus)
	{
		for (unsigned i = 0; i < cpus; i++) {
			ks.cpu_online_mask.set(i);
			ks.num_online++;
		}
		nr_cpus = cpus;
	}
	unsigned nr_cpus;

	void at(uint64_t ns, std::function<void()> fn) { timeline.emplace(ns, std::move(fn)); }
	void advance(uint64_t ns)
	{
		const uint64_t until = now_ns + ns;
		while (!timeline.empty() && timeline.begin()->first <= until) {
			auto node = timeline.extract(timeline.begin());
			now_ns = std::max(now_ns, node.key());
			node.mapped()();
		}
		now_ns = until;
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
	bool called(const std::string& s) const
	{
		for (const auto& c : calls)
			if (c == s)
				return true;
		return false;
	}
	bool logged(const std::string& s) const
	{
		for (const auto& l : log)
			if (l == s)
				return true;
		return false;
	}
};

/// Decode the CPUs an ICC_SGI1R_EL1 value targets on our 16-per-cluster numbering.
inline std::vector<unsigned> sgi_targets(uint64_t v)
{
	std::vector<unsigned> out;
	const unsigned aff1 = (v >> 16) & 0xff;
	for (unsigned b = 0; b < 16; b++)
		if (v & (1u << b))
			out.push_back(aff1 * 16 + b);
	return out;
}
inline unsigned sgi_intid(uint64_t v) { return (v >> 24) & 0xf; }

class Cpu : public fake_common::Recorder<kl::arm64::Arm64Shim> {
public:
	Cpu(World& w, unsigned id) : Recorder(w.calls, id), m_w(w), m_id(id) {}

	unsigned smp_processor_id() const override { return m_id; }
	unsigned nr_cpu_ids() const override { return m_w.nr_cpus; }
	const kl::KernelConfig& config() const override { return m_w.cfg; }
	kl::KernelState& ks() override { return m_w.ks; }

	void printk(kl::Level l, const std::string& text) override
	{
		m_w.log.push_back(text);
		rec(std::string("printk ") + kl::level_name(l) + " " + text);
	}
	void udelay(uint64_t us) override { m_w.advance(us * 1000); }
	void mdelay(uint64_t ms) override { m_w.advance(ms * 1000000); }
	bool spin_poll(const std::function<bool()>& pending, uint64_t budget, uint64_t unit_us) override
	{
		// The literal kernel loop: while (pending() && budget--) udelay(unit).
		for (;;) {
			m_w.checks++;
			if (!pending())
				return true;
			if (budget-- == 0)
				return false;
			m_w.delays++;
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
		const bool got = !m_w.busy_locks.count(name);
		rec("trylock " + name + (got ? " ok" : " busy"));
		return got;
	}
	void smp_rmb() override { rec("smp_rmb"); }
	void smp_wmb() override { rec("smp_wmb"); }
	void local_irq_disable() override { rec("local_irq_disable"); }
	void local_irq_enable() override { rec("local_irq_enable"); }
	void nmi_enter() override { ctx = kl::Ctx::nmi; }
	void nmi_exit() override {}

	uint32_t read_daif() override { return daif; }
	void write_daif(uint32_t d) override
	{
		daif = d;
		rec("daif " + hex(d));
	}
	uint8_t read_pmr() override { return pmr; }
	void write_pmr(uint8_t p) override
	{
		pmr = p;
		rec("pmr " + hex(p));
	}
	uint8_t read_rpr() override { return rpr; }
	unsigned read_iar1() override { return iar; }
	void write_eoir1(unsigned i) override { rec("eoir " + std::to_string(i)); }
	void write_dir(unsigned i) override { rec("dir " + std::to_string(i)); }
	void write_sgi1r(uint64_t v) override
	{
		rec("sgi1r " + hex(v));
		if (m_w.on_sgi)
			m_w.on_sgi(m_id, v);
	}
	void write_igrpen1(bool on) override { rec(std::string("igrpen1 ") + (on ? "1" : "0")); }
	void write_ctlr_eoimode(bool s) override { rec(std::string("eoimode ") + (s ? "1" : "0")); }
	void dsb_ishst() override { rec("dsb ishst"); }
	void isb() override { rec("isb"); }
	void mmio_write32(uint64_t a, uint32_t v) override { rec("mmio32 " + hex(a) + "=" + hex(v)); }
	void mmio_write8(uint64_t a, uint8_t v) override { rec("mmio8 " + hex(a) + "=" + hex(v)); }
	uint32_t mmio_read32(uint64_t) override { return 0; }
	uint64_t gicd_base() const override { return 0x08000000; }
	uint64_t gicr_base(unsigned cpu) const override { return 0x080a0000 + 0x20000ull * cpu; }
	uint64_t cpu_logical_map(unsigned cpu) const override { return (cpu % 16) | ((cpu / 16) << 8); }
	long smc(uint32_t fid, uint64_t, uint64_t, uint64_t) override
	{
		rec("smc " + hex(fid));
		auto it = m_w.smc_result.find(fid);
		return it == m_w.smc_result.end() ? 0 : it->second;
	}
	void wfe_wfi() override { throw Parked{m_id}; }
	bool in_sdei_handler() override { return ctx == kl::Ctx::sdei; }
	bool sdei_firmware_present() override { return m_w.sdei_present; }
	bool psci_present() override { return m_w.psci_present; }
	void trace_parked() override { rec("parked"); }

	uint32_t daif = 0;
	uint8_t pmr = 0xe0;
	uint8_t rpr = 0xff;
	unsigned iar = 1023;

protected:
	void do_machine_end(kl::MachineEnd how) override
	{
		rec("machine_end");
		throw Ended{how};
	}

private:
	static std::string hex(uint64_t v)
	{
		std::ostringstream os;
		os << "0x" << std::hex << v;
		return os.str();
	}

	World& m_w;
	unsigned m_id;
};

} // namespace fake
