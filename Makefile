# vjcorpus - hand-written GNU Makefile.
#
#   make run      install what is missing, build, serve data/corpus on :8080
#   make test     unit + API tests, the same under ASan/UBSan, fuzz replay,
#                 OpenAPI lint and response validation
#   make fuzz     run every libFuzzer harness for FUZZ_SECONDS each
#   make format   clang-format every C file
#   make deps     install missing Debian packages and npm dev tools
#
# BUILD selects the output folder, SANITIZE=address,undefined a sanitized
# build (make test does both by itself).

BUILD    ?= build
SANITIZE ?=
CC       ?= cc
HOST     ?= 127.0.0.1
PORT     ?= 8080
FUZZ_SECONDS ?= 30
WERROR   ?= -Werror

PKGS      := libmicrohttpd jansson libuv libutf8proc zlib
TEST_PKGS := criterion libcurl

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wcast-qual -fno-common $(WERROR)
OPT  := -O2
ifneq ($(SANITIZE),)
OPT  := -O1 -fsanitize=$(SANITIZE) -fno-omit-frame-pointer \
        -fno-sanitize-recover=undefined
endif

CPPFLAGS += -Iinclude -D_GNU_SOURCE
CFLAGS   += -std=c11 -g $(OPT) $(WARN) -MMD -MP \
            $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDFLAGS  += $(if $(SANITIZE),-fsanitize=$(SANITIZE))
LDLIBS   += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm -lpthread

# Tests: Criterion's macros define non-prototyped functions, so test files
# get the same warnings minus -Wmissing-prototypes.
TEST_CFLAGS := $(filter-out -Wmissing-prototypes,$(CFLAGS)) \
               $(shell pkg-config --cflags $(TEST_PKGS) 2>/dev/null)
TEST_LDLIBS := $(shell pkg-config --libs $(TEST_PKGS) 2>/dev/null) $(LDLIBS)

LIB_SRC  := $(sort $(wildcard src/*/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/openapi.o
MAIN_OBJ := $(BUILD)/obj/src/main.o
LIB      := $(BUILD)/libvjcorpus.a
BIN      := $(BUILD)/vjcorpus

UNIT_SRC   := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN   := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
API_SRC    := $(sort $(wildcard tests/api/test_*.c))
API_BIN    := $(API_SRC:tests/api/%.c=$(BUILD)/tests/%)
FUZZ_SRC   := $(sort $(wildcard tests/fuzz/fuzz_*.c))
REPLAY_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/replay/%)
FUZZ_BIN   := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)

.PHONY: all run deps test check check-san check-unit check-api check-replay \
        check-openapi lint-openapi check-container fuzz bench-search bench \
        test-browser check-valgrind soak format clean

all: $(BIN)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

# The OpenAPI document is embedded in the binary, so /openapi.json always
# matches the build that serves it.
$(BUILD)/obj/openapi.o: src/api/openapi_blob.S openapi/openapi.json
	@mkdir -p $(@D)
	$(CC) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BIN): $(MAIN_OBJ) $(LIB)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(TEST_CFLAGS) $(LDFLAGS) $< $(LIB) $(TEST_LDLIBS) -o $@

$(BUILD)/tests/%: tests/api/%.c tests/api/harness.c tests/api/harness.h $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests/api $(TEST_CFLAGS) $(LDFLAGS) $< \
	    tests/api/harness.c $(LIB) $(TEST_LDLIBS) -o $@

# Fuzz harnesses replayed over their seeds and regressions with a plain
# main(), so make test needs no clang.
$(BUILD)/replay/%: tests/fuzz/%.c tests/fuzz/replay_main.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(TEST_CFLAGS) $(LDFLAGS) $< tests/fuzz/replay_main.c \
	    $(LIB) $(LDLIBS) -o $@

deps:
	@./scripts/deps

run: deps
	@$(MAKE) --no-print-directory $(BIN)
	$(BIN) serve --corpus data/corpus --host $(HOST) --port $(PORT)

# make test: everything, plain and sanitized. A sanitizer report anywhere
# (Criterion's forked workers, the server under test) fails the run, since
# a report in a worker does not change its exit status by itself.
test: deps
	@$(MAKE) --no-print-directory check
	@$(MAKE) --no-print-directory BUILD=build/asan \
	    SANITIZE=address,undefined check-san
	@$(MAKE) --no-print-directory lint-openapi check-openapi check-container
	@echo "make test: all passed"

check: check-unit check-api check-replay

check-unit: $(UNIT_BIN) $(BIN)
	@for t in $(UNIT_BIN); do echo "== $$t"; $$t --short-filename || exit 1; done

check-api: $(API_BIN) $(BIN)
	@mkdir -p $(BUILD)/logs
	@for t in $(API_BIN); do echo "== $$t"; \
	    VJCORPUS_BIN=$(BIN) VJ_TEST_LOG_DIR=$(BUILD)/logs \
	    $$t --short-filename || exit 1; done

check-replay: $(REPLAY_BIN)
	@for t in $(REPLAY_BIN); do n=$$(basename $$t); echo "== $$t"; \
	    $$t tests/fuzz/corpus/$$n tests/fuzz/regression/$$n || exit 1; done

SAN_LOGS := $(BUILD)/logs
check-san:
	@rm -rf $(SAN_LOGS) && mkdir -p $(SAN_LOGS)
	@ASAN_OPTIONS=log_path=$(abspath $(SAN_LOGS))/asan:detect_leaks=1:abort_on_error=0:fast_unwind_on_malloc=0 \
	 UBSAN_OPTIONS=log_path=$(abspath $(SAN_LOGS))/ubsan:print_stacktrace=1:halt_on_error=1 \
	 LSAN_OPTIONS=suppressions=$(abspath tests/lsan.supp):print_suppressions=0 \
	 $(MAKE) --no-print-directory check; rc=$$?; \
	 reports=$$(grep -l -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' \
	     $(SAN_LOGS)/asan.* $(SAN_LOGS)/ubsan.* $(SAN_LOGS)/*.log 2>/dev/null); \
	 if [ -n "$$reports" ]; then echo "sanitizer reports:"; \
	     for f in $$reports; do echo "--- $$f"; head -40 $$f; done; exit 1; fi; \
	 exit $$rc

lint-openapi:
	npx --no-install redocly lint --config openapi/redocly.yaml openapi/openapi.json

check-openapi: $(BIN)
	VJCORPUS_BIN=$(BIN) node tests/api/validate_openapi.mjs

# No Docker engine runs here: check the runtime stage against the libraries
# the binary really loads.
check-container: $(BIN)
	tests/container/check-runtime-libs $(BIN)

# libFuzzer: the library is compiled once with coverage (fuzzer-no-link),
# then each harness is linked against it. A UBSan finding stops the run like
# an ASan one; a crasher is written to tests/fuzz/regression/<harness>/.
FUZZ_FLAGS := -std=c11 -g -O1 -fno-omit-frame-pointer \
              -fsanitize=address,undefined -fno-sanitize-recover=undefined \
              $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
FUZZ_OBJ   := $(LIB_SRC:%.c=$(BUILD)/fuzz-obj/%.o) $(BUILD)/fuzz-obj/openapi.o
.SECONDARY: $(FUZZ_OBJ)

$(BUILD)/fuzz-obj/%.o: %.c
	@mkdir -p $(@D)
	clang $(CPPFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -MMD -MP \
	    -c $< -o $@

$(BUILD)/fuzz-obj/openapi.o: src/api/openapi_blob.S openapi/openapi.json
	@mkdir -p $(@D)
	clang -c $< -o $@

$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_OBJ)
	@mkdir -p $(@D)
	clang $(CPPFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer $< $(FUZZ_OBJ) \
	    $(LDLIBS) -o $@

-include $(shell find $(BUILD)/fuzz-obj -name '*.d' 2>/dev/null)

# Every harness runs even after one fails; the run fails if any did.
fuzz: $(FUZZ_BIN)
	@failed=""; for f in $(FUZZ_BIN); do n=$$(basename $$f); echo "== $$n"; \
	    mkdir -p $(BUILD)/fuzz-corpus/$$n tests/fuzz/regression/$$n; \
	    $$f -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
	        -artifact_prefix=tests/fuzz/regression/$$n/ \
	        $(BUILD)/fuzz-corpus/$$n tests/fuzz/corpus/$$n || \
	        failed="$$failed $$n"; done; \
	if [ -n "$$failed" ]; then echo "make fuzz: failed:$$failed"; exit 1; fi

# Our search against SQLite FTS5 (unicode61 remove_diacritics 2) on the same
# passages; installs libsqlite3-dev if missing. BENCH_ARGS: --repeat N
# --seconds S. Not a test: make test never depends on timings.
bench-search:
	BUILD=$(BUILD) bench/bench-search $(BENCH_ARGS)

# The whole benchmark (bench/run --help): installs what it needs, builds,
# generates the corpus, measures startup, search in process and over HTTP
# (wrk; nginx for comparison) and prints one table. BENCH_ARGS: --articles N
# --duration S --seconds S --only startup,inproc,http --corpus DIR.
bench:
	BUILD=$(BUILD) bench/run $(BENCH_ARGS)

# The explorer page (web/) in headless Chromium with Playwright: search,
# timeline, article, projects, statistics, errors, cross-origin use;
# screenshots into docs/screenshots/.
test-browser: deps
	@$(MAKE) --no-print-directory $(BIN)
	VJCORPUS_BIN=$(BIN) tests/browser/run

# make check-valgrind: unit + API suites under valgrind memcheck (plain -O1
# build in build/vg); any leak or invalid access, in a Criterion worker or
# the server under test, fails it. VALGRIND_ARGS: scripts/check-valgrind --help
check-valgrind: deps
	scripts/check-valgrind $(VALGRIND_ARGS)

# make soak: wrk, 256 connections, every endpoint, 2 x 60 s, SIGHUP every
# 5 s; fails on unintended non-2xx, socket errors, a crash or RSS growth
# over 20 %. SOAK_ARGS: scripts/soak --help
soak:
	scripts/deps bench
	BUILD=$(BUILD) scripts/soak $(SOAK_ARGS)

format:
	clang-format -i $$(find src include tests -name '*.[ch]')

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj $(BUILD)/tests -name '*.d' 2>/dev/null)
