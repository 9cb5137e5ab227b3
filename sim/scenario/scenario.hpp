// SPDX-License-Identifier: Apache-2.0
// A scenario: platform, kernel, per-CPU workloads, faults, triggers and expectations, as loaded
// from a strict YAML file. Plain C++ (no SystemC): the loader is unit-tested directly.
#pragma once
#include "models/aplic/intc_params.hpp"
#include "models/common/clock.hpp"
#include "models/cpu/pe_params.hpp"
#include "models/el3-firmware/el3_params.hpp"
#include "models/el3-firmware/sbi_params.hpp"
#include "models/gic/gic_params.hpp"
#include "models/lapic/apic_params.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace stopsim {

constexpr unsigned kMaxScenarioCpus = 4096;

/// A place in the scenario file (1-based), for messages.
struct Loc {
	int line = 0;
	int col = 0;
};

struct ScenarioError {
	std::string file;
	Loc loc;
	std::string message;
	std::string format() const;
};

/// A file name as messages show it: control characters (C0, DEL, C1) and bytes that are not
/// UTF-8 as \xNN, so a name cannot break the FILE:LINE:COL form or drive the terminal.
std::string message_file_name(const std::string& name);
/// The offset of the first byte of `s` that does not begin a valid (shortest-form) UTF-8
/// sequence, if any.
std::optional<size_t> first_invalid_utf8(const std::string& s);

/// Limits of the loader (docs/scenario-format.md section 1.4).
constexpr size_t kMaxScenarioErrors = 100;          ///< messages kept for one file
constexpr size_t kMaxScenarioErrorBytes = 64 * 1024; ///< bytes of messages kept for one file
constexpr size_t kMaxScenarioMessageBytes = 1024;   ///< bytes of one message (longer: cut)
constexpr unsigned kMaxScenarioNesting = 64;        ///< mappings and lists inside each other

/// How a workload masks interrupts.
enum class MaskKind { none, daif, pmr, irq };

/// A wired device interrupt into the RISC-V APLIC (direct mode): a fault-like event in time.
struct AplicSourceSpec {
	unsigned source = 1;          ///< APLIC source number (1..63)
	unsigned hart = 0;            ///< target[source].hart index
	unsigned prio = 1;            ///< target[source].IPRIO (1 = most urgent)
	bool level = false;           ///< level-high (held until the driver's handler ran) or rising edge
	Ps assert_at = 0;             ///< when the device raises its wire
	Ps delay = 0;                 ///< extra delay on the APLIC -> hart wire ("arrives late")
	Ps handler = 0;               ///< time the driver's handler runs (SIE=0, in IRQ context)
	Loc loc;
};

/// The RISC-V platform's wiring: the IPI path Linux uses and the wired device interrupts (the
/// fabric's and the firmware's parameters are the models' own: Scenario::intc, Scenario::sbi).
struct RiscvSpec {
	std::string ipi = "sbi";              ///< sbi (SBI IPI, M-mode round trip) | sswi (ACLINT SSWI) | imsic
	std::vector<AplicSourceSpec> aplic_sources;
};

struct WorkStep {
	enum class Kind { spin, lock, idle, el3 } kind = Kind::spin;
	MaskKind mask = MaskKind::none;
	bool sdei_mask = false;   ///< spin: SDEI_PE_MASK before (as around CPU_PM idle entry)
	bool forever = false;
	Ps duration = 0;          ///< spin / idle length
	std::string lock;         ///< lock name
	Ps hold = 0;              ///< lock hold time per round
	Ps gap = 0;               ///< unmasked time between rounds
	uint64_t repeat = 1;      ///< rounds (lock)
	bool repeat_forever = false;
	Loc loc;
};

struct CpuSpec {
	unsigned cpu = 0;
	bool offline = false;          ///< powered off for the whole run
	std::optional<Ps> boot_at;     ///< starts secondary_start_kernel
	std::optional<Ps> online_at;   ///< marks itself online
	std::vector<WorkStep> workload;
	Loc loc;
};

struct FaultSpec {
	enum class Kind { drop_ipi, delay_ipi, delay_irq, pend_ipi, drop_sse, misroute_sse } kind = Kind::drop_ipi;
	unsigned cpu = 0;                  ///< target CPU
	std::optional<unsigned> from_cpu;  ///< only SGIs from this sender
	std::string ipi;                   ///< IPI name of the variant (e.g. IPI_CPU_STOP)
	unsigned ipi_index = 0;            ///< the IPI's index in the variant's numbering (the plan maps it to a hardware id)
	uint64_t count = 0;                ///< 0: every match
	Ps delay = 0;                      ///< delay_ipi / delay_irq
	Ps at = 0;                         ///< pend_ipi: when it becomes pending
	std::optional<uint32_t> sse_event; ///< drop_sse / misroute_sse: only this SSE event id (none: any)
	unsigned to_cpu = 0;               ///< misroute_sse: the hart firmware injects into instead
	Ps from = 0;                       ///< matches only from this time...
	std::optional<Ps> until;           ///< ...until this time
	Loc loc;
};

/// One entry of platform.memory.early_loads / late_stores.
struct MemFaultSpec {
	unsigned cpu = 0;
	enum class Var { cpu_online_mask, num_online_cpus } var = Var::cpu_online_mask;
	uint64_t cycles = 0;
	Loc loc;
};

struct AfterStopAction {
	std::string lock;
	Ps hold = 0;
	std::optional<Ps> bust_after;
	/// The step is a serial console write and `lock` its UART port lock: while a panic is in
	/// progress (oops_in_progress) the driver only tries the lock, and on failure writes anyway.
	/// none: a plain spinlock. write: the output goes out intact (8250, PL011, qcom-geni from
	/// 9e957a155005). cancel: qcom-geni before 9e957a155005, whose unlocked write cancels the
	/// transfer still in the FIFO, so each record is cut short by the next (garbled).
	enum class Console { none, write, cancel } console = Console::none;
	Loc loc;
};

struct TriggerSpec {
	enum class Event { panic, reboot, kdump, backtrace } event = Event::panic;
	unsigned cpu = 0;
	Ps at = 0;
	std::string message;
	std::vector<AfterStopAction> after_stop;
	std::vector<unsigned> targets;   ///< backtrace: the CPUs to ask (empty: every online CPU)
	/// The context the panic is raised in: task, or inside a handler (irq; nmi on x86; pseudo_nmi
	/// and sdei on arm64, the latter inside the platform SDEI event's handler).
	/// sse: RISC-V, inside the LOCAL_UNKNOWN_NMI handler of the SSE NMI service.
	enum class Context { task, irq, nmi, pseudo_nmi, sdei, sse } context = Context::task;
	Loc loc;
};
const char* trigger_event_name(TriggerSpec::Event e);
const char* trigger_context_name(TriggerSpec::Context c);

struct LogExpect {
	std::string text;
	std::optional<unsigned> cpu;
	std::optional<Ps> after, before;
	Loc loc;
};

struct RungExpect {
	std::string name;
	std::optional<bool> timed_out;
	std::optional<bool> sent;   ///< false: this rung must not run
	Loc loc;
};

struct Expectations {
	std::optional<std::string> outcome;
	std::map<unsigned, std::optional<std::string>> stopped_by; ///< nullopt = null (not stopped by a rung)
	std::map<unsigned, bool> crash_regs;
	std::map<unsigned, std::string> crash_regs_from;
	std::map<unsigned, std::string> final_state;
	std::optional<std::vector<unsigned>> cpus_left_online;
	std::vector<LogExpect> log_present;
	std::vector<LogExpect> log_absent;
	std::optional<Ps> stop_min, stop_max;          ///< stop duration bounds
	std::map<std::string, bool> invariants;
	std::vector<RungExpect> rungs;
	std::map<unsigned, std::string> el3_event0;  ///< unregistered | registered | enabled | running
	std::map<unsigned, std::string> el3_power;   ///< on | off | wedged
	std::map<unsigned, std::string> el3_platform_event; ///< unregistered | registered | enabled | running
	std::map<unsigned, uint64_t> stop_entries;   ///< times a stop handler was entered on that CPU
	std::map<unsigned, std::string> sse_state;   ///< RISC-V: unused | registered | enabled | running
	std::map<unsigned, std::string> hsm_state;   ///< RISC-V: started | stopped
	/// expect.console: the console write steps' totals (each field checked when given).
	struct Console {
		std::optional<uint64_t> writes, bytes, unlocked_writes, unlocked_bytes, garbled_writes;
		std::optional<std::optional<unsigned>> holder; ///< inner nullopt: `holder: null`
		Loc loc;
	};
	std::optional<Console> console;
	bool any = false;
	Loc loc;
};

/// What the kernel shim charges kernel code for an instruction class, in cycles of the platform
/// clock (docs/reference/latencies.md). The models' own latencies are in their parameter structs.
struct InstructionCosts {
	uint64_t sysreg_cycles = 20; ///< an MSR/MRS of a GIC ICC_* register or DAIF; x86 cli/sti and x2APIC MSRs; RISC-V CSRs
	uint64_t dsb_cycles = 30;    ///< a DSB, ISB or smp_*mb()
};

/// Modelled cost of kernel work, in cycles.
struct KernelCosts {
	uint64_t check_cycles = 4;        ///< one evaluation of a poll-loop condition (an L1 hit, compare, branch)
	uint64_t store_cycles = 20;       ///< a store or atomic to shared memory
	uint64_t printk_cycles = 5000;    ///< one console line
	uint64_t irq_entry_cycles = 400;  ///< vector -> handler body (docs/reference/latencies.md row 4)
	uint64_t crash_save_cycles = 2000;///< crash_save_cpu()
	uint64_t backtrace_cycles = 150000;///< dumping one CPU's stack to the console (60 us)
	uint64_t wbinvd_cycles = 2500000;  ///< x86 WBINVD in stop_this_cpu when SME is on (1 ms)
	uint64_t virt_disable_cycles = 2000; ///< x86 cpu_emergency_disable_virtualization()
};

struct Scenario {
	std::string file;
	std::string name;
	std::string description;
	uint64_t seed = 1;
	// platform
	std::string arch = "arm64";
	unsigned cpus = 1;
	uint64_t clock_hz = 2'500'000'000ull;
	InstructionCosts lat;
	// The models' parameters, filled from platform.* by the loader (sim/scenario/schema.cpp) and handed to
	// the models as they are; the platform adds only the topology (PE count, clock, seed).
	gic::GicParams gic;
	cpu::Arm64PeParams arm64_pe;
	cpu::X86CpuParams x86_cpu;
	cpu::RiscvHartParams riscv_hart;
	lapic::ApicParams apic;
	aplic::IntcParams intc;
	sbi::SbiParams sbi;
	/// The parameters of the PEs of `arch`.
	cpu::PeParams& pe() { return arch == "x86" ? static_cast<cpu::PeParams&>(x86_cpu)
					     : arch == "riscv" ? static_cast<cpu::PeParams&>(riscv_hart)
							       : static_cast<cpu::PeParams&>(arm64_pe); }
	bool gic_prio_2024 = true;
	bool gic_security = true;   ///< GICD_CTLR.DS = 0 (two security states)
	std::optional<el3::El3Params> el3; ///< absent: no EL3 model
	RiscvSpec riscv;            ///< meaningful when arch is riscv
	uint64_t store_visibility_cycles = 0; ///< a plain store reaches other CPUs this late
	/// platform.memory: loads performed early and stores seen late, per CPU and variable
	/// (docs/models/memory-ordering.md)
	std::vector<MemFaultSpec> early_loads, late_stores;
	// kernel
	std::string variant;
	std::string kernel_source;   ///< source mode: the Linux tree the stop code is compiled from
	std::string kernel_manifest; ///< source mode: a manifest other than the architecture's shipped one
	bool pseudo_nmi = false;
	bool kexec_core = true;
	bool hotplug_cpu = true;
	std::optional<Ps> stop_timeout, nmi_timeout, crash_timeout, sdei_timeout;
	std::string sdei_stop_epilogue = "park"; ///< park | cpu_off | complete_then_park
	bool nonmi_ipi = false;     ///< x86
	bool reboot_force = false;  ///< x86
	bool x86_sme = false;       ///< x86: WBINVD in stop_this_cpu
	bool x86_kvm = false;       ///< x86: KVM's emergency virtualization callback is registered
	bool crash_kexec_post_notifiers = false;
	uint64_t panic_timeout_s = 0; ///< panic=: seconds to the emergency restart (0: never)
	std::vector<std::string> elide_barriers; ///< "smp_rmb@smp_send_stop": barriers removed from the build
	KernelCosts costs;
	// the run
	std::vector<CpuSpec> cpu_specs;
	std::vector<FaultSpec> faults;
	std::vector<TriggerSpec> triggers;
	Expectations expect;
	Ps max_sim = 20 * kPsPerS;
	Ps settle = 100 * kPsPerUs;
};

/// `--kernel-source DIR`: every scenario loaded from now on runs in source mode from DIR, as if
/// its file said `kernel: {source: DIR}`.
void set_kernel_source_override(const std::string& dir);

/// Load and validate. On failure, `errors` holds every problem found (file:line:col).
std::optional<Scenario> load_scenario(const std::string& path, std::vector<ScenarioError>& errors);
/// Same, from text (the file name is used in messages).
std::optional<Scenario> load_scenario_text(const std::string& text, const std::string& file,
					   std::vector<ScenarioError>& errors);

/// Read a scenario file (at most 1 MiB and one byte more, so a larger one is recognised as such).
/// On failure `errors` holds one FILE:0:0 message naming the problem (cannot open, is a directory,
/// read error).
std::optional<std::string> read_scenario_file(const std::string& path, std::vector<ScenarioError>& errors);

} // namespace stopsim

namespace YAML {
class Node;
}

namespace stopsim {

/// Same, from a parsed YAML tree (for example one that `--set` overrides changed): the checks and
/// messages of the file loader, with positions taken from the tree's marks.
std::optional<Scenario> load_scenario_node(const YAML::Node& root, const std::string& file,
					   std::vector<ScenarioError>& errors);

} // namespace stopsim
