// SPDX-License-Identifier: Apache-2.0
/*
 * stopsim mini tree: RISC-V stop code written for the stopsim tests (not Linux). It stops the
 * other harts with an IPI, and on the kdump path first with a dedicated SSE event that reaches a
 * hart whatever its sstatus.SIE says, through the SSE client API of the stopsim kernel shim:
 * every hart registers and enables the event as it comes up; the crash stop injects it into each
 * target and falls back to the crash IPI for all of them if any injection fails. Its console
 * lines are those of the riscv-sse-v1 era, which tests/source/riscv_sse_tree.py holds it against.
 */
#include <linux/smp.h>
#include <linux/delay.h>
#include <linux/irq.h>
#include <asm/sbi.h>

enum ipi_message_type {
	IPI_RESCHEDULE,
	IPI_CALL_FUNC,
	IPI_CPU_STOP,
	IPI_CPU_CRASH_STOP,
	IPI_MAX
};

/* the crash event: a local SSE event of its own (0xffff0002, as v1 of the NMI series used) */
#define MINI_CRASH_EVENT 0xffff0002u

static int ipi_virq_base;
static struct irq_desc *ipi_desc[IPI_MAX];
static atomic_t crash_acks_left;
static bool crash_event_everywhere = true;
static bool crash_event_ready;

static void mini_send(const struct cpumask *mask, enum ipi_message_type what)
{
	__ipi_send_mask(ipi_desc[what], mask);
}

static void __noreturn mini_rest(void)
{
	for (;;)
		wait_for_interrupt();
}

static void __noreturn mini_stop_self(void)
{
	set_cpu_online(smp_processor_id(), false);
	mini_rest();
}

/* Save the registers for the dump, report in, then leave through SBI HSM if it is there. */
static void __noreturn mini_crash_stop_self(struct pt_regs *regs)
{
	unsigned int me = smp_processor_id();

	crash_save_cpu(regs, me);
	atomic_dec(&crash_acks_left);
	local_irq_disable();
	if (IS_ENABLED(CONFIG_HOTPLUG_CPU) && cpu_has_hotplug(me))
		cpu_ops->cpu_stop();
	mini_rest();
}

static irqreturn_t mini_ipi(int irq, void *dev)
{
	switch (irq - ipi_virq_base) {
	case IPI_CPU_STOP:
		mini_stop_self();
	case IPI_CPU_CRASH_STOP:
		mini_crash_stop_self(get_irq_regs());
	default:
		break;
	}
	return IRQ_HANDLED;
}

/* The irqchip hands over one Linux IRQ per IPI type. */
void riscv_ipi_set_virq_range(int virq, int nr)
{
	int i;

	ipi_virq_base = virq;
	for (i = 0; i < IPI_MAX && i < nr; i++) {
		WARN_ON(request_percpu_irq(virq + i, mini_ipi, "IPI", &ipi_dummy_dev));
		ipi_desc[i] = irq_to_desc(virq + i);
		enable_percpu_irq(virq + i, 0);
	}
}

static int mini_crash_event(u32 event, void *arg, struct pt_regs *regs)
{
	mini_crash_stop_self(regs);
	return 0;
}

/* CPU-online hook: the crash event on this hart. */
void mini_sse_cpu_up(unsigned int cpu)
{
	struct sse_event *ev = sse_event_register(MINI_CRASH_EVENT, 0, mini_crash_event, NULL);

	if (IS_ERR(ev)) {
		crash_event_everywhere = false;
		return;
	}
	if (sse_event_enable(ev)) {
		sse_event_unregister(ev);
		crash_event_everywhere = false;
	}
}

/* Initcall: use the event only if every hart has it. */
void mini_sse_late_init(void)
{
	if (!crash_event_everywhere)
		return;
	crash_event_ready = true;
	pr_info("Using SSE for crash NMI event delivery\n");
}

static unsigned int others_online(void)
{
	return num_online_cpus() - (cpu_online(smp_processor_id()) ? 1 : 0);
}

void smp_send_stop(void)
{
	unsigned long left_us = USEC_PER_SEC;

	if (num_online_cpus() > 1) {
		cpumask_t targets;

		cpumask_copy(&targets, cpu_online_mask);
		cpumask_clear_cpu(smp_processor_id(), &targets);
		if (system_state <= SYSTEM_RUNNING)
			pr_crit("SMP: stopping secondary CPUs\n");
		mini_send(&targets, IPI_CPU_STOP);
	}
	while (num_online_cpus() > 1 && left_us--)
		udelay(1);
	if (num_online_cpus() > 1)
		pr_warn("SMP: failed to stop secondary CPUs %*pbl\n", cpumask_pr_args(cpu_online_mask));
}

static void mini_crash_send(const struct cpumask *targets)
{
	long errors = 0;
	int cpu;

	if (!crash_event_ready) {
		mini_send(targets, IPI_CPU_CRASH_STOP);
		return;
	}
	for_each_cpu(cpu, targets) {
		struct sbiret ret = sbi_ecall(SBI_EXT_SSE, SBI_SSE_EVENT_INJECT, MINI_CRASH_EVENT,
					      cpuid_to_hartid_map(cpu), 0, 0, 0, 0);

		if (ret.error) {
			int err = sbi_err_map_linux_errno(ret.error);

			pr_err("Failed to signal event %x, error %d\n", MINI_CRASH_EVENT, err);
			errors += err;
		}
	}
	if (errors)
		mini_send(targets, IPI_CPU_CRASH_STOP);
}

void crash_smp_send_stop(void)
{
	static bool done;
	unsigned long left_us = USEC_PER_SEC;
	cpumask_t targets;

	if (done)
		return;
	done = true;
	if (!others_online())
		return;
	cpumask_copy(&targets, cpu_online_mask);
	cpumask_clear_cpu(smp_processor_id(), &targets);
	atomic_set(&crash_acks_left, others_online());
	pr_crit("SMP: stopping secondary CPUs\n");
	mini_crash_send(&targets);
	while (atomic_read(&crash_acks_left) > 0 && left_us--)
		udelay(1);
	if (atomic_read(&crash_acks_left) > 0)
		pr_warn("SMP: failed to stop secondary CPUs %*pbl\n", cpumask_pr_args(&targets));
}

bool smp_crash_stop_failed(void)
{
	return atomic_read(&crash_acks_left) > 0;
}
