// SPDX-License-Identifier: Apache-2.0
#include "models/el3-firmware/sbi_core.hpp"

#include <algorithm>

namespace stopsim::sbi {

const char* hsm_name(HsmState s)
{
	switch (s) {
	case HsmState::started:
		return "started";
	case HsmState::stopped:
		return "stopped";
	case HsmState::start_pending:
		return "start_pending";
	case HsmState::stop_pending:
		return "stop_pending";
	case HsmState::suspended:
		return "suspended";
	}
	return "?";
}

const char* sse_state_name(SseState s)
{
	switch (s) {
	case SseState::unused:
		return "unused";
	case SseState::registered:
		return "registered";
	case SseState::enabled:
		return "enabled";
	case SseState::running:
		return "running";
	}
	return "?";
}

SbiCore::SbiCore(unsigned num_harts, const SbiCoreParams& p) : m_p(p), m_h(num_harts)
{
	std::vector<uint32_t> ids = p.sse_local_events;
	std::sort(ids.begin(), ids.end());
	ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
	for (HartSbi& h : m_h)
		for (uint32_t id : ids)
			if (!(id & SBI_SSE_EVENT_GLOBAL_BIT)) {
				SseEvent e;
				e.id = id;
				h.local.push_back(e);
			}
}

bool SbiCore::post_ipi(unsigned hart, uint32_t event)
{
	HartSbi& h = m_h.at(hart);
	const uint32_t old = h.ipi_type;
	h.ipi_type |= event;
	/* The raw IPI goes out only if nothing was already waiting: another merge point. */
	if (old == 0) {
		h.ipis_raised++;
		return true;
	}
	return false;
}

SbiCore::IpiSend SbiCore::send_ipi(uint64_t hart_mask, uint64_t base, uint32_t event)
{
	IpiSend r;
	/* hart_mask_base = -1 means "all harts" (SBI v0.2+). */
	const bool all = base == ~0ull;
	for (unsigned b = 0; b < 64 || all; b++) {
		uint64_t hart;
		if (all) {
			if (b >= m_h.size())
				break;
			hart = b;
		} else {
			if (!(hart_mask & (1ull << b)))
				continue;
			hart = base + b;
		}
		if (hart >= m_h.size()) {
			r.error = SBI_ERR_INVALID_PARAM;
			r.raise.clear();
			return r;
		}
	}
	for (unsigned b = 0; b < 64 || all; b++) {
		unsigned hart;
		if (all) {
			if (b >= m_h.size())
				break;
			hart = b;
		} else {
			if (!(hart_mask & (1ull << b)))
				continue;
			hart = unsigned(base + b);
		}
		/* Only interruptible harts (STARTED, SUSPENDED) are targeted; the others silently not. */
		const HsmState s = m_h[hart].hsm;
		if (s != HsmState::started && s != HsmState::suspended)
			continue;
		if (post_ipi(hart, event))
			r.raise.push_back(hart);
	}
	return r;
}

uint32_t SbiCore::ipi_take(unsigned hart)
{
	HartSbi& h = m_h.at(hart);
	const uint32_t v = h.ipi_type;
	h.ipi_type = 0;
	return v;
}

long SbiCore::hart_stop(unsigned hart)
{
	if (!m_p.hsm)
		return SBI_ERR_NOT_SUPPORTED;
	HartSbi& h = m_h.at(hart);
	if (h.hsm != HsmState::started)
		return SBI_ERR_FAILED;
	h.hsm = HsmState::stopped;
	return SBI_SUCCESS;
}

long SbiCore::hart_status(unsigned hart) const
{
	if (!m_p.hsm)
		return SBI_ERR_NOT_SUPPORTED;
	if (hart >= m_h.size())
		return SBI_ERR_INVALID_PARAM;
	return long(m_h[hart].hsm);
}

SseEvent* SbiCore::find(unsigned h, uint32_t id)
{
	for (SseEvent& e : m_h.at(h).local)
		if (e.id == id)
			return &e;
	return nullptr;
}

const SseEvent* SbiCore::event(unsigned h, uint32_t id) const
{
	for (const SseEvent& e : m_h.at(h).local)
		if (e.id == id)
			return &e;
	return nullptr;
}

long SbiCore::sse_register(unsigned hart, uint32_t id, uint64_t pc, uint64_t arg)
{
	if (!m_p.sse)
		return SBI_ERR_NOT_SUPPORTED;
	SseEvent* e = find(hart, id);
	if (!e)
		return SBI_ERR_NOT_SUPPORTED;
	if (e->state != SseState::unused)
		return SBI_ERR_INVALID_STATE;
	e->state = SseState::registered;
	e->entry_pc = pc;
	e->entry_arg = arg;
	return SBI_SUCCESS;
}

long SbiCore::sse_transition(unsigned hart, uint32_t id, SseState from, SseState to)
{
	if (!m_p.sse)
		return SBI_ERR_NOT_SUPPORTED;
	SseEvent* e = find(hart, id);
	if (!e)
		return SBI_ERR_NOT_SUPPORTED;
	if (e->state != from)
		return SBI_ERR_INVALID_STATE;
	e->state = to;
	return SBI_SUCCESS;
}

long SbiCore::sse_unregister(unsigned hart, uint32_t id)
{
	return sse_transition(hart, id, SseState::registered, SseState::unused);
}

long SbiCore::sse_enable(unsigned hart, uint32_t id)
{
	return sse_transition(hart, id, SseState::registered, SseState::enabled);
}

long SbiCore::sse_disable(unsigned hart, uint32_t id)
{
	return sse_transition(hart, id, SseState::enabled, SseState::registered);
}

long SbiCore::sse_write_attr(unsigned hart, uint32_t id, uint32_t attr, uint64_t value)
{
	if (!m_p.sse)
		return SBI_ERR_NOT_SUPPORTED;
	SseEvent* e = find(hart, id);
	if (!e)
		return SBI_ERR_NOT_SUPPORTED;
	/* PRIORITY and CONFIG may change only while UNUSED or REGISTERED. */
	if (e->state != SseState::unused && e->state != SseState::registered)
		return SBI_ERR_INVALID_STATE;
	if (attr == SBI_SSE_ATTR_PRIORITY)
		e->priority = uint32_t(value);
	else if (attr == SBI_SSE_ATTR_CONFIG)
		e->oneshot = value & 1;
	else
		return SBI_ERR_INVALID_PARAM;
	return SBI_SUCCESS;
}

long SbiCore::sse_hart_mask(unsigned hart)
{
	if (!m_p.sse)
		return SBI_ERR_NOT_SUPPORTED;
	if (m_h.at(hart).sse_masked)
		return SBI_ERR_ALREADY_STOPPED;
	m_h[hart].sse_masked = true;
	return SBI_SUCCESS;
}

long SbiCore::sse_hart_unmask(unsigned hart)
{
	if (!m_p.sse)
		return SBI_ERR_NOT_SUPPORTED;
	if (!m_h.at(hart).sse_masked)
		return SBI_ERR_ALREADY_STARTED;
	m_h[hart].sse_masked = false;
	return SBI_SUCCESS;
}

long SbiCore::sse_inject(unsigned caller, uint32_t id, uint64_t target, bool& need_ipi)
{
	need_ipi = false;
	if (!m_p.sse)
		return SBI_ERR_NOT_SUPPORTED;
	if (target >= m_h.size())
		return SBI_ERR_INVALID_PARAM;
	SseEvent* e = find(unsigned(target), id);
	if (!e)
		return SBI_ERR_INVALID_PARAM;
	e->pending = true;
	const HsmState s = m_h[target].hsm;
	/* A STOPPED hart is filtered out of the IPI: the event waits there until the hart starts. */
	need_ipi = target != caller && (s == HsmState::started || s == HsmState::suspended);
	return SBI_SUCCESS;
}

std::vector<const SseEvent*> SbiCore::by_priority(unsigned h) const
{
	std::vector<const SseEvent*> v;
	for (const SseEvent& e : m_h.at(h).local)
		v.push_back(&e);
	std::stable_sort(v.begin(), v.end(), [](const SseEvent* a, const SseEvent* b) {
		return a->priority != b->priority ? a->priority < b->priority : a->id < b->id;
	});
	return v;
}

std::optional<uint32_t> SbiCore::sse_next(unsigned hart) const
{
	if (!m_p.sse || m_h.at(hart).sse_masked)
		return std::nullopt;
	for (const SseEvent* e : by_priority(hart)) {
		/* A RUNNING event blocks itself and everything less urgent. */
		if (e->state == SseState::running)
			return std::nullopt;
		if (e->state == SseState::enabled && e->pending)
			return e->id;
	}
	return std::nullopt;
}

void SbiCore::sse_begin(unsigned hart, uint32_t id)
{
	SseEvent* e = find(hart, id);
	e->pending = false;
	e->state = SseState::running;
	e->deliveries++;
}

std::optional<uint32_t> SbiCore::sse_complete(unsigned hart)
{
	for (const SseEvent* c : by_priority(hart)) {
		if (c->state != SseState::running)
			continue;
		SseEvent* e = find(hart, c->id);
		e->state = e->oneshot ? SseState::registered : SseState::enabled;
		return e->id;
	}
	return std::nullopt;
}

} // namespace stopsim::sbi
