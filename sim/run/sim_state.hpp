// SPDX-License-Identifier: Apache-2.0
// The engine's run-time state shared by the shims, the workload runner and the fault injector.
// Internal to sim/.
#pragma once
#include "kl/shim.hpp"
#include "kl/variant.hpp"
#include "models/common/event_queue.hpp"
#include "models/cpu/pe_base.hpp"
#include "sim/run/result.hpp"
#include "sim/platform/memory_model.hpp"
#include "sim/scenario/scenario.hpp"

#include <systemc>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace stopsim {

class ShimCommon;
class VcdRecorder;
void vcd_sample(VcdRecorder& r, unsigned cpu);
void vcd_sample_all(VcdRecorder& r);

/// One exception frame on a CPU: how it was entered and whether a stop handler runs in it.
struct Frame {
	kl::Ctx ctx = kl::Ctx::irq;
	kl::Regs regs;
	const char* stop_handler = nullptr;
	Ps start = 0;
};

enum class CpuState { offline, booting, running, parked, off, wedged, ended };

struct CpuRt {
	unsigned id = 0;
	cpu::PeBase* pe = nullptr;
	ShimCommon* shim = nullptr;
	const CpuSpec* spec = nullptr;
	CpuState state = CpuState::running;
	std::vector<Frame> frames;
	std::string activity = "idle";
	std::optional<std::string> stopped_by;
	std::optional<Ps> stopped_at;
	bool crash_saved = false;
	std::string crash_from;
	std::vector<size_t> triggers;   ///< indices into Scenario::triggers, by time
	size_t next_trigger = 0;
	unsigned stop_depth = 0;
	bool ever_online = false;
	bool initiator = false;   ///< runs a panic/kdump/reboot path
	unsigned stop_entries = 0;
	Ps activity_since = 0;
	Ps stores_visible_at = 0; ///< when this CPU's last plain store reaches the others
	std::vector<std::shared_ptr<std::function<void()>>> store_buffer; ///< plain stores not yet visible
	LoadOrder load_order;     ///< the memory-ordering model's per-CPU state
};

struct Sim {
	Sim(const Scenario& s, uint64_t seed_, const kl::KernelConfig& cfg)
		: sc(s), seed(seed_), kcfg(cfg)
	{
	}

	const Scenario& sc;
	uint64_t seed;
	kl::KernelConfig kcfg;
	kl::KernelState ks;
	KernelMemory mem;                ///< the online mask and counter as the CPUs see them
	std::unique_ptr<kl::StopVariant> variant;
	std::vector<CpuRt> cpus;
	EventQueue* events = nullptr;
	sc_core::sc_event mem_changed;   ///< any store to kernel shared memory
	sc_core::sc_event never;         ///< never notified: a CPU that has left Linux waits on it
	std::map<std::string, int> locks;///< spinlock name -> holder CPU (-1 free)
	bool collect_trace = false;
	VcdRecorder* vcd = nullptr;      ///< --vcd: the waveform being recorded (null: none)
	RunResult res;

	// End of run.
	bool ended = false;
	int end_cpu = -1;
	std::vector<bool> left_at_end;
	std::vector<InvariantResult> violations; ///< recorded as they happen
	bool deadlock = false;
	std::string deadlock_detail;
	bool kdump_ran = false;
	/// Host time when the first trigger fired (measurement only: never feeds the simulation).
	std::optional<std::chrono::steady_clock::time_point> first_trigger_host;

	// Helpers (sim/run/engine.cpp).
	void log(int cpu, const std::string& level, const std::string& text);
	void trace(char ph, int tid, const std::string& name, const std::string& cat,
		   std::map<std::string, std::string> args = {}, Ps dur = 0);
	void notify_store() { mem_changed.notify(sc_core::SC_ZERO_TIME); }
	/// A CPU's masks, lines, handler context or online bit may have changed (the --vcd hook).
	void signals_changed(unsigned cpu)
	{
		if (vcd)
			vcd_sample(*vcd, cpu);
	}
	void signals_changed_all()
	{
		if (vcd)
			vcd_sample_all(*vcd);
	}
	void machine_end(unsigned cpu, const std::string& how);
	void declare_deadlock(unsigned cpu, const std::string& lock, int holder);
	void set_activity(CpuRt& c, const std::string& what);
	/// The holder of a named spinlock (-1: free). Locks exist from their first mention.
	int& lock_holder(const std::string& name) { return locks.try_emplace(name, -1).first->second; }
	bool cpu_stopped(const CpuRt& c) const
	{
		return c.state == CpuState::parked || c.state == CpuState::off || c.state == CpuState::wedged;
	}
};

} // namespace stopsim
