// SPDX-License-Identifier: Apache-2.0
// --set overrides and sweep specs (exact decimal ranges, kinds, paths), shell quoting, SHA-256.
#include "sim/scenario/overrides.hpp"
#include "stopsim/sha256.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>

#include <unistd.h>

using namespace stopsim;

namespace {

const char* kFile = R"(name: t
seed: 3
platform: {arch: arm64, cpus: 4, clock_mhz: 2500}
kernel: {variant: arm64-v6.12, pseudo_nmi: true, timeouts: {stop_us: 1000000}}
cpus:
  - cpu: 2
    workload:
      - spin: {mask: daif, for_us: 250.5}
faults:
  - {kind: delay_ipi, cpu: 2, ipi: IPI_CPU_STOP, delay_cycles: 100}
triggers:
  - {event: panic, cpu: 0, at_us: 100}
expect:
  stop_duration_us: {min: 10, max: 2000000}
  stopped_by: {2: irq}
limits: {max_sim_ms: 3000}
)";

struct TempFile {
	std::string path;
	explicit TempFile(const std::string& text)
	{
		char name[] = "/tmp/stopsim-ovr-XXXXXX";
		const int fd = mkstemp(name);
		REQUIRE(fd >= 0);
		close(fd);
		path = name;
		std::ofstream(path) << text;
	}
	~TempFile() { std::remove(path.c_str()); }
};

ScenarioTree tree_of(const TempFile& f)
{
	std::vector<ScenarioError> errs;
	auto t = ScenarioTree::read(f.path, errs);
	REQUIRE(t);
	return *t;
}

} // namespace

TEST_CASE("sha256: known answers", "[sweep]")
{
	CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
	      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	Sha256 h; // a million 'a', fed in uneven pieces
	const std::string piece(997, 'a');
	size_t left = 1000000;
	while (left > 0) {
		const size_t n = std::min(left, piece.size());
		h.update(std::string_view(piece.data(), n));
		left -= n;
	}
	CHECK(h.hex() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("overrides: kinds come from the key's suffix, else from the file's value", "[sweep]")
{
	TempFile f(kFile);
	const ScenarioTree t = tree_of(f);
	CHECK(t.type_of("cpus.0.workload.0.spin.for_us").kind == ParamType::Kind::time);
	CHECK(t.type_of("cpus[0].workload[0].spin.for_us").unit_ps == kPsPerUs);
	CHECK(t.type_of("limits.max_sim_ms").unit_ps == kPsPerMs);
	CHECK(t.type_of("expect.stop_duration_us.min").kind == ParamType::Kind::time);
	CHECK(t.type_of("faults.0.delay_cycles").kind == ParamType::Kind::integer);
	CHECK(t.type_of("faults.0.delay_cycles").cycles);
	CHECK(t.type_of("platform.cpus").kind == ParamType::Kind::integer);
	CHECK(t.type_of("kernel.pseudo_nmi").kind == ParamType::Kind::boolean);
	CHECK(t.type_of("kernel.variant").kind == ParamType::Kind::text);
	CHECK(t.type_of("expect.stopped_by.2").kind == ParamType::Kind::text);
}

TEST_CASE("overrides: a schema key the file leaves to its default takes the row's type and is added", "[sweep]")
{
	TempFile f(kFile);
	const ScenarioTree t = tree_of(f);
	CHECK(t.type_of("kernel.timeouts.nmi_us").kind == ParamType::Kind::time);
	CHECK(t.type_of("kernel.costs.printk_cycles").cycles);
	CHECK(t.type_of("limits.settle_us").unit_ps == kPsPerUs);
	CHECK(t.type_of("platform.gic.security").kind == ParamType::Kind::boolean);
	std::vector<ScenarioError> errs;
	auto sc = t.load({t.parse("kernel.timeouts.nmi_us=250"), t.parse("kernel.costs.printk_cycles=7")}, errs);
	REQUIRE(sc);
	CHECK(sc->nmi_timeout == Ps(250) * kPsPerUs);
	CHECK(sc->costs.printk_cycles == 7);
	errs.clear();
	CHECK_FALSE(t.load({t.parse("kernel.timeouts.nmi_us=0.5")}, errs));
	REQUIRE(errs.size() == 1);
	CHECK(errs[0].message.find("--set kernel.timeouts.nmi_us=0.5: kernel.timeouts.nmi_us: a kernel timeout") == 0);
}

TEST_CASE("overrides: a path the file does not give, or a whole mapping, is refused", "[sweep]")
{
	TempFile f(kFile);
	const ScenarioTree t = tree_of(f);
	CHECK_THROWS_WITH(t.type_of("kernel.timeouts.nmi_ms"),
			  Catch::Contains("no key 'nmi_ms' at 'kernel.timeouts'") && Catch::Contains("stop_us, nmi_us, crash_us, sdei_us"));
	CHECK_THROWS_WITH(t.type_of("platform.el3.smc_cycles"), Catch::Contains("no 'platform.el3' section"));
	CHECK_THROWS_WITH(t.type_of("cpus.0.workload.0.spin.mask_x"), Catch::Contains("no key 'mask_x'"));
	CHECK_THROWS_WITH(t.type_of("faults.3.delay_cycles"), Catch::Contains("has 1 element(s), no index 3"));
	CHECK_THROWS_WITH(t.type_of("faults.x"), Catch::Contains("is a list"));
	CHECK_THROWS_WITH(t.type_of("kernel"), Catch::Contains("--set replaces one value"));
	CHECK_THROWS_WITH(t.type_of("seed.x"), Catch::Contains("is a single value"));
	CHECK_THROWS_WITH(t.parse("kernel.pseudo_nmi=maybe"), Catch::Contains("expected true or false"));
	CHECK_THROWS_WITH(t.parse("platform.cpus=-1"), Catch::Contains("whole number"));
	CHECK_THROWS_WITH(t.parse("no-equals-sign"), Catch::Contains("PATH=VALUE"));
}

TEST_CASE("overrides: time ranges are exact decimals, with units", "[sweep]")
{
	ParamType us;
	us.kind = ParamType::Kind::time;
	us.unit_ps = kPsPerUs;
	us.unit = "us";
	// 0.1 + 0.1 + 0.1 is not 0.3 in floating point; in integer ps it is.
	CHECK(expand_spec(us, "0.1:0.3:0.1") == std::vector<std::string>{"0.1", "0.2", "0.3"});
	CHECK(expand_spec(us, "1ms:2ms:250us") == std::vector<std::string>{"1000", "1250", "1500", "1750", "2000"});
	CHECK(expand_spec(us, "1001601.8056,250ns,1s") == std::vector<std::string>{"1001601.8056", "0.25", "1000000"});
	CHECK(expand_spec(us, "0:1:0.3") == std::vector<std::string>{"0", "0.3", "0.6", "0.9"});
	CHECK(normalise_value(us, "0.000001") == "0.000001");
	CHECK_THROWS_WITH(normalise_value(us, "0.0000001"), Catch::Contains("decimal"));
	CHECK_THROWS_WITH(expand_spec(us, "5:1:1"), Catch::Contains("below"));
	CHECK_THROWS_WITH(expand_spec(us, "1:5:0"), Catch::Contains("positive"));
	CHECK_THROWS_WITH(expand_spec(us, "1:5"), Catch::Contains("from:to:step"));
	ParamType ms = us;
	ms.unit_ps = kPsPerMs;
	ms.unit = "ms";
	CHECK(expand_spec(ms, "1.5,750us") == std::vector<std::string>{"1.5", "0.75"});
	ParamType cyc;
	cyc.kind = ParamType::Kind::integer;
	CHECK(expand_spec(cyc, "10:20:5") == std::vector<std::string>{"10", "15", "20"});
	CHECK(expand_spec(cyc, "007,8") == std::vector<std::string>{"7", "8"});
	CHECK_THROWS(expand_spec(cyc, "1.5"));
	CHECK_THROWS_WITH(expand_spec(cyc, "0:100000000:1", 1000), Catch::Contains("at most 1000"));
	ParamType b;
	b.kind = ParamType::Kind::boolean;
	CHECK(expand_spec(b, "true,false") == std::vector<std::string>{"true", "false"});
	ParamType s;
	s.kind = ParamType::Kind::text;
	CHECK(expand_spec(s, "arm64-v6.6,arm64-v6.12") == std::vector<std::string>{"arm64-v6.6", "arm64-v6.12"});
}

TEST_CASE("overrides: the overridden tree goes through the strict loader", "[sweep]")
{
	TempFile f(kFile);
	const ScenarioTree t = tree_of(f);
	std::vector<ScenarioError> errs;
	auto sc = t.load({t.parse("faults.0.delay_cycles=2500"), t.parse("cpus.0.workload.0.spin.for_us=1ms"),
			  t.parse("kernel.variant=arm64-v6.6"), t.parse("kernel.pseudo_nmi=false")},
			 errs);
	REQUIRE(sc);
	CHECK(sc->faults[0].delay == 2500 * 400);
	CHECK(sc->cpu_specs[0].workload[0].duration == kPsPerMs);
	CHECK(sc->variant == "arm64-v6.6");
	CHECK_FALSE(sc->pseudo_nmi);
	CHECK(sc->seed == 3);
	// The tree itself is untouched: the next load starts from the file again.
	errs.clear();
	auto again = t.load({}, errs);
	REQUIRE(again);
	CHECK(again->variant == "arm64-v6.12");

	errs.clear();
	CHECK_FALSE(t.load({t.parse("kernel.variant=arm64-v9.9")}, errs));
	REQUIRE(errs.size() == 1);
	CHECK(errs[0].loc.line == 4);
	CHECK(errs[0].message.find("--set kernel.variant=arm64-v9.9: kernel.variant: unknown variant") == 0);
}

TEST_CASE("shell quoting round-trips", "[sweep]")
{
	for (const std::string w : {"plain", "a b", "it's", "", "--set=x,y", "$HOME", "a\"b"}) {
		const auto words = shell_split("stopsim " + shell_quote(w) + " end");
		REQUIRE(words.size() == 3);
		CHECK(words[1] == w);
	}
	CHECK(shell_quote("scenarios/arm64/x.yaml") == "scenarios/arm64/x.yaml");
	CHECK(shell_quote("message=Oops: late") == "'message=Oops: late'");
	CHECK_THROWS(shell_split("stopsim 'open"));
}

TEST_CASE("overrides: a range over the whole 64-bit span is refused, not empty", "[sweep]")
{
	// (to - from) / step + 1 wrapped to 0 here and the sweep silently had no values.
	ParamType cyc;
	cyc.kind = ParamType::Kind::integer;
	CHECK_THROWS_WITH(expand_spec(cyc, "0:18446744073709551615:1", 1000),
			  Catch::Contains("has 18446744073709551616 values (at most 1000)"));
	CHECK(expand_spec(cyc, "18446744073709551614:18446744073709551615:1") ==
	      std::vector<std::string>{"18446744073709551614", "18446744073709551615"});
	ParamType ps;
	ps.kind = ParamType::Kind::time;
	ps.unit_ps = kPsPerUs;
	ps.unit = "us";
	CHECK_THROWS_WITH(expand_spec(ps, "0ps:18446744073709551615ps:1ps", 10), Catch::Contains("at most 10"));
}

TEST_CASE("overrides: a scenario tree reads the loader's read errors", "[sweep]")
{
	std::vector<ScenarioError> errs;
	CHECK_FALSE(ScenarioTree::read("/", errs));
	REQUIRE(errs.size() == 1);
	CHECK(errs[0].format() == "/:0:0: cannot read: is a directory");
	errs.clear();
	CHECK_FALSE(ScenarioTree::from_text("name: [" + std::string(100, '[') + std::string(101, ']'), "t.yaml", errs));
	REQUIRE(errs.size() == 1);
	CHECK(errs[0].message.find("nesting too deep") == 0);
	errs.clear();
	auto t = ScenarioTree::from_text(kFile, "t.yaml", errs);
	REQUIRE(t);
	CHECK(errs.empty());
}
