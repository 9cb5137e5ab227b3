// SPDX-License-Identifier: Apache-2.0
// The architecture-independent kernel services of the compiled code, over kl::Shim, and loading
// the object. Every entry names its CPU; the SystemC threads of the CPUs are coroutines of one
// OS thread, so "the current CPU" is one pointer, put back after anything that may yield.
#include "source-mode/src/runtime.hpp"

#include "kl/nmi_backtrace.hpp"

#include <algorithm>
#include <cstring>
#include <dlfcn.h>
#include <map>
#include <memory>

namespace srcmode {

Loaded g_obj;

namespace {

CpuCtx* g_cur = nullptr;
/// The compiled object's `stopsim_fast` pointer: always the current CPU's poll state.
stopsim_fast** g_fast_slot = nullptr;

void set_cur(CpuCtx* c)
{
	g_cur = c;
	if (g_fast_slot)
		*g_fast_slot = c ? &c->f : nullptr;
}

static_assert(sizeof(kl::CpuMask) == kl::kMaxCpus / 8, "CpuMask is its bits");
std::map<const kl::Shim*, std::unique_ptr<CpuCtx>> g_ctx;

} // namespace

Keep::~Keep() { set_cur(c); }

CpuCtx& ctx_of(kl::Shim& k)
{
	auto& p = g_ctx[&k];
	if (!p) {
		p = std::make_unique<CpuCtx>();
		p->k = &k;
		p->t = dynamic_cast<kl::NativeTime*>(&k);
		if (p->t)
			p->f.check_cycles = p->t->native_check_cycles();
		p->f.cpu = k.smp_processor_id();
		p->f.num_online = &k.ks().num_online;
		p->f.online_bits = reinterpret_cast<const unsigned long*>(&k.ks().cpu_online_mask);
		p->ks = &k.ks();
		p->no_regs.r = kl::Regs{};
	}
	return *p;
}

CpuCtx& cur()
{
	if (!g_cur)
		throw std::logic_error("source mode: kernel code ran with no current CPU");
	return *g_cur;
}

Enter::Enter(kl::Shim& k) : m_prev(g_cur)
{
	CpuCtx& c = ctx_of(k);
	set_cur(&c);
	/* whatever an earlier entry left unflushed (nothing timed: boot) does not carry over */
	c.f.slack_valid = 0;
	c.f.local = 0;
	c.f.delay_end_valid = 0;
}

InterruptFrame::InterruptFrame(CpuCtx& c)
	: m_c(c), m_last_was_delay(c.f.last_was_delay), m_check_owed(c.f.check_owed),
	  m_first_check_due(c.f.first_check_due), m_last_pending(c.f.last_pending)
{
	c.f.last_was_delay = c.f.check_owed = c.f.first_check_due = 0;
}

InterruptFrame::~InterruptFrame()
{
	m_c.f.last_was_delay = m_last_was_delay;
	m_c.f.check_owed = m_check_owed;
	m_c.f.first_check_due = m_first_check_due;
	m_c.f.last_pending = m_last_pending;
	m_c.f.slack_valid = 0;
}

void spend_local(CpuCtx& c, uint64_t cycles, bool boundary)
{
	if (!c.f.slack_valid) {
		c.f.slack = c.t->native_slack_cycles();
		c.f.slack_valid = true;
	}
	if (cycles < c.f.slack - c.f.local) {
		c.f.local += cycles;
		return;
	}
	const uint64_t all = c.f.local + cycles;
	c.f.local = 0;
	c.f.slack_valid = false;
	Keep keep(c);
	note_delay_end(c);
	c.t->native_spend(all, boundary);
}

void note_delay_end(CpuCtx& c)
{
	if (c.f.delay_end_valid && c.t) {
		c.t->native_order_point(c.f.delay_end);
		c.f.delay_end_valid = 0;
	}
}

void flush_local(CpuCtx& c)
{
	if (!c.t)
		return;
	note_delay_end(c);
	if (c.f.local) {
		const uint64_t all = c.f.local;
		c.f.local = 0;
		c.f.slack_valid = false;
		Keep keep(c);
		c.t->native_spend(all, false);
	}
}
Enter::~Enter() { set_cur(m_prev); }

kl::CpuMask to_kl(const struct cpumask* m)
{
	kl::CpuMask r;
	if (!m)
		return r;
	const unsigned bpl = 8 * sizeof(unsigned long);
	for (unsigned w = 0; w < STOPSIM_MASK_LONGS; w++) {
		unsigned long v = m->bits[w];
		while (v) {
			const unsigned b = unsigned(__builtin_ctzl(v));
			r.set(w * bpl + b);
			v &= v - 1;
		}
	}
	return r;
}

struct cpumask to_c(const kl::CpuMask& m)
{
	struct cpumask r {};
	const unsigned bpl = 8 * sizeof(unsigned long);
	m.for_each([&](unsigned c) { r.bits[c / bpl] |= 1ul << (c % bpl); });
	return r;
}

void close_rung(CpuCtx& c)
{
	if (!c.f.rung_open)
		return;
	c.f.rung_open = false;
	Keep keep(c);
	c.k->trace_rung_end(c.f.last_pending);
}

void side_effect(CpuCtx& c)
{
	if (c.t) {
		Keep keep(c);
		note_delay_end(c);
		if (c.f.local) {
			const uint64_t all = c.f.local;
			c.f.local = 0;
			c.t->native_spend(all, false);
		}
		c.f.slack_valid = false;
		c.t->native_sync();
	}
	c.f.check_owed = false;
	c.f.last_was_delay = false;
	if (c.f.rung_open && c.f.rung_checks > 0)
		close_rung(c);
}

void poll_read(CpuCtx& c, bool pending)
{
	/* the rung's verdict is its wait loop's (see stopsim_poll_read) */
	if (c.f.last_was_delay || c.f.first_check_due || !c.f.rung_checks)
		c.f.last_pending = pending;
	if ((c.f.last_was_delay || c.f.first_check_due) && c.t) {
		c.f.first_check_due = false;
		spend_local(c, c.f.check_cycles, false);
	} else {
		c.f.check_owed = true;
	}
	c.f.last_was_delay = false;
	if (c.f.rung_open)
		c.f.rung_checks++;
}

namespace {

void delay_cycles(CpuCtx& c, uint64_t us)
{
	Keep keep(c);
	if (!c.t) {
		c.k->udelay(us);
		return;
	}
	if (c.f.check_owed) {
		spend_local(c, c.f.check_cycles, false);
		c.f.check_owed = false;
	}
	if (us != c.f.delay_us || c.f.delay_cycles == 0) {
		c.f.delay_us = us;
		c.f.delay_cycles = c.t->native_cycles_for_us(us);
	}
	spend_local(c, c.f.delay_cycles, true);
	c.f.last_was_delay = true;
	c.f.delay_end = c.f.local;
	c.f.delay_end_valid = 1;
}

int to_kernel_state(kl::SystemState s)
{
	/* enum system_states has SYSTEM_FREEING_INITMEM between SCHEDULING and RUNNING */
	switch (s) {
	case kl::SystemState::booting:
		return 0;
	case kl::SystemState::scheduling:
		return 1;
	case kl::SystemState::running:
		return 3;
	case kl::SystemState::halt:
		return 4;
	case kl::SystemState::power_off:
		return 5;
	case kl::SystemState::restart:
		return 6;
	case kl::SystemState::suspend:
		return 7;
	}
	return 3;
}

extern "C" {

unsigned op_smp_processor_id(void) { return cur().f.cpu; }
unsigned op_nr_cpu_ids(void) { return cur().k->nr_cpu_ids(); }
int op_system_state(void) { return to_kernel_state(cur().k->system_state()); }

void op_printk(int level, const char* text)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	c.k->printk(kl::Level(std::clamp(level, 0, 7)), text);
}

void op_udelay(unsigned long us) { delay_cycles(cur(), us); }
void op_spend_slow(unsigned long long cycles, int boundary) { spend_local(cur(), cycles, boundary != 0); }
void op_mdelay(unsigned long ms) { delay_cycles(cur(), uint64_t(ms) * 1000); }

int op_cpu_online(unsigned cpu) { return cur().ks->cpu_online_mask.test(cpu) ? 1 : 0; }
unsigned op_num_online_cpus(void)
{
	CpuCtx& c = cur();
	const unsigned n = c.ks->num_online;
	/* what `num_other_online_cpus()` concludes from this read */
	const unsigned self = c.ks->cpu_online_mask.test(c.f.cpu) ? 1 : 0;
	poll_read(c, n > self);
	return n;
}
const struct cpumask* op_cpu_online_mask(void)
{
	CpuCtx& c = cur();
	/* a load of the mask through the memory-ordering model, at this CPU's exact local time */
	flush_local(c);
	Keep keep(c);
	c.online_snapshot = to_c(c.k->cpu_online_mask());
	return &c.online_snapshot;
}
void op_set_cpu_online(unsigned cpu, int online)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	c.k->set_cpu_online(cpu, online != 0);
}

int op_atomic_read(const int* v)
{
	CpuCtx& c = cur();
	const int x = *static_cast<const volatile int*>(v);
	poll_read(c, x > 0);
	return x;
}
void op_atomic_set(int* v, int i)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	c.k->store("atomic_set", [&] { *v = i; });
}
void op_atomic_add(int* v, int i)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	c.k->store(i < 0 ? "atomic_dec" : "atomic_inc", [&] { *v += i; });
}
int op_atomic_add_return(int* v, int i)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	int r = 0;
	c.k->store("atomic_add_return", [&] { r = (*v += i); });
	return r;
}
int op_atomic_cmpxchg(int* v, int old, int neu)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	int seen = 0;
	c.k->store("atomic_cmpxchg", [&] { seen = *v; if (*v == old) *v = neu; });
	return seen;
}
int op_test_and_set_bit(unsigned long nr, volatile unsigned long* addr)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	const unsigned bpl = 8 * sizeof(unsigned long);
	bool old = false;
	c.k->store("test_and_set_bit", [&] {
		old = (addr[nr / bpl] >> (nr % bpl)) & 1;
		addr[nr / bpl] |= 1ul << (nr % bpl);
	});
	return old ? 1 : 0;
}
int op_test_and_clear_bit(unsigned long nr, volatile unsigned long* addr)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	const unsigned bpl = 8 * sizeof(unsigned long);
	bool old = false;
	c.k->store("test_and_clear_bit", [&] {
		old = (addr[nr / bpl] >> (nr % bpl)) & 1;
		addr[nr / bpl] &= ~(1ul << (nr % bpl));
	});
	return old ? 1 : 0;
}
void op_set_bit(unsigned long nr, volatile unsigned long* addr)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	const unsigned bpl = 8 * sizeof(unsigned long);
	c.k->store("set_bit", [&] { addr[nr / bpl] |= 1ul << (nr % bpl); });
}
void op_clear_bit(unsigned long nr, volatile unsigned long* addr)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	const unsigned bpl = 8 * sizeof(unsigned long);
	c.k->store("clear_bit", [&] { addr[nr / bpl] &= ~(1ul << (nr % bpl)); });
}

void op_smp_mb(const char* site)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	c.k->smp_mb(site);
}
void op_smp_rmb(const char* site)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	c.k->smp_rmb(site);
}
void op_smp_wmb(const char* site)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	c.k->smp_wmb(site);
}
void op_local_irq_disable(void)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	c.k->local_irq_disable();
}
void op_local_irq_enable(void)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	c.k->local_irq_enable();
}
struct pt_regs* op_get_irq_regs(void)
{
	CpuCtx& c = cur();
	if (c.regs.empty()) {
		c.no_regs.r = c.k->get_irq_regs();
		return &c.no_regs;
	}
	return &c.regs.back();
}
int op_request_percpu_irq(unsigned irq, int (*)(int, void*), int nmi)
{
	if (irq < g_obj.ipi_base || irq >= g_obj.ipi_base + 16)
		return -22;
	const unsigned sgi = irq - g_obj.ipi_base;
	if (g_obj.requested.size() <= sgi)
		g_obj.requested.resize(sgi + 1, 0);
	g_obj.requested[sgi] = nmi ? 2 : 1;
	return 0;
}
int op_enable_percpu(unsigned, int) { return 0; }
int op_nmi_cpu_backtrace(struct pt_regs* regs)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	return kl::nmi_cpu_backtrace(*c.k, regs ? regs->r : c.k->get_irq_regs()) ? 1 : 0;
}
void op_nmi_trigger_cpumask_backtrace(const struct cpumask* mask, int exclude_cpu, void (*raise)(struct cpumask*))
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	kl::nmi_trigger_cpumask_backtrace(*c.k, to_kl(mask), exclude_cpu, [&](const kl::CpuMask& targets) {
		struct cpumask m = to_c(targets);
		set_cur(&c);
		raise(&m);
		set_cur(&c);
	});
}
void op_crash_save_cpu(struct pt_regs* regs, int cpu)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	c.k->crash_save_cpu(regs ? regs->r : c.k->get_irq_regs(), unsigned(cpu));
}
void op_warn(const char* file, int line)
{
	CpuCtx& c = cur();
	side_effect(c);
	Keep keep(c);
	c.k->printk(kl::Level::warning, "WARNING: CPU: " + std::to_string(c.k->smp_processor_id()) + " at " + file +
						":" + std::to_string(line));
}
void op_unmodelled(const char*) {}

} // extern "C"

} // namespace

void fill_common_ops(stopsim_kops& o)
{
	o.spend_slow = op_spend_slow;
	o.smp_processor_id = op_smp_processor_id;
	o.nr_cpu_ids = op_nr_cpu_ids;
	o.system_state = op_system_state;
	o.printk = op_printk;
	o.udelay = op_udelay;
	o.mdelay = op_mdelay;
	o.cpu_online = op_cpu_online;
	o.num_online_cpus = op_num_online_cpus;
	o.cpu_online_mask = op_cpu_online_mask;
	o.set_cpu_online = op_set_cpu_online;
	o.atomic_read = op_atomic_read;
	o.atomic_set = op_atomic_set;
	o.atomic_add = op_atomic_add;
	o.atomic_add_return = op_atomic_add_return;
	o.atomic_cmpxchg = op_atomic_cmpxchg;
	o.test_and_set_bit = op_test_and_set_bit;
	o.test_and_clear_bit = op_test_and_clear_bit;
	o.set_bit = op_set_bit;
	o.clear_bit = op_clear_bit;
	o.smp_mb = op_smp_mb;
	o.smp_rmb = op_smp_rmb;
	o.smp_wmb = op_smp_wmb;
	o.local_irq_disable = op_local_irq_disable;
	o.local_irq_enable = op_local_irq_enable;
	o.get_irq_regs = op_get_irq_regs;
	o.request_percpu_irq = op_request_percpu_irq;
	o.enable_percpu = op_enable_percpu;
	o.nmi_cpu_backtrace = op_nmi_cpu_backtrace;
	o.nmi_trigger_cpumask_backtrace = op_nmi_trigger_cpumask_backtrace;
	o.crash_save_cpu = op_crash_save_cpu;
	o.warn = op_warn;
	o.unmodelled = op_unmodelled;
}

void load_object(const std::string& so, const Extract& x, const Manifest& m, const stopsim_kops* ops)
{
	void* h = ::dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const std::string err = ::dlerror();
		const size_t u = err.find("undefined symbol: ");
		if (u != std::string::npos)
			throw SourceError(x.tree + ": needs '" + err.substr(u + 18) +
					  "()', which the stopsim kernel shim does not provide");
		throw SourceError("cannot load the code compiled from " + x.tree + ": " + err);
	}
	g_obj.handle = h;
	auto** k = static_cast<const stopsim_kops**>(::dlsym(h, "stopsim_k"));
	if (!k)
		throw SourceError("the code compiled from " + x.tree + " has no stopsim_k (stale cache?)");
	*k = ops;
	auto slot = reinterpret_cast<stopsim_fast** (*)()>(::dlsym(h, "stopsim_fast_slot"));
	g_fast_slot = slot ? slot() : nullptr;
	if (!g_fast_slot)
		throw SourceError("the code compiled from " + x.tree + " has no stopsim_fast (stale cache?)");
	*g_fast_slot = g_cur ? &g_cur->f : nullptr;
	for (const std::string& role : x.roles) {
		auto* has = reinterpret_cast<int (*)()>(::dlsym(h, ("stopsim_has_" + role).c_str()));
		void* fn = ::dlsym(h, ("stopsim_role_" + role).c_str());
		if (has && fn && has())
			g_obj.roles[role] = fn;
	}
	const int* count = static_cast<const int*>(::dlsym(h, "stopsim_ipi_count"));
	const int* values = static_cast<const int*>(::dlsym(h, "stopsim_ipi_values"));
	if (count && values) {
		/* by value; a count (NR_*, MAX_*) gives way to a real IPI of the same value */
		for (int i = 0; i < *count && i < int(x.ipi_names.size()); i++) {
			const int v = values[i];
			if (v < 0 || v >= 64)
				continue;
			const std::string& n = x.ipi_names[size_t(i)];
			const bool is_count = n.rfind("NR_", 0) == 0 || n.rfind("MAX_", 0) == 0;
			if (g_obj.ipi_names.size() <= size_t(v))
				g_obj.ipi_names.resize(size_t(v) + 1);
			if (is_count)
				continue;
			g_obj.ipi_names[size_t(v)] = n;
		}
		while (!g_obj.ipi_names.empty() && g_obj.ipi_names.back().empty())
			g_obj.ipi_names.pop_back();
	}
	g_obj.stop_ipi.assign(g_obj.ipi_names.size(), false);
	for (size_t i = 0; i < g_obj.ipi_names.size(); i++)
		for (const auto& s : m.stop_ipis)
			if (g_obj.ipi_names[i] == s)
				g_obj.stop_ipi[i] = true;
}

/* The stop is over: level local time, then close the rung its wait loop belonged to. */
static void finish_stop(kl::Shim& k)
{
	CpuCtx& c = ctx_of(k);
	side_effect(c);
	Keep keep(c);
	close_rung(c);
}

void enter_send_stop(kl::Shim& k)
{
	Enter e(k);
	k.trace_stop_begin("smp_send_stop");
	g_obj.role<void (*)()>("send_stop")();
	finish_stop(k);
	k.trace_stop_end();
}

void enter_crash_send_stop(kl::Shim& k, bool& generic_done)
{
	auto fn = g_obj.role<void (*)()>("crash_send_stop");
	if (!fn) {
		if (generic_done)
			return;
		generic_done = true;
		enter_send_stop(k);
		return;
	}
	Enter e(k);
	g_obj.crash_in_progress = true;
	k.trace_stop_begin("crash_smp_send_stop");
	fn();
	finish_stop(k);
	k.trace_stop_end();
}

bool enter_crash_stop_failed(kl::Shim& k)
{
	auto fn = g_obj.role<int (*)()>("crash_stop_failed");
	if (!fn)
		return false;
	Enter e(k);
	const bool r = fn() != 0;
	side_effect(ctx_of(k));
	return r;
}

} // namespace srcmode
