// What Jazzer.js's addon includes from libFuzzer's internal header: the driver and its callback
// type. Declared here so that the addon builds against Debian's libFuzzer (libclang-rt-14-dev),
// which ships the library but not its sources (scripts/fuzz-setup.mjs).
#pragma once
#include <cstddef>
#include <cstdint>

namespace fuzzer {
typedef int (*UserCallback)(const uint8_t *Data, size_t Size);
int FuzzerDriver(int *argc, char ***argv, UserCallback Callback);
} // namespace fuzzer
