// SPDX-License-Identifier: Apache-2.0
// Source mode: the stop code compiled from a Linux tree at run time. This header is the whole
// interface the engine and the CLI see: read a manifest, extract the functions it names from the
// tree, compile them against our kernel headers (cached), and load the result. No SystemC here.
#pragma once
#include "stopsim/exit_codes.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace kl {
class StopVariant;
struct KernelConfig;
} // namespace kl

namespace srcmode {

/// A tree or manifest the shim cannot serve: printed as "stopsim: MESSAGE", exit 2.
struct SourceError : stopsim::UsageError {
	using stopsim::UsageError::UsageError;
};

/// One `function` line of a manifest.
struct ManifestFn {
	std::string name;
	std::string file;  ///< tree-relative path of the file it comes from
	std::string role;  ///< the entry point the runtime calls it as ("" = compiled only as a helper)
	bool optional = false;
	int line = 0;      ///< in the manifest
};

/// Which functions come from which file of a tree, for one architecture (source-mode/manifests/).
struct Manifest {
	std::string path;
	std::string arch;
	std::vector<std::string> files;
	std::vector<ManifestFn> functions;
	std::string ipi_enum;                 ///< the tree's IPI enum (its names name IPIs in faults)
	std::vector<std::string> stop_ipis;   ///< IPIs that start a stop rung (any that the tree has)
	/// CONFIG_X -> "y", "n", or a kernel-config key of the scenario (kexec_core, ...).
	std::vector<std::pair<std::string, std::string>> configs;
};

/// Parse a manifest file (errors: SourceError naming FILE:LINE).
Manifest read_manifest(const std::string& path);
/// The shipped manifest for an architecture (STOPSIM_SOURCE_DIR/source-mode/manifests/ARCH.manifest).
std::string default_manifest(const std::string& arch);

/// A function taken from the tree.
struct CompiledFn {
	std::string name, file;
	int line = 0;
	bool from_manifest = false; ///< false: a helper the closure pulled in (or a variable, type, macro)
	std::string kind;           ///< function | variable | type | macro | prototype
};

/// The translation unit made from a tree, before compiling.
struct Extract {
	std::string tree;        ///< DIR as given
	std::string version;     ///< VERSION.PATCHLEVEL.SUBLEVEL from DIR/Makefile
	std::string arch;
	std::string tu;          ///< generated C source (#line directives name tree-relative paths)
	std::string code_hash;   ///< SHA-256 of tu + our headers + compiler identity + flags
	std::vector<CompiledFn> items;
	std::vector<std::string> ipi_names;  ///< enum order; index = value (gaps are "")
	std::vector<std::string> roles;      ///< roles present in this tree
	std::vector<std::string> configs;    ///< "CONFIG_X=y|n" as compiled
	std::vector<std::string> missing_optional; ///< optional manifest functions the tree lacks
};

/// Read the tree and build the TU for `cfg`. Throws SourceError.
Extract extract(const std::string& tree, const Manifest& m, const kl::KernelConfig& cfg);

/// The shared object for an extract: from the cache, or compiled now (atomically published).
struct Built {
	std::string so_path;
	bool cache_hit = false;
	double compile_ms = 0; ///< host time of the compile (0 on a hit); for benchmarks only
};
Built build(const Extract& x);
/// The cache directory: $STOPSIM_CACHE_DIR, else $XDG_CACHE_HOME/stopsim, else ~/.cache/stopsim.
std::string cache_dir();

/// What the engine records about a source-mode run (console header, JSON report).
struct SourceInfo {
	std::string tree, version, code_hash, manifest;
};

/// The variant a scenario with a kernel source runs: extract, build, dlopen. Throws SourceError.
std::unique_ptr<kl::StopVariant> make_source_variant(const std::string& arch, const std::string& tree,
						      const std::string& manifest, const kl::KernelConfig& cfg,
						      SourceInfo* info);
/// For the loader: the tree's IPI names only (no compile), to check faults against.
std::vector<std::string> tree_ipi_names(const std::string& arch, const std::string& tree, const std::string& manifest);

} // namespace srcmode

namespace srcmode {
/// `stopsim list --kernel-source DIR`: the tree's version, what would be compiled from which file
/// and line, the configs, the IPI names, the code hash and whether the cache has it.
std::string describe_tree(const std::string& arch, const std::string& tree, const std::string& manifest);
} // namespace srcmode
