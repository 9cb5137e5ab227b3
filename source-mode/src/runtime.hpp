// SPDX-License-Identifier: Apache-2.0
// The run-time side of source mode: the loaded object, the "current CPU" the compiled code runs
// on, and the architecture-independent kernel services of the ops table (runtime.cpp).
#pragma once
#include "kl/native_time.hpp"
#include "kl/shim.hpp"
#include "srcmode/source.hpp"
#include "source-mode/kheaders/common/stopsim/kops.h"

#include <map>
#include <string>
#include <vector>

/// The registers of an interrupted context, as the compiled code holds them (opaque to C).
struct pt_regs {
	kl::Regs r;
};
/// struct cpumask, laid out as our <linux/cpumask.h> declares it.
struct cpumask {
	unsigned long bits[STOPSIM_MASK_LONGS];
};

namespace srcmode {

/// One simulated CPU as the compiled code sees it.
struct CpuCtx {
	kl::Shim* k = nullptr;
	kl::NativeTime* t = nullptr;
	std::vector<pt_regs> regs;  ///< get_irq_regs(): innermost interrupt frame last
	pt_regs no_regs;
	cpumask online_snapshot{};
	kl::KernelState* ks = nullptr;      ///< the kernel globals the poll reads
	stopsim_fast f{};                   ///< the poll-loop state the compiled code shares
	int& rung_open = f.rung_open;       ///< (names the architecture bindings use)
	unsigned& rung_checks = f.rung_checks;
};

/// The loaded object and what it registered.
struct Loaded {
	void* handle = nullptr;
	std::map<std::string, void*> roles;
	std::vector<std::string> ipi_names; ///< by value
	std::vector<bool> stop_ipi;         ///< by value: sending it starts a rung
	unsigned ipi_base = 1;              ///< the Linux IRQ number of SGI 0 (gic_smp_init's base_sgi)
	unsigned ipi_count = 8;             ///< the SGIs the irqchip hands over (set_smp_ipi_range's n)
	// request_percpu_{irq,nmi}(): by SGI
	std::vector<int> requested;         ///< 0 none, 1 irq, 2 nmi
	bool ranged = false;
	bool crash_in_progress = false;
	template <class F> F role(const char* name) const
	{
		auto it = roles.find(name);
		return it == roles.end() ? nullptr : reinterpret_cast<F>(it->second);
	}
};

extern Loaded g_obj;
/// The CPU the compiled code runs on now. Set by every entry, restored after every call that can
/// switch to another CPU's thread.
CpuCtx& cur();
CpuCtx& ctx_of(kl::Shim& k);

/// Puts `c` back as the current CPU when a shim call that may switch threads returns.
struct Keep {
	CpuCtx* c;
	explicit Keep(CpuCtx& x) : c(&x) {}
	~Keep();
	Keep(const Keep&) = delete;
	Keep& operator=(const Keep&) = delete;
};

/// Enter the compiled code on `k`'s CPU; leaves the previous current CPU on exit.
class Enter {
public:
	explicit Enter(kl::Shim& k);
	~Enter();
	Enter(const Enter&) = delete;
	Enter& operator=(const Enter&) = delete;

private:
	CpuCtx* m_prev;
};

/// Around an interrupt handler's entry (an IPI, an SDEI event): the interrupted code's loop state
/// on this CPU is kept, so the handler's own calls do not change how the loop it interrupted is
/// charged (as they do not change the transcription's spin_poll).
class InterruptFrame {
public:
	explicit InterruptFrame(CpuCtx& c);
	~InterruptFrame();
	InterruptFrame(const InterruptFrame&) = delete;
	InterruptFrame& operator=(const InterruptFrame&) = delete;

private:
	CpuCtx& m_c;
	int m_last_was_delay, m_check_owed, m_first_check_due, m_last_pending;
};

/// Spend cycles in this CPU's local time (reaching the slack goes through the shim).
void spend_local(CpuCtx& c, uint64_t cycles, bool boundary);
/// Before any call with side effects: local time level, the poll rule reset, a finished rung closed.
void side_effect(CpuCtx& c);
/// The memory-ordering model: a delay loop that ended in this stretch is an ordering point.
void note_delay_end(CpuCtx& c);
/// Hand the locally spent cycles to the shim (no sync), so that its time is this CPU's.
void flush_local(CpuCtx& c);
/// A read that a poll loop's condition makes; `pending` is what the loop would conclude.
void poll_read(CpuCtx& c, bool pending);
/// Close this CPU's open rung (the loop after the stop IPI is over).
void close_rung(CpuCtx& c);
/// The entry points every architecture's source variant shares: the tree's stop sender (role
/// "send_stop"), its crash-stop sender ("crash_send_stop"; without one, kernel/panic.c's generic
/// crash_smp_send_stop(): smp_send_stop() once, `generic_done` remembering it) and its
/// smp_crash_stop_failed() ("crash_stop_failed"; false when the tree has none).
void enter_send_stop(kl::Shim& k);
void enter_crash_send_stop(kl::Shim& k, bool& generic_done);
bool enter_crash_stop_failed(kl::Shim& k);
kl::CpuMask to_kl(const struct cpumask* m);
struct cpumask to_c(const kl::CpuMask& m);

/// Fill the architecture-independent entries of `ops`.
void fill_common_ops(stopsim_kops& ops);
/// dlopen `so`, hand it `ops`, and find the roles and the IPI enum. Throws SourceError.
void load_object(const std::string& so, const Extract& x, const Manifest& m, const stopsim_kops* ops);

} // namespace srcmode
