#!/usr/bin/env bash
# Runs one of the generator's fuzz targets for a bounded time from the seed corpus; exits
# non-zero on any finding (crash, sanitizer report, escaping exception, hang over 10 s, more than
# 2 GB), whose input libFuzzer writes to the artifacts folder.
# Usage: tests/fuzz/run_fuzz.sh [--build DIR] [--bytes|--structured] [--seconds N] [--fresh]
#                               [--keep-going] [--corpus DIR] [--artifacts DIR]
#                               [-- LIBFUZZER_ARGS...]
#   --build DIR      the fuzz configuration's build folder (default build/fuzz)
#   --bytes          onnx2hpp_fuzz_generator, libFuzzer's byte mutation (default)
#   --structured     onnx2hpp_fuzz_generator_structured, model-aware mutation
#   --seconds N      -max_total_time (default 60)
#   --fresh          start from the seeds only (empty the working corpus first)
#   --keep-going     for triage: go on after a finding (libFuzzer's -fork=1 with -ignore_crashes,
#                    -ignore_timeouts, -ignore_ooms: one child process at a time) and exit 1 at
#                    the end if any finding was written
#   --corpus DIR     the working corpus, kept across runs (default BUILD/fuzz-corpus/MODE)
#   --artifacts DIR  where findings go (default BUILD/fuzz-artifacts/MODE)
set -euo pipefail
root=$(realpath "$(dirname "$0")/../..")
build=$root/build/fuzz
mode=bytes
seconds=60
fresh=0
keep_going=0
corpus=""
artifacts=""
while [ $# -gt 0 ]; do
  case $1 in
    --build) build=$2; shift 2 ;;
    --bytes) mode=bytes; shift ;;
    --structured) mode=structured; shift ;;
    --seconds) seconds=$2; shift 2 ;;
    --fresh) fresh=1; shift ;;
    --keep-going) keep_going=1; shift ;;
    --corpus) corpus=$2; shift 2 ;;
    --artifacts) artifacts=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "run_fuzz.sh: unknown argument '$1' (see the comment at the top)" >&2; exit 2 ;;
  esac
done
build=$(realpath "$build")
target=onnx2hpp_fuzz_generator
[ "$mode" = structured ] && target=onnx2hpp_fuzz_generator_structured
binary=$build/tests/fuzz/$target
if [ ! -x "$binary" ]; then
  echo "run_fuzz.sh: $binary not built (cmake --build $build --target onnx2hpp_fuzz)" >&2
  exit 2
fi
corpus=${corpus:-$build/fuzz-corpus/$mode}
artifacts=${artifacts:-$build/fuzz-artifacts/$mode}
seeds=$build/fuzz-seeds

"$root/tests/fuzz/make_seed_corpus.sh" "$build" "$seeds"
[ "$fresh" = 1 ] && rm -rf "$corpus"
mkdir -p "$corpus" "$artifacts"

export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
flags=(-max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=10
       -print_final_stats=1 -artifact_prefix="$artifacts/")
if [ "$keep_going" = 0 ]; then
  set -x
  exec "$binary" "${flags[@]}" "$@" "$corpus" "$seeds"
fi
before=$(find "$artifacts" -type f | wc -l)
set -x
"$binary" "${flags[@]}" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 "$@" \
  "$corpus" "$seeds" || true
set +x
after=$(find "$artifacts" -type f | wc -l)
echo "run_fuzz.sh: $((after - before)) new findings in $artifacts"
[ "$after" = "$before" ]
