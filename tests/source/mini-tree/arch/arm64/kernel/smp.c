// SPDX-License-Identifier: Apache-2.0
/*
 * stopsim mini tree: an arm64 stop path with an SDEI rung, written for the stopsim test suite in
 * the style of arch/arm64/kernel/smp.c (it is not taken from Linux). It exercises the SDEI part
 * of the stopsim kernel shim: sdei_event_register()/sdei_event_enable() on every CPU as it comes
 * up, sdei_event_signal() to the CPUs an IRQ could not stop, and the event callback.
 */
#include <linux/delay.h>
#include <linux/smp.h>
#include <linux/arm_sdei.h>

#define MINI_SDEI_EVENT		0
#define MINI_IRQ_TIMEOUT_US	(10 * USEC_PER_MSEC)
#define MINI_SDEI_TIMEOUT_US	(100 * USEC_PER_MSEC)

enum ipi_msg_type {
	IPI_RESCHEDULE,
	IPI_CALL_FUNC,
	IPI_CPU_STOP,
	NR_IPI
};

static int ipi_irq_base;
static struct irq_desc *ipi_desc[NR_IPI];
static bool mini_sdei_ready;
static bool mini_sdei_failed;
static bool mini_stopping;

static void ipi_setup(int cpu);

static inline unsigned int num_other_online_cpus(void)
{
	unsigned int self = cpu_online(smp_processor_id());

	return num_online_cpus() - self;
}

static void __noreturn mini_cpu_stop(unsigned int cpu)
{
	set_cpu_online(cpu, false);
	local_daif_mask();
	cpu_park_loop();
}

void __noreturn panic_smp_self_stop(void)
{
	mini_cpu_stop(smp_processor_id());
}

static void do_handle_IPI(int ipinr)
{
	unsigned int cpu = smp_processor_id();

	switch (ipinr) {
	case IPI_CPU_STOP:
		mini_cpu_stop(cpu);
		break;
	default:
		break;
	}
}

static irqreturn_t ipi_handler(int irq, void *data)
{
	do_handle_IPI(irq - ipi_irq_base);
	return IRQ_HANDLED;
}

static void smp_cross_call(const struct cpumask *target, unsigned int ipinr)
{
	__ipi_send_mask(ipi_desc[ipinr], target);
}

static void ipi_setup(int cpu)
{
	int i;

	for (i = 0; i < NR_IPI; i++)
		enable_percpu_irq(ipi_irq_base + i, 0);
}

void set_smp_ipi_range(int ipi_base, int n)
{
	int i;

	WARN_ON(n < NR_IPI);
	for (i = 0; i < NR_IPI; i++) {
		request_percpu_irq(ipi_base + i, ipi_handler, "IPI", NULL);
		ipi_desc[i] = irq_to_desc(ipi_base + i);
	}
	ipi_irq_base = ipi_base;
	ipi_setup(smp_processor_id());
}

/* The SDEI event callback: with a stop under way, this CPU stops inside the event. */
static int mini_sdei_handler(u32 event, struct pt_regs *regs, void *arg)
{
	if (!READ_ONCE(mini_stopping))
		return SDEI_EV_FAILED;
	mini_cpu_stop(smp_processor_id());
}

void mini_sdei_cpu_up(unsigned int cpu)
{
	int err;

	if (!sdei_is_present())
		return;
	err = sdei_event_register(MINI_SDEI_EVENT, mini_sdei_handler, NULL);
	if (!err)
		err = sdei_event_enable(MINI_SDEI_EVENT);
	if (err)
		mini_sdei_failed = true;
}

void mini_sdei_late_init(void)
{
	if (!sdei_is_present() || mini_sdei_failed) {
		pr_info("mini: no SDEI stop rung\n");
		return;
	}
	mini_sdei_ready = true;
	pr_info("mini: SDEI stop rung ready\n");
}

void smp_send_stop(void)
{
	unsigned long timeout;
	cpumask_t mask;
	unsigned int cpu;

	if (num_other_online_cpus() == 0)
		return;

	cpumask_copy(&mask, cpu_online_mask);
	cpumask_clear_cpu(smp_processor_id(), &mask);
	pr_crit("mini: stopping CPUs %*pbl\n", cpumask_pr_args(&mask));

	smp_cross_call(&mask, IPI_CPU_STOP);
	timeout = MINI_IRQ_TIMEOUT_US;
	while (num_other_online_cpus() && timeout--)
		udelay(1);

	if (num_other_online_cpus() && mini_sdei_ready) {
		WRITE_ONCE(mini_stopping, true);
		smp_mb();
		cpumask_copy(&mask, cpu_online_mask);
		cpumask_clear_cpu(smp_processor_id(), &mask);
		pr_info("mini: SDEI stop for CPUs %*pbl\n", cpumask_pr_args(&mask));
		for_each_cpu(cpu, &mask)
			if (sdei_event_signal(MINI_SDEI_EVENT, cpu_logical_map(cpu)))
				pr_err("mini: cannot signal CPU%u\n", cpu);
		timeout = MINI_SDEI_TIMEOUT_US;
		while (num_other_online_cpus() && timeout--)
			udelay(1);
	}

	if (num_other_online_cpus()) {
		cpumask_copy(&mask, cpu_online_mask);
		cpumask_clear_cpu(smp_processor_id(), &mask);
		pr_warn("mini: CPUs %*pbl did not stop\n", cpumask_pr_args(&mask));
	}
}
