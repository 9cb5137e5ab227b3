// SPDX-License-Identifier: Apache-2.0
#include "sim/run/diag.hpp"
#include "models/common/event_queue.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <memory>

namespace stopsim {

namespace {

const char* level_word(diag::Level l)
{
	switch (l) {
	case diag::Level::trace:
		return "trace";
	case diag::Level::debug:
		return "debug";
	case diag::Level::info:
		return "info";
	case diag::Level::warn:
		return "warn";
	case diag::Level::off:
		break;
	}
	return "off";
}

spdlog::level::level_enum spd_level(diag::Level l)
{
	switch (l) {
	case diag::Level::trace:
		return spdlog::level::trace;
	case diag::Level::debug:
		return spdlog::level::debug;
	case diag::Level::info:
		return spdlog::level::info;
	case diag::Level::warn:
		return spdlog::level::warn;
	case diag::Level::off:
		break;
	}
	return spdlog::level::off;
}

std::shared_ptr<spdlog::logger>& logger()
{
	static std::shared_ptr<spdlog::logger> l;
	return l;
}

void spdlog_sink(diag::Level level, int cpu, const char* component, const std::string& text)
{
	auto& l = logger();
	if (!l)
		return;
	/* The simulated time, never the host's: the line is a pure function of the run. */
	l->log(spd_level(level), "{}", format_diag_line(uint64_t(now_ps()), level, cpu, component, text));
}

} // namespace

std::optional<diag::Level> parse_log_level(const std::string& word)
{
	for (diag::Level l : {diag::Level::trace, diag::Level::debug, diag::Level::info, diag::Level::warn})
		if (word == level_word(l))
			return l;
	return std::nullopt;
}

const char* log_level_words() { return "trace, debug, info, warn"; }

std::string format_diag_line(uint64_t ps, diag::Level level, int cpu, const char* component, const std::string& text)
{
	char head[96];
	const uint64_t ns = ps / 1000;
	std::snprintf(head, sizeof head, "[%5llu.%09llu s] [cpu %s] [%s] ", (unsigned long long)(ns / 1000000000ull),
		      (unsigned long long)(ns % 1000000000ull), cpu < 0 ? "-" : std::to_string(cpu).c_str(), level_word(level));
	std::string line = head;
	if (component && *component)
		line += std::string(component) + ": ";
	line += text;
	return line;
}

void start_diagnostics(diag::Level level)
{
	auto& l = logger();
	if (!l) {
		/* Single-threaded stderr sink; the pattern is the message alone (no host clock). */
		auto sink = std::make_shared<spdlog::sinks::stderr_sink_st>();
		l = std::make_shared<spdlog::logger>("stopsim", sink);
		l->set_pattern("%v");
	}
	l->set_level(spd_level(level));
	l->flush_on(spdlog::level::trace);
	diag::set_sink(&spdlog_sink, level);
}

} // namespace stopsim
