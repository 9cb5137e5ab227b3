// SPDX-License-Identifier: Apache-2.0
// arm64 source mode: the arm64 kernel services of the ops table (over kl::arm64::Arm64Shim, so
// the models see the accesses the transcription makes) and SourceArm64Variant, the variant that
// calls the compiled arch/arm64/kernel/smp.c where a transcribed era calls its own C++.
#include "source-mode/src/arm64/variant.hpp"

#include "kl/arm64/arm64.hpp"

#include <map>

namespace srcmode {

namespace {

using kl::arm64::Arm64Shim;

Arm64Shim& arm(CpuCtx& c) { return static_cast<Arm64Shim&>(*c.k); }

extern "C" {

void op_local_daif_mask(void)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	kl::arm64::local_daif_mask(arm(c));
}
void op_cpu_park_loop(void)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	kl::arm64::cpu_park_loop(arm(c));
}
int op_system_uses_irq_prio_masking(void)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	return kl::arm64::system_uses_irq_prio_masking(*c.k) ? 1 : 0;
}
int op_sdei_mask_local_cpu(void)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	return kl::arm64::sdei_mask_local_cpu(arm(c));
}
int op_sdei_unmask_local_cpu(void)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	return kl::arm64::sdei_unmask_local_cpu(arm(c));
}
void op_sdei_handler_abort(void)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	kl::arm64::sdei_handler_abort(arm(c));
}
int op_cpu_die_present(unsigned) { return arm(cur()).psci_present() ? 1 : 0; }
void op_cpu_die(unsigned)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	/* cpu_psci_cpu_die(): PSCI CPU_OFF; it does not come back when it works */
	arm(c).smc(kl::arm64::PSCI_0_2_FN_CPU_OFF, 0, 0, 0);
}
void op_ipi_send_mask(unsigned irq, const struct cpumask* mask)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	if (irq < g_obj.ipi_base || irq >= g_obj.ipi_base + 16) {
		c.k->report_invariant("source_mode_bad_ipi", "__ipi_send_mask() on IRQ " + std::to_string(irq) +
								   ", which is not an IPI");
		return;
	}
	const unsigned sgi = irq - g_obj.ipi_base;
	const kl::CpuMask targets = to_kl(mask);
	if (sgi < g_obj.stop_ipi.size() && g_obj.stop_ipi[sgi]) {
		close_rung(c);
		const bool nmi = sgi < g_obj.requested.size() && g_obj.requested[sgi] == 2 &&
				 kl::arm64::system_uses_irq_prio_masking(*c.k);
		c.k->trace_rung_begin(nmi ? "pseudo_nmi" : "irq", targets);
		c.f.rung_open = true;
		c.f.rung_checks = 0;
		c.f.first_check_due = true;
	}
	kl::arm64::gic_ipi_send_mask(arm(c), targets, sgi);
}
/* The SDEI callbacks the code registered, by event number. */
struct SdeiReg {
	int (*cb)(unsigned, struct pt_regs*, void*) = nullptr;
	void* arg = nullptr;
};
std::map<unsigned, SdeiReg> g_sdei;

long sdei_result(Arm64Shim& a, long err)
{
	if (!a.sdei_firmware_present())
		return -kl::arm64::kEIO;
	return err < 0 ? kl::arm64::sdei_to_linux_errno(err) : 0;
}
int op_sdei_event_register(unsigned event, int (*cb)(unsigned, struct pt_regs*, void*), void* arg)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	g_sdei[event] = SdeiReg{cb, arg};
	return int(sdei_result(arm(c), arm(c).smc(kl::arm64::SDEI_1_0_FN_SDEI_EVENT_REGISTER, event, 0, 0)));
}
int op_sdei_event_enable(unsigned event)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	return int(sdei_result(arm(c), arm(c).smc(kl::arm64::SDEI_1_0_FN_SDEI_EVENT_ENABLE, event, 0, 0)));
}
int op_sdei_event_disable(unsigned event)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	constexpr uint32_t SDEI_1_0_FN_SDEI_EVENT_DISABLE = 0xC4000023;
	return int(sdei_result(arm(c), arm(c).smc(SDEI_1_0_FN_SDEI_EVENT_DISABLE, event, 0, 0)));
}
int op_sdei_event_signal(unsigned event, unsigned long long target_pe)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	return int(sdei_result(arm(c), arm(c).smc(kl::arm64::SDEI_1_0_FN_SDEI_EVENT_SIGNAL, event, target_pe, 0)));
}
int op_sdei_is_present(void) { return arm(cur()).sdei_firmware_present() ? 1 : 0; }
unsigned long long op_cpu_logical_map(unsigned cpu) { return arm(cur()).cpu_logical_map(cpu); }

void op_bug(const char* file, int line)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	c.k->printk(kl::Level::crit, std::string("kernel BUG at ") + file + ":" + std::to_string(line) + "!");
	c.k->report_invariant("kernel_bug", "CPU " + std::to_string(c.k->smp_processor_id()) + ": BUG() at " + file +
						    ":" + std::to_string(line));
	kl::arm64::cpu_park_loop(arm(c));
}

} // extern "C"

} // namespace

SourceArm64Variant::SourceArm64Variant(const Extract& x, const Manifest& m, const std::string& so) : m_x(x)
{
	fill_common_ops(m_ops);
	m_ops.ipi_send_mask = op_ipi_send_mask;
	m_ops.bug = op_bug;
	m_ops.local_daif_mask = op_local_daif_mask;
	m_ops.cpu_park_loop = op_cpu_park_loop;
	m_ops.system_uses_irq_prio_masking = op_system_uses_irq_prio_masking;
	m_ops.sdei_mask_local_cpu = op_sdei_mask_local_cpu;
	m_ops.sdei_unmask_local_cpu = op_sdei_unmask_local_cpu;
	m_ops.sdei_handler_abort = op_sdei_handler_abort;
	m_ops.cpu_die_present = op_cpu_die_present;
	m_ops.cpu_die = op_cpu_die;
	m_ops.sdei_event_register = op_sdei_event_register;
	m_ops.sdei_event_enable = op_sdei_event_enable;
	m_ops.sdei_event_disable = op_sdei_event_disable;
	m_ops.sdei_event_signal = op_sdei_event_signal;
	m_ops.sdei_is_present = op_sdei_is_present;
	m_ops.cpu_logical_map = op_cpu_logical_map;
	load_object(so, x, m, &m_ops);
	m_name = "linux-" + x.version + " (source)";
	m_summary = "compiled from " + x.tree + " (" + x.code_hash.substr(0, 12) + ")";
	for (const char* r : {"send_stop", "self_stop", "ipi_handler", "ipi_range"})
		if (!g_obj.roles.count(r))
			throw SourceError(x.tree + ": the code compiled has no " + r +
					  " entry point (a manifest function with role=" + r + " is required)");
}

std::vector<std::string> SourceArm64Variant::ipi_names() const { return g_obj.ipi_names; }

void SourceArm64Variant::ensure_range(kl::Shim& k) const
{
	if (g_obj.ranged)
		return;
	g_obj.ranged = true;
	/* gic_smp_init(): the irqchip hands the IPI code its SGIs as Linux IRQs base .. base + 7 */
	Enter e(k);
	g_obj.role<void (*)(int, int)>("ipi_range")(int(g_obj.ipi_base), int(g_obj.ipi_count));
}

bool SourceArm64Variant::ipi_should_be_nmi(kl::Shim& k, unsigned ipi) const
{
	ensure_range(k);
	return ipi < g_obj.requested.size() && g_obj.requested[ipi] == 2;
}

unsigned SourceArm64Variant::nr_ipi() const
{
	/*
	 * Before set_smp_ipi_range() ran there is no count yet, and no CPU to run it on. The
	 * irqchip's set-up loop re-reads this bound on every step and its first step asks
	 * ipi_should_be_nmi(), which runs set_smp_ipi_range() on that CPU: one step is enough.
	 */
	if (!g_obj.ranged)
		return 1;
	unsigned n = 0;
	for (size_t i = 0; i < g_obj.requested.size(); i++)
		if (g_obj.requested[i])
			n = unsigned(i + 1);
	return n;
}

void SourceArm64Variant::cpu_up(kl::Shim& k)
{
	ensure_range(k);
	if (k.smp_processor_id() != m_boot_cpu_seen && m_boot_seen) {
		/* secondary_start_kernel(): the CPU sets up its own IPIs */
		Enter e(k);
		g_obj.role<void (*)(int)>("ipi_setup")(int(k.smp_processor_id()));
	}
	if (!m_boot_seen) {
		m_boot_seen = true;
		m_boot_cpu_seen = k.smp_processor_id();
	}
	Arm64Variant::cpu_up(k);
	if (auto hook = g_obj.role<void (*)(unsigned)>("cpu_up_hook")) {
		Enter e(k);
		hook(k.smp_processor_id());
		side_effect(ctx_of(k));
	}
}

void SourceArm64Variant::late_init(kl::Shim& k)
{
	if (auto fn = g_obj.role<void (*)()>("late_init")) {
		Enter e(k);
		fn();
		side_effect(ctx_of(k));
	}
}

int SourceArm64Variant::sdei_event_handler(kl::arm64::Arm64Shim& k, const kl::Regs& regs)
{
	/* __sdei_handler(): event 0 (the only one the EL3 model dispatches) to the registered callback */
	auto it = g_sdei.find(0);
	if (it == g_sdei.end() || !it->second.cb)
		return Arm64Variant::sdei_event_handler(k, regs);
	Enter e(k);
	CpuCtx& c = ctx_of(k);
	InterruptFrame frame(c);
	c.regs.push_back(pt_regs{regs});
	const int status = it->second.cb(0, &c.regs.back(), it->second.arg);
	side_effect(c);
	c.regs.pop_back();
	return status;
}

void SourceArm64Variant::smp_send_stop(kl::Shim& k) { enter_send_stop(k); }

void SourceArm64Variant::crash_smp_send_stop(kl::Shim& k) { enter_crash_send_stop(k, m_generic_crash_done); }

bool SourceArm64Variant::smp_crash_stop_failed(kl::Shim& k) { return enter_crash_stop_failed(k); }

void SourceArm64Variant::panic_smp_self_stop(kl::Shim& k)
{
	Enter e(k);
	k.trace_stop_handler("local_cpu_stop");
	g_obj.role<void (*)()>("self_stop")();
	/* the kernel's panic_smp_self_stop() is __noreturn where it parks; one that returns spins */
	for (;;)
		kl::arm64::cpu_park_loop(kl::arm64::arm64_shim(k));
}

void SourceArm64Variant::do_handle_IPI(kl::arm64::Arm64Shim& k, unsigned ipinr, const kl::Regs& regs)
{
	Enter e(k);
	CpuCtx& c = ctx_of(k);
	InterruptFrame frame(c);
	c.regs.push_back(pt_regs{regs});
	if (ipinr < g_obj.stop_ipi.size() && g_obj.stop_ipi[ipinr])
		k.trace_stop_handler(g_obj.crash_in_progress && k.config().kexec_core ? "ipi_cpu_crash_stop"
										    : "local_cpu_stop");
	/* handle_percpu_devid_irq() -> the handler request_percpu_{irq,nmi}() registered */
	g_obj.role<int (*)(int, void*)>("ipi_handler")(int(g_obj.ipi_base + ipinr), nullptr);
	side_effect(c);
	Keep keep(c);
	c.regs.pop_back();
}

bool SourceArm64Variant::trigger_cpumask_backtrace(kl::Shim& k, const kl::CpuMask& mask)
{
	auto fn = g_obj.role<void (*)(const struct cpumask*, int)>("backtrace");
	if (!fn)
		return false;
	Enter e(k);
	const struct cpumask m = to_c(mask);
	fn(&m, -1);
	side_effect(ctx_of(k));
	return true;
}

} // namespace srcmode
