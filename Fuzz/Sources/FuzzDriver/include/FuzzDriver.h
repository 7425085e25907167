#ifndef ESA_FUZZ_DRIVER_H
#define ESA_FUZZ_DRIVER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's entry point for programs that have their own `main` ("libFuzzer as a library").
/// SwiftPM renames the `main` of an executable target and defines `main` as an alias of it, so the
/// fuzz targets start in Swift and hand over to libFuzzer here.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
