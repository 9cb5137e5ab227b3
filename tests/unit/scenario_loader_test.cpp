// SPDX-License-Identifier: Apache-2.0
// The strict scenario loader: values, defaults, and every error with its line and column.
#include "sim/scenario/scenario.hpp"

#include <catch2/catch.hpp>

using namespace stopsim;

namespace {

const char* kMinimal = R"(name: t
platform: {arch: arm64, cpus: 4}
kernel: {variant: arm64-v6.12}
triggers:
  - {event: panic, cpu: 0, at_us: 100}
)";

std::vector<ScenarioError> errors_of(const std::string& text)
{
	std::vector<ScenarioError> errs;
	auto sc = load_scenario_text(text, "t.yaml", errs);
	CHECK_FALSE(sc.has_value());
	return errs;
}

bool has(const std::vector<ScenarioError>& errs, int line, int col, const std::string& fragment)
{
	for (const auto& e : errs)
		if (e.loc.line == line && e.loc.col == col && e.message.find(fragment) != std::string::npos)
			return true;
	return false;
}

} // namespace

TEST_CASE("scenario: a minimal file loads with the documented defaults", "[scenario]")
{
	std::vector<ScenarioError> errs;
	auto sc = load_scenario_text(kMinimal, "t.yaml", errs);
	REQUIRE(sc);
	CHECK(errs.empty());
	CHECK(sc->cpus == 4);
	CHECK(sc->clock_hz == 2'500'000'000ull);
	CHECK(sc->variant == "arm64-v6.12");
	CHECK_FALSE(sc->pseudo_nmi);
	CHECK(sc->kexec_core);
	CHECK(sc->gic.sgi_delivery_cycles == 150);
	CHECK(sc->gic.signal_cycles == 50);
	CHECK(sc->costs.check_cycles == 4);
	CHECK(sc->triggers.size() == 1);
	CHECK(sc->triggers[0].at == 100 * kPsPerUs);
	CHECK(sc->max_sim == 20 * kPsPerS);
	CHECK_FALSE(sc->expect.any);
}

TEST_CASE("scenario: times are exact decimals in the key's unit", "[scenario]")
{
	std::string text = kMinimal;
	text += "faults:\n  - {kind: delay_ipi, cpu: 2, ipi: IPI_CPU_STOP, delay_us: 1001600.876}\n";
	text += "limits: {max_sim_ms: 2.5, settle_us: 0.001}\n";
	std::vector<ScenarioError> errs;
	auto sc = load_scenario_text(text, "t.yaml", errs);
	REQUIRE(sc);
	CHECK(sc->faults[0].delay == 1001600876000ull);
	CHECK(sc->faults[0].ipi_index == 2);
	CHECK(sc->max_sim == 2'500'000'000ull);
	CHECK(sc->settle == 1000ull);
}

TEST_CASE("scenario: unknown keys are reported where they stand, all of them", "[scenario]")
{
	const std::string text = R"(name: t
colour: blue
platform: {arch: arm64, cpus: 4, turbo: true}
kernel: {variant: arm64-v6.12}
triggers:
  - {event: panic, cpu: 0, at_us: 100, when: now}
)";
	auto errs = errors_of(text);
	CHECK(errs.size() == 3);
	CHECK(has(errs, 2, 1, "unknown key 'colour'"));
	CHECK(has(errs, 3, 34, "unknown key 'turbo'"));
	CHECK(has(errs, 6, 40, "unknown key 'when'"));
	CHECK(errs[0].format().rfind("t.yaml:2:1: ", 0) == 0);
}

TEST_CASE("scenario: wrong types and ranges", "[scenario]")
{
	const std::string text = R"(name: t
platform: {arch: arm64, cpus: four, clock_mhz: 0}
kernel: {variant: arm64-v6.12, pseudo_nmi: yes}
triggers:
  - {event: panic, cpu: 0, at_us: -5}
)";
	auto errs = errors_of(text);
	CHECK(has(errs, 2, 31, "expected a whole number, got 'four'"));
	CHECK(has(errs, 2, 48, "out of range"));
	CHECK(has(errs, 3, 44, "expected true or false"));
	CHECK(has(errs, 5, 35, "expected a non-negative decimal number"));
}

TEST_CASE("scenario: references are checked against the platform and the variant", "[scenario]")
{
	const std::string text = R"(name: t
platform: {arch: arm64, cpus: 4}
kernel: {variant: arm64-v6.12}
cpus:
  - {cpu: 9}
faults:
  - {kind: drop_ipi, cpu: 1, ipi: IPI_CPU_CRASH_STOP}
triggers:
  - {event: panic, cpu: 4, at_us: 1}
expect:
  stopped_by: {1: smoke}
)";
	auto errs = errors_of(text);
	CHECK(has(errs, 5, 11, "CPU 9 does not exist (platform has 4)"));
	CHECK(has(errs, 7, 35, "arm64-v6.12 has no IPI 'IPI_CPU_CRASH_STOP'"));
	CHECK(has(errs, 9, 25, "CPU 4 does not exist"));
	CHECK(has(errs, 11, 19, "'smoke' is not one of"));
}

TEST_CASE("scenario: unknown variants and missing sections", "[scenario]")
{
	auto errs = errors_of("name: t\nplatform: {arch: arm64, cpus: 2}\nkernel: {variant: arm64-v5.0}\n");
	CHECK(has(errs, 3, 19, "unknown variant 'arm64-v5.0'"));
	CHECK(has(errs, 1, 1, "missing required key 'triggers'"));
}

TEST_CASE("scenario: YAML syntax errors carry the parser's position", "[scenario]")
{
	auto errs = errors_of("name: t\nplatform: {arch: arm64, cpus: 2\nkernel: x\n");
	REQUIRE(errs.size() == 1);
	CHECK(errs[0].loc.line >= 2);
}

TEST_CASE("scenario: aliases that multiply nodes end in bounded errors, not a blow-up", "[scenario]")
{
	// Ten levels of ten-fold aliases: 10^10 nodes if expanded.
	std::string text = "name: t\nplatform: {arch: arm64, cpus: 2}\nkernel: {variant: arm64-v6.12}\n";
	text += "expect: {log: &a [x, x, x, x, x, x, x, x, x, x]}\n";
	std::string prev = "a";
	for (char c = 'b'; c <= 'j'; c++) {
		text += std::string("limits: &") + c + " [";
		for (int i = 0; i < 10; i++)
			text += (i ? ", *" : "*") + prev;
		text += "]\n";
		prev = std::string(1, c);
	}
	text += "triggers: *j\n";
	auto errs = errors_of(text);
	CHECK(!errs.empty());
	CHECK(errs.size() <= 101);
}

TEST_CASE("scenario: workloads, triggers and expectations parse into the model", "[scenario]")
{
	const std::string text = R"(name: t
platform: {arch: arm64, cpus: 4}
kernel: {variant: arm64-v6.12, pseudo_nmi: true, timeouts: {stop_us: 2000, nmi_us: 500}}
cpus:
  - cpu: 1
    workload:
      - spin: {mask: pmr, for_us: 10}
      - lock: {name: l, hold_us: 5, gap_us: 1, repeat: 3}
      - idle: {forever: true}
  - {cpu: 3, boot_at_us: 10, online_at_us: 20}
triggers:
  - event: panic
    cpu: 0
    at_us: 100
    after_stop: [{lock: l, hold_us: 1, bust_after_us: 7}]
expect:
  outcome: all_stopped
  stopped_by: {1: pseudo_nmi, 2: null}
  log: ["a", {text: b, cpu: 0, after_us: 1, before_us: 2}]
  rungs: [{name: irq, timed_out: true}, {name: sdei, sent: false}]
  stop_duration_us: {min: 1, max: 2}
  invariants: {crash_regs_saved: true}
)";
	std::vector<ScenarioError> errs;
	auto sc = load_scenario_text(text, "t.yaml", errs);
	for (const auto& e : errs)
		INFO(e.format());
	REQUIRE(sc);
	REQUIRE(sc->cpu_specs.size() == 2);
	const auto& w = sc->cpu_specs[0].workload;
	REQUIRE(w.size() == 3);
	CHECK(w[0].mask == MaskKind::pmr);
	CHECK(w[0].duration == 10 * kPsPerUs);
	CHECK(w[1].kind == WorkStep::Kind::lock);
	CHECK(w[1].mask == MaskKind::irq);
	CHECK(w[1].repeat == 3);
	CHECK(w[2].forever);
	CHECK(*sc->cpu_specs[1].boot_at == 10 * kPsPerUs);
	CHECK(*sc->stop_timeout == 2000 * kPsPerUs);
	CHECK(sc->triggers[0].event == TriggerSpec::Event::panic);
	CHECK(*sc->triggers[0].after_stop[0].bust_after == 7 * kPsPerUs);
	CHECK(sc->expect.stopped_by.at(1) == std::optional<std::string>("pseudo_nmi"));
	CHECK(sc->expect.stopped_by.at(2) == std::nullopt);
	CHECK(sc->expect.log_present.size() == 2);
	CHECK(*sc->expect.log_present[1].cpu == 0);
	CHECK(sc->expect.rungs[1].sent == std::optional<bool>(false));
	CHECK(sc->expect.invariants.at("crash_regs_saved"));
}

TEST_CASE("scenario: an after_stop console step and expect.console", "[scenario]")
{
	const std::string text = R"(name: t
platform: {arch: arm64, cpus: 4}
kernel: {variant: arm64-v6.7}
triggers:
  - event: panic
    cpu: 0
    at_us: 100
    after_stop:
      - {lock: pstore_lock}
      - {lock: port_lock, hold_us: 5, console: cancel}
      - {lock: port_lock, console: write}
expect:
  console: {writes: 2, unlocked_bytes: 9, garbled_writes: 1, holder: null}
)";
	std::vector<ScenarioError> errs;
	auto sc = load_scenario_text(text, "t.yaml", errs);
	for (const auto& e : errs)
		INFO(e.format());
	REQUIRE(sc);
	const auto& a = sc->triggers[0].after_stop;
	REQUIRE(a.size() == 3);
	CHECK(a[0].console == AfterStopAction::Console::none);
	CHECK(a[1].console == AfterStopAction::Console::cancel);
	CHECK(a[2].console == AfterStopAction::Console::write);
	REQUIRE(sc->expect.console);
	CHECK(*sc->expect.console->writes == 2);
	CHECK(*sc->expect.console->unlocked_bytes == 9);
	CHECK(*sc->expect.console->garbled_writes == 1);
	CHECK_FALSE(sc->expect.console->bytes);
	REQUIRE(sc->expect.console->holder);
	CHECK_FALSE(*sc->expect.console->holder);

	std::string two = text;
	two.replace(two.find("{lock: port_lock, console: write}"), 33, "{lock: uart1, console: write}");
	auto e2 = errors_of(two);
	REQUIRE(e2.size() == 1);
	CHECK(e2[0].format().find("every console step takes the same lock") != std::string::npos);
}

// ---- Hostile inputs: every one ends as "loaded" or as bounded FILE:LINE:COL messages ----

TEST_CASE("scenario: text that is not UTF-8 is refused where it stands", "[scenario]")
{
	std::string text = kMinimal;
	text.replace(text.find("name: t"), 7, "name: \"t\xff\"");
	auto errs = errors_of(text);
	REQUIRE(errs.size() == 1);
	CHECK(has(errs, 1, 7, "name: not valid UTF-8 (byte 0xff at offset 1 of the value)"));
	// Valid UTF-8 (here U+00E9 and U+1F600) is text like any other.
	std::vector<ScenarioError> ok;
	text = kMinimal;
	text += "description: \"caf\xc3\xa9 \xf0\x9f\x98\x80\"\n";
	auto sc = load_scenario_text(text, "t.yaml", ok);
	REQUIRE(sc);
	CHECK(sc->description == "caf\xc3\xa9 \xf0\x9f\x98\x80");
	// Overlong forms, surrogates and truncated sequences are not UTF-8.
	CHECK(first_invalid_utf8("\xc0\xaf") == size_t(0));
	CHECK(first_invalid_utf8("a\xed\xa0\x80") == size_t(1));
	CHECK(first_invalid_utf8("ab\xe2\x82") == size_t(2));
	CHECK(first_invalid_utf8("\xf4\x90\x80\x80") == size_t(0));
	CHECK_FALSE(first_invalid_utf8("\xe2\x82\xac\xf4\x8f\xbf\xbf"));
}

TEST_CASE("scenario: a file name with control characters keeps the FILE:LINE:COL form", "[scenario]")
{
	std::vector<ScenarioError> errs;
	CHECK_FALSE(load_scenario_text("name: [x]\n", "a\nb\x1b[31m\xc2\x9b\xff.yaml", errs));
	REQUIRE(!errs.empty());
	for (const auto& e : errs) {
		const std::string line = e.format();
		CHECK(line.rfind("a\\x0ab\\x1b[31m\\xc2\\x9b\\xff.yaml:", 0) == 0);
		CHECK(line.find('\n') == std::string::npos);
	}
	// Printable UTF-8 stays as it is.
	CHECK(message_file_name("sc\xc3\xa9nario.yaml") == "sc\xc3\xa9nario.yaml");
}

TEST_CASE("scenario: a directory is a read error, not an empty scenario", "[scenario]")
{
	std::vector<ScenarioError> errs;
	CHECK_FALSE(load_scenario(".", errs));
	REQUIRE(errs.size() == 1);
	CHECK(errs[0].message == "cannot read: is a directory");
	CHECK(errs[0].format() == ".:0:0: cannot read: is a directory");
	errs.clear();
	CHECK_FALSE(load_scenario("/nonexistent/x.yaml", errs));
	REQUIRE(errs.size() == 1);
	CHECK(errs[0].message == "cannot open file: No such file or directory");
}

TEST_CASE("scenario: deep nesting is refused at the first list past the limit", "[scenario]")
{
	std::string text = kMinimal;
	text += "description: " + std::string(1000, '[') + std::string(1000, ']') + "\n";
	auto errs = errors_of(text);
	REQUIRE(errs.size() == 1);
	// The top-level mapping is level 1; the 64th '[' (column 14 + 63) is level 65.
	CHECK(errs[0].loc.line == 6);
	CHECK(errs[0].loc.col == 14 + 63);
	CHECK(errs[0].message == "nesting too deep (limit 64 mappings and lists inside each other)");
	// 63 lists under the top level are fine for the parser (and a type error for the loader).
	text = kMinimal;
	text += "description: " + std::string(63, '[') + std::string(63, ']') + "\n";
	errs = errors_of(text);
	REQUIRE(errs.size() == 1);
	CHECK(errs[0].message == "description: expected a string");
}

TEST_CASE("scenario: error output is bounded in count and bytes", "[scenario]")
{
	// 300 unknown keys of 1000 bytes each (shown as \xNN: 4 bytes a byte; YAML keys stop at 1024).
	std::string text = kMinimal;
	for (int i = 0; i < 300; i++)
		text += "k" + std::to_string(i) + std::string(1000, '\xe9') + ": 1\n";
	auto errs = errors_of(text);
	size_t bytes = 0;
	for (const auto& e : errs)
		bytes += e.format().size() + 1;
	CHECK(bytes <= kMaxScenarioErrorBytes + 256);
	REQUIRE(errs.size() >= 2);
	CHECK(errs.size() <= kMaxScenarioErrors + 1);
	const std::string last = errs.back().message;
	CHECK(last.rfind("... ", 0) == 0);
	CHECK(last.find(" more errors (only the first " + std::to_string(errs.size() - 1) + " are shown)") != std::string::npos);
	CHECK(last == "... " + std::to_string(300 - (errs.size() - 1)) + " more errors (only the first " +
			      std::to_string(errs.size() - 1) + " are shown)");
	for (size_t i = 0; i + 1 < errs.size(); i++)
		CHECK(errs[i].message.size() <= kMaxScenarioMessageBytes + 32);
}

TEST_CASE("scenario: wide mappings reached through aliases count every entry", "[scenario]")
{
	// One 20 000-key mapping used 5000 times: 10^8 entries, which the loader must not walk.
	std::string text = "w: &w {";
	for (int i = 0; i < 20000; i++)
		text += (i ? ", k" : "k") + std::to_string(i) + ": 1";
	text += "}\nname: t\nplatform: {arch: arm64, cpus: 2}\nkernel: {variant: arm64-v6.12}\n";
	text += "triggers: [{event: panic, cpu: 0, at_us: 1}]\nexpect: {stopped_by: *w, final: *w}\ncpus: [";
	for (int i = 0; i < 5000; i++)
		text += (i ? ", *w" : "*w");
	text += "]\n";
	auto errs = errors_of(text);
	bool too_big = false;
	for (const auto& e : errs)
		too_big = too_big || e.message.find("scenario too large (more than 200000 nodes") != std::string::npos;
	CHECK(too_big);
	// 100 messages, the node limit's (always shown) and the closing count.
	CHECK(errs.size() <= kMaxScenarioErrors + 2);
}

TEST_CASE("scenario: per-CPU expectations over 4096 CPUs load entry by entry", "[scenario]")
{
	std::string text = "name: t\nplatform: {arch: arm64, cpus: 4096}\nkernel: {variant: arm64-v6.12}\n";
	text += "triggers: [{event: panic, cpu: 0, at_us: 1}]\nexpect:\n";
	const std::pair<const char*, const char*> maps[] = {{"stopped_by", "irq"}, {"final", "parked"},
							    {"crash_regs", "false"}, {"crash_regs_from", "irq"},
							    {"stop_entries", "1"}};
	for (const auto& [key, value] : maps) {
		text += std::string("  ") + key + ": {";
		for (unsigned c = 1; c < 4096; c++)
			text += (c > 1 ? ", " : "") + std::to_string(c) + ": " + value;
		text += "}\n";
	}
	std::vector<ScenarioError> errs;
	auto sc = load_scenario_text(text, "t.yaml", errs);
	REQUIRE(sc);
	CHECK(sc->expect.stopped_by.size() == 4095);
	CHECK(sc->expect.final_state.size() == 4095);
	CHECK(sc->expect.stop_entries.at(4095) == 1);
	// Duplicates and non-CPU keys are still found, at their place.
	errs = errors_of("name: t\nplatform: {arch: arm64, cpus: 4}\nkernel: {variant: arm64-v6.12}\n"
			 "triggers: [{event: panic, cpu: 0, at_us: 1}]\nexpect: {final: {1: off, 1: off, x: off}}\n");
	CHECK(has(errs, 5, 26, "expect.final: duplicate key '1'"));
	CHECK(has(errs, 5, 34, "expect.final key: expected a whole number, got 'x'"));
}
