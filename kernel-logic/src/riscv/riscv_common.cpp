// SPDX-License-Identifier: Apache-2.0
// Helpers of arch/riscv/kernel/smp.c, the ipi-mux (kernel/irq/ipi-mux.c), the SBI, ACLINT SSWI
// and IMSIC IPI senders, and the S-mode interrupt entry, in our own words.
#include "kl/riscv/riscv.hpp"
#include "kl/panic.hpp"

#include <stdexcept>

namespace kl::riscv {

RiscvShim& riscv_shim(Shim& k)
{
	auto* r = dynamic_cast<RiscvShim*>(&k);
	if (!r)
		throw std::logic_error("riscv kernel logic driven through a non-riscv shim");
	return *r;
}

long sbi_err_map_linux_errno(long err)
{
	switch (err) {
	case SBI_SUCCESS:
		return 0;
	case -4: /* SBI_ERR_DENIED */
		return -1; /* -EPERM */
	case -3: /* SBI_ERR_INVALID_PARAM */
	case -11: /* SBI_ERR_BAD_RANGE */
		return -22; /* -EINVAL */
	case SBI_ERR_NOT_SUPPORTED:
		return -95; /* -EOPNOTSUPP */
	default:
		return -95;
	}
}

unsigned num_other_online_cpus(Shim& k)
{
	const unsigned this_cpu_online = k.cpu_online(k.smp_processor_id()) ? 1 : 0;
	return k.num_online_cpus() - this_cpu_online;
}

void cpu_park(RiscvShim& k)
{
	k.trace_parked();
	for (;;)
		k.wait_for_interrupt();
}

long sbi_hsm_hart_stop(RiscvShim& k)
{
	const sbiret r = k.sbi_ecall(SBI_EXT_HSM, SBI_EXT_HSM_HART_STOP);
	return sbi_err_map_linux_errno(r.error);
}

/* __sbi_send_ipi_v02(): one ECALL per window of BITS_PER_LONG hart IDs. */
static void sbi_send_ipi(RiscvShim& k, const CpuMask& mask)
{
	unsigned long hmask = 0, hbase = 0;
	bool have = false;
	mask.for_each([&](unsigned cpu) {
		const unsigned long hartid = k.cpuid_to_hartid_map(cpu);
		if (have && (hartid < hbase || hartid >= hbase + 64)) {
			k.sbi_ecall(SBI_EXT_IPI, SBI_EXT_IPI_SEND_IPI, hmask, hbase);
			hmask = 0;
			have = false;
		}
		if (!have) {
			hbase = hartid;
			have = true;
		}
		hmask |= 1ul << (hartid - hbase);
	});
	if (have)
		k.sbi_ecall(SBI_EXT_IPI, SBI_EXT_IPI_SEND_IPI, hmask, hbase);
}

/* The parent IPI of the mux, as the probed irqchip sends it. */
static void ipi_mux_send(RiscvShim& k, const CpuMask& mask)
{
	switch (k.ipi_backend()) {
	case IpiBackend::sbi:
		sbi_send_ipi(k, mask);
		break;
	case IpiBackend::sswi:
		mask.for_each([&](unsigned cpu) { k.aclint_sswi_write(k.cpuid_to_hartid_map(cpu)); });
		break;
	case IpiBackend::imsic:
		/* The MSI write must not pass the stores it announces. */
		k.smp_wmb();
		mask.for_each([&](unsigned cpu) { k.imsic_ipi_write(k.cpuid_to_hartid_map(cpu)); });
		break;
	}
}

void send_ipi_mask(RiscvShim& k, const CpuMask& mask, unsigned ipi)
{
	const unsigned long ibit = 1ul << ipi;
	CpuMask send;
	mask.for_each([&](unsigned cpu) {
		if (!k.ipi_fault_gate(cpu, ipi))
			return;
		unsigned long& bits = k.ipi_mux_bits(cpu);
		unsigned long pending = 0;
		k.store("atomic_fetch_or_release", [&] {
			pending = bits;
			bits |= ibit;
		});
		/* Only the first request of this type raises the hardware IPI: later ones merge. */
		if (!(pending & ibit))
			send.set(cpu);
	});
	if (!send.empty())
		ipi_mux_send(k, send);
}

void ipi_mux_process(RiscvShim& k, RiscvVariant& v, const Regs& regs)
{
	unsigned long& bits = k.ipi_mux_bits(k.smp_processor_id());
	unsigned long ipis = 0;
	k.store("atomic_fetch_andnot", [&] {
		ipis = bits;
		bits = 0;
	});
	for (unsigned ipi = 0; ipi < 8 * sizeof(ipis); ipi++)
		if (ipis & (1ul << ipi))
			v.handle_IPI(k, ipi, regs);
}

void handle_riscv_irq(RiscvShim& k, RiscvVariant& v, IrqCause cause, Regs regs)
{
	k.cost(Cost::irq_entry);
	regs.taken_as = Ctx::irq;
	k.irq_enter();
	if (cause == IrqCause::ssi) {
		/* sbi-ipi / aclint-sswi: clear SSIP first, then run the mux. */
		k.csr_clear_sip_ssip();
		ipi_mux_process(k, v, regs);
	} else if (cause == IrqCause::sei) {
		if (k.ipi_backend() == IpiBackend::imsic) {
			for (unsigned id = k.imsic_stopei_claim(); id; id = k.imsic_stopei_claim()) {
				if (id == IMSIC_IPI_ID)
					ipi_mux_process(k, v, regs);
			}
		}
		/* APLIC direct mode: claim until nothing is left (a claim of 0 is a spurious wake-up). */
		for (unsigned t = k.aplic_claimi(); t; t = k.aplic_claimi())
			k.device_irq_handler(t >> 16);
	}
	k.irq_exit();
}

int RiscvVariant::sse_event_handler(RiscvShim&, uint32_t, const Regs&)
{
	/* Mainline registers no SSE event. */
	return 0;
}

void RiscvVariant::machine_restart(Shim&)
{
	/* arch/riscv/kernel/reset.c: do_kernel_restart() straight away; nothing stops the others. */
}

void RiscvVariant::machine_crash_shutdown(Shim& k, const Regs& regs)
{
	/* (its local_irq_disable() is left out: panic() turned IRQs off already) */
	crash_smp_send_stop(k);
	k.crash_save_cpu(regs, k.smp_processor_id());
	/* (machine_kexec_mask_interrupts() is not modelled) */
	k.pr_info("Starting crashdump kernel...");
}

void RiscvVariant::machine_kexec(Shim& k)
{
	if (smp_crash_stop_failed(k))
		warn_splat(k, "arch/riscv/kernel/machine_kexec.c", "machine_kexec",
			   "Some CPUs may be stale, kdump will be unreliable.");
	/* (the "Will call new kernel at ..." and "FDT image at ..." notices name addresses the
	   simulator does not have: left out) */
	k.printk(Level::notice, "Bye...");
	k.machine_end(MachineEnd::kexec);
}

} // namespace kl::riscv
