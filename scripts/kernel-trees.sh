#!/usr/bin/env bash
# Makes the Linux trees the source-mode tests compile from available, from Debian 12's own
# linux-source-6.1 and linux-source-6.12 packages. Unpacks only the files the manifests name
# (source-mode/manifests/*.manifest, `file` lines) plus the top Makefile, into
#   ${STOPSIM_TREES_DIR:-/var/cache/stopsim/trees}/linux-<series>
# Idempotent: a tree that holds every file already is left alone; prints the tree dirs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${STOPSIM_TREES_DIR:-/var/cache/stopsim/trees}"
# Not root and no say: a per-user cache instead.
if [ -z "${STOPSIM_TREES_DIR:-}" ] && ! { mkdir -p "$dest" 2>/dev/null && [ -w "$dest" ]; }; then
  dest="${XDG_CACHE_HOME:-$HOME/.cache}/stopsim/trees"
fi
series=(6.1 6.12)

# The files to unpack: every `file PATH` named by a shipped manifest, plus Makefile.
mapfile -t files < <( { echo Makefile; sed -n 's/^file[[:space:]]\+\([^[:space:]#]\+\).*/\1/p' \
  "$here"/source-mode/manifests/*.manifest; } | sort -u)

# One unpacker at a time (tests running in parallel may all call this); readers need no lock,
# since a tree only ever gains files, except when its package itself changed.
mkdir -p "$dest"
exec 9>"$dest/.lock"
flock 9

for s in "${series[@]}"; do
  tarball="/usr/src/linux-source-$s.tar.xz"
  if [ ! -f "$tarball" ]; then
    echo "kernel-trees: installing linux-source-$s" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends "linux-source-$s" >/dev/null 2>&1 ||
      { apt-get update -qq && apt-get install -y -qq --no-install-recommends "linux-source-$s"; }
  fi
  out="$dest/linux-$s"
  pkg="$(stat -c %s-%Y "$tarball")"
  # A tree unpacked from another version of the package starts again from nothing.
  if [ -d "$out" ] && [ "$(cat "$out/.stopsim-package" 2>/dev/null)" != "$pkg" ]; then
    rm -rf "$out.old"; mv "$out" "$out.old"; rm -rf "$out.old"
  fi
  # What this checkout's manifests need that the tree does not hold yet (checkouts with other
  # manifests share the cache: files are added, never taken away).
  missing=()
  for f in "${files[@]}"; do
    grep -qxF -- "$f" "$out/.stopsim-files" 2>/dev/null || missing+=("$f")
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    echo "$out"; continue
  fi
  echo "kernel-trees: unpacking ${#missing[@]} file(s) of linux-source-$s" >&2
  tmp="$(mktemp -d "$dest/.tmp.XXXXXX")"
  members=()
  for f in "${missing[@]}"; do members+=("linux-source-$s/$f"); done
  # Files a manifest names that this tree lacks are fine (the manifest marks them optional).
  tar -xJf "$tarball" -C "$tmp" --wildcards --no-anchored "${members[@]}" 2>/dev/null || true
  [ -f "$out/Makefile" ] || [ -f "$tmp/linux-source-$s/Makefile" ] ||
    { rm -rf "$tmp"; echo "kernel-trees: $tarball: no top Makefile" >&2; exit 1; }
  mkdir -p "$out"
  (cd "$tmp/linux-source-$s" && find . -type f -print0 | while IFS= read -r -d '' f; do
     mkdir -p "$out/$(dirname "$f")"; mv -f "$f" "$out/$f"; done)
  rm -rf "$tmp"
  printf '%s\n' "$pkg" > "$out/.stopsim-package"
  printf '%s\n' "${missing[@]}" >> "$out/.stopsim-files"
  echo "$out"
done
