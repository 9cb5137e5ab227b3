// SPDX-License-Identifier: Apache-2.0
#include "models/el3-firmware/sdei_core.hpp"

namespace stopsim::el3 {

long SdeiCore::event_register(unsigned pe, unsigned event, uint64_t entry, uint64_t arg)
{
	if (!valid_event(event))
		return SDEI_EINVAL;
	Event0& e = ev(pe, event);
	// REGISTER needs the "none" state (3.3).
	if (e.registered || e.running)
		return SDEI_EDENY;
	e.registered = true;
	e.entry = entry;
	e.arg = arg;
	return SDEI_SUCCESS;
}

long SdeiCore::event_enable(unsigned pe, unsigned event)
{
	if (!valid_event(event))
		return SDEI_EINVAL;
	Event0& e = ev(pe, event);
	if (!e.registered)
		return SDEI_EDENY;
	e.enabled = true;
	return SDEI_SUCCESS;
}

long SdeiCore::event_disable(unsigned pe, unsigned event)
{
	if (!valid_event(event))
		return SDEI_EINVAL;
	Event0& e = ev(pe, event);
	if (!e.registered)
		return SDEI_EDENY;
	e.enabled = false;
	return SDEI_SUCCESS;
}

long SdeiCore::event_unregister(unsigned pe, unsigned event)
{
	if (!valid_event(event))
		return SDEI_EINVAL;
	Event0& e = ev(pe, event);
	if (!e.registered)
		return SDEI_EDENY;
	e.registered = false;
	e.enabled = false;
	// While running it becomes "R only" and the unregistration finishes at COMPLETE.
	return e.running ? SDEI_EPEND : SDEI_SUCCESS;
}

long SdeiCore::pe_mask(unsigned pe)
{
	PeSdei& p = m_pe.at(pe);
	const bool changed = !p.masked;
	p.masked = true;
	return changed ? 1 : 0;
}

long SdeiCore::pe_unmask(unsigned pe)
{
	m_pe.at(pe).masked = false;
	return SDEI_SUCCESS;
}

long SdeiCore::signal(unsigned, unsigned event, int target) const
{
	if (!valid_event(event) || event != 0)
		return SDEI_EINVAL;
	if (target < 0 || unsigned(target) >= m_pe.size())
		return SDEI_EINVAL;
	if (m_p.signal_checks) {
		// TF-A b142ede7: the target must be unmasked, with event 0 registered and enabled.
		const PeSdei& t = m_pe[unsigned(target)];
		if (t.masked || !t.ev0.registered || !t.ev0.enabled)
			return SDEI_EINVAL;
	}
	return SDEI_SUCCESS;
}

Dispatch SdeiCore::on_acknowledge(unsigned pe) const
{
	const PeSdei& p = m_pe.at(pe);
	if (p.masked)
		return Dispatch::kMaskedNoEoi;
	if (!p.ev0.registered)
		return Dispatch::kDrop;
	if (!p.ev0.enabled || p.ev0.running || p.plat.running)
		return Dispatch::kRepend;
	return Dispatch::kRun;
}

Dispatch SdeiCore::on_platform_event(unsigned pe) const
{
	const PeSdei& p = m_pe.at(pe);
	if (!m_p.platform_event || !p.plat.registered)
		return Dispatch::kDrop;
	// Masked, disabled, or a normal-priority handler already running: the event stays pending.
	if (p.masked || !p.plat.enabled || p.plat.running || p.ev0.running)
		return Dispatch::kRepend;
	return Dispatch::kRun;
}

void SdeiCore::begin_dispatch(unsigned pe, unsigned event)
{
	PeSdei& p = m_pe.at(pe);
	ev(pe, event).running = true;
	p.dispatched++;
	p.dispatches++;
}

long SdeiCore::complete(unsigned pe, unsigned* event)
{
	PeSdei& p = m_pe.at(pe);
	if (!p.dispatched || !handler_running(pe))
		return SDEI_EDENY;
	p.dispatched--;
	// Only one normal-priority handler runs at a time: complete whichever it is.
	Event0& e = p.plat.running ? p.plat : p.ev0;
	if (event)
		*event = p.plat.running ? *m_p.platform_event : 0;
	e.running = false;
	return SDEI_SUCCESS;
}

long SdeiCore::private_reset(unsigned pe)
{
	PeSdei& p = m_pe.at(pe);
	if (handler_running(pe))
		return SDEI_EPEND;
	p.ev0 = Event0{};
	p.plat = Event0{};
	return SDEI_SUCCESS;
}

} // namespace stopsim::el3
