// SPDX-License-Identifier: Apache-2.0
#include "sim/scenario/schema.hpp"
#include "sim/scenario/scenario.hpp"

#include <algorithm>

namespace stopsim::schema {

namespace {

constexpr Ps kMaxTime = 3600 * kPsPerS;
constexpr uint64_t kMaxCycles = 1'000'000'000ull; ///< the models' cycle parameters (0.4 s at 2.5 GHz)

using Store = std::function<void(Scenario&, const Value&)>;

Row section_row(std::string section, std::string key, Type t, std::string def, std::string meaning,
		std::string arch = "")
{
	Row r;
	r.section = std::move(section);
	r.key = std::move(key);
	r.type = t;
	r.def = std::move(def);
	r.meaning = std::move(meaning);
	r.arch = std::move(arch);
	return r;
}

Row text(std::string section, std::string key, std::string def, std::string meaning, Store s = {})
{
	Row r = section_row(std::move(section), std::move(key), Type::text, std::move(def), std::move(meaning));
	r.store = std::move(s);
	return r;
}

Row choice(std::string section, std::string key, std::vector<std::string> choices, std::string def,
	   std::string arch, std::string meaning, Store s)
{
	Row r = section_row(std::move(section), std::move(key), Type::choice, std::move(def), std::move(meaning),
			    std::move(arch));
	r.choices = std::move(choices);
	r.store = std::move(s);
	return r;
}

Row flag(std::string section, std::string key, bool def, std::string arch, std::string meaning, Store s)
{
	Row r = section_row(std::move(section), std::move(key), Type::boolean, def ? "`true`" : "`false`",
			    std::move(meaning), std::move(arch));
	r.store = std::move(s);
	return r;
}

Row whole(std::string section, std::string key, uint64_t lo, uint64_t hi, std::string def, std::string meaning,
	  Store s = {})
{
	Row r = section_row(std::move(section), std::move(key), Type::whole, std::move(def), std::move(meaning));
	r.lo = lo;
	r.hi = hi;
	r.store = std::move(s);
	return r;
}

Row cycles(std::string section, std::string key, uint64_t def, std::string arch, std::string meaning, Store s,
	   uint64_t hi = kMaxCycles)
{
	Row r = section_row(std::move(section), std::move(key), Type::cycles, std::to_string(def), std::move(meaning),
			    std::move(arch));
	r.hi = hi;
	r.store = std::move(s);
	return r;
}

Row time(std::string section, std::string key, Ps unit, Ps max, std::string def, std::string meaning, Store s)
{
	Row r = section_row(std::move(section), std::move(key), Type::time, std::move(def), std::move(meaning));
	r.unit_ps = unit;
	r.hi = max;
	r.store = std::move(s);
	return r;
}

Row timeout(std::string key, std::string def, std::string meaning, Store s)
{
	Row r = time("kernel.timeouts", std::move(key), kPsPerUs, kMaxTime, std::move(def), std::move(meaning), std::move(s));
	r.whole_us = true;
	return r;
}

Row sub(std::string section, std::string key, Type t, std::string def, std::string meaning, std::string arch = "")
{
	return section_row(std::move(section), std::move(key), t, std::move(def), std::move(meaning), std::move(arch));
}

/// A cycle count of the kernel cost model.
Row cost(std::string key, uint64_t def, std::string arch, std::string meaning, uint64_t KernelCosts::*field)
{
	return cycles("kernel.costs", std::move(key), def, std::move(arch), std::move(meaning),
		      [field](Scenario& sc, const Value& v) { sc.costs.*field = v.number; });
}

/// A latency of one model: `params` picks the model's parameter struct out of the scenario, `field`
/// the latency in it; the default shown is the struct's own.
template <class P>
Row latency(std::string section, std::string key, std::string arch, std::string meaning, P& (*params)(Scenario&),
	    Cycles P::*field)
{
	return cycles(std::move(section), std::move(key), P{}.*field, std::move(arch), std::move(meaning),
		      [params, field](Scenario& sc, const Value& v) { params(sc).*field = v.number; });
}

gic::GicParams& gic_of(Scenario& sc) { return sc.gic; }
cpu::PeParams& pe_of(Scenario& sc) { return sc.pe(); }
lapic::ApicParams& apic_of(Scenario& sc) { return sc.apic; }
InstructionCosts& shim_of(Scenario& sc) { return sc.lat; }
el3::El3Params& el3_of(Scenario& sc) { return *sc.el3; }
aplic::IntcParams& intc_of(Scenario& sc) { return sc.intc; }
sbi::SbiParams& sbi_of(Scenario& sc) { return sc.sbi; }

Row el3_flag(std::string key, std::string meaning, std::function<bool&(el3::El3Params&)> field)
{
	return flag("platform.el3", std::move(key), true, "arm64", std::move(meaning),
		    [field](Scenario& sc, const Value& v) { field(*sc.el3) = v.flag; });
}

Row x86_flag(std::string key, std::string meaning, bool Scenario::*field)
{
	return flag("kernel", std::move(key), false, "x86", std::move(meaning),
		    [field](Scenario& sc, const Value& v) { sc.*field = v.flag; });
}

std::vector<Row> build()
{
	std::vector<Row> t;
	// The top level (section 2 of docs/scenario-format.md).
	t.push_back(text("", "name", "required", "scenario name, printed in the console header and the report",
			 [](Scenario& sc, const Value& v) { sc.name = v.text; }));
	t.push_back(text("", "description", "\"\"", "free text; `stopsim list` shows its first line",
			 [](Scenario& sc, const Value& v) { sc.description = v.text; }));
	t.push_back(whole("", "seed", 0, UINT64_MAX, "1",
			  "root seed of every random stream (jitter); `stopsim run --seed N` overrides it",
			  [](Scenario& sc, const Value& v) { sc.seed = v.number; }));
	t.push_back(sub("", "platform", Type::mapping, "required", "section 3"));
	t.push_back(sub("", "kernel", Type::mapping, "required", "section 4"));
	t.push_back(sub("", "cpus", Type::list, "every CPU online and idle", "section 5"));
	t.push_back(sub("", "faults", Type::list, "none", "section 6"));
	t.push_back(sub("", "triggers", Type::list, "required", "section 7"));
	t.push_back(sub("", "expect", Type::mapping, "no checks", "section 8"));
	t.push_back(sub("", "limits", Type::mapping, "see section 9", "section 9"));

	// platform (section 3)
	t.push_back(choice("platform", "arch", {"arm64", "x86", "riscv"}, "required", "",
			   "architecture of the platform (RISC-V: section 3.3)",
			   [](Scenario& sc, const Value& v) { sc.arch = v.text; }));
	t.push_back(whole("platform", "cpus", 1, kMaxScenarioCpus, "required",
			  "number of PEs; CPU numbers are 0 … cpus−1",
			  [](Scenario& sc, const Value& v) { sc.cpus = unsigned(v.number); }));
	{
		Row r = whole("platform", "clock_mhz", 1, 100000, "2500",
			      "one clock for every PE and the interrupt controller, in MHz; all `_cycles` keys count it",
			      [](Scenario& sc, const Value& v) { sc.clock_hz = v.number * 1'000'000ull; });
		t.push_back(r);
	}
	t.push_back(sub("platform", "gic", Type::mapping, "", "the GIC and the kernel's GIC constants", "arm64"));
	t.push_back(sub("platform", "latencies", Type::mapping, "", "model latencies (the latency keys below)"));
	t.push_back(sub("platform", "el3", Type::mapping, "none",
			"the EL3 firmware model (SDEI, PSCI), section 3.1; absent or `none`: no EL3 model", "arm64"));
	t.push_back(cycles("platform", "store_visibility_cycles", 0, "",
			   "how long a plain store takes to reach the other CPUs (section 3.2)",
			   [](Scenario& sc, const Value& v) { sc.store_visibility_cycles = v.number; },
			   1'000'000'000'000ull));
	t.push_back(sub("platform", "memory", Type::mapping, "none",
			"the memory-ordering model's data (section 3.2): loads of the online mask or counter "
			"performed early, stores to them seen late, per CPU"));
	t.push_back(sub("platform", "apic", Type::mapping, "", "the local APICs (section 3.4)", "x86"));
	t.push_back(sub("platform", "riscv", Type::mapping, "", "the RISC-V IPI path (section 3.3)", "riscv"));
	t.push_back(sub("platform", "sbi", Type::mapping, "", "the M-mode SBI firmware (section 3.3)", "riscv"));
	t.push_back(sub("platform", "aplic", Type::mapping, "", "wired device interrupts (section 3.3)", "riscv"));

	t.push_back(choice("platform.gic", "priorities", {"linux-2024", "linux-pre-2024"}, "`linux-2024`", "arm64",
			   "which set of Linux GIC priority constants the simulated kernel uses (see below)",
			   [](Scenario& sc, const Value& v) { sc.gic_prio_2024 = v.text == "linux-2024"; }));
	t.push_back(flag("platform.gic", "security", true, "arm64",
			 "`true`: two security states (`GICD_CTLR.DS=0`), Non-secure software sees the shifted "
			 "priority view; `false`: `DS=1`, one security state",
			 [](Scenario& sc, const Value& v) { sc.gic_security = v.flag; }));
	t.push_back(choice("platform.apic", "mode", {"x2apic", "xapic"}, "`x2apic`", "x86",
			   "x2APIC: APIC registers are MSRs and an IPI is one ICR write; xAPIC: MMIO registers, the "
			   "destination in ICR2, and the sender polls the delivery status",
			   [](Scenario& sc, const Value& v) { sc.apic.x2apic = v.text == "x2apic"; }));

	// platform.latencies: the rows of docs/reference/latencies.md.
	const std::string L = "platform.latencies";
	t.push_back(latency(L, "sgi_delivery_cycles", "arm64",
			    "row 1: `ICC_SGI1R_EL1` write → SGI reaches the target redistributor", gic_of,
			    &gic::GicParams::sgi_delivery_cycles));
	t.push_back(latency(L, "sgi_jitter_cycles", "arm64",
			    "extra delay per SGI and target, drawn uniformly from [0, value] with the run's seed", gic_of,
			    &gic::GicParams::sgi_jitter_cycles));
	t.push_back(latency(L, "signal_cycles", "arm64",
			    "row 2: pending → line asserted (charged together with row 1, see models/gic.md)", gic_of,
			    &gic::GicParams::signal_cycles));
	t.push_back(latency(L, "exception_entry_cycles", "", "row 20: hardware part of exception entry", pe_of,
			    &cpu::PeParams::entry_cycles));
	t.push_back(latency(L, "wfi_wake_cycles", "", "row 21: wake from WFI (x86: leaving HLT)", pe_of,
			    &cpu::PeParams::wfi_wake_cycles));
	t.push_back(latency(L, "sysreg_cycles", "",
			    "each `MSR`/`MRS` of a GIC `ICC_*` register and each `DAIF` write by kernel code; x86: each "
			    "`cli`/`sti` and, in x2APIC mode, each APIC MSR access; RISC-V: each CSR access",
			    shim_of, &InstructionCosts::sysreg_cycles));
	t.push_back(latency(L, "dsb_cycles", "", "each `DSB`, `ISB` and `smp_*mb()`", shim_of,
			    &InstructionCosts::dsb_cycles));
	t.push_back(latency(L, "mmio_cycles", "arm64", "each GICD/GICR register access (TLM timing annotation)", gic_of,
			    &gic::GicParams::pio_cycles));
	t.push_back(latency(L, "icr_delivery_cycles", "x86",
			    "row 11: ICR write → vector in the target's IRR, or NMI at the target", apic_of,
			    &lapic::ApicParams::icr_delivery_cycles));
	t.push_back(latency(L, "icr_busy_cycles", "x86",
			    "row 14: xAPIC delivery status reads busy after a send (no effect in x2APIC mode)", apic_of,
			    &lapic::ApicParams::icr_busy_cycles));
	t.push_back(latency(L, "apic_mmio_cycles", "x86", "one xAPIC register access", apic_of,
			    &lapic::ApicParams::mmio_cycles));
	{
		Row r = latency(L, "take_cycles", "",
				"row 3 (arm64), row 12 (x86): line asserted and unmasked → first vector instruction", pe_of,
				&cpu::PeParams::take_cycles);
		r.def = std::to_string(cpu::Arm64PeParams{}.take_cycles) + " (arm64, riscv), " +
			std::to_string(cpu::X86CpuParams{}.take_cycles) + " (x86)";
		t.push_back(r);
	}

	// platform.el3 (section 3.1)
	t.push_back(el3_flag("sdei",
			     "the SDEI dispatcher is there. `false`: every SDEI call answers `NOT_SUPPORTED` and the "
			     "kernel sees no SDEI",
			     [](el3::El3Params& p) -> bool& { return p.sdei; }));
	t.push_back(el3_flag("event0",
			     "event 0 (the software-signalled event) exists. `false`: registering or signalling it "
			     "fails with `EINVAL` (firmware without `SDEI_DEFINE_EVENT_0`)",
			     [](el3::El3Params& p) -> bool& { return p.sdei_params.event0; }));
	t.push_back(el3_flag("signal_checks",
			     "TF-A 2.12 or later: `SDEI_EVENT_SIGNAL` refuses (`EINVAL`) a target that is SDEI-masked "
			     "or has event 0 not registered and enabled. `false`: older TF-A, the SGI goes out regardless",
			     [](el3::El3Params& p) -> bool& { return p.sdei_params.signal_checks; }));
	t.push_back(el3_flag("psci",
			     "PSCI is there: the kdump crash handlers call `CPU_OFF` (with `kernel.hotplug_cpu`) and "
			     "those CPUs end `off`",
			     [](el3::El3Params& p) -> bool& { return p.psci; }));
	t.push_back(choice("platform.el3", "cpu_off_in_event", {"off", "wedge"}, "`off`", "arm64",
			   "what PSCI `CPU_OFF` does when called from inside a running SDEI event: power off as usual, "
			   "or never return (the PE stays in EL3: final state `el3_wedged`)",
			   [](Scenario& sc, const Value& v) { sc.el3->cpu_off_in_event_wedges = v.text == "wedge"; }));
	t.push_back(latency("platform.el3", "smc_cycles", "arm64",
			       "[latencies.md](reference/latencies.md) row 6: an SMC round trip (every call except the "
			       "two below)",
			       el3_of, &el3::El3Params::smc_cycles));
	t.push_back(latency("platform.el3", "signal_cycles", "arm64",
			       "row 7: a successful `SDEI_EVENT_SIGNAL` as the caller sees it; the SGI leaves half-way",
			       el3_of, &el3::El3Params::signal_cycles));
	t.push_back(latency("platform.el3", "dispatch_cycles", "arm64",
			       "row 8 less the PE's take and entry cycles: FIQ at EL3 → the kernel's SDEI handler",
			       el3_of, &el3::El3Params::dispatch_cycles));
	t.push_back(latency("platform.el3", "complete_cycles", "arm64",
			       "row 9: a successful `SDEI_EVENT_COMPLETE` / `COMPLETE_AND_RESUME`", el3_of, &el3::El3Params::complete_cycles));
	t.push_back(whole("platform.el3", "platform_event", 1, 0xffffff, "none",
			  "a private, normal-priority platform SDEI event, the one an ACPI AGDI table names: the kernel's "
			  "AGDI driver registers and enables it on every CPU at boot, and its handler panics. It cannot "
			  "be signalled; a trigger with `context: sdei` raises it (section 7). Needs `sdei: true`. While "
			  "it runs on a PE, event 0 is not dispatched there (both are normal priority)",
			  [](Scenario& sc, const Value& v) { sc.el3->sdei_params.platform_event = unsigned(v.number); }));

	// RISC-V (section 3.3)
	t.push_back(choice("platform.riscv", "ipi", {"sbi", "sswi", "imsic"}, "`sbi`", "riscv",
			   "how Linux raises IPIs: SBI `send_ipi` (M-mode round trip, MSWI), ACLINT SSWI `SETSSIP`, or "
			   "the S-level IMSIC file (identity 1; the firmware then uses the M IMSIC file too)",
			   [](Scenario& sc, const Value& v) { sc.riscv.ipi = v.text; }));
	t.push_back(latency("platform.riscv", "mmio_cycles", "riscv",
			    "row 16: MSIP/SETSSIP/seteipnum write → pending at the target", intc_of,
			    &aplic::IntcParams::mmio_cycles));
	t.push_back(latency("platform.riscv", "aplic_delivery_cycles", "riscv", "APLIC → hart wire", intc_of,
			    &aplic::IntcParams::aplic_delivery_cycles));
	t.push_back(flag("platform.sbi", "sse", true, "riscv",
			 "the SBI has the SSE extension (else every SSE call is `NOT_SUPPORTED`)",
			 [](Scenario& sc, const Value& v) { sc.sbi.core.sse = v.flag; }));
	t.push_back(flag("platform.sbi", "hsm", true, "riscv", "the SBI has HSM (the crash handler's `HART_STOP`)",
			 [](Scenario& sc, const Value& v) { sc.sbi.core.hsm = v.flag; }));
	{
		Row r = sub("platform.sbi", "sse_events", Type::list, "`[4294901760]` (0xffff0000)",
			    "the local SSE events the firmware offers (decimal IDs, bit 15 clear, at most 32); v1 of the "
			    "NMI series needs 4294901762 (0xffff0002)",
			    "riscv");
		t.push_back(r);
	}
	t.push_back(latency("platform.sbi", "ecall_cycles", "riscv", "row 15", sbi_of, &sbi::SbiParams::ecall_cycles));
	t.push_back(latency("platform.sbi", "ipi_process_cycles", "riscv", "the target's M-mode IPI handling (row 17 in total)",
			    sbi_of, &sbi::SbiParams::ipi_process_cycles));
	t.push_back(latency("platform.sbi", "sse_inject_cycles", "riscv", "the inject shuffle (row 18 in total)", sbi_of,
			    &sbi::SbiParams::sse_inject_cycles));
	t.push_back(latency("platform.sbi", "sse_complete_cycles", "riscv", "row 19", sbi_of,
			    &sbi::SbiParams::sse_complete_cycles));
	t.push_back(sub("platform.aplic", "sources", Type::list, "none",
			"wired device interrupts, at most 63, each a mapping of the keys below", "riscv"));
	{
		const std::string s = "platform.aplic.sources[]";
		Row src = whole(s, "source", 1, 63, "required", "the APLIC source number");
		Row hart = whole(s, "hart", 0, kMaxScenarioCpus - 1, "required", "the hart its target register names");
		Row prio = whole(s, "prio", 1, 255, "1", "its priority (1 = most urgent)");
		Row mode = choice(s, "mode", {"edge", "level"}, "`edge`", "riscv",
				  "rising edge, or level-high held until the driver's handler ran", {});
		Row at = time(s, "assert_at_us", kPsPerUs, kMaxTime, "required",
			      "the device raises its wire (logged `FAULT: APLIC source N asserted ...`)", {});
		Row delay = time(s, "delay_us", kPsPerUs, kMaxTime, "0", "the APLIC → hart wire takes this much more", {});
		Row handler = time(s, "handler_us", kPsPerUs, kPsPerS, "0",
				   "the driver's handler runs this long with SIE=0 (a level wire drops when it ran)", {});
		for (Row* r : {&src, &hart, &prio, &mode, &at, &delay, &handler})
			r->arch = "riscv";
		for (Row* r : {&src, &hart, &prio, &mode, &at, &delay, &handler})
			t.push_back(*r);
	}

	// platform.memory (section 3.2)
	t.push_back(sub("platform.memory", "early_loads", Type::list, "none",
			"CPUs that perform their loads of a variable early, each a mapping of the keys below (not on "
			"x86: TSO)", "arm64, riscv"));
	t.push_back(sub("platform.memory", "late_stores", Type::list, "none",
			"CPUs whose stores to a variable reach the others late, each a mapping of the keys below"));
	for (const char* list : {"early_loads", "late_stores"}) {
		const std::string s = std::string("platform.memory.") + list + "[]";
		const bool early = std::string(list) == "early_loads";
		t.push_back(whole(s, "cpu", 0, kMaxScenarioCpus - 1, "required",
				  early ? "the CPU that loads" : "the CPU that stores"));
		t.push_back(choice(s, "variable", {"cpu_online_mask", "num_online_cpus"}, "required", early ? "arm64, riscv" : "",
				   "the online mask or the online counter", {}));
		if (early)
			t.push_back(cycles(s, "early_cycles", 0, "arm64, riscv",
					   "how far before its place in program order a load may be performed (never before "
					   "the CPU's last ordering point, nor before its previous load of the variable)",
					   {}, 1'000'000'000ull));
		else
			t.push_back(cycles(s, "late_cycles", 0, "",
					   "how much later than it is made the store reaches the other CPUs (the counter "
					   "never before the mask; later stores to the variable wait for it)",
					   {}, 1'000'000'000ull));
	}

	// kernel (section 4)
	t.push_back(text("kernel", "variant", "required",
			 "the kernel era whose stop algorithms run (`stopsim list`); must match `platform.arch`"));
	t.push_back(flag("kernel", "pseudo_nmi", false, "arm64",
			 "`CONFIG_ARM64_PSEUDO_NMI=y` and `irqchip.gicv3_pseudo_nmi=1`: IRQs are masked through PMR and "
			 "NMI-capable IPIs get NMI priority",
			 [](Scenario& sc, const Value& v) { sc.pseudo_nmi = v.flag; }));
	t.push_back(flag("kernel", "kexec_core", true, "",
			 "`CONFIG_KEXEC_CORE`: without it a stop IPI never runs the crash handler, so the targets save "
			 "no registers (the kdump initiator still saves its own)",
			 [](Scenario& sc, const Value& v) { sc.kexec_core = v.flag; }));
	t.push_back(flag("kernel", "hotplug_cpu", true, "arm64",
			 "`CONFIG_HOTPLUG_CPU`: the crash handler tries PSCI `CPU_OFF`. It takes effect only with "
			 "`platform.el3` and its `psci`: the CPU then ends `off`; otherwise it parks",
			 [](Scenario& sc, const Value& v) { sc.hotplug_cpu = v.flag; }));
	t.push_back(sub("kernel", "timeouts", Type::mapping, "", "the stop budgets (rows below)"));
	t.push_back(sub("kernel", "costs", Type::mapping, "", "the cost model of kernel work (rows below)"));
	t.push_back(choice("kernel", "sdei_stop_epilogue", {"park", "cpu_off", "complete_then_park"}, "`park`", "arm64",
			   "how the SDEI stop handler of `arm64-sdei-v4`/`-v5` ends (bug 15): park inside the "
			   "uncompleted event; on a crash stop call PSCI `CPU_OFF` from inside it; or complete the "
			   "event and then park. Accepted and ignored by the other variants",
			   [](Scenario& sc, const Value& v) { sc.sdei_stop_epilogue = v.text; }));
	t.push_back(x86_flag("nonmi_ipi",
			     "boot parameter `nonmi_ipi` (`smp_no_nmi_ipi`): no NMI rung; in `x86-v3.3` it selects the "
			     "REBOOT_VECTOR-only routine",
			     &Scenario::nonmi_ipi));
	t.push_back(x86_flag("reboot_force", "`reboot=force`: `native_stop_other_cpus()` returns at once and stops nothing",
			     &Scenario::reboot_force));
	t.push_back(x86_flag("sme",
			     "the CPUs may hold incoherent cache lines (SME): `stop_this_cpu()` runs WBINVD (in "
			     "`x86-v6.18` every CPU's `cache_state_incoherent` flag is set at boot)",
			     &Scenario::x86_sme));
	t.push_back(text("kernel", "source", "none",
			 "source mode: the Linux tree whose stop code is compiled and run (docs/source-mode.md); "
			 "relative to the scenario file"));
	t.push_back(text("kernel", "manifest", "the architecture's shipped one",
			 "source mode: a manifest naming the tree's files and roles; relative to the scenario file"));
	t.push_back(flag("kernel", "crash_kexec_post_notifiers", false, "",
			 "boot parameter `crash_kexec_post_notifiers`: the panic stops the CPUs with "
			 "`crash_smp_send_stop()` (x86: the kdump NMI shootdown), runs the notifiers and "
			 "`kmsg_dump()`, and only then tries the crash kernel",
			 [](Scenario& sc, const Value& v) { sc.crash_kexec_post_notifiers = v.flag; }));
	t.push_back(whole("kernel", "panic_timeout_s", 0, 3600, "0",
			  "`panic=` / `CONFIG_PANIC_TIMEOUT`: with N > 0 the panic prints \"Rebooting in N seconds..\", "
			  "waits N s and ends in `emergency_restart()` instead of the end line and the panic loop",
			  [](Scenario& sc, const Value& v) { sc.panic_timeout_s = v.number; }));
	t.push_back(sub("kernel", "elide_barriers", Type::list, "none",
			"`BARRIER@FUNCTION` entries (BARRIER: `smp_rmb`, `smp_wmb` or `smp_mb`): that barrier does "
			"nothing where it is written in that kernel function, e.g. `smp_rmb@smp_send_stop`; the same in "
			"source mode (`__func__`); an entry that removed no barrier draws a warning"));
	t.push_back(x86_flag("kvm",
			     "KVM is loaded and registered its emergency virtualization callback: from `x86-v6.6` the "
			     "emergency restart shoots the CPUs down to turn VMX/SVM off only then",
			     &Scenario::x86_kvm));
	t.push_back(timeout("stop_us", "1 000 000", "budget T of the first stop rung (T × `udelay(1)`)",
			    [](Scenario& sc, const Value& v) { sc.stop_timeout = v.ps; }));
	t.push_back(timeout("nmi_us", "10 000", "budget of the v6.12 pseudo-NMI rung",
			    [](Scenario& sc, const Value& v) { sc.nmi_timeout = v.ps; }));
	t.push_back(timeout("crash_us", "1 000 000", "budget of the v6.6/v6.7 crash-stop rung",
			    [](Scenario& sc, const Value& v) { sc.crash_timeout = v.ps; }));
	t.push_back(timeout("sdei_us", "100 000", "budget of the SDEI rung (v1's crash-only rung, and step 6b of v2, v4, v5)",
			    [](Scenario& sc, const Value& v) { sc.sdei_timeout = v.ps; }));
	t.push_back(cost("check_cycles", 4, "", "one evaluation of a poll-loop condition", &KernelCosts::check_cycles));
	t.push_back(cost("store_cycles", 20, "",
			 "one store or atomic to shared kernel memory (`set_cpu_online`, `atomic_dec`, "
			 "`test_and_set_bit`, `WRITE_ONCE`, spinlock take/release, ...)",
			 &KernelCosts::store_cycles));
	t.push_back(cost("printk_cycles", 5000, "", "one console line", &KernelCosts::printk_cycles));
	t.push_back(cost("irq_entry_cycles", 400, "",
			 "row 4: vector → IRQ handler body, charged once per taken interrupt", &KernelCosts::irq_entry_cycles));
	t.push_back(cost("crash_save_cycles", 2000, "", "one `crash_save_cpu()`", &KernelCosts::crash_save_cycles));
	t.push_back(cost("backtrace_cycles", 150000, "",
			 "printing one CPU's stack for an NMI backtrace (60 µs at 2.5 GHz)", &KernelCosts::backtrace_cycles));
	t.push_back(cost("wbinvd_cycles", 2500000, "x86", "one WBINVD in `stop_this_cpu()` (with `sme`; 1 ms at 2.5 GHz)",
			 &KernelCosts::wbinvd_cycles));
	t.push_back(cost("virt_disable_cycles", 2000, "x86", "one `cpu_emergency_disable_virtualization()`",
			 &KernelCosts::virt_disable_cycles));

	// limits (section 9)
	t.push_back(time("limits", "max_sim_ms", kPsPerMs, kMaxTime, "20 000 (20 s)",
			 "simulated-time limit; a run that has not ended by then ends with outcome `hang` (nothing due "
			 "exactly at the limit runs)",
			 [](Scenario& sc, const Value& v) { sc.max_sim = v.ps; }));
	t.push_back(time("limits", "settle_us", kPsPerUs, kPsPerS, "100",
			 "after a panic halt, kexec or deadlock, the other CPUs run this much longer before the "
			 "simulation stops (a restart stops at once)",
			 [](Scenario& sc, const Value& v) { sc.settle = v.ps; }));
	return t;
}

std::string normalised(const std::string& path)
{
	// "aplic.sources.0.hart" and "aplic.sources[0].hart" -> "aplic.sources[].hart"
	if (path.find("[]") != std::string::npos)
		return path; // already a row path
	std::string p;
	for (char c : path) {
		if (c == '[')
			p += '.';
		else if (c != ']')
			p += c;
	}
	std::string out, seg;
	auto flush = [&] {
		const bool index = !seg.empty() && std::all_of(seg.begin(), seg.end(), [](char c) { return c >= '0' && c <= '9'; });
		if (index)
			out += "[]";
		else
			out += (out.empty() ? "" : ".") + seg;
		seg.clear();
	};
	for (char c : p) {
		if (c == '.')
			flush();
		else
			seg += c;
	}
	flush();
	return out;
}

std::string with_thousands(uint64_t v)
{
	std::string s = std::to_string(v);
	if (v < 10000)
		return s;
	for (int i = int(s.size()) - 3; i > 0; i -= 3)
		s.insert(size_t(i), " ");
	return s;
}

std::string power_of_ten(uint64_t v)
{
	int e = 0;
	uint64_t x = v;
	while (x >= 10 && x % 10 == 0) {
		x /= 10;
		e++;
	}
	if (x == 1 && e >= 6)
		return "10^" + std::to_string(e);
	return with_thousands(v);
}

std::string time_text(Ps ps)
{
	if (ps % kPsPerS == 0)
		return std::to_string(ps / kPsPerS) + " s";
	if (ps % kPsPerMs == 0)
		return std::to_string(ps / kPsPerMs) + " ms";
	return std::to_string(ps / kPsPerUs) + " µs";
}

} // namespace

std::string Row::type_text() const
{
	switch (type) {
	case Type::text:
		return "string";
	case Type::choice:
		return "string";
	case Type::boolean:
		return "boolean";
	case Type::whole:
		return key == "clock_mhz" ? "whole number, MHz" : key == "panic_timeout_s" ? "whole number, s" : "whole number";
	case Type::cycles:
		return "cycles";
	case Type::time:
		return unit_ps == kPsPerMs ? "time, ms" : whole_us ? "time, whole µs" : "time, µs";
	case Type::mapping:
		return "mapping";
	case Type::list:
		return "list";
	}
	return "";
}

std::string Row::range_text() const
{
	switch (type) {
	case Type::choice: {
		std::string s;
		for (const auto& c : choices)
			s += (s.empty() ? "`" : ", `") + c + "`";
		return s;
	}
	case Type::whole:
	case Type::cycles:
		if (hi == UINT64_MAX)
			return "0 … 2^64−1";
		return with_thousands(lo) + " … " + power_of_ten(hi);
	case Type::time:
		return "≤ " + time_text(Ps(hi));
	default:
		return "";
	}
}

const std::vector<Row>& rows()
{
	static const std::vector<Row> t = build();
	return t;
}

const Row* find(const std::string& path)
{
	const std::string p = normalised(path);
	for (const Row& r : rows())
		if (r.path() == p)
			return &r;
	return nullptr;
}

std::vector<std::string> sections()
{
	std::vector<std::string> out;
	for (const Row& r : rows())
		if (std::find(out.begin(), out.end(), r.section) == out.end())
			out.push_back(r.section);
	return out;
}

std::vector<const Row*> section_rows(const std::string& section)
{
	std::vector<const Row*> out;
	for (const Row& r : rows())
		if (r.section == section)
			out.push_back(&r);
	return out;
}

std::vector<std::string> allowed_keys(const std::string& section, const std::vector<std::string>& extra)
{
	std::vector<std::string> out;
	for (const Row* r : section_rows(section))
		out.push_back(r->key);
	out.insert(out.end(), extra.begin(), extra.end());
	return out;
}

std::string markdown_table(const std::string& section)
{
	std::string s = "| key | type | default | allowed | applies to | meaning |\n|---|---|---|---|---|---|\n";
	for (const Row* r : section_rows(section)) {
		auto esc = [](std::string v) {
			std::string o;
			for (char c : v)
				o += c == '|' ? std::string("\\|") : std::string(1, c);
			return o;
		};
		s += "| `" + r->key + "` | " + r->type_text() + " | " + esc(r->def) + " | " + esc(r->range_text()) + " | " +
		     (r->arch.empty() ? "all" : r->arch) + " | " + esc(r->meaning) + " |\n";
	}
	return s;
}

} // namespace stopsim::schema
