// Jazzer.js's libFuzzer takes a caller id with two of its hooks; upstream libFuzzer (Debian's)
// takes the caller's address itself. Calling the upstream hooks from here gives every JavaScript
// comparison one address: comparison tracing still feeds the mutator, value profiles see less.
#include <cstdint>

extern "C" {
void __sanitizer_cov_trace_const_cmp8(uint64_t arg1, uint64_t arg2);
void __sanitizer_cov_trace_pc_indir(uintptr_t callee);

void __sanitizer_cov_trace_const_cmp8_with_pc(uintptr_t, uint64_t arg1, uint64_t arg2) {
  __sanitizer_cov_trace_const_cmp8(arg1, arg2);
}

void __sanitizer_cov_trace_pc_indir_with_pc(void *, uintptr_t callee) {
  __sanitizer_cov_trace_pc_indir(callee);
}
}
