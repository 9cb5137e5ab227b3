// SPDX-License-Identifier: Apache-2.0
// The architecture-independent half of the kernel shim, implemented on the PE framework:
// time, shared memory with store notification, printk, context bookkeeping, tracepoints.
#pragma once
#include "sim/run/sim_state.hpp"

#include "models/common/diag.hpp"
#include "kl/native_time.hpp"
#include "models/common/error.hpp"

#include <tlm>

#include <algorithm>
#include <cstring>
#include <memory>
#include <type_traits>

namespace stopsim {

/// Everything the engine needs from a CPU's shim regardless of its architecture.
class ShimCommon {
public:
	virtual ~ShimCommon() = default;
	virtual kl::Shim& kernel() = 0;
	/// While set, nothing costs simulated time (the boot before the scenario's t=0 work).
	void set_untimed(bool on) { m_untimed = on; }
	bool untimed() const { return m_untimed; }
	/// The outermost stop routine this CPU ran: when it began and when it returned.
	std::optional<Ps> stop_begin() const { return m_stop_begin; }
	std::optional<Ps> stop_end() const { return m_stop_end; }

protected:
	bool m_untimed = false;
	std::optional<Ps> m_stop_begin, m_stop_end;
};

/// The generic Shim methods for an architecture interface `Iface` (kl::arm64::Arm64Shim, ...).
template <class Iface> class ShimBase : public Iface, public ShimCommon, public kl::NativeTime {
public:
	ShimBase(Sim& sim, CpuRt& cpu) : m_sim(sim), m_cpu(cpu), m_pe(*cpu.pe) {}

	kl::Shim& kernel() override { return *this; }

	unsigned smp_processor_id() const override { return m_cpu.id; }
	unsigned nr_cpu_ids() const override { return m_sim.sc.cpus; }
	const kl::KernelConfig& config() const override { return m_sim.kcfg; }
	kl::KernelState& ks() override { return m_sim.ks; }

	void printk(kl::Level level, const std::string& text) override
	{
		m_sim.log(int(m_cpu.id), kl::level_name(level), text);
		spend(m_sim.sc.costs.printk_cycles);
	}

	/* A delay loop ends an ordering point: arm64's reads the timer behind an ISB and orders later
	 * accesses after that read; the model takes the same for RISC-V (docs/models/memory-ordering.md). */
	void udelay(uint64_t us) override
	{
		spend(m_pe.clock().cycles_for(us * kPsPerUs));
		order_point();
	}
	void mdelay(uint64_t ms) override
	{
		spend(m_pe.clock().cycles_for(ms * kPsPerMs));
		order_point();
	}

	bool spin_poll(const std::function<bool()>& pending, uint64_t budget, uint64_t unit_us) override
	{
		const uint64_t delay_cycles = m_pe.clock().cycles_for(unit_us * kPsPerUs);
		const uint64_t check_cycles = m_sim.sc.costs.check_cycles;
		const Ps U = m_pe.clock().cycles(delay_cycles);
		const Ps P = U + m_pe.clock().cycles(check_cycles);
		uint64_t remaining = budget;
		const bool forever = budget == kl::kPollForever;
		for (bool first = true;; first = false) {
			if (!m_untimed)
				m_pe.boundary();
			if (!first)
				order_point(); /* each later check follows a delay */
			const bool still = pending();
			spend_no_boundary(check_cycles);
			if (!still)
				return true;
			if (remaining == 0)
				return false;
			if (m_untimed)
				return false;
			if (forever) {
				/* No budget (the x86 `wait` loops): sleep until something changes, then resume
				 * at the next check the loop would have made. */
				const Ps s = now_ps();
				m_pe.sleep_until(cpu::kForever, &m_sim.mem_changed);
				const Ps t = now_ps();
				const Ps past = t > s + U ? t - s - U : 0;
				const Ps at = s + U + ((past + P - 1) / P) * P;
				if (at > t)
					sc_core::wait(ps_time(at - t));
				continue;
			}
			/*
			 * Nothing the condition reads can change until some store or interrupt: skip
			 * ahead to the next check after such an event, or to the last check. Check j
			 * (1-based from here) is evaluated at s + U + (j-1)P, exactly as the loop would.
			 */
			const Ps s = now_ps();
			const Ps last = s + U + (remaining - 1) * P;
			m_pe.sleep_until(last, &m_sim.mem_changed);
			const Ps t = now_ps();
			uint64_t j = remaining;
			if (t < last) {
				const Ps past = t > s + U ? t - s - U : 0;
				j = 1 + (past + P - 1) / P;
				if (j > remaining)
					j = remaining;
			}
			const Ps at = s + U + (j - 1) * P;
			if (at > t)
				sc_core::wait(ps_time(at - t));
			remaining -= j;
		}
	}

	/*
	 * Temporal decoupling for compiled kernel code (source mode). A native loop such as
	 * `while (cond() && timeout--) udelay(1);` spends its cycles in a local offset ahead of
	 * SystemC time. Nothing else in the simulation acts before the next pending activity (every
	 * model event, fault and CPU wake-up is a SystemC notification), so until local time reaches
	 * it every read the loop makes sees what it would see in lock-step. At that point, or before
	 * any call with side effects (native_sync), the CPU waits out its offset in one wait().
	 */
	void native_spend(uint64_t cycles, bool boundary) override
	{
		if (m_untimed)
			return;
		m_ahead += m_pe.clock().cycles(cycles);
		native_horizon();
		/* SystemC time stands still while this CPU runs ahead: no clock read per call */
		if (m_decoupled_at + m_ahead < m_horizon)
			return;
		native_sync();
		if (boundary)
			m_pe.boundary();
	}
	uint64_t native_slack_cycles() override
	{
		if (m_untimed)
			return UINT64_MAX;
		native_horizon();
		const Ps at = m_decoupled_at + m_ahead;
		if (at >= m_horizon)
			return 0;
		return (m_horizon - at - 1) / m_pe.clock().cycles(1);
	}
	/// The next pending activity anywhere (or the end of the run), computed once per decoupled stretch.
	void native_horizon()
	{
		if (m_horizon_valid)
			return;
		const Ps now = now_ps();
		m_decoupled_at = now;
		const sc_core::sc_time gap = sc_core::sc_time_to_pending_activity();
		const Ps end = m_sim.sc.max_sim;
		Ps until = now;
		if (gap != sc_core::SC_ZERO_TIME && now < end)
			until = gap.value() >= end - now ? end : now + gap.value();
		m_horizon = std::max<Ps>(until, now);
		m_horizon_valid = true;
	}
	uint64_t native_cycles_for_us(uint64_t us) const override { return m_pe.clock().cycles_for(us * kPsPerUs); }
	uint64_t native_check_cycles() const override { return m_sim.sc.costs.check_cycles; }
	void native_sync() override
	{
		m_horizon_valid = false;
		if (m_ahead == 0)
			return;
		const Ps at = now_ps() + m_ahead;
		const bool at_activity = at == m_horizon;
		m_ahead = 0;
		sc_core::wait(ps_time(at - now_ps()));
		/* Activity due at this very time runs first (as a store wakes a lock-step poller). */
		if (at_activity)
			sc_core::wait(sc_core::SC_ZERO_TIME);
	}

	void cost(kl::Cost what) override
	{
		switch (what) {
		case kl::Cost::irq_entry:
			spend(m_sim.sc.costs.irq_entry_cycles);
			return;
		case kl::Cost::backtrace_dump:
			spend(m_sim.sc.costs.backtrace_cycles);
			return;
		}
		internal_error(__FILE__, __LINE__, "unknown kernel cost");
	}

	void set_cpu_online(unsigned cpu, bool online) override
	{
		kl::KernelState& k = m_sim.ks;
		if (k.cpu_online_mask.test(cpu) != online) {
			if (online) {
				k.cpu_online_mask.set(cpu);
				k.num_online++;
				m_sim.cpus[cpu].ever_online = true;
			} else {
				k.cpu_online_mask.clear(cpu);
				k.num_online--;
			}
			/*
			 * Two stores, as in kernel/cpu.c: the fully ordered cpumask_test_and_{set,clear}_cpu()
			 * first, then the counter's atomic_inc/dec, which therefore never becomes visible
			 * before the mask. Both are made now (one modelled store cost, as before).
			 */
			const Ps now = local_now();
			const Clock& clk = m_pe.clock();
			const auto late = [&](MemFaultSpec::Var v) {
				return m_untimed ? now : now + clk.cycles(mem_cycles(m_sim.sc.late_stores, v, m_cpu.id));
			};
			const Ps mask_at = std::max(late(MemFaultSpec::Var::cpu_online_mask), m_sim.mem.online_mask.last_visible());
			const Ps count_at = std::max({late(MemFaultSpec::Var::num_online_cpus), mask_at, m_sim.mem.num_online.last_visible()});
			m_sim.mem.online_mask.store(now, mask_at, m_cpu.id, k.cpu_online_mask);
			m_sim.mem.num_online.store(now, count_at, m_cpu.id, k.num_online);
			for (const Ps at : {mask_at, count_at})
				if (at > now)
					m_sim.events->schedule_at(at, [this] { m_sim.notify_store(); });
			order_point();
			if (m_sim.collect_trace)
				m_sim.trace('i', int(m_cpu.id), online ? "set_cpu_online(true)" : "set_cpu_online(false)", "kernel",
					    {{"cpu", std::to_string(cpu)}});
			STOPSIM_DIAG(debug, m_cpu.id, "kernel", "set_cpu_online(" + std::to_string(cpu) + ", " + (online ? "true" : "false") + ")");
			m_sim.signals_changed(cpu);
		}
		m_sim.notify_store();
		spend(m_sim.sc.costs.store_cycles);
	}

	/*
	 * The memory-ordering model (docs/models/memory-ordering.md). A load of the online counter or
	 * mask is performed at its own time, unless platform.memory.early_loads lets this CPU perform
	 * loads of that variable early (arm64, RISC-V): then as early as that many cycles before,
	 * but never before this CPU's last ordering point (barrier, fully ordered atomic, delay loop,
	 * exception entry or return) nor before its previous load of the same variable.
	 */
	uint64_t mem_cycles(const std::vector<MemFaultSpec>& l, MemFaultSpec::Var v, unsigned cpu) const
	{
		uint64_t c = 0;
		for (const MemFaultSpec& m : l)
			if (m.cpu == cpu && m.var == v)
				c = std::max(c, m.cycles);
		return c;
	}
	Ps load_time(MemFaultSpec::Var v, Ps seen) const
	{
		const Ps t = local_now();
		if (m_untimed || m_sim.sc.early_loads.empty())
			return t;
		const Ps w = m_pe.clock().cycles(mem_cycles(m_sim.sc.early_loads, v, m_cpu.id));
		const Ps earliest = t > w ? t - w : 0;
		return std::min(t, std::max({earliest, m_cpu.load_order.order_point, seen}));
	}
	unsigned load_num_online() override
	{
		const Ps at = load_time(MemFaultSpec::Var::num_online_cpus, m_cpu.load_order.seen_count);
		m_cpu.load_order.seen_count = at;
		return m_sim.mem.num_online.load(m_cpu.id, at, local_now(), 0u);
	}
	const kl::CpuMask& load_online_mask() override
	{
		const Ps at = load_time(MemFaultSpec::Var::cpu_online_mask, m_cpu.load_order.seen_mask);
		m_cpu.load_order.seen_mask = at;
		m_mask_view = m_sim.mem.online_mask.load(m_cpu.id, at, local_now(), kl::CpuMask{});
		return m_mask_view;
	}
	bool load_cpu_online(unsigned cpu) override
	{
		const Ps at = load_time(MemFaultSpec::Var::cpu_online_mask, m_cpu.load_order.seen_mask);
		m_cpu.load_order.seen_mask = at;
		static const kl::CpuMask none;
		return m_sim.mem.online_mask.load(m_cpu.id, at, local_now(), none).test(cpu);
	}
	/// A point no later load of this CPU may be satisfied before.
	void order_point() { m_cpu.load_order.order_point = std::max(m_cpu.load_order.order_point, local_now()); }
	void native_order_point(uint64_t cycles_ahead) override
	{
		if (m_untimed)
			return;
		const Ps at = local_now() + m_pe.clock().cycles(cycles_ahead);
		m_cpu.load_order.order_point = std::max(m_cpu.load_order.order_point, at);
	}
	/// This CPU's time: SystemC time plus what source mode ran ahead.
	Ps local_now() const { return now_ps() + m_ahead; }

	void store(const char* what, const std::function<void()>& write) override
	{
		write();
		if (fully_ordered(what))
			order_point();
		m_sim.notify_store();
		spend(m_sim.sc.costs.store_cycles);
	}
	/*
	 * Store visibility (platform.store_visibility_cycles): a plain store reaches the other CPUs
	 * that much later. Stores leave in program order (so smp_wmb() has nothing to reorder), an
	 * SMC or a system-register write is not a memory access and does not wait for them, and a
	 * DSB waits until they are all visible. Atomics (RMW) act at once.
	 */
	void plain_store(const char* what, std::function<void()> write) override
	{
		const uint64_t delay = m_sim.sc.store_visibility_cycles;
		if (delay == 0 || m_untimed) {
			store(what, write);
			return;
		}
		auto pending = std::make_shared<std::function<void()>>(std::move(write));
		m_cpu.store_buffer.push_back(pending);
		const Ps at = now_ps() + m_pe.clock().cycles(delay);
		m_cpu.stores_visible_at = std::max(m_cpu.stores_visible_at, at);
		m_sim.events->schedule_at(at, [this, pending] {
			if (*pending) {
				(*pending)();
				*pending = nullptr;
				m_sim.notify_store();
			}
		});
		spend(m_sim.sc.costs.store_cycles);
	}
	/// DSB: wait until every buffered store of this CPU is visible.
	void drain_stores()
	{
		const Ps now = now_ps();
		if (!m_untimed && m_cpu.stores_visible_at > now)
			sc_core::wait(ps_time(m_cpu.stores_visible_at - now));
		for (auto& p : m_cpu.store_buffer) {
			if (*p) {
				(*p)();
				*p = nullptr;
				m_sim.notify_store();
			}
		}
		m_cpu.store_buffer.clear();
	}
	/// Value-returning atomics and lock acquisition order this CPU's later loads after them.
	static bool fully_ordered(const char* what)
	{
		for (const char* w : {"test_and_set_bit", "test_and_clear_bit", "cpumask_test_and_clear_cpu",
				      "atomic_cmpxchg", "atomic_add_return", "xchg", "raw_spin_lock"})
			if (std::strcmp(what, w) == 0)
				return true;
		return false;
	}
	void smp_mb() override
	{
		drain_stores();
		spend(m_sim.sc.lat.dsb_cycles);
		order_point();
	}
	void smp_rmb() override
	{
		spend(m_sim.sc.lat.dsb_cycles);
		order_point();
	}

	void raw_spin_lock(const std::string& name) override
	{
		for (;;) {
			int& holder = m_sim.lock_holder(name);
			if (holder == -1) {
				store("raw_spin_lock", [&] { holder = int(m_cpu.id); });
				return;
			}
			/* Held by a CPU that will never run again, or by this CPU under us: it never frees. */
			if (holder == int(m_cpu.id) || m_sim.cpu_stopped(m_sim.cpus[size_t(holder)])) {
				m_sim.declare_deadlock(m_cpu.id, name, holder);
				for (;;)
					sc_core::wait(m_sim.never);
			}
			if (!m_untimed)
				m_pe.boundary();
			m_pe.sleep_until(cpu::kForever, &m_sim.mem_changed);
		}
	}
	bool raw_spin_trylock(const std::string& name) override
	{
		int& holder = m_sim.lock_holder(name);
		if (holder != -1)
			return false;
		store("raw_spin_trylock", [&] { holder = int(m_cpu.id); });
		return true;
	}
	void raw_spin_unlock(const std::string& name) override
	{
		store("raw_spin_unlock", [&] { m_sim.lock_holder(name) = -1; });
	}
	void report_invariant(const std::string& name, const std::string& detail) override
	{
		m_sim.violations.push_back({name, false, detail});
	}
	void smp_wmb() override { spend(m_sim.sc.lat.dsb_cycles); }

	void irq_enter() override { set_ctx(kl::Ctx::irq); }
	void irq_exit() override {}
	void nmi_enter() override { set_ctx(kl::Ctx::nmi); }
	void nmi_exit() override {}

	kl::Regs get_irq_regs() override
	{
		if (m_cpu.frames.empty())
			return kl::Regs{false, kl::Ctx::task, m_cpu.activity};
		return m_cpu.frames.back().regs;
	}

	void crash_save_cpu(const kl::Regs& regs, unsigned cpu) override
	{
		CpuRt& c = m_sim.cpus[cpu];
		c.crash_saved = true;
		c.crash_from = kl::ctx_name(regs.taken_as);
		if (m_sim.collect_trace)
			m_sim.trace('i', int(m_cpu.id), "crash_save_cpu", "kernel", {{"from", c.crash_from}, {"where", regs.where}});
		spend(m_sim.sc.costs.crash_save_cycles);
	}

	void do_machine_end(kl::MachineEnd how) override
	{
		const char* h = how == kl::MachineEnd::kexec ? "kexec" : how == kl::MachineEnd::restart ? "restart" : "panic_halt";
		m_cpu.state = CpuState::ended;
		m_sim.set_activity(m_cpu, h);
		m_sim.machine_end(m_cpu.id, h);
		for (;;)
			sc_core::wait(m_sim.never);
	}

	void trace_stop_begin(const char* fn) override
	{
		if (m_cpu.stop_depth++ == 0) {
			m_stop_begin = now_ps();
			if (m_sim.collect_trace)
				m_sim.trace('B', int(m_cpu.id), fn, "stop");
		}
	}
	void trace_stop_end() override
	{
		if (m_cpu.stop_depth && --m_cpu.stop_depth == 0) {
			m_stop_end = now_ps();
			if (m_sim.collect_trace)
				m_sim.trace('E', int(m_cpu.id), "", "stop");
		}
	}
	void trace_rung_begin(const char* rung, const kl::CpuMask& targets) override
	{
		RungRecord r;
		r.cpu = m_cpu.id;
		r.name = rung;
		targets.for_each([&](unsigned c) { r.targets.push_back(c); });
		r.sent = now_ps();
		m_open_rung = m_sim.res.rungs.size();
		m_sim.res.rungs.push_back(r);
		STOPSIM_DIAG(debug, m_cpu.id, "kernel", std::string("rung ") + rung + " to CPUs " + targets.to_range_list());
		if (m_sim.collect_trace)
			m_sim.trace('B', int(m_cpu.id), std::string("rung ") + rung, "rung", {{"targets", targets.to_range_list()}});
	}
	void trace_rung_end(bool timed_out) override
	{
		if (m_open_rung < m_sim.res.rungs.size()) {
			m_sim.res.rungs[m_open_rung].ended = now_ps();
			m_sim.res.rungs[m_open_rung].timed_out = timed_out;
			if (m_sim.collect_trace)
				m_sim.trace('E', int(m_cpu.id), "", "rung", {{"timed_out", timed_out ? "true" : "false"}});
		}
		m_open_rung = SIZE_MAX;
	}
	void trace_stop_handler(const char* fn) override
	{
		if (m_cpu.frames.empty()) {
			m_cpu.stop_entries++;
			return; /* a self-stop from task context */
		}
		Frame& f = m_cpu.frames.back();
		if (f.ctx == kl::Ctx::nmi || f.ctx == kl::Ctx::sdei) {
			for (size_t i = 0; i + 1 < m_cpu.frames.size(); i++) {
				if (m_cpu.frames[i].stop_handler) {
					m_sim.violations.push_back(
						{"no_nmi_nested_in_stop_handler", false,
						 "CPU " + std::to_string(m_cpu.id) + ": " + fn + " entered from " +
							 kl::ctx_name(f.ctx) + " inside " + m_cpu.frames[i].stop_handler + " (" +
							 kl::ctx_name(m_cpu.frames[i].ctx) + ")"});
					break;
				}
			}
		}
		f.stop_handler = fn;
		m_cpu.stop_entries++;
		STOPSIM_DIAG(debug, m_cpu.id, "kernel", std::string("stop handler ") + fn + " in " + kl::ctx_name(f.ctx) + " context");
		if (m_sim.collect_trace)
			m_sim.trace('i', int(m_cpu.id), fn, "kernel", {{"ctx", kl::ctx_name(f.ctx)}});
	}

protected:
	/// One register access over this CPU's TLM bus (`size` bytes), waiting the annotated delay and
	/// reaching a boundary after it unless booting untimed. `ext` marks the access (e.g. the CPU).
	template <class Socket, class Ext = tlm::tlm_extension<void>>
	uint32_t bus_access(Socket& socket, uint64_t addr, uint32_t value, unsigned size, bool write, Ext* ext = nullptr)
	{
		tlm::tlm_generic_payload trans;
		uint32_t data = value;
		trans.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
		trans.set_address(addr);
		trans.set_data_ptr(reinterpret_cast<unsigned char*>(&data));
		trans.set_data_length(size);
		trans.set_streaming_width(size);
		trans.set_byte_enable_ptr(nullptr);
		trans.set_dmi_allowed(false);
		trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
		if (ext)
			trans.set_extension(ext);
		sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
		socket->b_transport(trans, delay);
		if (ext)
			trans.clear_extension(ext);
		STOPSIM_ASSERT(trans.is_response_ok(), "kernel MMIO to an unmapped address");
		if (!m_untimed) {
			sc_core::wait(delay);
			m_pe.boundary();
		}
		return data;
	}

	void set_ctx(kl::Ctx c)
	{
		if (!m_cpu.frames.empty()) {
			m_cpu.frames.back().ctx = c;
			m_cpu.frames.back().regs.taken_as = c;
			m_sim.signals_changed(m_cpu.id);
		}
	}
public:
	/// A trigger raised inside a handler: push that handler's frame as its exception entry would
	/// (the architecture's shim sets the masks); returns the registers it captured.
	kl::Regs push_handler_frame(kl::Ctx ctx, const char* what)
	{
		const kl::Regs regs = push_frame(ctx, "handler entered");
		if (m_sim.collect_trace)
			m_sim.trace('i', int(m_cpu.id), std::string("trigger raised in ") + what, "handler",
				    {{"ctx", kl::ctx_name(ctx)}});
		return regs;
	}
protected:
	/// Push the frame of a handler entered in context `ctx`: it records the interrupted context's
	/// registers (what crash_save_cpu() would save from it).
	kl::Regs push_frame(kl::Ctx ctx, const char* what)
	{
		Frame f;
		f.ctx = ctx;
		f.regs = kl::Regs{true, ctx, m_cpu.activity};
		f.start = now_ps();
		m_cpu.frames.push_back(f);
		frames_changed(what);
		return f.regs;
	}
	/// One exception handler, on every architecture: push its frame, trace its begin, run `body`
	/// with the frame's registers, trace its end (with the context it ended in, if asked: a
	/// handler may turn itself into another, as arm64's pseudo-NMI does), pop the frame and give
	/// the CPU back the activity it was interrupted in.
	template <class Body>
	void run_handler(kl::Ctx ctx, const std::string& trace_name, Body&& body, bool trace_end_ctx = false)
	{
		push_frame(ctx, "handler entered");
		const std::string saved_activity = m_cpu.activity;
		if (m_sim.collect_trace)
			m_sim.trace('B', int(m_cpu.id), trace_name, "handler");
		body(m_cpu.frames.back().regs);
		if (m_sim.collect_trace) {
			if (trace_end_ctx)
				m_sim.trace('E', int(m_cpu.id), "", "handler", {{"ctx", kl::ctx_name(m_cpu.frames.back().ctx)}});
			else
				m_sim.trace('E', int(m_cpu.id), "", "handler");
		}
		m_cpu.frames.pop_back();
		frames_changed("handler left");
		m_cpu.activity = saved_activity;
	}
	/// A handler frame was pushed or popped.
	void frames_changed(const char* what)
	{
		order_point(); /* exception entry and return are context-synchronizing */
		m_sim.signals_changed(m_cpu.id);
		STOPSIM_DIAG(trace, m_cpu.id, "shim", std::string(what) + " (depth " + std::to_string(m_cpu.frames.size()) + ")");
	}
	/// Spend cycles and reach a boundary (interrupts may be taken), unless booting untimed.
	void spend(uint64_t cycles)
	{
		if (m_untimed)
			return;
		m_pe.step(cycles);
	}
	void spend_no_boundary(uint64_t cycles)
	{
		if (!m_untimed)
			m_pe.advance(cycles);
	}
public:
	/// Park bookkeeping: the CPU reached its final state.
	void mark_stopped(CpuState st)
	{
		if (m_sim.cpu_stopped(m_cpu))
			return;
		m_cpu.state = st;
		m_cpu.stopped_at = now_ps();
		if (!m_cpu.frames.empty()) {
			const kl::Ctx c = m_cpu.frames.back().ctx;
			m_cpu.stopped_by = c == kl::Ctx::irq ? "irq" : c == kl::Ctx::nmi ? nmi_name() : "sdei";
		}
		m_sim.set_activity(m_cpu, st == CpuState::off ? "off (PSCI CPU_OFF)"
					  : st == CpuState::wedged ? "wedged in EL3" : "parked");
		STOPSIM_DIAG(info, m_cpu.id, "shim", std::string("stopped: ") + m_cpu.activity +
							    (m_cpu.stopped_by ? " (by " + *m_cpu.stopped_by + ")" : ""));
		m_sim.signals_changed(m_cpu.id);
		m_sim.notify_store();
	}
protected:
	/// What an NMI is called on this architecture in reports (arm64: pseudo_nmi).
	virtual const char* nmi_name() const = 0;

	Sim& m_sim;
	CpuRt& m_cpu;
	cpu::PeBase& m_pe;
	size_t m_open_rung = SIZE_MAX;
	kl::CpuMask m_mask_view; ///< the last load of cpu_online_mask
	Ps m_ahead = 0;          ///< source mode: local time ahead of SystemC time
	Ps m_horizon = 0;        ///< the next pending activity (valid while m_horizon_valid)
	bool m_horizon_valid = false;
	Ps m_decoupled_at = 0;   ///< SystemC time when m_horizon was computed
};

} // namespace stopsim
