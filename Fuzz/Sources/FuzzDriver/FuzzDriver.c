// The declaration in include/FuzzDriver.h is implemented by libFuzzer (-sanitize=fuzzer).
#include "FuzzDriver.h"
