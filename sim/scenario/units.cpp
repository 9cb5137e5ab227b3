// SPDX-License-Identifier: Apache-2.0
#include "sim/scenario/units.hpp"

#include <cstdio>

namespace stopsim {

std::optional<Ps> parse_decimal_ps(const std::string& text, Ps unit_ps)
{
	if (text.empty())
		return std::nullopt;
	size_t i = 0;
	if (text[0] == '+')
		i = 1;
	unsigned __int128 whole = 0;
	bool digits = false;
	for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; i++) {
		whole = whole * 10 + unsigned(text[i] - '0');
		digits = true;
		if (whole > (unsigned __int128)UINT64_MAX)
			return std::nullopt;
	}
	unsigned __int128 frac_ps = 0;
	if (i < text.size() && text[i] == '.') {
		i++;
		Ps scale = unit_ps;
		for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; i++) {
			digits = true;
			if (scale % 10 != 0) {
				if (text[i] != '0')
					return std::nullopt; // finer than a picosecond
				continue;
			}
			scale /= 10;
			frac_ps += (unsigned __int128)(text[i] - '0') * scale;
		}
	}
	// Allow exponent-free integers and decimals only; "1e6" is rejected (ambiguous rounding).
	if (!digits || i != text.size())
		return std::nullopt;
	const unsigned __int128 total = whole * unit_ps + frac_ps;
	if (total > (unsigned __int128)UINT64_MAX)
		return std::nullopt;
	return Ps(total);
}

std::string kernel_timestamp(Ps ps)
{
	const uint64_t us = ps / kPsPerUs;
	char buf[32];
	std::snprintf(buf, sizeof buf, "%5llu.%06llu", (unsigned long long)(us / 1000000),
		      (unsigned long long)(us % 1000000));
	return buf;
}

std::string ps_to_us_string(Ps ps)
{
	std::string s = std::to_string(ps / kPsPerUs);
	Ps frac = ps % kPsPerUs;
	if (frac) {
		char buf[16];
		std::snprintf(buf, sizeof buf, "%06llu", (unsigned long long)frac);
		std::string f = buf;
		while (!f.empty() && f.back() == '0')
			f.pop_back();
		s += "." + f;
	}
	return s;
}

} // namespace stopsim
