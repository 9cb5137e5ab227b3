#!/usr/bin/env bash
# Makes the Linux trees the source-mode tests compile from available, from Debian 12's own
# linux-source-6.1 and linux-source-6.12 packages. Unpacks only the files the manifests name
# (source-mode/manifests/*.manifest, `file` lines) plus the top Makefile, into
#   ${STOPSIM_TREES_DIR:-/var/cache/stopsim/trees}/linux-<series>
# Idempotent: a tree whose stamp matches the file list is left alone; prints the tree dirs.
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

for s in "${series[@]}"; do
  tarball="/usr/src/linux-source-$s.tar.xz"
  if [ ! -f "$tarball" ]; then
    echo "kernel-trees: installing linux-source-$s" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends "linux-source-$s" >/dev/null 2>&1 ||
      { apt-get update -qq && apt-get install -y -qq --no-install-recommends "linux-source-$s"; }
  fi
  out="$dest/linux-$s"
  stamp="$(printf '%s\n' "$(stat -c %s-%Y "$tarball")" "${files[@]}" | sha256sum | cut -c1-16)"
  if [ -f "$out/.stopsim-stamp" ] && [ "$(cat "$out/.stopsim-stamp")" = "$stamp" ]; then
    echo "$out"; continue
  fi
  tmp="$(mktemp -d "$dest.tmp.XXXXXX" 2>/dev/null || { mkdir -p "$dest"; mktemp -d "$dest/.tmp.XXXXXX"; })"
  members=()
  for f in "${files[@]}"; do members+=("linux-source-$s/$f"); done
  # Files a manifest names that this tree lacks are fine (the manifest marks them optional).
  tar -xJf "$tarball" -C "$tmp" --wildcards --no-anchored "${members[@]}" 2>/dev/null || true
  [ -f "$tmp/linux-source-$s/Makefile" ] || { echo "kernel-trees: $tarball: no top Makefile" >&2; exit 1; }
  printf '%s\n' "$stamp" > "$tmp/linux-source-$s/.stopsim-stamp"
  mkdir -p "$dest"
  rm -rf "$out.old"; [ -e "$out" ] && mv "$out" "$out.old"
  mv "$tmp/linux-source-$s" "$out"; rm -rf "$tmp" "$out.old"
  echo "$out"
done
