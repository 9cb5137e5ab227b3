// SPDX-License-Identifier: Apache-2.0
#include "sim/report/vcd.hpp"
#include "models/common/error.hpp"
#include "sim/run/sim_state.hpp"

#include <algorithm>

namespace stopsim {

namespace {

/// VCD identifier codes: printable ASCII '!'..'~', shortest first.
std::string id_code(size_t n)
{
	std::string s;
	do {
		s += char('!' + n % 94);
		n /= 94;
	} while (n--);
	return s;
}

constexpr uint64_t kUnknown = ~uint64_t(0);
constexpr size_t kCommon = 4;

} // namespace

std::vector<VcdRecorder::Var> VcdRecorder::common_vars()
{
	/* ctx: 0 task, 1 irq, 2 nmi, 3 sdei (the innermost frame's; an SSE handler is nmi). */
	return {{"online", 1}, {"stopped", 1}, {"in_handler", 1}, {"ctx", 2}};
}

void VcdRecorder::attach(Sim& sim, std::vector<Var> arch_vars, Probe probe)
{
	STOPSIM_ASSERT(m_sim == nullptr, "VCD recorder attached twice");
	m_sim = &sim;
	m_probe = std::move(probe);
	m_vars = common_vars();
	STOPSIM_ASSERT(m_vars.size() == kCommon, "common VCD variables");
	m_vars.insert(m_vars.end(), arch_vars.begin(), arch_vars.end());
	const size_t n = sim.cpus.size() * m_vars.size();
	m_ids.reserve(n);
	for (size_t i = 0; i < n; i++)
		m_ids.push_back(id_code(i));
	m_cur.assign(n, kUnknown);
	m_out.assign(n, kUnknown);
	m_is_dirty.assign(n, 0);
	m_time = now_ps();
	sample_all();
}

void VcdRecorder::sample(unsigned cpu)
{
	if (!m_sim || cpu >= m_sim->cpus.size())
		return;
	const Ps now = now_ps();
	if (now != m_time) {
		flush();
		m_time = now;
	}
	const size_t nv = m_vars.size();
	const size_t base = size_t(cpu) * nv;
	uint64_t v[64];
	STOPSIM_ASSERT(nv <= 64, "too many VCD variables per CPU");
	const CpuRt& c = m_sim->cpus[cpu];
	v[0] = m_sim->ks.cpu_online_mask.test(cpu) ? 1 : 0;
	v[1] = m_sim->cpu_stopped(c) ? 1 : 0;
	v[2] = c.frames.empty() ? 0 : 1;
	v[3] = c.frames.empty() ? 0 : uint64_t(c.frames.back().ctx);
	if (m_probe)
		m_probe(cpu, v + kCommon);
	for (size_t i = 0; i < nv; i++) {
		const uint64_t val = v[i] & ((m_vars[i].width >= 64) ? ~uint64_t(0) : ((uint64_t(1) << m_vars[i].width) - 1));
		m_cur[base + i] = val;
		if (val != m_out[base + i] && !m_is_dirty[base + i]) {
			m_is_dirty[base + i] = 1;
			m_dirty.push_back(base + i);
		}
	}
}

void VcdRecorder::sample_all()
{
	if (!m_sim)
		return;
	for (unsigned c = 0; c < m_sim->cpus.size(); c++)
		sample(c);
}

void VcdRecorder::emit_value(std::string& out, size_t index) const
{
	const Var& var = m_vars[index % m_vars.size()];
	const uint64_t v = m_cur[index];
	if (var.width == 1) {
		out += v ? '1' : '0';
	} else {
		out += 'b';
		bool any = false;
		for (int b = int(var.width) - 1; b >= 0; b--) {
			const bool bit = (v >> b) & 1;
			if (bit || any || b == 0) {
				out += bit ? '1' : '0';
				any = true;
			}
		}
		out += ' ';
	}
	out += m_ids[index];
	out += '\n';
}

void VcdRecorder::flush()
{
	if (m_dirty.empty())
		return;
	std::sort(m_dirty.begin(), m_dirty.end());
	std::string lines;
	for (size_t i : m_dirty) {
		m_is_dirty[i] = 0;
		if (m_cur[i] == m_out[i])
			continue;
		emit_value(lines, i);
		m_out[i] = m_cur[i];
	}
	m_dirty.clear();
	if (lines.empty())
		return;
	m_body += "#" + std::to_string(m_time) + "\n";
	if (!m_started) {
		m_body += "$dumpvars\n" + lines + "$end\n";
		m_started = true;
	} else {
		m_body += lines;
	}
	m_last_stamp = m_time;
	m_stamped = true;
}

void VcdRecorder::finish(Ps end)
{
	sample_all();
	flush();
	if (!m_stamped || end > m_last_stamp) {
		m_body += "#" + std::to_string(end) + "\n";
		m_last_stamp = end;
		m_stamped = true;
	}
}

std::string VcdRecorder::text() const
{
	std::string h;
	h += "$comment\n  " + m_comment + "\n$end\n";
	h += "$timescale 1ps $end\n";
	const size_t nv = m_vars.size();
	const size_t ncpu = m_sim ? m_sim->cpus.size() : 0;
	for (size_t c = 0; c < ncpu; c++) {
		h += "$scope module cpu" + std::to_string(c) + " $end\n";
		for (size_t i = 0; i < nv; i++) {
			const Var& v = m_vars[i];
			h += "$var wire " + std::to_string(v.width) + " " + m_ids[c * nv + i] + " " + v.name;
			if (v.width > 1)
				h += " [" + std::to_string(v.width - 1) + ":0]";
			h += " $end\n";
		}
		h += "$upscope $end\n";
	}
	h += "$enddefinitions $end\n";
	return h + m_body;
}

void vcd_sample(VcdRecorder& r, unsigned cpu) { r.sample(cpu); }
void vcd_sample_all(VcdRecorder& r) { r.sample_all(); }

} // namespace stopsim
