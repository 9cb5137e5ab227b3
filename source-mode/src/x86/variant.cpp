// SPDX-License-Identifier: Apache-2.0
// x86 source mode: the x86 kernel services of the compiled code (over kl::x86::X86Shim, so the
// models see the accesses the transcribed eras make), the NMI handler registry and dispatch of
// arch/x86/kernel/nmi.c in our own words, and SourceX86Variant, which calls the compiled
// smp.c / process.c / reboot.c / crash.c where a transcribed era calls its own C++.
#include "source-mode/src/x86/variant.hpp"

#include <algorithm>
#include <cstring>
#include <dlfcn.h>
#include <utility>

namespace srcmode {

namespace {

using kl::x86::X86Shim;

constexpr unsigned kNmiVector = 0x02;
constexpr unsigned kRebootVector = 0xf8;
constexpr unsigned kNmiLocal = 0;
constexpr unsigned long kNmiFlagFirst = 1;

struct NmiAction {
	stopsim_nmi_handler_t fn = nullptr;
	std::string name;
};

/// What the x86 runtime keeps beside the loaded object (one per process, as g_obj).
struct X86State {
	std::vector<NmiAction> nmi_local;      ///< the NMI_LOCAL list, in call order
	stopsim_nmi_handler_t emergency = nullptr;
	int stopping_cpu = -1;                 ///< the first CPU that entered the stop
	const struct cpumask* stop_mask = nullptr; ///< process.c's cpus_stop_mask (if the tree has it)
	std::vector<char> rung_is_nmi;         ///< by CPU: the open rung is the per-CPU NMI one
	std::vector<char> untraced_stop;       ///< by CPU: in nmi_panic_self_stop(), its stop not traced yet
};
X86State g_x86;

X86Shim& xs(CpuCtx& c) { return static_cast<X86Shim&>(*c.k); }

char& per_cpu(std::vector<char>& v, CpuCtx& c)
{
	const unsigned cpu = c.k->smp_processor_id();
	if (v.size() <= cpu)
		v.resize(cpu + 1, 0);
	return v[cpu];
}

char& rung_nmi(CpuCtx& c)
{
	const unsigned cpu = c.k->smp_processor_id();
	if (g_x86.rung_is_nmi.size() <= cpu)
		g_x86.rung_is_nmi.resize(cpu + 1, 0);
	return g_x86.rung_is_nmi[cpu];
}

void open_rung(CpuCtx& c, const char* name, const kl::CpuMask& targets, bool nmi_each)
{
	close_rung(c);
	c.k->trace_rung_begin(name, targets);
	c.f.rung_open = true;
	c.f.rung_checks = 0;
	c.f.first_check_due = true; /* the next read is the wait loop's first check */
	rung_nmi(c) = nmi_each;
}

extern "C" {

void op_x86_send_IPI_allbutself(unsigned vector)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	if (vector == kRebootVector || vector == kNmiVector) {
		kl::CpuMask t = c.k->cpu_online_mask();
		t.clear(c.k->smp_processor_id());
		open_rung(c, vector == kNmiVector ? "nmi" : "irq", t, false);
	}
	xs(c).send_IPI_allbutself(vector);
}
void op_x86_send_IPI(unsigned cpu, unsigned vector)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	if (vector == kNmiVector && !(c.f.rung_open && c.f.rung_checks == 0 && rung_nmi(c))) {
		/* the per-CPU NMIs of one `for_each_cpu` loop are one rung, to the CPUs not acked yet */
		kl::CpuMask t = g_x86.stop_mask ? to_kl(g_x86.stop_mask) : kl::CpuMask{};
		t.set(cpu);
		open_rung(c, "nmi", t, true);
	}
	xs(c).send_IPI(cpu, vector);
}
void op_x86_apic_eoi(void)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	xs(c).apic_eoi();
}
void op_x86_disable_local_APIC(void)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	xs(c).disable_local_APIC();
}
void op_x86_native_halt(void)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	/* a HLT on a stop path is where the CPU rests: the report records it once */
	if (std::exchange(per_cpu(g_x86.untraced_stop, c), 0))
		c.k->trace_stop_handler("crash_nmi_callback"); /* reached from nmi_panic_self_stop() */
	xs(c).trace_parked();
	xs(c).native_halt();
}
void op_x86_native_wbinvd(void)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	xs(c).native_wbinvd();
}
void op_x86_cpu_relax(void)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	/*
	 * The cpu_relax() loops of the stop code wait, with nothing else in the loop, for a flag
	 * another CPU sets (nmi_panic_self_stop(): crash_ipi_issued). Nothing they read changes
	 * until some CPU stores: wait for the next store (or interrupt), in the udelay(1) steps a
	 * transcribed wait loop takes, then let the loop read again.
	 */
	bool first = true;
	c.k->spin_poll([&] { return std::exchange(first, false); }, kl::kPollForever, 1);
}
void op_x86_local_irq_save(void)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	c.k->local_irq_disable();
}
void op_x86_virt_off(void)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	xs(c).cpu_emergency_disable_virtualization();
}
void op_x86_mcheck_cpu_clear(void)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	xs(c).mcheck_cpu_clear();
}
int op_x86_cpu_has_sme(void) { return cur().k->config().x86_sme ? 1 : 0; }
int op_x86_reboot_force(void) { return cur().k->config().reboot_force ? 1 : 0; }
int op_x86_kvm_loaded(void) { return cur().k->config().x86_kvm ? 1 : 0; }

int op_x86_register_nmi_handler(unsigned type, stopsim_nmi_handler_t fn, unsigned long flags, const char* name)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	if (type != kNmiLocal) {
		c.k->report_invariant("source_mode_unmodelled", std::string("register_nmi_handler() of type ") +
									std::to_string(type) + " (only NMI_LOCAL is modelled)");
		return -22;
	}
	const std::string n = name ? name : "";
	/* __register_nmi_handler(): under the descriptor lock (taken from NMI context too: bug 9) */
	c.k->raw_spin_lock("nmi_desc_lock");
	const bool twice = std::any_of(g_x86.nmi_local.begin(), g_x86.nmi_local.end(),
				       [&](const NmiAction& a) { return a.name == n; });
	if (twice)
		c.k->report_invariant("nmi_handler_list_intact", "NMI handler \"" + n + "\" registered twice on CPU " +
								      std::to_string(c.k->smp_processor_id()));
	c.k->store("nmi_desc list_add_rcu", [&] {
		if (flags & kNmiFlagFirst)
			g_x86.nmi_local.insert(g_x86.nmi_local.begin(), NmiAction{fn, n});
		else
			g_x86.nmi_local.push_back(NmiAction{fn, n});
	});
	c.k->raw_spin_unlock("nmi_desc_lock");
	return 0;
}
void op_x86_unregister_nmi_handler(unsigned, const char* name)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	const std::string n = name ? name : "";
	c.k->raw_spin_lock("nmi_desc_lock");
	c.k->store("nmi_desc list_del_rcu", [&] {
		auto it = std::find_if(g_x86.nmi_local.begin(), g_x86.nmi_local.end(),
				       [&](const NmiAction& a) { return a.name == n; });
		if (it != g_x86.nmi_local.end())
			g_x86.nmi_local.erase(it);
	});
	c.k->raw_spin_unlock("nmi_desc_lock");
}
void op_x86_set_emergency_nmi_handler(unsigned, stopsim_nmi_handler_t fn)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	/* a lock-free store, then the barrier that publishes it */
	c.k->plain_store("WRITE_ONCE", [fn] { g_x86.emergency = fn; });
	c.k->smp_wmb();
}

void op_x86_mask_copy(struct cpumask* d, const struct cpumask* s)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	c.k->store("cpumask_copy", [&] { *d = *s; });
}
void op_x86_mask_clear(struct cpumask* m)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	c.k->store("cpumask_clear", [&] { std::memset(m->bits, 0, sizeof m->bits); });
}
void op_x86_write_once(volatile void* p, unsigned long long v, unsigned size)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	void* q = const_cast<void*>(p);
	c.k->plain_store("WRITE_ONCE", [q, v, size] { std::memcpy(q, &v, std::min<size_t>(size, sizeof v)); });
}
void op_x86_bug(const char* file, int line)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	c.k->printk(kl::Level::crit, std::string("kernel BUG at ") + file + ":" + std::to_string(line) + "!");
	c.k->report_invariant("kernel_bug", "CPU " + std::to_string(c.k->smp_processor_id()) + ": BUG() at " + file +
						    ":" + std::to_string(line));
	for (;;)
		xs(c).native_halt();
}

/* The VMX-off callback KVM registers with cpu_emergency_register_virt_callback(). */
void stopsim_kvm_virt_off(void) { op_x86_virt_off(); }

} // extern "C"

template <class F> F sym(const char* name) { return reinterpret_cast<F>(::dlsym(g_obj.handle, name)); }

/// struct smp_ops as our <asm/x86.h> lays it out.
struct SmpOpsC {
	void (*stop_other_cpus)(int wait);
	void (*crash_stop_other_cpus)(void);
	void (*stop_this_cpu)(void);
};

/*
 * smp_ops: the stop routines native_smp_prepare_cpus() installs, through these: a stop the
 * compiled code starts (stop_other_cpus() on reboot, the crash stop of crash_smp_send_stop())
 * is traced like one the engine starts, from its first step to the end of its last wait.
 */
void traced_stop(const char* fn, const std::function<void()>& call)
{
	CpuCtx& c = cur();
	kl::Shim& k = *c.k;
	if (g_x86.stopping_cpu < 0)
		g_x86.stopping_cpu = int(k.smp_processor_id());
	{
		Keep keep(c);
		side_effect(c);
		k.trace_stop_begin(fn);
	}
	call();
	side_effect(c);
	Keep keep(c);
	close_rung(c);
	k.trace_stop_end();
}
extern "C" void stopsim_x86_stop_other_cpus(int wait)
{
	traced_stop("native_stop_other_cpus", [&] { g_obj.role<void (*)(int)>("stop_other_cpus")(wait); });
}
extern "C" void stopsim_x86_crash_stop_other_cpus(void)
{
	traced_stop("kdump_nmi_shootdown_cpus", [&] { g_obj.role<void (*)()>("crash_stop_other_cpus")(); });
}

} // namespace

SourceX86Variant::SourceX86Variant(const Extract& x, const Manifest& m, const std::string& so)
{
	g_x86 = X86State{};
	fill_common_ops(m_ops);
	m_ops.bug = op_x86_bug;
	m_xops.send_IPI_allbutself = op_x86_send_IPI_allbutself;
	m_xops.send_IPI = op_x86_send_IPI;
	m_xops.apic_eoi = op_x86_apic_eoi;
	m_xops.disable_local_APIC = op_x86_disable_local_APIC;
	m_xops.native_halt = op_x86_native_halt;
	m_xops.native_wbinvd = op_x86_native_wbinvd;
	m_xops.cpu_relax = op_x86_cpu_relax;
	m_xops.local_irq_save = op_x86_local_irq_save;
	m_xops.virt_off = op_x86_virt_off;
	m_xops.mcheck_cpu_clear = op_x86_mcheck_cpu_clear;
	m_xops.cpu_has_sme = op_x86_cpu_has_sme;
	m_xops.reboot_force = op_x86_reboot_force;
	m_xops.kvm_loaded = op_x86_kvm_loaded;
	m_xops.register_nmi_handler = op_x86_register_nmi_handler;
	m_xops.unregister_nmi_handler = op_x86_unregister_nmi_handler;
	m_xops.set_emergency_nmi_handler = op_x86_set_emergency_nmi_handler;
	m_xops.mask_copy = op_x86_mask_copy;
	m_xops.mask_clear = op_x86_mask_clear;
	m_xops.write_once = op_x86_write_once;
	load_object(so, x, m, &m_ops);
	auto** kx = sym<const stopsim_x86_kops**>("stopsim_kx");
	if (!kx)
		throw SourceError("the code compiled from " + x.tree + " has no stopsim_kx (stale cache?)");
	*kx = &m_xops;
	m_name = "linux-" + x.version + " (source)";
	m_summary = "compiled from " + x.tree + " (" + x.code_hash.substr(0, 12) + ")";
	for (const char* r : {"stop_other_cpus", "machine_shutdown"})
		if (!g_obj.roles.count(r))
			throw SourceError(x.tree + ": the code compiled has no " + r +
					  " entry point (a manifest function with role=" + r + " is required)");
	m_sysvec_reboot = sym<void (*)(struct pt_regs*)>("sysvec_reboot");
	if (!m_sysvec_reboot)
		m_sysvec_reboot = sym<void (*)(struct pt_regs*)>("smp_reboot_interrupt");
	if (!m_sysvec_reboot)
		throw SourceError(x.tree + ": no REBOOT vector handler (sysvec_reboot) was compiled");
	m_crashing_cpu = sym<int*>("crashing_cpu");
	g_x86.stop_mask = sym<const struct cpumask*>("cpus_stop_mask");
	/* smp_ops: the stop routines native_smp_prepare_cpus() would have installed */
	if (auto* so_ops = sym<SmpOpsC*>("smp_ops")) {
		so_ops->stop_other_cpus = stopsim_x86_stop_other_cpus;
		so_ops->crash_stop_other_cpus =
			g_obj.roles.count("crash_stop_other_cpus") ? stopsim_x86_crash_stop_other_cpus : nullptr;
		so_ops->stop_this_cpu = nullptr;
	}
}

void SourceX86Variant::run(kl::Shim& k, const std::function<void()>& call)
{
	Enter e(k);
	call();
	CpuCtx& c = ctx_of(k);
	side_effect(c);
	Keep keep(c);
	close_rung(c);
}

void SourceX86Variant::native_stop_other_cpus(kl::x86::X86Shim& k, int wait)
{
	/* smp_send_stop(): smp_ops.stop_other_cpus(0) */
	run(k, [&] { stopsim_x86_stop_other_cpus(wait); });
}

void SourceX86Variant::machine_restart(kl::Shim& k)
{
	/* native_machine_restart() -> machine_shutdown(): IRQs off, stop_other_cpus(), the hooks */
	run(k, [&] { g_obj.role<void (*)()>("machine_shutdown")(); });
}

void SourceX86Variant::crash_smp_send_stop(kl::Shim& k)
{
	/* panic() with crash_kexec_post_notifiers: crash.c's crash_smp_send_stop() */
	auto stop = g_obj.role<void (*)()>("crash_send_stop");
	if (!stop) {
		/* no crash_smp_send_stop() in the tree: kernel/panic.c's generic one */
		if (m_generic_crash_done)
			return;
		m_generic_crash_done = true;
		smp_send_stop(k);
		return;
	}
	run(k, [&] { stop(); });
}

void SourceX86Variant::machine_crash_shutdown(kl::Shim& k, const kl::Regs& regs)
{
	/* __crash_kexec() -> native_machine_crash_shutdown(): the shootdown, then this CPU's own
	   shutdown and the save of its registers */
	auto shutdown = g_obj.role<void (*)(struct pt_regs*)>("crash_shutdown");
	if (!shutdown) {
		X86Variant::machine_crash_shutdown(k, regs);
		return;
	}
	run(k, [&] {
		pt_regs r{regs};
		shutdown(&r);
	});
}

void SourceX86Variant::nmi_panic_self_stop(kl::Shim& k, const kl::Regs& regs)
{
	auto fn = g_obj.role<void (*)(struct pt_regs*)>("nmi_self_stop");
	if (!fn)
		X86Variant::nmi_panic_self_stop(k, regs);
	Enter e(k);
	CpuCtx& c = ctx_of(k);
	c.regs.push_back(pt_regs{regs});
	/* it calls crash_nmi_callback() itself once the shootdown is issued: traced at its HLT */
	per_cpu(g_x86.untraced_stop, c) = 1;
	fn(&c.regs.back());
	/* the kernel's loop never ends; one that does spins like panic_smp_self_stop() */
	panic_smp_self_stop(k);
	throw std::logic_error("panic_smp_self_stop() returned");
}

void SourceX86Variant::emergency_restart(kl::Shim& k)
{
	/* native_machine_emergency_restart() with reboot_emergency set: virtualization off everywhere */
	auto fn = g_obj.role<void (*)()>("emergency_virt");
	if (!fn)
		return;
	Enter e(k);
	fn();
	CpuCtx& c = ctx_of(k);
	side_effect(c);
	Keep keep(c);
	close_rung(c);
}

void SourceX86Variant::late_init(kl::Shim& k)
{
	Enter e(k);
	/* the boot command line: nonmi_ipi */
	if (k.config().nonmi_ipi)
		if (auto fn = g_obj.role<int (*)(char*)>("nonmi_ipi")) {
			char empty[1] = {0};
			fn(empty);
		}
	/*
	 * The VMX-off callback, registered as KVM does: every cpu_emergency_disable_virtualization()
	 * then does the VMX-off work the transcribed eras charge; whether KVM is loaded
	 * (kernel.kvm) is what the restart path's test of the callback sees (<asm/x86.h>).
	 */
	if (auto fn = g_obj.role<void (*)(void (*)(void))>("register_virt_cb"))
		fn(stopsim_kvm_virt_off);
	side_effect(ctx_of(k));
}

void SourceX86Variant::handle_interrupt(kl::x86::X86Shim& k, unsigned vector, const kl::Regs& regs)
{
	if (vector != kRebootVector) {
		k.apic_eoi();
		return;
	}
	Enter e(k);
	CpuCtx& c = ctx_of(k);
	c.regs.push_back(pt_regs{regs});
	k.trace_stop_handler("stop_this_cpu");
	m_sysvec_reboot(&c.regs.back());
	side_effect(c);
	Keep keep(c);
	c.regs.pop_back();
}

void SourceX86Variant::handle_nmi(kl::x86::X86Shim& k, const kl::Regs& regs)
{
	Enter e(k);
	CpuCtx& c = ctx_of(k);
	const int cpu = int(k.smp_processor_id());
	c.regs.push_back(pt_regs{regs});
	k.nmi_enter();
	auto traced = [&](const std::string& name) {
		/* the handlers that stop this CPU (they do not return) */
		const bool crash = name == "crash" || name.empty();
		if (crash && (!m_crashing_cpu || *m_crashing_cpu != cpu))
			k.trace_stop_handler("crash_nmi_callback");
		if (name == "smp_stop" && g_x86.stopping_cpu != cpu)
			k.trace_stop_handler("stop_this_cpu");
	};
	/* default_do_nmi(): the emergency handler, if set, runs instead of the list */
	if (stopsim_nmi_handler_t em = g_x86.emergency) {
		traced("");
		em(kNmiLocal, &c.regs.back());
	} else {
		int handled = 0;
		const std::vector<NmiAction> list = g_x86.nmi_local;
		for (const NmiAction& a : list) {
			if (!a.fn)
				continue;
			traced(a.name);
			handled += a.fn(kNmiLocal, &c.regs.back());
		}
		if (!handled) {
			side_effect(c);
			Keep keep(c);
			k.pr_emerg("Uhhuh. NMI received for unknown reason 00 on CPU " + std::to_string(cpu) + ".");
			k.pr_emerg("Dazed and confused, but trying to continue");
		}
	}
	side_effect(c);
	Keep keep(c);
	k.nmi_exit();
	c.regs.pop_back();
}

} // namespace srcmode
