/* XOR masking of WebSocket payloads (RFC 6455 5.3: octet i is XORed with key octet i % 4).
 *
 * The key repeated to 8 bytes (or 32 with AVX2) masks a whole word at a time. With AVX2 the
 * destination is first brought to a 32-byte boundary, the key rotated to match, and the body
 * runs 128 bytes per iteration with aligned stores; the rest goes 8 bytes, then 1 byte, at a
 * time. The AVX2 kernel is chosen at run time, else SSE2 (part of x86-64); elsewhere the
 * portable kernel is plain C on 64-bit words (which compilers vectorise, e.g. NEON).
 */
#include "_mask_simd.h"

#include <stdint.h>
#include <string.h>

/* The 4-byte key as it applies from offset `shift` on. */
static inline uint32_t rotated_key(const unsigned char key[4], size_t shift)
{
    unsigned char r[4];
    for (int i = 0; i < 4; i++)
        r[i] = key[(shift + (size_t)i) & 3];
    uint32_t k;
    memcpy(&k, r, 4);
    return k;
}

/* Mask len bytes, the key already rotated to start at src[0]. */
static inline void mask_words(const uint8_t *src, uint8_t *dst, size_t len, uint32_t k32)
{
    uint64_t k64 = ((uint64_t)k32 << 32) | k32;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, src + i, 8);
        w ^= k64;
        memcpy(dst + i, &w, 8);
    }
    if (i + 4 <= len) {
        uint32_t w;
        memcpy(&w, src + i, 4);
        w ^= k32;
        memcpy(dst + i, &w, 4);
        i += 4;
    }
    unsigned char kb[4];
    memcpy(kb, &k32, 4);
    for (; i < len; i++)
        dst[i] = src[i] ^ kb[i & 3];
}

static void words_kernel(const uint8_t *src, uint8_t *dst, size_t len, const unsigned char *key)
{
    mask_words(src, dst, len, rotated_key(key, 0));
}

typedef void (*mask_fn)(const uint8_t *, uint8_t *, size_t, const unsigned char *);

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define WSMASK_X86 1
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2")))

/* From this size on, stores stream past the caches: source and result no longer fit a typical
 * last level cache (32 MiB) together, and a store that skips the cache needs no read for
 * ownership. Measured on such a machine: 27 GB/s instead of 15 at 16 MiB, but 27 instead of 48
 * at 4 MiB; even at 8 MiB the cached stores win. (sysconf's L3 size is unreliable in VMs.) */
#define STREAM_MIN ((size_t)12 << 20)

/* 32 source bytes: one load, or two 16-byte aligned halves where the source sits at 16 mod 32
 * (then a 32-byte load would straddle a cache line every other time: 10% slower in L2). */
AVX2 static inline __attribute__((always_inline)) __m256i load32(const uint8_t *p, int halves)
{
    if (halves)
        return _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_load_si128((const __m128i *)p)),
                                       _mm_load_si128((const __m128i *)(p + 16)), 1);
    return _mm256_loadu_si256((const __m256i *)p);
}

/* 128 bytes per iteration into a 32-byte aligned destination; returns where it stopped. */
AVX2 static inline __attribute__((always_inline)) size_t
avx2_body(const uint8_t *src, uint8_t *dst, size_t i, size_t len, __m256i k, int halves,
          int stream)
{
    for (; i + 128 <= len; i += 128) {
        __m256i a = _mm256_xor_si256(load32(src + i, halves), k);
        __m256i b = _mm256_xor_si256(load32(src + i + 32, halves), k);
        __m256i c = _mm256_xor_si256(load32(src + i + 64, halves), k);
        __m256i d = _mm256_xor_si256(load32(src + i + 96, halves), k);
        if (stream) {  /* past the caches: no read for ownership */
            _mm256_stream_si256((__m256i *)(dst + i), a);
            _mm256_stream_si256((__m256i *)(dst + i + 32), b);
            _mm256_stream_si256((__m256i *)(dst + i + 64), c);
            _mm256_stream_si256((__m256i *)(dst + i + 96), d);
        } else {
            _mm256_store_si256((__m256i *)(dst + i), a);
            _mm256_store_si256((__m256i *)(dst + i + 32), b);
            _mm256_store_si256((__m256i *)(dst + i + 64), c);
            _mm256_store_si256((__m256i *)(dst + i + 96), d);
        }
    }
    return i;
}

AVX2 static void avx2_kernel(const uint8_t *src, uint8_t *dst, size_t len,
                             const unsigned char *key)
{
    size_t i = 0;
    if (len >= 128) {
        size_t head = (size_t)(-(uintptr_t)dst) & 31;  /* bytes to the next 32-byte line */
        mask_words(src, dst, head, rotated_key(key, 0));
        i = head;
    }
    __m256i k = _mm256_set1_epi32((int)rotated_key(key, i));
    if (len >= 128) {
        int halves = ((uintptr_t)(src + i) & 31) == 16;
        if (len >= STREAM_MIN) {
            i = halves ? avx2_body(src, dst, i, len, k, 1, 1) : avx2_body(src, dst, i, len, k, 0, 1);
            _mm_sfence();
        } else {
            i = halves ? avx2_body(src, dst, i, len, k, 1, 0) : avx2_body(src, dst, i, len, k, 0, 0);
        }
    }
    for (; i + 32 <= len; i += 32) {
        __m256i a = _mm256_loadu_si256((const __m256i *)(src + i));
        _mm256_storeu_si256((__m256i *)(dst + i), _mm256_xor_si256(a, k));
    }
    if (i + 16 <= len) {
        __m128i a = _mm_loadu_si128((const __m128i *)(src + i));
        _mm_storeu_si128((__m128i *)(dst + i), _mm_xor_si128(a, _mm256_castsi256_si128(k)));
        i += 16;
    }
    mask_words(src + i, dst + i, len - i, rotated_key(key, i));
}

/* SSE2 is part of x86-64: 16 bytes at a time, 64 per iteration, unaligned. */
static void sse2_kernel(const uint8_t *src, uint8_t *dst, size_t len, const unsigned char *key)
{
    __m128i k = _mm_set1_epi32((int)rotated_key(key, 0));
    size_t i = 0;
    for (; i + 64 <= len; i += 64) {
        __m128i a = _mm_loadu_si128((const __m128i *)(src + i));
        __m128i b = _mm_loadu_si128((const __m128i *)(src + i + 16));
        __m128i c = _mm_loadu_si128((const __m128i *)(src + i + 32));
        __m128i d = _mm_loadu_si128((const __m128i *)(src + i + 48));
        _mm_storeu_si128((__m128i *)(dst + i), _mm_xor_si128(a, k));
        _mm_storeu_si128((__m128i *)(dst + i + 16), _mm_xor_si128(b, k));
        _mm_storeu_si128((__m128i *)(dst + i + 32), _mm_xor_si128(c, k));
        _mm_storeu_si128((__m128i *)(dst + i + 48), _mm_xor_si128(d, k));
    }
    for (; i + 16 <= len; i += 16)
        _mm_storeu_si128((__m128i *)(dst + i),
                         _mm_xor_si128(_mm_loadu_si128((const __m128i *)(src + i)), k));
    mask_words(src + i, dst + i, len - i, rotated_key(key, i));
}
#endif

static mask_fn kernel = words_kernel;
static const char *kernel_name = "words";
static int chosen = 0;

int wsmask_set_kernel(const char *name)
{
    chosen = 1;
#ifdef WSMASK_X86
    __builtin_cpu_init();
    if (strcmp(name, "avx2") == 0 && __builtin_cpu_supports("avx2")) {
        kernel = avx2_kernel;
        kernel_name = "avx2";
        return 0;
    }
    if (strcmp(name, "sse2") == 0) {
        kernel = sse2_kernel;
        kernel_name = "sse2";
        return 0;
    }
#endif
    if (strcmp(name, "words") == 0) {
        kernel = words_kernel;
        kernel_name = "words";
        return 0;
    }
    return -1;
}

const char *wsmask_kernel(void)
{
    if (!chosen && wsmask_set_kernel("avx2") != 0 && wsmask_set_kernel("sse2") != 0)
        wsmask_set_kernel("words");
    return kernel_name;
}

void wsmask_apply(const unsigned char *src, unsigned char *dst, size_t len,
                  const unsigned char key[4])
{
    kernel(src, dst, len, key);
}
