// Where Jazzer.js's own libFuzzer and upstream libFuzzer (Debian's) differ, for the addon built
// against the latter (scripts/fuzz-setup.mjs).
#include <cstdint>

namespace libfuzzer {
extern void (*PrintCrashingInput)();
}

extern "C" {
// Upstream libFuzzer hands its death callback (which writes the crashing input and the final
// stats) to the sanitizer hook; the addon calls it, by its own name, when the target throws.
void __sanitizer_set_death_callback(void (*callback)()) { libfuzzer::PrintCrashingInput = callback; }

// Two hooks take a caller id here; upstream takes the caller's address itself. Calling the
// upstream hooks from here gives every JavaScript comparison one address: comparison tracing
// still feeds the mutator, value profiles see less.
void __sanitizer_cov_trace_const_cmp8(uint64_t arg1, uint64_t arg2);
void __sanitizer_cov_trace_pc_indir(uintptr_t callee);

void __sanitizer_cov_trace_const_cmp8_with_pc(uintptr_t, uint64_t arg1, uint64_t arg2) {
  __sanitizer_cov_trace_const_cmp8(arg1, arg2);
}

void __sanitizer_cov_trace_pc_indir_with_pc(void *, uintptr_t callee) {
  __sanitizer_cov_trace_pc_indir(callee);
}
}
