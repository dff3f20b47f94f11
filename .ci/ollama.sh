#!/usr/bin/env bash
# Builds the Ollama server from the module version that go.mod requires, for
# the llm integration tests, and prints the binary's path on stdout.
#
# The module zip on the Go proxy lacks llama.cpp's vendor/ folder, so the
# headers come from Debian (nlohmann-json3-dev, libstb-dev, listed in
# .ci/deps/apt.txt) and miniaudio, which only decodes audio input, is
# replaced by a stub whose decoder always fails (text models never call it).
# The stub lives at a fixed absolute path because CGO_CPPFLAGS is part of
# Go's build-cache key: a fresh temp dir each run would rebuild llama.cpp.
#
# Output: $TIDBIT_CI_CACHE (default $HOME/.cache/tidbit-ci)/ollama-<version>/ollama,
# reused when present. Use: export TIDBIT_OLLAMA_BIN=$(.ci/ollama.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

cache=${TIDBIT_CI_CACHE:-$HOME/.cache/tidbit-ci}
version=$(go list -m -f '{{.Version}}' github.com/ollama/ollama)
out="$cache/ollama-$version"
bin="$out/ollama"

# The binary is moved into place only after a successful build, so its
# presence means it is complete.
if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi

for h in /usr/include/nlohmann/json.hpp /usr/include/stb/stb_image.h; do
  if [ ! -f "$h" ]; then
    echo "ollama.sh: $h is missing: apt-get install nlohmann-json3-dev libstb-dev" >&2
    exit 1
  fi
done

stub="$cache/miniaudio-stub"
mkdir -p "$stub/miniaudio" "$out"
cat > "$stub/miniaudio/miniaudio.h.tmp" <<'H'
/* Stub for miniaudio (not packaged by Debian): audio decoding always fails.
 * mtmd-helper.cpp uses it only for audio input, which text models never get. */
#ifndef TIDBIT_MINIAUDIO_STUB_H
#define TIDBIT_MINIAUDIO_STUB_H
#include <stddef.h>
#include <stdint.h>
typedef int ma_result;
typedef uint64_t ma_uint64;
typedef uint32_t ma_uint32;
#define MA_SUCCESS 0
#define MA_ERROR (-1)
typedef enum { ma_format_unknown = 0, ma_format_f32 = 5 } ma_format;
typedef struct { ma_format format; ma_uint32 channels; ma_uint32 sampleRate; } ma_decoder_config;
typedef struct { int unused; } ma_decoder;
static inline ma_decoder_config ma_decoder_config_init(ma_format f, ma_uint32 ch, ma_uint32 rate) {
  ma_decoder_config c; c.format = f; c.channels = ch; c.sampleRate = rate; return c;
}
static inline ma_result ma_decoder_init_memory(const void *d, size_t n, const ma_decoder_config *c, ma_decoder *dec) {
  (void)d; (void)n; (void)c; (void)dec; return MA_ERROR;
}
static inline ma_result ma_decoder_get_length_in_pcm_frames(ma_decoder *dec, ma_uint64 *n) { (void)dec; *n = 0; return MA_ERROR; }
static inline ma_result ma_decoder_read_pcm_frames(ma_decoder *dec, void *o, ma_uint64 n, ma_uint64 *r) {
  (void)dec; (void)o; (void)n; *r = 0; return MA_ERROR;
}
static inline ma_result ma_decoder_uninit(ma_decoder *dec) { (void)dec; return MA_SUCCESS; }
#endif
H
# Rewrite only when changed: the header's content is in the build-cache key too.
if ! cmp -s "$stub/miniaudio/miniaudio.h.tmp" "$stub/miniaudio/miniaudio.h"; then
  mv "$stub/miniaudio/miniaudio.h.tmp" "$stub/miniaudio/miniaudio.h"
else
  rm "$stub/miniaudio/miniaudio.h.tmp"
fi

echo "ollama.sh: building ollama $version into $out (first build: several minutes)" >&2
start=$(date +%s)
tmp="$out/tmp.$$"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"
# `go install pkg@version` builds with Ollama's own go.mod and go.sum, as
# upstream does, at exactly the version Tidbit's go.mod requires.
(cd "$tmp" && CGO_ENABLED=1 CGO_CPPFLAGS="-I$stub" GOBIN="$tmp" GOFLAGS=-mod=mod \
  go install -ldflags "-X github.com/ollama/ollama/version.Version=${version#v}" \
  "github.com/ollama/ollama@$version")
mv "$tmp/ollama" "$bin"
echo "ollama.sh: built in $(( $(date +%s) - start )) s" >&2
echo "$bin"
