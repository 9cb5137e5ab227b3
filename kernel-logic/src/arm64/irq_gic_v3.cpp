// SPDX-License-Identifier: Apache-2.0
// What drivers/irqchip/irq-gic-v3.c and the arm64 entry code do on the paths a stop uses:
// distributor and CPU-interface set-up, IPI set-up (normal or NMI priority), SGI generation,
// and the handling of a taken interrupt, IRQ or pseudo-NMI.
#include "kl/arm64/arm64.hpp"
#include "kl/arm64/gic_v3_regs.hpp"

namespace kl::arm64 {

void gic_dist_init(Arm64Shim& k)
{
	k.mmio_write32(k.gicd_base() + gic::GICD_CTLR,
		       gic::GICD_CTLR_NS_ARE_NS | gic::GICD_CTLR_NS_ENABLEGRP1A | gic::GICD_CTLR_NS_ENABLEGRP1);
}

/* gic_irq_set_prio(): the priority registers are byte-accessible. */
static void gic_set_priority(Arm64Shim& k, unsigned intid, uint8_t prio)
{
	k.mmio_write8(k.gicr_base(k.smp_processor_id()) + gic::GICR_IPRIORITYR0 + intid, prio);
}

void gic_cpu_init(Arm64Shim& k)
{
	const uint64_t rd = k.gicr_base(k.smp_processor_id());
	/* gic_enable_redist(): wake the redistributor. */
	k.mmio_write32(rd + gic::GICR_WAKER, 0);
	/* gic_cpu_config(): SGIs and PPIs Group 1 (ignored from NS when firmware owns groups), default priority. */
	k.mmio_write32(rd + gic::GICR_IGROUPR0, ~0u);
	k.mmio_write32(rd + gic::GICR_ICENABLER0, 0xffff0000u);
	const uint32_t prio_x4 = 0x01010101u * gic_prio(k).irq;
	for (unsigned i = 0; i < 32; i += 4)
		k.mmio_write32(rd + gic::GICR_IPRIORITYR0 + i, prio_x4);
	/* gic_cpu_sys_reg_init() */
	k.write_pmr(gic_prio(k).default_pmr);
	k.write_ctlr_eoimode(true); /* host kernel at EL2: split priority drop / deactivate */
	k.write_igrpen1(true);
}

void Arm64Variant::ipi_setup(Arm64Shim& k)
{
	const uint64_t rd = k.gicr_base(k.smp_processor_id());
	uint32_t enable = 0;
	for (unsigned i = 0; i < nr_ipi(); i++) {
		/* prepare_percpu_nmi() raises the priority; enable_percpu_{nmi,irq}() enables. */
		gic_set_priority(k, i, ipi_should_be_nmi(k, i) ? gic_prio(k).nmi : gic_prio(k).irq);
		enable |= 1u << i;
	}
	k.mmio_write32(rd + gic::GICR_ISENABLER0, enable);
}

void gic_ipi_send_mask(Arm64Shim& k, const CpuMask& mask, unsigned sgi)
{
	/* Make prior stores visible to the targets before they can take the SGI. */
	k.dsb_ishst();
	unsigned cpu = mask.next(0);
	while (cpu < kMaxCpus) {
		const uint64_t mpidr = k.cpu_logical_map(cpu);
		const uint64_t cluster = mpidr & ~0xffull;
		uint16_t tlist = 0;
		/* gic_compute_target_list(): every CPU of this cluster in the mask, one write. */
		while (cpu < kMaxCpus && (k.cpu_logical_map(cpu) & ~0xffull) == cluster) {
			tlist |= uint16_t(1u << (k.cpu_logical_map(cpu) & 0xf));
			cpu = mask.next(cpu + 1);
		}
		const uint64_t aff1 = (mpidr >> 8) & 0xff, aff2 = (mpidr >> 16) & 0xff, aff3 = (mpidr >> 32) & 0xff;
		const uint64_t val = (aff3 << gic::ICC_SGIR_AFF3_SHIFT) | (aff2 << gic::ICC_SGIR_AFF2_SHIFT) |
				     (uint64_t(sgi) << gic::ICC_SGIR_INTID_SHIFT) | (aff1 << gic::ICC_SGIR_AFF1_SHIFT) |
				     tlist;
		k.write_sgi1r(val);
	}
	k.isb();
}

static void handle_domain_irq(Arm64Shim& k, Arm64Variant& v, unsigned irqnr, const Regs& regs)
{
	if (irqnr < 16)
		v.do_handle_IPI(k, irqnr, regs);
	/* PPIs and SPIs do not take part in a stop. */
}

/* __gic_handle_nmi(): acknowledged already; drop priority, run the handler, deactivate. */
static void gic_handle_nmi(Arm64Shim& k, Arm64Variant& v, unsigned irqnr, const Regs& regs)
{
	k.write_eoir1(irqnr);
	k.nmi_enter();
	handle_domain_irq(k, v, irqnr, regs);
	k.nmi_exit();
	k.write_dir(irqnr);
}

void el1_interrupt(Arm64Shim& k, Arm64Variant& v)
{
	const bool prio_masking = system_uses_irq_prio_masking(k);
	const GicPrio& p = gic_prio(k);
	Regs regs = k.get_irq_regs();

	/* kernel_entry: save the interrupted PMR, then mask everything through PSTATE.I. */
	const uint8_t saved_pmr = prio_masking ? k.read_pmr() : 0;
	if (prio_masking)
		k.write_pmr(p.irqon | p.psr_i_set);
	k.cost(Cost::irq_entry);

	const bool interrupted_irqs_on = prio_masking ? saved_pmr == p.irqon : true;
	if (prio_masking && !interrupted_irqs_on) {
		/*
		 * __gic_handle_irq_from_irqsoff(): with IRQs masked by PMR only a pseudo-NMI can
		 * have got in. Open PMR to IRQOFF just long enough to acknowledge it.
		 */
		k.write_pmr(p.irqoff);
		const unsigned irqnr = k.read_iar1();
		k.write_pmr(p.irqon | p.psr_i_set);
		if (irqnr < 1020) {
			regs.taken_as = Ctx::nmi;
			gic_handle_nmi(k, v, irqnr, regs);
		}
	} else {
		const unsigned irqnr = k.read_iar1();
		if (irqnr < 1020) {
			if (prio_masking && k.read_rpr() == p.nmi) {
				regs.taken_as = Ctx::nmi;
				gic_handle_nmi(k, v, irqnr, regs);
			} else {
				/* EOImode 1: priority drop now, deactivate when the handler is done. */
				k.write_eoir1(irqnr);
				if (prio_masking) {
					/* local_daif_restore(DAIF_PROCCTX_NOIRQ): NMIs may nest in the handler. */
					k.write_pmr(p.irqoff);
					k.write_daif(0);
				}
				regs.taken_as = Ctx::irq;
				k.irq_enter();
				handle_domain_irq(k, v, irqnr, regs);
				k.irq_exit();
				if (prio_masking)
					k.write_daif(DAIF_MASK);
				k.write_dir(irqnr);
			}
		}
	}

	/* kernel_exit: restore the interrupted PMR; ERET restores DAIF. */
	if (prio_masking)
		k.write_pmr(saved_pmr);
}

} // namespace kl::arm64
