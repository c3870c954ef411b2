# Thin wrapper around CMake + ctest. The quick start is `make demo` and
# `make test`; both first make sure the Debian packages are installed.
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)
CMAKE_ARGS ?=

.PHONY: all deps build test test-fast test-asan demo bench clean

all: build

deps:
	@scripts/install-deps

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_ARGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

# Every test, then every test again under AddressSanitizer + UBSan (clang,
# which also builds and runs the libFuzzer targets).
test: test-fast test-asan

test-fast: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

test-asan: deps
	@CC=clang cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug \
	  -DWL_SANITIZE=ON -DWL_BUILD_BENCH=OFF $(CMAKE_ARGS) >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS)

demo: build
	$(BUILD)/src/watchline demo

# Benchmarks (docs/BENCHMARKS.md): the simulator, then the analytics
# pipeline against its OpenCV peer (built when libopencv-dev is present).
bench: build
	$(BUILD)/bench/bench-sim
	$(BUILD)/bench/bench-analytics

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
