#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds and runs the libFuzzer harnesses (docs/fuzzing.md).
#   fuzz.sh build   BUILD_DIR                     clang project tests/fuzz -> BUILD_DIR
#   fuzz.sh seeds   BUILD_DIR VITPROF             real files -> BUILD_DIR/seeds/<reader>
#                                                 (symbolizer: ELF objects built here)
#   fuzz.sh run     BUILD_DIR READER [LIBFUZZER OPTIONS...]
#                                                 fuzz READER (default: 8 s), corpus
#                                                 BUILD_DIR/corpus/READER, seeded
#   fuzz.sh replay  BUILD_DIR READER              every tests/fuzz/regressions/READER
#                                                 file once, no fuzzing
# Exit 77 (ctest: skipped) when clang cannot build a libFuzzer target.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cmd=$1 dir=$2
shift 2
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

# symbolizer_seeds OUT INSTRUMENTED: the ELF objects the symbolizer reads,
# built from tests/symbolizer_data: DWARF 5 at -O0 and -O2 (inlined code),
# DWARF 4, a shared library, compressed (-gz) and split (-gsplit-dwarf, with
# its .dwo files) debug info, relocatable objects (two value-profiled), copies without DWARF and without
# .symtab, a C++ program when there is a C++ compiler, and INSTRUMENTED (a
# program built with `vitprof flags`).
symbolizer_seeds() {
	out=$1 src="$here/../symbolizer_data" cc=${CC:-gcc}
	prog="$src/prog_main.c $src/prog_util.c"
	mkdir -p "$out"
	cp "$2" "$out/instrumented"
	$cc -Wl,--build-id -g -O0 -o "$out/prog-O0" $prog
	$cc -Wl,--build-id -g -O2 -fPIE -pie -o "$out/prog-O2" $prog
	$cc -Wl,--build-id -gdwarf-4 -O2 -o "$out/prog-dwarf4" $prog
	$cc -Wl,--build-id -g -O2 -fPIC -shared -o "$out/libshlib.so" "$src/shlib.c"
	$cc -g -O2 -c -o "$out/prog_util.o" "$src/prog_util.c"
	# value-profiled objects (sym_obj_refs_read): DWARF 5 and 4, PIC and not
	$cc -g -O2 -fprofile-generate -fPIC -c -o "$out/values.o" "$here/../values_show/known.c"
	$cc -gdwarf-4 -O0 -fno-pie -fprofile-generate -c -o "$out/values-dwarf4.o" \
		"$here/../values_show/known.c"
	$cc -Wl,--build-id -gz -g -O2 -o "$out/prog-gz" $prog 2>/dev/null ||
		echo "fuzz: $cc -gz failed, no compressed-DWARF seed"
	# The .dwo files land next to the program: they are seeds too.
	$cc -Wl,--build-id -g -gsplit-dwarf -O2 -o "$out/prog-split" $prog
	${OBJCOPY:-objcopy} --strip-debug "$out/prog-O2" "$out/prog-nodebug"
	${OBJCOPY:-objcopy} --strip-all "$out/libshlib.so" "$out/libshlib-dynsym.so"
	cxx=${CXX:-c++}
	if command -v "$cxx" >/dev/null 2>&1; then
		$cxx -Wl,--build-id -g -O2 -o "$out/cxx-prog" "$src/cxx_ns.cpp"
	fi
}

case $cmd in
build)
	cc=${CLANG:-clang}
	mkdir -p "$dir"
	probe="$dir/probe.c"
	echo 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { return 0; }' >"$probe"
	if ! "$cc" -fsanitize=fuzzer,address,undefined "$probe" -o "$dir/probe" 2>"$dir/probe.log"; then
		echo "fuzz: $cc cannot build a libFuzzer target (Debian: clang, libclang-rt-14-dev); skipped"
		cat "$dir/probe.log"
		exit 77
	fi
	cmake -S "$here" -B "$dir" -DCMAKE_C_COMPILER="$cc" >"$dir/configure.log" ||
		{ cat "$dir/configure.log"; exit 1; }
	cmake --build "$dir" -j"$(nproc)"
	;;
seeds)
	# One small instrumented run of tests/programs/branchy.c gives a raw
	# profile, its .gcno, the .gcda `vitprof gcda` writes and the .vitprof
	# `vitprof export` writes: the seeds of the four readers (plus clang's
	# .gcno and .gcda layout); the program
	# itself and the objects of symbolizer_seeds seed the symbolizer.
	vitprof=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
	work="$dir/seed-run"
	rm -rf "$work" "$dir/seeds"
	mkdir -p "$work"
	cd "$work"
	for mode in count time; do
		mkdir -p "$mode"
		"${CC:-gcc}" $("$vitprof" flags --compile) -O1 -c "$here/../programs/branchy.c" -o "$mode/branchy.o"
		"${CC:-gcc}" "$mode/branchy.o" $("$vitprof" flags --link) -o "$mode/branchy"
		VITPROF_MODE=$mode VITPROF_FILE="$mode/run.vitraw" "./$mode/branchy" 20 >/dev/null || true
		"$vitprof" gcda -o "$mode" "$mode/run.vitraw" 2>/dev/null
		"$vitprof" export --format vitprof -o "$mode/run.vitprof" "$mode/run.vitraw"
	done
	# Value profiles (-fprofile-generate): a version-3 document with
	# value_sites and first calls, and the same merged with itself.
	mkdir -p values
	rtdir=$("$vitprof" flags --link | sed -n 's/^-L\([^ ]*\) .*/\1/p')
	"${CC:-gcc}" -O2 -g -fprofile-generate -ftest-coverage -fdata-sections \
		-c "$here/../values_show/known.c" -o values/known.o
	"${CC:-gcc}" values/known.o -L"$rtdir" -lvitprof_gcov $("$vitprof" flags --link) -o values/known
	VITPROF_FILE=values/run.vitraw ./values/known
	"$vitprof" export --format vitprof -o values/run.vitprof values/run.vitraw
	"$vitprof" merge -o values/merged.vitprof values/run.vitprof values/run.vitprof
	"$vitprof" merge -o merged.vitraw count/run.vitraw count/run.vitraw
	"$vitprof" merge -o merged.vitprof count/run.vitprof count/run.vitprof
	mkdir -p "$dir/seeds/raw" "$dir/seeds/gcno" "$dir/seeds/gcda" "$dir/seeds/vitprof"
	cp count/run.vitraw "$dir/seeds/raw/count.vitraw"
	cp time/run.vitraw "$dir/seeds/raw/time.vitraw"
	cp merged.vitraw "$dir/seeds/raw/merged.vitraw"
	mkdir -p "$dir/seeds/merge"           # the merge core reads raw profiles
	cp count/branchy.gcno "$dir/seeds/gcno/branchy.gcno"
	cp count/branchy.gcda "$dir/seeds/gcda/branchy.gcda"
	cp count/run.vitprof "$dir/seeds/vitprof/count.vitprof"
	cp time/run.vitprof "$dir/seeds/vitprof/time.vitprof"
	cp merged.vitprof "$dir/seeds/vitprof/merged.vitprof"
	cp values/run.vitprof "$dir/seeds/vitprof/values.vitprof"
	cp values/merged.vitprof "$dir/seeds/vitprof/values-merged.vitprof"
	cp values/run.vitraw "$dir/seeds/raw/values.vitraw"
	# clang --coverage's own layout (version 408*, tools/read/gcov_llvm.h): a
	# .gcno and the .gcda vitprof gcda writes for it, from a run on the
	# runtime's compiler-rt entry points (rt/rt_llvm_gcov.c).
	clang=${CLANG:-clang}
	mkdir -p clang
	if "$clang" -g -O1 --coverage -c "$here/../programs/branchy.c" -o clang/branchy.o &&
	   "$clang" clang/branchy.o $("$vitprof" flags --link) -o clang/branchy; then
		VITPROF_FILE=clang/run.vitraw ./clang/branchy 20 >/dev/null || true
		"$vitprof" gcda -o clang clang/run.vitraw 2>/dev/null
		cp clang/branchy.gcno "$dir/seeds/gcno/branchy-clang.gcno"
		cp clang/branchy.gcda "$dir/seeds/gcda/branchy-clang.gcda"
	else
		echo "fuzz: $clang --coverage failed, no clang seeds"
	fi
	# -fprofile-generate (value profiles: indirect calls, a value arena):
	# the raw seed is the run merged (a compact arena), and its .gcda.
	mkdir -p pgo
	if "${CC:-gcc}" $("$vitprof" flags --compile --pgo) -O1 -c "$here/../programs/fnptr.c" \
	       -o pgo/fnptr.o &&
	   "${CC:-gcc}" pgo/fnptr.o $("$vitprof" flags --link) -o pgo/fnptr; then
		VITPROF_FILE=pgo/run.vitraw ./pgo/fnptr >/dev/null || true
		"$vitprof" merge -o "$dir/seeds/raw/values.vitraw" pgo/run.vitraw
		"$vitprof" gcda -o pgo pgo/run.vitraw 2>/dev/null
		cp pgo/fnptr.gcda "$dir/seeds/gcda/values.gcda"
	else
		echo "fuzz: -fprofile-generate build failed, no value-profile seeds"
	fi
	symbolizer_seeds "$dir/seeds/symbolizer" count/branchy
	cp "$dir"/seeds/raw/* "$dir/seeds/merge/"
	# The trace reader's seeds: traces with known events (test_tool_mkraw,
	# MKRAW): two threads with scopes, marks and tags; a TSC clock; a
	# flight recorder with OPEN marks.
	mkdir -p "$dir/seeds/trace"
	if [ -n "${MKRAW:-}" ] && [ -x "$MKRAW" ]; then
		for kind in trace tracetsc tracering; do
			"$MKRAW" $kind "$dir/seeds/trace/$kind.vitraw"
		done
	else
		echo "fuzz: MKRAW not set, no trace seeds"
	fi
	ls -l "$dir"/seeds/*
	;;
run)
	reader=$1
	shift
	[ -x "$dir/fuzz_$reader" ] || { echo "fuzz: $dir/fuzz_$reader not built; skipped"; exit 77; }
	mkdir -p "$dir/corpus/$reader" "$dir/crashes/$reader"
	# libFuzzer's own error exit code is 77, ctest's "skipped": use 1.
	set -- -max_total_time=8 -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
		-error_exitcode=1 -timeout_exitcode=1 "$@"
	regs="$here/regressions/$reader"
	[ -d "$regs" ] || regs=
	dict=$reader
	[ "$reader" = merge ] && dict=raw      # the merge core reads raw profiles
	[ -f "$here/$dict.dict" ] && set -- -dict="$here/$dict.dict" "$@"
	exec "$dir/fuzz_$reader" "$@" -artifact_prefix="$dir/crashes/$reader/" \
		"$dir/corpus/$reader" "$dir/seeds/$reader" $regs
	;;
replay)
	reader=$1
	[ -x "$dir/fuzz_$reader" ] || { echo "fuzz: $dir/fuzz_$reader not built; skipped"; exit 77; }
	regs="$here/regressions/$reader"
	if [ -z "$(ls -A "$regs" 2>/dev/null)" ]; then
		echo "fuzz: no regression inputs in $regs"
		exit 0
	fi
	exec "$dir/fuzz_$reader" -runs=0 -rss_limit_mb=2048 -timeout=10 \
		-error_exitcode=1 -timeout_exitcode=1 "$regs"/*
	;;
*)
	echo "usage: fuzz.sh build|seeds|run|replay BUILD_DIR ..." >&2
	exit 2
	;;
esac
