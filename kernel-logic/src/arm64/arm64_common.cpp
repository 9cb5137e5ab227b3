// SPDX-License-Identifier: Apache-2.0
// Helpers of arch/arm64/kernel/smp.c and friends that every era since v4.x shares.
#include "kl/arm64/arm64.hpp"
#include "kl/nmi_backtrace.hpp"
#include "kl/panic.hpp"

#include <stdexcept>

namespace kl::arm64 {

Arm64Shim& arm64_shim(Shim& k)
{
	auto* a = dynamic_cast<Arm64Shim*>(&k);
	if (!a)
		throw std::logic_error("arm64 kernel logic driven through a non-arm64 shim");
	return *a;
}

unsigned num_other_online_cpus(Shim& k)
{
	const unsigned this_cpu_online = k.cpu_online(k.smp_processor_id()) ? 1 : 0;
	return k.num_online_cpus() - this_cpu_online;
}

void local_daif_mask(Arm64Shim& k)
{
	k.write_daif(DAIF_MASK);
	/* With priority masking, record that masking is now done through PSTATE.I. */
	if (system_uses_irq_prio_masking(k))
		k.write_pmr(gic_prio(k).irqon | gic_prio(k).psr_i_set);
}

void cpu_park_loop(Arm64Shim& k)
{
	k.trace_parked();
	for (;;)
		k.wfe_wfi();
}

long sdei_to_linux_errno(long sdei_err)
{
	switch (sdei_err) {
	case -1: /* SDEI_NOT_SUPPORTED */
		return -95; /* -EOPNOTSUPP */
	case -2: /* SDEI_INVALID_PARAMETERS */
		return -22; /* -EINVAL */
	case -3: /* SDEI_DENIED */
		return -1; /* -EPERM */
	case -5: /* SDEI_PENDING */
		return -115; /* -EINPROGRESS */
	case -10: /* SDEI_OUT_OF_RESOURCE */
		return -12; /* -ENOMEM */
	default:
		/* Any other value is not an error to the driver (sdei_is_err() lists only these). */
		return 0;
	}
}

int sdei_mask_local_cpu(Arm64Shim& k)
{
	/* Without SDEI firmware the driver never made a conduit: -EIO, no call, no message, and
	   the -EIO is not passed on. */
	if (!k.sdei_firmware_present())
		return 0;
	const long err = k.smc(SDEI_1_0_FN_SDEI_PE_MASK);
	/* PE_MASK answers 1 (changed) or 0 (already masked); only negatives are errors. */
	const long ret = err < 0 ? sdei_to_linux_errno(err) : 0;
	if (ret && ret != -kEIO) {
		/* pr_warn_once(), with the driver's "sdei: " prefix */
		if (!k.ks().sdei_mask_warned) {
			k.ks().sdei_mask_warned = true;
			k.pr_warn("sdei: failed to mask CPU[" + std::to_string(k.smp_processor_id()) + "]: " + std::to_string(ret));
		}
		return int(ret);
	}
	return 0;
}

int sdei_unmask_local_cpu(Arm64Shim& k)
{
	if (!k.sdei_firmware_present())
		return 0;
	const long err = k.smc(SDEI_1_0_FN_SDEI_PE_UNMASK);
	const long ret = err < 0 ? sdei_to_linux_errno(err) : 0;
	if (ret && ret != -kEIO) {
		if (!k.ks().sdei_unmask_warned) {
			k.ks().sdei_unmask_warned = true;
			k.pr_warn("sdei: failed to unmask CPU[" + std::to_string(k.smp_processor_id()) + "]: " + std::to_string(ret));
		}
		return int(ret);
	}
	return 0;
}

int Arm64Variant::sdei_event_handler(Arm64Shim&, const Regs&)
{
	/* No era before the SDEI NMI service registers a handler for event 0. */
	return SDEI_EV_FAILED;
}

void Arm64Variant::cpu_up(Shim& k)
{
	sdei_unmask_local_cpu(arm64_shim(k));
}

void sdei_handler_abort(Arm64Shim& k)
{
	/* Only a CPU that is inside an SDEI handler has an event to abort. */
	if (k.in_sdei_handler()) {
		/* Event 0 is a normal-priority event; the driver warns before it finishes the handler. */
		k.pr_warn("sdei: still in SDEI normal event context, attempting to finish handler.");
		k.smc(SDEI_1_0_FN_SDEI_EVENT_COMPLETE_AND_RESUME);
	}
}

void cpu_try_die(Arm64Shim& k, unsigned cpu)
{
	(void)cpu;
	if (!k.config().hotplug_cpu || !k.psci_present())
		return;
	/* cpu_ops->cpu_die is PSCI CPU_OFF; on success it does not come back. */
	k.smc(PSCI_0_2_FN_CPU_OFF);
}

void local_cpu_stop(Arm64Shim& k, unsigned cpu)
{
	k.trace_stop_handler("local_cpu_stop");
	/* The ack comes first: a late NMI between here and the mask just runs this again. */
	k.set_cpu_online(cpu, false);
	local_daif_mask(k);
	sdei_mask_local_cpu(k);
	cpu_park_loop(k);
}

const char* ipi_rung_name(Shim& k, const Arm64Variant& v, unsigned ipi)
{
	return v.ipi_should_be_nmi(k, ipi) ? "pseudo_nmi" : "irq";
}

void arm64_backtrace_ipi(Arm64Shim& k, Arm64Variant& v, const CpuMask& mask, int exclude_cpu, unsigned ipi)
{
	nmi_trigger_cpumask_backtrace(k, mask, exclude_cpu,
				      [&](const CpuMask& targets) { v.smp_cross_call(k, targets, ipi); });
}

void Arm64Variant::machine_restart(Shim& k)
{
	/* arch/arm64/kernel/process.c: IRQs off, stop the others, then reset. */
	k.local_irq_disable();
	smp_send_stop(k);
}

void Arm64Variant::machine_crash_shutdown(Shim& k, const Regs& regs)
{
	/* (its local_irq_disable() is left out: panic() turned IRQs off already) */
	crash_smp_send_stop(k);
	k.crash_save_cpu(regs, k.smp_processor_id());
	/* (machine_kexec_mask_interrupts() is not modelled) */
	k.pr_info("Starting crashdump kernel...");
}

void Arm64Variant::machine_kexec(Shim& k)
{
	/* Crash image: a failed crash stop is worth a WARN, not a BUG (CPUs stuck in the kernel
	   since boot are not modelled). */
	if (smp_crash_stop_failed(k))
		warn_splat(k, "arch/arm64/kernel/machine_kexec.c", "machine_kexec",
			   "Some CPUs may be stale, kdump will be unreliable.");
	k.pr_info("Bye!");
	k.machine_end(MachineEnd::kexec);
}

} // namespace kl::arm64
