/* Seeding shim for the eflomal binary (part of xlner).
 *
 * eflomal draws its random state from /dev/urandom and offers no seed option. Loaded with
 * LD_PRELOAD, this file answers fopen("/dev/urandom") with a stream of bytes derived from the
 * XLNER_EFLOMAL_SEED environment variable (splitmix64), so that a single-threaded run is
 * reproducible. Every other fopen goes to the C library. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char seed_bytes[256];

static FILE *seeded_stream(void) {
    const char *text = getenv("XLNER_EFLOMAL_SEED");
    if (text == NULL) return NULL;
    uint64_t x = strtoull(text, NULL, 10) ^ 0x6a09e667f3bcc909ULL;
    for (size_t k = 0; k < sizeof seed_bytes; k += 8) {
        uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        z ^= z >> 31;
        if (z == 0) z = 1;
        memcpy(seed_bytes + k, &z, 8);
    }
    return fmemopen(seed_bytes, sizeof seed_bytes, "rb");
}

FILE *fopen(const char *path, const char *mode) {
    static FILE *(*real_fopen)(const char *, const char *) = NULL;
    if (path != NULL && strcmp(path, "/dev/urandom") == 0) {
        FILE *stream = seeded_stream();
        if (stream != NULL) return stream;
    }
    if (real_fopen == NULL)
        real_fopen = (FILE * (*)(const char *, const char *)) dlsym(RTLD_NEXT, "fopen");
    return real_fopen(path, mode);
}
