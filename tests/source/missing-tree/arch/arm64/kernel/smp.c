// SPDX-License-Identifier: Apache-2.0
/* stopsim test tree (not Linux): smp_send_stop() calls something the stopsim shim does not offer. */
#include <linux/smp.h>

enum ipi_msg_type {
	IPI_RESCHEDULE,
	IPI_CPU_STOP,
	NR_IPI
};

static int ipi_irq_base;

static void do_handle_IPI(int ipinr)
{
}

static irqreturn_t ipi_handler(int irq, void *data)
{
	do_handle_IPI(irq - ipi_irq_base);
	return IRQ_HANDLED;
}

static void smp_cross_call(const struct cpumask *target, unsigned int ipinr)
{
}

static void local_cpu_stop(unsigned int cpu)
{
	set_cpu_online(cpu, false);
	cpu_park_loop();
}

void panic_smp_self_stop(void)
{
	local_cpu_stop(smp_processor_id());
}

static void ipi_setup(int cpu)
{
}

void set_smp_ipi_range(int ipi_base, int n)
{
	ipi_irq_base = ipi_base;
	ipi_setup(smp_processor_id());
}

void smp_send_stop(void)
{
	stop_machine_hard(0);
}
