// SPDX-License-Identifier: Apache-2.0
// The SSE NMI series (docs/reference/algorithms.md section 3.2-3.3): v1's dedicated crash event, and the local
// NMI service of v2/v3/CI with its one global type word, in our own words.
#include "kl/riscv/riscv_sse.hpp"
#include "kl/nmi_backtrace.hpp"

#include <cstdio>

namespace kl::riscv {

static std::string hex(uint32_t v)
{
	char b[16];
	std::snprintf(b, sizeof b, "%x", v);
	return b;
}

/*
 * sse_event_register() + sse_event_enable() for a local event: the SSE core reaches every CPU
 * (on_each_cpu); here each CPU does its own share as it comes up. The SSE core also unmasks the
 * hart on CPU online. Returns false if a call failed on this CPU.
 */
static bool sse_local_event_up(RiscvShim& k, uint32_t event, bool unmask = true)
{
	sbiret r = k.sbi_ecall(SBI_EXT_SSE, SBI_SSE_EVENT_REGISTER, event, 0, 0);
	bool ok = r.error == SBI_SUCCESS;
	if (ok) {
		r = k.sbi_ecall(SBI_EXT_SSE, SBI_SSE_EVENT_ENABLE, event);
		ok = r.error == SBI_SUCCESS;
		if (!ok)
			k.sbi_ecall(SBI_EXT_SSE, SBI_SSE_EVENT_UNREGISTER, event);
	}
	if (unmask)
		k.sbi_ecall(SBI_EXT_SSE, SBI_SSE_HART_UNMASK);
	return ok;
}

// ---- v1: a dedicated crash event ----

void RiscvSseV1::cpu_up(Shim& k)
{
	if (!sse_local_event_up(riscv_shim(k), SBI_SSE_EVENT_LOCAL_CRASH_NMI))
		m_registered_everywhere = false;
}

void RiscvSseV1::late_init(Shim& k)
{
	if (!m_registered_everywhere)
		return;
	k.write_once(crash_nmi_available, true);
	k.pr_info("Using SSE for crash NMI event delivery");
}

int RiscvSseV1::sse_event_handler(RiscvShim& k, uint32_t event, const Regs& regs)
{
	if (event == SBI_SSE_EVENT_LOCAL_CRASH_NMI)
		cpu_crash_stop(k, k.smp_processor_id(), regs);
	return 0;
}

void RiscvSseV1::crash_stop_send(RiscvShim& k, const CpuMask& mask)
{
	/*
	 * NMI first, with no test of whether the event was set up: without it every CPU's inject
	 * fails and logs. The raw SBI error codes are summed, and any failure sends the IPI to
	 * everyone.
	 */
	k.trace_rung_begin("sse", mask);
	long ret = 0;
	mask.for_each([&](unsigned cpu) {
		const sbiret r = k.sbi_ecall(SBI_EXT_SSE, SBI_SSE_EVENT_INJECT, SBI_SSE_EVENT_LOCAL_CRASH_NMI,
					     k.cpuid_to_hartid_map(cpu));
		if (r.error) {
			k.pr_err("Failed to signal event " + hex(SBI_SSE_EVENT_LOCAL_CRASH_NMI) + ", error " +
				 std::to_string(r.error));
			ret += r.error;
		}
	});
	if (ret) {
		k.trace_rung_end(false);
		RiscvV6::crash_stop_send(k, mask);
	}
}

// ---- the local NMI service (v2 on) ----

void RiscvSseNmi::cpu_up(Shim& k)
{
	if (!sse_local_event_up(riscv_shim(k), SBI_SSE_EVENT_LOCAL_SOFTWARE_INJECTED))
		m_registered_everywhere = false;
	/* Then the unknown-NMI event (firmware that lacks it refuses the registration). */
	if (!sse_local_event_up(riscv_shim(k), SBI_SSE_EVENT_LOCAL_UNKNOWN_NMI, false))
		m_unknown_everywhere = false;
}

void RiscvSseNmi::late_init(Shim& k)
{
	/* On failure the driver unregisters and stays quiet: nmi_support() is false. */
	if (!m_registered_everywhere)
		return;
	k.pr_info("SSE NMI: Using SSE for Local NMI event delivery");
	k.write_once(nmi_available, true);
	if (m_unknown_everywhere)
		k.pr_info("SSE NMI: Using SSE for unknown NMI event delivery");
}

void RiscvSseNmi::send_nmi_single(RiscvShim& k, unsigned cpu, int type)
{
	const unsigned long hartid = k.cpuid_to_hartid_map(cpu);
	/* A relaxed RMW on the one shared word; the ECALL that follows is no fence. */
	k.store("atomic_or", [&] { local_nmi_arg |= type; });
	const sbiret r = k.sbi_ecall(SBI_EXT_SSE, SBI_SSE_EVENT_INJECT, SBI_SSE_EVENT_LOCAL_SOFTWARE_INJECTED, hartid);
	if (r.error)
		k.pr_err("SSE NMI: Failed to signal event " + hex(SBI_SSE_EVENT_LOCAL_SOFTWARE_INJECTED) + " to hartid " +
			 std::to_string(hartid) + ", error " + std::to_string(r.error));
}

void RiscvSseNmi::send_nmi_mask(RiscvShim& k, const CpuMask& mask, int type)
{
	mask.for_each([&](unsigned cpu) { send_nmi_single(k, cpu, type); });
}

int RiscvSseNmi::sse_event_handler(RiscvShim& k, uint32_t event, const Regs& regs)
{
	if (event != SBI_SSE_EVENT_LOCAL_SOFTWARE_INJECTED)
		return 0;
	/* local_nmi_handler(): act on every bit in the shared word, whoever set it. */
	const int type = local_nmi_arg & handled_types();
	const unsigned cpu = k.smp_processor_id();
	if (type & LOCAL_NMI_CRASH)
		cpu_crash_stop(k, cpu, regs);
	if (type & LOCAL_NMI_STOP)
		ipi_stop(k);
	if (type & LOCAL_NMI_BACKTRACE)
		nmi_cpu_backtrace(k, regs, "arch_cpu_idle");
	/* ...then clear it for every hart. */
	k.atomic_set(local_nmi_arg, LOCAL_NMI_NONE);
	return 0;
}

void RiscvSseNmi::crash_stop_send(RiscvShim& k, const CpuMask& mask)
{
	/* v2: the NMI replaces the IPI when available (a fallback would need per-CPU bookkeeping). */
	if (!nmi_support()) {
		RiscvV6::crash_stop_send(k, mask);
		return;
	}
	k.trace_rung_begin("sse", mask);
	send_nmi_mask(k, mask, LOCAL_NMI_CRASH);
}

bool RiscvSseNmi::trigger_cpumask_backtrace(Shim& k, const CpuMask& mask)
{
	if (!nmi_support())
		return RiscvV6::trigger_cpumask_backtrace(k, mask);
	RiscvShim& r = riscv_shim(k);
	nmi_trigger_cpumask_backtrace(k, mask, -1,
				      [&](const CpuMask& targets) { send_nmi_mask(r, targets, LOCAL_NMI_BACKTRACE); });
	return true;
}

// ---- v3: the normal stop through the NMI ----

void RiscvSseV3::smp_send_stop(Shim& k)
{
	RiscvShim& r = riscv_shim(k);
	bool sent = false;

	k.trace_stop_begin("smp_send_stop");
	if (k.num_online_cpus() > 1) {
		CpuMask mask = k.cpu_online_mask();
		mask.clear(k.smp_processor_id());

		if (k.system_state() <= SystemState::running)
			k.pr_crit("SMP: stopping secondary CPUs");
		if (!nmi_support()) {
			k.trace_rung_begin("irq", mask);
			send_ipi_mask(r, mask, IPI_CPU_STOP);
		} else {
			/* Sic: the posted hunk sends the CRASH type for an ordinary stop. */
			k.trace_rung_begin("sse", mask);
			send_nmi_mask(r, mask, LOCAL_NMI_CRASH);
		}
		sent = true;
	}

	const bool stopped = k.spin_poll([&] { return k.num_online_cpus() > 1; }, k.config().stop_timeout_us, 1);
	if (sent)
		k.trace_rung_end(!stopped);

	if (k.num_online_cpus() > 1)
		k.pr_warn("SMP: failed to stop secondary CPUs " + k.cpu_online_mask().to_range_list());
	k.trace_stop_end();
}

// ---- the CI snapshot: IPI 1 s, then NMI 10 ms ----

void RiscvSseCi::last_resort_rung(RiscvShim& r)
{
	Shim& k = r;
	/* NOTE: no nmi_support() test here: without SSE every remaining CPU logs an error. */
	if (num_other_online_cpus(k) == 0)
		return;
	k.smp_rmb("smp_send_stop");
	CpuMask mask = k.cpu_online_mask();
	mask.clear(k.smp_processor_id());
	k.pr_info("SMP: retry stop with NMI for CPUs " + mask.to_range_list());
	k.trace_rung_begin("sse", mask);
	send_nmi_mask(r, mask, LOCAL_NMI_STOP);
	const bool stopped = k.spin_poll([&] { return num_other_online_cpus(k) > 0; }, k.config().nmi_timeout_us, 1);
	k.trace_rung_end(!stopped);
}

} // namespace kl::riscv
