// SPDX-License-Identifier: Apache-2.0
// What every fake kernel shim records the same way: the context a handler runs in, the registers
// it sees, crash_save_cpu(), the report's tracepoints and reported invariants, as "cpuN: what"
// lines in the test's call log. Each architecture's fake derives from Recorder<its shim>.
#pragma once
#include "kl/shim.hpp"

#include <string>
#include <vector>

namespace fake_common {

template <class Iface> class Recorder : public Iface {
public:
	Recorder(std::vector<std::string>& calls, unsigned id) : m_calls(calls), m_rec_id(id) {}

	void report_invariant(const std::string& name, const std::string&) override { rec("invariant " + name); }
	void irq_enter() override { ctx = kl::Ctx::irq; }
	void irq_exit() override {}
	kl::Regs get_irq_regs() override { return kl::Regs{true, ctx, "test"}; }
	void crash_save_cpu(const kl::Regs& r, unsigned cpu) override
	{
		rec("crash_save_cpu(" + std::to_string(cpu) + "," + kl::ctx_name(r.taken_as) + ")");
	}
	void trace_stop_begin(const char* fn) override { rec(std::string("begin ") + fn); }
	void trace_stop_end() override { rec("end"); }
	void trace_rung_begin(const char* rung, const kl::CpuMask& m) override
	{
		rec(std::string("rung ") + rung + " " + m.to_range_list());
	}
	void trace_rung_end(bool timed_out) override { rec(timed_out ? "rung timed out" : "rung acked"); }
	void trace_stop_handler(const char* fn) override { rec(std::string("handler ") + fn); }

	kl::Ctx ctx = kl::Ctx::task;

protected:
	void rec(const std::string& s) { m_calls.push_back("cpu" + std::to_string(m_rec_id) + ": " + s); }

private:
	std::vector<std::string>& m_calls;
	unsigned m_rec_id;
};

} // namespace fake_common
