// SPDX-License-Identifier: Apache-2.0
// Exact decimal time parsing and the two time printers used in logs and reports.
#define CATCH_CONFIG_ENABLE_OPTIONAL_STRINGMAKER
#include "sim/scenario/units.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

using namespace stopsim;

TEST_CASE("units.parse_decimal_ps: decimal microseconds are exact", "[units][parse]")
{
	CHECK(parse_decimal_ps("1.000250", kPsPerUs) == Ps(1'000'250));
	CHECK(parse_decimal_ps("1", kPsPerUs) == Ps(1'000'000));
	CHECK(parse_decimal_ps("0", kPsPerUs) == Ps(0));
	CHECK(parse_decimal_ps("0.000001", kPsPerUs) == Ps(1));
	CHECK(parse_decimal_ps("10.5", kPsPerUs) == Ps(10'500'000));
	CHECK(parse_decimal_ps("1000000", kPsPerUs) == Ps(1'000'000) * kPsPerUs);
	// 0.1 has no exact binary form: going through a double would give 99999.99... ps.
	CHECK(parse_decimal_ps("0.1", kPsPerUs) == Ps(100'000));
	CHECK(parse_decimal_ps("0.3", kPsPerUs) == Ps(300'000));
}

TEST_CASE("units.parse_decimal_ps: other units", "[units][parse]")
{
	CHECK(parse_decimal_ps("1.000250", kPsPerMs) == Ps(1'000'250'000));
	CHECK(parse_decimal_ps("2.5", kPsPerNs) == Ps(2'500));
	CHECK(parse_decimal_ps("1.000000000001", kPsPerS) == Ps(1'000'000'000'001));
	CHECK(parse_decimal_ps("7", 1) == Ps(7));
	CHECK(parse_decimal_ps("7.0", 1) == Ps(7));
}

TEST_CASE("units.parse_decimal_ps: accepted spellings", "[units][parse]")
{
	CHECK(parse_decimal_ps("+3", kPsPerUs) == Ps(3'000'000));
	CHECK(parse_decimal_ps(".5", kPsPerUs) == Ps(500'000));
	CHECK(parse_decimal_ps("5.", kPsPerUs) == Ps(5'000'000));
	CHECK(parse_decimal_ps("007", kPsPerUs) == Ps(7'000'000));
	// Zeros below the resolution carry no information and are allowed.
	CHECK(parse_decimal_ps("0.0000010000", kPsPerUs) == Ps(1));
}

TEST_CASE("units.parse_decimal_ps: malformed text is rejected", "[units][parse]")
{
	CHECK_FALSE(parse_decimal_ps("", kPsPerUs).has_value());
	CHECK_FALSE(parse_decimal_ps("1e6", kPsPerUs).has_value());
	CHECK_FALSE(parse_decimal_ps("1E6", kPsPerUs).has_value());
	CHECK_FALSE(parse_decimal_ps("-1", kPsPerUs).has_value());
	CHECK_FALSE(parse_decimal_ps("1.2.3", kPsPerUs).has_value());
	CHECK_FALSE(parse_decimal_ps(".", kPsPerUs).has_value());
	CHECK_FALSE(parse_decimal_ps("+", kPsPerUs).has_value());
	CHECK_FALSE(parse_decimal_ps("++1", kPsPerUs).has_value());
	CHECK_FALSE(parse_decimal_ps(" 1", kPsPerUs).has_value());
	CHECK_FALSE(parse_decimal_ps("1 ", kPsPerUs).has_value());
	CHECK_FALSE(parse_decimal_ps("1us", kPsPerUs).has_value());
	CHECK_FALSE(parse_decimal_ps("0x10", kPsPerUs).has_value());
	CHECK_FALSE(parse_decimal_ps("1,5", kPsPerUs).has_value());
	CHECK_FALSE(parse_decimal_ps("nan", kPsPerUs).has_value());
}

TEST_CASE("units.parse_decimal_ps: a fraction finer than one picosecond is rejected", "[units][parse]")
{
	CHECK_FALSE(parse_decimal_ps("0.0000001", kPsPerUs).has_value());
	CHECK_FALSE(parse_decimal_ps("1.0000005", kPsPerUs).has_value());
	CHECK_FALSE(parse_decimal_ps("0.5", 1).has_value());
	CHECK_FALSE(parse_decimal_ps("2.0001", kPsPerNs).has_value());
	// The same digits one place coarser are fine.
	CHECK(parse_decimal_ps("2.001", kPsPerNs) == Ps(2'001));
}

TEST_CASE("units.parse_decimal_ps: values beyond 64-bit picoseconds are rejected", "[units][parse]")
{
	CHECK(parse_decimal_ps("18446744073709551615", 1) == Ps(UINT64_MAX));
	CHECK_FALSE(parse_decimal_ps("18446744073709551616", 1).has_value());
	CHECK(parse_decimal_ps("18446744073709.551615", kPsPerUs) == Ps(UINT64_MAX));
	CHECK_FALSE(parse_decimal_ps("18446744073709.551616", kPsPerUs).has_value());
	CHECK_FALSE(parse_decimal_ps("18446744073710", kPsPerUs).has_value());
	CHECK_FALSE(parse_decimal_ps("99999999999999999999999999999999999999999", kPsPerUs).has_value());
	CHECK_FALSE(parse_decimal_ps("18446745", kPsPerS).has_value());
	CHECK(parse_decimal_ps("18446744", kPsPerS) == Ps(18'446'744) * kPsPerS);
}

TEST_CASE("units.kernel_timestamp: seconds with six decimals, width 12", "[units][print]")
{
	CHECK(kernel_timestamp(1'000'123 * kPsPerUs) == "    1.000123");
	CHECK(kernel_timestamp(0) == "    0.000000");
	CHECK(kernel_timestamp(12 * kPsPerS + 5 * kPsPerUs) == "   12.000005");
	// Below a microsecond is truncated, never rounded up.
	CHECK(kernel_timestamp(kPsPerUs - 1) == "    0.000000");
	CHECK(kernel_timestamp(1'000'123 * kPsPerUs + 999'999) == "    1.000123");
	CHECK(kernel_timestamp(99'999 * kPsPerS + 999'999 * kPsPerUs) == "99999.999999");
	// Past 99999 s the field grows rather than being cut.
	CHECK(kernel_timestamp(123'456 * kPsPerS) == "123456.000000");
}

TEST_CASE("units.ps_to_us_string: microseconds without trailing zeros", "[units][print]")
{
	CHECK(ps_to_us_string(0) == "0");
	CHECK(ps_to_us_string(kPsPerUs) == "1");
	CHECK(ps_to_us_string(1'000'000 * kPsPerUs + 400'000) == "1000000.4");
	CHECK(ps_to_us_string(1'500'000) == "1.5");
	CHECK(ps_to_us_string(1) == "0.000001");
	CHECK(ps_to_us_string(10) == "0.00001");
	CHECK(ps_to_us_string(2'000'250) == "2.00025");
	CHECK(ps_to_us_string(123'456'789) == "123.456789");
	CHECK(ps_to_us_string(UINT64_MAX) == "18446744073709.551615");
}

TEST_CASE("units: printing and parsing microseconds round-trip", "[units]")
{
	for (Ps ps : {Ps(0), Ps(1), Ps(999'999), Ps(1'000'000), Ps(1'000'250), Ps(123'456'789'012), Ps(UINT64_MAX)})
		CHECK(parse_decimal_ps(ps_to_us_string(ps), kPsPerUs) == ps);
}
