# tests/fuzz/fuzz.mk - builds the libFuzzer harnesses with clang, apart from
# the main build (whose CC may be gcc): the backend's sources are compiled
# again into tests/fuzz/obj/ with ASan+UBSan and libFuzzer's coverage.
# GNU make; run from the build directory by `make fuzz-harnesses` (mk/fuzz.am),
# which passes srcdir, CLANG, CPPFLAGS, LIBS, LIB_SOURCES and NAMES.

O := tests/fuzz/obj
SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
# The backend is built without -Werror here: clang warns about things gcc
# does not, and a warning in code under test is no reason to skip fuzzing.
# The harnesses themselves are held to -Werror.
WARN := -Wall -Wextra -Wno-unused-parameter
CFL := -std=gnu11 -g -O1 $(SAN)

LIB_OBJS := $(patsubst %.c,$(O)/%.o,$(filter %.c,$(LIB_SOURCES)))
UTIL_OBJ := $(O)/tests/fuzz/fuzz-util.o
BINS := $(NAMES:%=tests/fuzz/fuzz_%)

all: $(BINS)

$(O)/src/%.o: $(srcdir)/src/%.c
	@mkdir -p $(@D)
	@echo "  CC(fuzz) $<"
	@$(CLANG) $(CPPFLAGS) $(WARN) $(CFL) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(O)/tests/fuzz/%.o: $(srcdir)/tests/fuzz/%.c
	@mkdir -p $(@D)
	@echo "  CC(fuzz) $<"
	@$(CLANG) $(CPPFLAGS) -I$(srcdir)/tests/fuzz $(WARN) -Werror $(CFL) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(O)/libcertwiz-fuzz.a: $(LIB_OBJS)
	@rm -f $@
	@ar rcs $@ $^

tests/fuzz/fuzz_%: $(O)/tests/fuzz/fuzz_%.o $(UTIL_OBJ) $(O)/libcertwiz-fuzz.a
	@echo "  LD(fuzz) $@"
	@$(CLANG) $(CFL) -fsanitize=fuzzer $^ $(LIBS) -o $@

.SECONDARY:
.PHONY: all
-include $(LIB_OBJS:.o=.d) $(UTIL_OBJ:.o=.d) $(NAMES:%=$(O)/tests/fuzz/fuzz_%.d)
