// SPDX-License-Identifier: Apache-2.0
// The front door of source mode: manifest + tree + kernel config -> a loaded variant.
#include "srcmode/source.hpp"
#include "source-mode/src/arm64/variant.hpp"
#if STOPSIM_SOURCE_HAVE_RISCV
#include "source-mode/src/riscv/variant.hpp"
#endif
#if STOPSIM_SOURCE_HAVE_X86
#include "source-mode/src/x86/variant.hpp"
#endif
#include "source-mode/src/internal.hpp"

#include "kl/shim.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sys/stat.h>
#include <unistd.h>

namespace srcmode {

namespace {

Manifest manifest_for(const std::string& arch, const std::string& manifest)
{
	Manifest m = read_manifest(manifest.empty() ? default_manifest(arch) : manifest);
	if (m.arch != arch)
		throw SourceError(m.path + ": a manifest for " + m.arch + ", but the platform is " + arch);
	return m;
}

void check_tree(const std::string& tree)
{
	struct stat st {};
	if (::stat(tree.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
		throw SourceError(tree + ": no such directory (--kernel-source / kernel.source names a Linux tree)");
}

} // namespace

std::unique_ptr<kl::StopVariant> make_source_variant(const std::string& arch, const std::string& tree,
						      const std::string& manifest, const kl::KernelConfig& cfg,
						      SourceInfo* info)
{
	check_tree(tree);
	if (arch != "arm64" && arch != "x86" && arch != "riscv")
		throw SourceError("source mode supports arm64, x86 and riscv; the platform is " + arch);
	const auto t0 = std::chrono::steady_clock::now();
	const Manifest m = manifest_for(arch, manifest);
	const Extract x = extract(tree, m, cfg);
	const auto t1 = std::chrono::steady_clock::now();
	const Built b = build(x);
	const auto t2 = std::chrono::steady_clock::now();
	if (info) {
		info->tree = tree;
		info->version = x.version;
		info->code_hash = x.code_hash;
		info->manifest = m.path;
	}
#if STOPSIM_SOURCE_HAVE_X86
	if (arch == "x86")
		return std::make_unique<SourceX86Variant>(x, m, b.so_path);
#endif
#if STOPSIM_SOURCE_HAVE_RISCV
	if (arch == "riscv")
		return std::make_unique<SourceRiscvVariant>(x, m, b.so_path);
#endif
	if (arch != "arm64")
		throw SourceError("this stopsim build has no source mode for " + arch);
	auto v = std::make_unique<SourceArm64Variant>(x, m, b.so_path);
	/* host timings for bench/source_mode.py only (stderr; never part of a result) */
	if (const char* e = std::getenv("STOPSIM_SOURCE_TIMING"); e && *e) {
		using ms = std::chrono::duration<double, std::milli>;
		const auto t3 = std::chrono::steady_clock::now();
		std::fprintf(stderr, "source-mode timing: extract %.3f ms, %s %.3f ms, load %.3f ms\n", ms(t1 - t0).count(),
			     b.cache_hit ? "cache hit" : "compile", ms(t2 - t1).count(), ms(t3 - t2).count());
	}
	return v;
}

std::vector<std::string> tree_ipi_names(const std::string& arch, const std::string& tree, const std::string& manifest)
{
	check_tree(tree);
	const Manifest m = manifest_for(arch, manifest);
	kl::KernelConfig cfg;
	const Extract x = extract(tree, m, cfg);
	/* enum order without the counts; values are exact only after the build, but an IPI name is
	 * checked here by name, and the loader maps it to its number through the built variant */
	std::vector<std::string> r;
	for (const auto& n : x.ipi_names)
		if (n.rfind("NR_", 0) != 0 && n.rfind("MAX_", 0) != 0)
			r.push_back(n);
	return r;
}

} // namespace srcmode

namespace srcmode {

std::string describe_tree(const std::string& arch, const std::string& tree, const std::string& manifest)
{
	check_tree(tree);
	const Manifest m = manifest_for(arch, manifest);
	kl::KernelConfig cfg;
	const Extract x = extract(tree, m, cfg);
	std::string o;
	o += "kernel source: " + tree + "\n";
	o += "  Linux " + x.version + ", " + arch + ", manifest " + m.path + "\n";
	o += "  code sha256 " + x.code_hash + " (default config)";
	o += std::string(::access((cache_dir() + "/" + x.code_hash + ".so").c_str(), R_OK) == 0 ? ", cached" : ", not yet compiled") + "\n";
	o += "  configs:";
	for (const auto& c : x.configs)
		o += " " + c;
	o += "\n  entry points:";
	for (const auto& r : x.roles)
		o += " " + r;
	o += "\n";
	if (!x.missing_optional.empty()) {
		o += "  not in this tree (optional):";
		for (const auto& f : x.missing_optional)
			o += " " + f;
		o += "\n";
	}
	o += "  IPIs:";
	for (const auto& n : x.ipi_names)
		o += " " + n;
	o += "\n  compiled from the tree:\n";
	for (const auto& it : x.items)
		o += "    " + it.file + ":" + std::to_string(it.line) + "  " + it.kind + " " + it.name +
		     (it.from_manifest ? "  (manifest)" : "") + "\n";
	o += "  everything else they call comes from the stopsim kernel shim (source-mode/kheaders)\n";
	return o;
}

} // namespace srcmode
