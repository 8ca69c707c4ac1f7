#ifndef C_FUZZ_DRIVER_H
#define C_FUZZ_DRIVER_H

#include <stddef.h>
#include <stdint.h>

// Provided by libFuzzer (linked by -sanitize=fuzzer). SwiftPM points `main` at the executable target's own
// top-level code, so libFuzzer's `main` is never linked and the harness starts the fuzzer itself.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
