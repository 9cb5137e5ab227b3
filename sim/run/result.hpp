// SPDX-License-Identifier: Apache-2.0
// What one run produced: the data behind the console output, the JSON report and the trace.
#pragma once
#include "models/common/clock.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace stopsim {

struct LogLine {
	Ps t = 0;
	int cpu = -1;
	std::string level; ///< printk level name, or "fault" for injected faults
	std::string text;
};

struct RungRecord {
	unsigned cpu = 0;       ///< initiator
	std::string name;       ///< irq | pseudo_nmi | nmi | sdei | sse
	std::vector<unsigned> targets;
	Ps sent = 0;
	std::optional<Ps> ended;
	bool timed_out = false;
};

struct CpuResult {
	unsigned cpu = 0;
	bool online = false;                  ///< the kernel's online bit at the end
	std::optional<std::string> stopped_by;
	std::optional<Ps> stopped_at;
	bool crash_regs_saved = false;
	std::string crash_regs_from;          ///< context the saved registers came from
	std::string final_state;              ///< parked | off | running | offline | ended
	std::string activity;                 ///< what it was doing last
	bool left_running = false;            ///< not stopped when the stop path ended
	unsigned stop_entries = 0;            ///< stop handlers entered on this CPU (a re-entry counts)
	bool has_el3 = false;                 ///< the platform has EL3 firmware: the fields below mean something
	bool el3_pe_masked = false;
	std::string el3_event0;               ///< unregistered | registered | enabled | running
	std::string el3_power;                ///< on | off | wedged
	std::string el3_platform_event;       ///< as el3_event0, for platform.el3.platform_event; empty: none
	uint64_t el3_dispatches = 0;
	bool has_sbi = false;                 ///< RISC-V: the M-mode SBI fields below mean something
	std::string sbi_hsm;                  ///< started | stopped
	bool sse_masked = true;               ///< the hart's SSE mask (harts start masked)
	std::string sse_state;                ///< the most advanced local event: unused | registered | enabled | running
	std::vector<std::string> sse_pending; ///< local events pending on the hart (hex IDs)
	uint64_t sse_deliveries = 0;          ///< SSE injections into S-mode on this hart
	Ps m_mode = 0;                        ///< time spent in M-mode
};

struct InvariantResult {
	std::string name;
	bool ok = true;
	std::string detail;
};

struct ExpectationResult {
	std::string what;
	bool ok = true;
};

struct TraceEvent {
	char ph = 'i';          ///< Chrome trace-event phase: B, E, X, i, C
	int tid = 0;            ///< CPU (track)
	Ps ts = 0;
	Ps dur = 0;
	std::string name;
	std::string cat;
	std::map<std::string, std::string> args;
};

struct TriggerRecord {
	unsigned cpu = 0;
	std::string event;
	Ps at = 0;
	bool fired = false;
	std::string note;
};

/// What the after_stop console write steps did (sim/run/workload.cpp), summed over the steps.
struct ConsoleResult {
	std::string lock;              ///< the port lock (the first console step's)
	std::string driver;            ///< write | cancel (the first console step's)
	uint64_t writes = 0;           ///< console records written (one per kernel log line)
	uint64_t bytes = 0;            ///< their text, one newline each
	uint64_t unlocked_writes = 0;  ///< of them, written after the trylock failed
	uint64_t unlocked_bytes = 0;
	uint64_t garbled_writes = 0;   ///< cut short by the next record's cancel (driver cancel)
	std::optional<unsigned> holder;///< who held the port lock when a trylock first failed
	bool holder_stopped = false;   ///< ...and whether that CPU was stopped
};

struct RunResult {
	std::string scenario;
	std::string file;
	uint64_t seed = 0;
	std::string arch, variant;
	/// Source mode: the tree, its kernel version and the hash of the code compiled from it.
	std::string kernel_source, kernel_version, kernel_code_hash;
	unsigned cpus = 0;
	uint64_t clock_hz = 0;
	std::string outcome;
	std::vector<TriggerRecord> triggers; ///< in scenario order
	int primary_trigger = -1;            ///< index of the trigger whose path ended the run
	std::optional<Ps> stop_begin, stop_end;
	std::optional<Ps> end_at;
	std::string end_how;                 ///< kexec | restart | panic_halt | deadlock | (none: hang)
	std::vector<RungRecord> rungs;
	std::vector<CpuResult> cpu_states;
	std::vector<unsigned> cpus_left_online;
	std::vector<LogLine> log;
	std::optional<ConsoleResult> console; ///< null when no after_stop step is a console write
	std::vector<InvariantResult> invariants;
	std::vector<ExpectationResult> expectations;
	std::vector<TraceEvent> trace;
	Ps sim_ps = 0;
	uint64_t host_ns = 0;     ///< whole run: elaboration, simulation, result assembly
	uint64_t host_sim_ns = 0; ///< the simulation phase alone (sc_start): thread start-up, boot, the run
	uint64_t host_stop_ns = 0;///< from the first trigger to the end of the simulation phase
	uint64_t events = 0;
};

} // namespace stopsim
