// SPDX-License-Identifier: Apache-2.0
// A scenario: platform, kernel, per-CPU workloads, faults, triggers and expectations, as loaded
// from a strict YAML file. Plain C++ (no SystemC): the loader is unit-tested directly.
#pragma once
#include "models/common/clock.hpp"

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

/// The EL3 firmware of an arm64 platform (TF-A-like). Absent: no EL3 model (no PSCI, no SDEI).
struct El3Spec {
	bool sdei = true;                ///< SDEI dispatcher present
	bool event0 = true;              ///< event 0 supported
	bool signal_checks = true;       ///< TF-A >= 2.12: SIGNAL returns EINVAL for a masked/unregistered target
	bool psci = true;
	bool cpu_off_in_event_wedges = false; ///< PSCI CPU_OFF from inside a running event never returns
	uint64_t smc_cycles = 600;
	uint64_t signal_cycles = 700;
	uint64_t dispatch_cycles = 1150;
	uint64_t complete_cycles = 700;
};

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

/// The RISC-V platform: IPI path, interrupt fabric latencies and the M-mode SBI firmware.
struct RiscvSpec {
	std::string ipi = "sbi";              ///< sbi (SBI IPI, M-mode round trip) | sswi (ACLINT SSWI) | imsic
	uint64_t mmio_cycles = 150;           ///< docs/reference/latencies.md row 16: MSIP/SETSSIP/seteipnum write -> pending at the target
	uint64_t aplic_delivery_cycles = 150; ///< APLIC -> hart wire
	bool sse = true;                      ///< the SBI implementation has the SSE extension
	bool hsm = true;                      ///< ... and HSM
	std::vector<uint32_t> sse_events = {0xffff0000}; ///< local SSE events the firmware offers
	uint64_t ecall_cycles = 400;          ///< row 15
	uint64_t ipi_process_cycles = 600;    ///< target: sbi_ipi_process() + mret (row 17 in total)
	uint64_t sse_inject_cycles = 100;     ///< target: the inject register shuffle (row 18 in total)
	uint64_t sse_complete_cycles = 400;   ///< row 19
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
	enum class Kind { drop_ipi, delay_ipi, delay_irq, pend_ipi } kind = Kind::drop_ipi;
	unsigned cpu = 0;                  ///< target CPU
	std::optional<unsigned> from_cpu;  ///< only SGIs from this sender
	std::string ipi;                   ///< IPI name of the variant (e.g. IPI_CPU_STOP)
	unsigned sgi = 0;                  ///< resolved SGI number
	uint64_t count = 0;                ///< 0: every match
	Ps delay = 0;                      ///< delay_ipi / delay_irq
	Ps at = 0;                         ///< pend_ipi: when it becomes pending
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
	Loc loc;
};

struct TriggerSpec {
	enum class Event { panic, reboot, kdump, backtrace } event = Event::panic;
	unsigned cpu = 0;
	Ps at = 0;
	std::string message;
	std::vector<AfterStopAction> after_stop;
	std::vector<unsigned> targets;   ///< backtrace: the CPUs to ask (empty: every online CPU)
	bool in_nmi = false;             ///< x86: raised from NMI context (nmi_panic)
	Loc loc;
};
const char* trigger_event_name(TriggerSpec::Event e);

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
	std::map<unsigned, uint64_t> stop_entries;   ///< times a stop handler was entered on that CPU
	std::map<unsigned, std::string> sse_state;   ///< RISC-V: unused | registered | enabled | running
	std::map<unsigned, std::string> hsm_state;   ///< RISC-V: started | stopped
	bool any = false;
	Loc loc;
};

/// Model latencies, all in cycles of the platform clock (docs/reference/latencies.md).
struct Latencies {
	uint64_t sgi_delivery_cycles = 150;
	uint64_t sgi_jitter_cycles = 0;
	uint64_t signal_cycles = 50;
	std::optional<uint64_t> take_cycles; ///< default per architecture: arm64 30 (row 3), x86 200 (row 12)
	uint64_t exception_entry_cycles = 20;
	uint64_t wfi_wake_cycles = 100;
	uint64_t sysreg_cycles = 20;
	uint64_t dsb_cycles = 30;
	uint64_t mmio_cycles = 25;
	uint64_t icr_delivery_cycles = 500; ///< x86 row 11: ICR write -> IRR at the target (or NMI latched)
	uint64_t icr_busy_cycles = 100;     ///< x86 row 14: xAPIC delivery status busy after an ICR write
	uint64_t apic_mmio_cycles = 20;     ///< x86: one local APIC register access
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
	Latencies lat;
	bool gic_prio_2024 = true;
	bool gic_security = true;   ///< GICD_CTLR.DS = 0 (two security states)
	std::optional<El3Spec> el3;
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
	bool x2apic = true;         ///< x86 APIC mode
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
