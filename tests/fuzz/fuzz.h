/*
 * Fuzz targets: each file defines LLVMFuzzerTestOneInput (and may define
 * LLVMFuzzerInitialize). `make fuzz` links them with libFuzzer (clang);
 * `make test` links them with replay.c and runs the committed corpus and
 * every crash found so far under ASan/UBSan.
 */
#ifndef SIGNET_FUZZ_H
#define SIGNET_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The input as a NUL-terminated string (caller frees), NULL if it holds
 * a NUL: most parsers here take C strings. */
char	*fuzz_cstr(const uint8_t *, size_t);

#endif
