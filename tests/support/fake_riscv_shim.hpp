// SPDX-License-Identifier: Apache-2.0
// A scripted RISC-V kernel shim for unit tests of kernel-logic: a virtual microsecond clock,
// every call recorded as text, SBI ecalls answered from a table (or a hook), and "noreturn"
// paths (park, HSM stop, machine_end) that throw so a test can inspect what happened before them.
#pragma once
#include "support/fake_recorder.hpp"
#include "kl/riscv/riscv.hpp"

#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace fake_riscv {

struct Parked {
	unsigned cpu;
};
struct HartStopped {
	unsigned cpu;
};
struct Ended {
	kl::MachineEnd how;
};

struct World {
	kl::KernelConfig cfg;
	kl::KernelState ks;
	uint64_t now_ns = 0;
	unsigned nr_cpus;
	std::vector<std::string> calls;
	std::vector<std::string> log;
	std::multimap<uint64_t, std::function<void()>> timeline;
	std::vector<unsigned long> mux_bits;
	kl::riscv::IpiBackend backend = kl::riscv::IpiBackend::sbi;
	/// Called for every ECALL; the default answers SBI_SUCCESS.
	std::function<kl::riscv::sbiret(unsigned cpu, int ext, int fid, unsigned long a0, unsigned long a1)> on_ecall;
	bool hsm = true;

	explicit World(unsigned cpus) : nr_cpus(cpus), mux_bits(cpus, 0)
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
		now_ns = until;
	}
	void offline(unsigned cpu)
	{
		if (ks.cpu_online_mask.test(cpu)) {
			ks.cpu_online_mask.clear(cpu);
			ks.num_online--;
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

class Hart : public fake_common::Recorder<kl::riscv::RiscvShim> {
public:
	Hart(World& w, unsigned id) : Recorder(w.calls, id), m_w(w), m_id(id) {}

	unsigned smp_processor_id() const override { return m_id; }
	unsigned nr_cpu_ids() const override { return m_w.nr_cpus; }
	const kl::KernelConfig& config() const override { return m_w.cfg; }
	kl::KernelState& ks() override { return m_w.ks; }
	void printk(kl::Level, const std::string& text) override
	{
		m_w.log.push_back(text);
		rec("printk " + text);
	}
	void udelay(uint64_t us) override { m_w.advance(us * 1000); }
	void mdelay(uint64_t ms) override { m_w.advance(ms * 1000000); }
	bool spin_poll(const std::function<bool()>& pending, uint64_t budget, uint64_t unit_us) override
	{
		for (;;) {
			if (!pending())
				return true;
			if (budget-- == 0)
				return false;
			udelay(unit_us);
		}
	}
	void cost(kl::Cost) override {}
	void set_cpu_online(unsigned cpu, bool on) override
	{
		if (on) {
			if (!m_w.ks.cpu_online_mask.test(cpu)) {
				m_w.ks.cpu_online_mask.set(cpu);
				m_w.ks.num_online++;
			}
		} else {
			m_w.offline(cpu);
		}
		rec("set_cpu_online(" + std::to_string(cpu) + "," + (on ? "1" : "0") + ")");
	}
	void store(const char*, const std::function<void()>& write) override { write(); }
	void smp_mb() override {}
	void raw_spin_lock(const std::string&) override {}
	void raw_spin_unlock(const std::string&) override {}
	bool raw_spin_trylock(const std::string&) override { return true; }
	void smp_rmb() override {}
	void smp_wmb() override { rec("smp_wmb"); }
	void local_irq_disable() override { rec("local_irq_disable"); }
	void local_irq_enable() override { rec("local_irq_enable"); }
	void nmi_enter() override { ctx = kl::Ctx::nmi; }
	void nmi_exit() override {}

	kl::riscv::sbiret sbi_ecall(int ext, int fid, unsigned long a0, unsigned long a1, unsigned long) override
	{
		char b[96];
		std::snprintf(b, sizeof b, "ecall %x/%d %lx %lx", unsigned(ext), fid, a0, a1);
		rec(b);
		if (ext == kl::riscv::SBI_EXT_HSM && fid == kl::riscv::SBI_EXT_HSM_HART_STOP && m_w.hsm)
			throw HartStopped{m_id};
		if (m_w.on_ecall)
			return m_w.on_ecall(m_id, ext, fid, a0, a1);
		return {};
	}
	unsigned long cpuid_to_hartid_map(unsigned cpu) const override { return cpu; }
	void csr_clear_sip_ssip() override { rec("csr_clear sip.SSIP"); }
	void wait_for_interrupt() override { throw Parked{m_id}; }
	kl::riscv::IpiBackend ipi_backend() const override { return m_w.backend; }
	void aclint_sswi_write(unsigned long h) override { rec("setssip " + std::to_string(h)); }
	void imsic_ipi_write(unsigned long h) override { rec("imsic " + std::to_string(h)); }
	unsigned imsic_stopei_claim() override { return 0; }
	unsigned aplic_claimi() override { return 0; }
	void device_irq_handler(unsigned) override {}
	unsigned long& ipi_mux_bits(unsigned cpu) override { return m_w.mux_bits.at(cpu); }
	bool ipi_fault_gate(unsigned, unsigned) override { return true; }
	bool cpu_has_hotplug(unsigned) override { return m_w.hsm; }
	void trace_parked() override { rec("parked"); }


protected:
	void do_machine_end(kl::MachineEnd how) override { throw Ended{how}; }

private:
	World& m_w;
	unsigned m_id;
};

} // namespace fake_riscv
