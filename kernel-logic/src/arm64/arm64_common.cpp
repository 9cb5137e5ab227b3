// SPDX-License-Identifier: Apache-2.0
// Helpers of arch/arm64/kernel/smp.c and friends that every era since v4.x shares.
#include "kl/arm64/arm64.hpp"

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

int sdei_mask_local_cpu(Arm64Shim& k)
{
	const long err = k.smc(SDEI_1_0_FN_SDEI_PE_MASK);
	/* No SDEI firmware answers NOT_SUPPORTED, which the driver turns into -kEIO: silent. */
	const long ret = err == SMCCC_RET_NOT_SUPPORTED ? -kEIO : err;
	if (ret && ret != -kEIO)
		k.pr_warn("failed to mask CPU[" + std::to_string(k.smp_processor_id()) + "]: " + std::to_string(ret));
	return int(ret);
}

void sdei_handler_abort(Arm64Shim& k)
{
	/* Only a CPU that is inside an SDEI handler has an event to abort. */
	if (k.in_sdei_handler())
		k.smc(SDEI_1_0_FN_SDEI_EVENT_COMPLETE_AND_RESUME);
}

void cpu_try_die(Arm64Shim& k, unsigned cpu)
{
	(void)cpu;
	if (!k.config().hotplug_cpu)
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

void Arm64Variant::machine_restart(Shim& k)
{
	/* arch/arm64/kernel/process.c: IRQs off, stop the others, then reset. */
	k.local_irq_disable();
	smp_send_stop(k);
}

} // namespace kl::arm64
