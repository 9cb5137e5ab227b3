// SPDX-License-Identifier: Apache-2.0
// RISC-V source mode: the RISC-V kernel services of the compiled code (over
// kl::riscv::RiscvShim, so the models see the accesses the transcribed eras make: the same
// ipi-mux, SBI/ACLINT/IMSIC doorbells, fault gate, HSM stop and SSE calls), and
// SourceRiscvVariant, which calls the compiled arch/riscv/kernel/smp.c (and, in trees that have
// one, an SSE NMI driver) where a transcribed era calls its own C++.
#include "source-mode/src/riscv/variant.hpp"

#include <dlfcn.h>
#include <map>

namespace srcmode {

namespace {

using kl::riscv::RiscvShim;

struct SseHandler {
	stopsim_sse_handler_t fn = nullptr;
	void* arg = nullptr;
	int slot = 0;
};

/// What the RISC-V runtime keeps beside the loaded object (one per process, as g_obj).
struct RiscvState {
	std::vector<int> last_set_bit;                 ///< by CPU: the IPI the last set_bit() named
	std::map<unsigned, int (*)(int, void*)> handlers; ///< request_percpu_irq(): by Linux IRQ
	std::map<uint32_t, SseHandler> sse;            ///< sse_event_register(): by event
	void (*set_bit)(unsigned long, volatile unsigned long*) = nullptr;
	int (*request_percpu_irq)(unsigned, int (*)(int, void*), int) = nullptr;
	std::vector<char> rung_is_sse;                 ///< by CPU: the open rung is an SSE inject one
};
RiscvState g_rv;

RiscvShim& rs(CpuCtx& c) { return static_cast<RiscvShim&>(*c.k); }

char& rung_sse(CpuCtx& c)
{
	const unsigned cpu = c.k->smp_processor_id();
	if (g_rv.rung_is_sse.size() <= cpu)
		g_rv.rung_is_sse.resize(cpu + 1, 0);
	return g_rv.rung_is_sse[cpu];
}

/// Send IPI `ipi` to `targets` through the platform's ipi-mux, opening a rung for a stop IPI.
void post_ipi(CpuCtx& c, const kl::CpuMask& targets, unsigned ipi)
{
	if (ipi < g_obj.stop_ipi.size() && g_obj.stop_ipi[ipi]) {
		close_rung(c);
		c.k->trace_rung_begin("irq", targets);
		c.f.rung_open = true;
		c.f.rung_checks = 0;
		c.f.first_check_due = true; /* the next read is the wait loop's first check */
		rung_sse(c) = 0;
	}
	kl::riscv::send_ipi_mask(rs(c), targets, ipi);
}

extern "C" {

void op_rv_wait_for_interrupt(void)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	/* the WFI loops of the stop code are where a stopped hart rests */
	rs(c).trace_parked();
	rs(c).wait_for_interrupt();
}
void op_rv_csr_clear(unsigned long csr, unsigned long bits)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	if (csr == 0x144 && (bits & 2))
		rs(c).csr_clear_sip_ssip();
	else
		c.k->report_invariant("source_mode_unmodelled", "csr_clear(" + std::to_string(csr) + ", " +
									std::to_string(bits) + ")");
}
void op_rv_ipi_inject(const struct cpumask* mask)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	const unsigned cpu = c.k->smp_processor_id();
	const int ipi = cpu < g_rv.last_set_bit.size() ? g_rv.last_set_bit[cpu] : -1;
	if (ipi < 0) {
		c.k->report_invariant("source_mode_bad_ipi", "ipi_inject() with no IPI type set before it");
		return;
	}
	post_ipi(c, to_kl(mask), unsigned(ipi));
}
unsigned long op_rv_xchg(unsigned long* p, unsigned long v)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	unsigned long old = 0;
	c.k->store("xchg", [&] {
		old = *p;
		*p = v;
	});
	return old;
}
void op_rv_cpu_stop(void)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	/* sbi_cpu_stop(): HSM HART_STOP, which does not come back when it works */
	kl::riscv::sbi_hsm_hart_stop(rs(c));
}
int op_rv_cpu_has_hotplug(unsigned cpu) { return rs(cur()).cpu_has_hotplug(cpu) ? 1 : 0; }
unsigned long op_rv_cpuid_to_hartid(unsigned cpu) { return rs(cur()).cpuid_to_hartid_map(cpu); }
long op_rv_sbi_ecall(int ext, int fid, unsigned long a0, unsigned long a1, unsigned long a2, long* value)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	if (ext == kl::riscv::SBI_EXT_SSE && fid == kl::riscv::SBI_SSE_EVENT_INJECT &&
	    !(c.f.rung_open && c.f.rung_checks == 0 && rung_sse(c))) {
		/* the injects of one loop over the targets are one rung, to the other online CPUs */
		kl::CpuMask t = c.k->cpu_online_mask();
		t.clear(c.k->smp_processor_id());
		close_rung(c);
		c.k->trace_rung_begin("sse", t);
		c.f.rung_open = true;
		c.f.rung_checks = 0;
		c.f.first_check_due = true;
		rung_sse(c) = 1;
	}
	const kl::riscv::sbiret r = rs(c).sbi_ecall(ext, fid, a0, a1, a2);
	if (value)
		*value = r.value;
	return r.error;
}
int op_rv_sse_register(unsigned event, unsigned, stopsim_sse_handler_t fn, void* arg)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	const kl::riscv::sbiret r = rs(c).sbi_ecall(kl::riscv::SBI_EXT_SSE, kl::riscv::SBI_SSE_EVENT_REGISTER, event, 0, 0);
	if (r.error)
		return int(kl::riscv::sbi_err_map_linux_errno(r.error));
	auto it = g_rv.sse.find(event);
	if (it == g_rv.sse.end())
		it = g_rv.sse.emplace(event, SseHandler{fn, arg, int(g_rv.sse.size())}).first;
	it->second.fn = fn;
	it->second.arg = arg;
	return it->second.slot;
}
int op_rv_sse_enable(unsigned event)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	const kl::riscv::sbiret r = rs(c).sbi_ecall(kl::riscv::SBI_EXT_SSE, kl::riscv::SBI_SSE_EVENT_ENABLE, event);
	return int(kl::riscv::sbi_err_map_linux_errno(r.error));
}
void op_rv_sse_disable(unsigned event)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	rs(c).sbi_ecall(kl::riscv::SBI_EXT_SSE, 5 /* SBI_SSE_EVENT_DISABLE */, event);
}
void op_rv_sse_unregister(unsigned event)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	rs(c).sbi_ecall(kl::riscv::SBI_EXT_SSE, kl::riscv::SBI_SSE_EVENT_UNREGISTER, event);
}

/* The ipi-mux's sending side (6.4 on): __ipi_send_mask() on one of the IPI descriptors. */
void op_rv_ipi_send_mask(unsigned irq, const struct cpumask* mask)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	if (irq < g_obj.ipi_base || irq >= g_obj.ipi_base + g_obj.ipi_count) {
		c.k->report_invariant("source_mode_bad_ipi", "__ipi_send_mask() on IRQ " + std::to_string(irq) +
								   ", which is not an IPI");
		return;
	}
	post_ipi(c, to_kl(mask), irq - g_obj.ipi_base);
}
/* set_bit(): as the common one; the pre-6.4 send_ipi_mask() names the IPI type with it. */
void op_rv_set_bit(unsigned long nr, volatile unsigned long* addr)
{
	const unsigned cpu = cur().k->smp_processor_id();
	if (g_rv.last_set_bit.size() <= cpu)
		g_rv.last_set_bit.resize(cpu + 1, -1);
	g_rv.last_set_bit[cpu] = int(nr);
	g_rv.set_bit(nr, addr);
}
/* request_percpu_irq(): as the common one, and the handler is what an IPI of that IRQ runs. */
int op_rv_request_percpu_irq(unsigned irq, int (*handler)(int, void*), int nmi)
{
	const int r = g_rv.request_percpu_irq(irq, handler, nmi);
	if (r == 0)
		g_rv.handlers[irq] = handler;
	return r;
}
void op_rv_bug(const char* file, int line)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	c.k->printk(kl::Level::crit, std::string("kernel BUG at ") + file + ":" + std::to_string(line) + "!");
	c.k->report_invariant("kernel_bug", "CPU " + std::to_string(c.k->smp_processor_id()) + ": BUG() at " + file +
						    ":" + std::to_string(line));
	for (;;)
		rs(c).wait_for_interrupt();
}

} // extern "C"

template <class F> F sym(const char* name) { return reinterpret_cast<F>(::dlsym(g_obj.handle, name)); }

} // namespace

SourceRiscvVariant::SourceRiscvVariant(const Extract& x, const Manifest& m, const std::string& so)
{
	g_rv = RiscvState{};
	fill_common_ops(m_ops);
	g_rv.set_bit = m_ops.set_bit;
	g_rv.request_percpu_irq = m_ops.request_percpu_irq;
	m_ops.set_bit = op_rv_set_bit;
	m_ops.request_percpu_irq = op_rv_request_percpu_irq;
	m_ops.ipi_send_mask = op_rv_ipi_send_mask;
	m_ops.bug = op_rv_bug;
	m_rops.wait_for_interrupt = op_rv_wait_for_interrupt;
	m_rops.csr_clear = op_rv_csr_clear;
	m_rops.ipi_inject = op_rv_ipi_inject;
	m_rops.xchg_ulong = op_rv_xchg;
	m_rops.cpu_stop = op_rv_cpu_stop;
	m_rops.cpu_has_hotplug = op_rv_cpu_has_hotplug;
	m_rops.cpuid_to_hartid = op_rv_cpuid_to_hartid;
	m_rops.sbi_ecall = op_rv_sbi_ecall;
	m_rops.sse_register = op_rv_sse_register;
	m_rops.sse_enable = op_rv_sse_enable;
	m_rops.sse_disable = op_rv_sse_disable;
	m_rops.sse_unregister = op_rv_sse_unregister;
	load_object(so, x, m, &m_ops);
	auto** krv = sym<const stopsim_riscv_kops**>("stopsim_krv");
	if (!krv)
		throw SourceError("the code compiled from " + x.tree + " has no stopsim_krv (stale cache?)");
	*krv = &m_rops;
	/* the IPIs the irqchip hands smp.c: one Linux IRQ per bit of a byte (ipi-mux, SBI IPI) */
	g_obj.ipi_base = 1;
	g_obj.ipi_count = 8;
	m_handle_IPI_regs = sym<void (*)(struct pt_regs*)>("handle_IPI");
	m_name = "linux-" + x.version + " (source)";
	m_summary = "compiled from " + x.tree + " (" + x.code_hash.substr(0, 12) + ")";
	if (!g_obj.roles.count("send_stop"))
		throw SourceError(x.tree + ": the code compiled has no send_stop entry point (a manifest function with "
					   "role=send_stop is required)");
	if (!g_obj.roles.count("ipi_range") && !g_obj.roles.count("set_ipi_ops"))
		throw SourceError(x.tree + ": the code compiled has no IPI set-up (riscv_ipi_set_virq_range or "
					   "riscv_set_ipi_ops)");
	if (!g_obj.roles.count("ipi_range") && !m_handle_IPI_regs)
		throw SourceError(x.tree + ": the code compiled has no IPI handler (handle_IPI)");
}

std::vector<std::string> SourceRiscvVariant::ipi_names() const { return g_obj.ipi_names; }

void SourceRiscvVariant::ensure_ipis(kl::Shim& k)
{
	if (m_ipis_ready)
		return;
	m_ipis_ready = true;
	Enter e(k);
	if (auto fn = g_obj.role<void (*)(int, int)>("ipi_range"))
		fn(int(g_obj.ipi_base), int(g_obj.ipi_count)); /* the SBI IPI / IMSIC driver's probe */
	else if (auto set = g_obj.role<void (*)(const void*)>("set_ipi_ops"))
		set(sym<const void*>("stopsim_riscv_ipi_ops")); /* sbi_ipi_init() / aclint_swi_init() */
	side_effect(ctx_of(k));
}

void SourceRiscvVariant::cpu_up(kl::Shim& k)
{
	ensure_ipis(k);
	if (auto fn = g_obj.role<void (*)(unsigned)>("cpu_up_hook")) {
		/* e.g. an SSE NMI driver's CPU-online callback; then the SSE core unmasks the hart */
		Enter e(k);
		fn(k.smp_processor_id());
		side_effect(ctx_of(k));
		kl::riscv::riscv_shim(k).sbi_ecall(kl::riscv::SBI_EXT_SSE, kl::riscv::SBI_SSE_HART_UNMASK);
	}
}

void SourceRiscvVariant::late_init(kl::Shim& k)
{
	if (auto fn = g_obj.role<void (*)()>("late_init")) {
		Enter e(k);
		fn();
		side_effect(ctx_of(k));
	}
}

void SourceRiscvVariant::smp_send_stop(kl::Shim& k) { enter_send_stop(k); }

void SourceRiscvVariant::crash_smp_send_stop(kl::Shim& k) { enter_crash_send_stop(k, m_generic_crash_done); }

bool SourceRiscvVariant::smp_crash_stop_failed(kl::Shim& k) { return enter_crash_stop_failed(k); }

void SourceRiscvVariant::panic_smp_self_stop(kl::Shim& k)
{
	/* kernel/panic.c's weak panic_smp_self_stop() (RISC-V has none): spin, IRQs off */
	kl::riscv::RiscvShim& r = kl::riscv::riscv_shim(k);
	for (;;)
		r.wait_for_interrupt();
}

bool SourceRiscvVariant::trigger_cpumask_backtrace(kl::Shim& k, const kl::CpuMask& mask)
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

void SourceRiscvVariant::handle_IPI(kl::riscv::RiscvShim& k, unsigned ipi, const kl::Regs& regs)
{
	Enter e(k);
	CpuCtx& c = ctx_of(k);
	c.regs.push_back(pt_regs{regs});
	if (ipi < g_obj.stop_ipi.size() && g_obj.stop_ipi[ipi]) {
		const bool crash = g_obj.ipi_names[ipi] == "IPI_CPU_CRASH_STOP";
		if (!crash || k.config().kexec_core)
			k.trace_stop_handler(crash ? "ipi_cpu_crash_stop" : "ipi_stop");
	}
	auto h = g_rv.handlers.find(g_obj.ipi_base + ipi);
	if (h != g_rv.handlers.end()) {
		/* handle_percpu_devid_irq() -> the handler riscv_ipi_set_virq_range() requested */
		h->second(int(g_obj.ipi_base + ipi), nullptr);
	} else if (m_handle_IPI_regs) {
		/* before 6.4: smp.c's own multiplexing, which looks at its pending word itself */
		m_handle_IPI_regs(&c.regs.back());
	}
	side_effect(c);
	Keep keep(c);
	c.regs.pop_back();
}

int SourceRiscvVariant::sse_event_handler(kl::riscv::RiscvShim& k, uint32_t event, const kl::Regs& regs)
{
	auto it = g_rv.sse.find(event);
	if (it == g_rv.sse.end() || !it->second.fn)
		return 0;
	Enter e(k);
	CpuCtx& c = ctx_of(k);
	c.regs.push_back(pt_regs{regs});
	k.trace_stop_handler("sse_event_handler");
	const int r = it->second.fn(event, it->second.arg, &c.regs.back());
	side_effect(c);
	Keep keep(c);
	c.regs.pop_back();
	return r;
}

} // namespace srcmode
