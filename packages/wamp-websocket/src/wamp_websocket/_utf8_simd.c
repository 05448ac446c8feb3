/* Incremental UTF-8 validation for wamp_websocket._speedups.
 *
 * Two layers:
 *
 * 1. A byte-at-a-time automaton (the same states as the pure-Python reference in _pure.py)
 *    with an 8-bytes-at-a-time ASCII shortcut. It carries the state across chunks, finishes
 *    a sequence begun in the previous chunk, and finds the exact index of the first bad byte.
 * 2. A vectorised check of 64-byte blocks after Keiser and Lemire, "Validating UTF-8 In Less
 *    Than One Instruction Per Byte" (2021): three 16-entry nibble lookups classify each pair
 *    (previous byte, byte) into error kinds, and the bytes two and three back tell where a
 *    third or fourth continuation byte is required. AVX2 or SSE4.1, chosen at run time.
 *
 * The vector layer only has to say "this prefix is valid and ends on a code point boundary";
 * everything after that prefix (a bad block, an incomplete sequence at the end of the chunk)
 * is handed to the automaton, which restarts from the code point boundary just before it.
 * So the reported index and the carried state are those of the automaton alone.
 */
#include "_utf8_simd.h"

#include <stdint.h>
#include <string.h>

/* ---- the automaton ------------------------------------------------------------------ */

enum {
    S_ACCEPT = WSU8_ACCEPT, S_REJECT = WSU8_REJECT,
    S_NEED1, S_NEED2, S_NEED3,   /* that many continuation bytes (80..BF) still to come */
    S_AFTER_E0,                   /* E0 takes A0..BF: no overlong 3-byte form */
    S_AFTER_ED,                   /* ED takes 80..9F: no UTF-16 surrogate */
    S_AFTER_F0,                   /* F0 takes 90..BF: no overlong 4-byte form */
    S_AFTER_F4,                   /* F4 takes 80..8F: nothing above U+10FFFF */
    N_STATES
};

static uint8_t dfa[N_STATES][256];

static void dfa_row(int state, int lo, int hi, int target)
{
    for (int byte = lo; byte <= hi; byte++)
        dfa[state][byte] = (uint8_t)target;
}

static void dfa_init(void)
{
    memset(dfa, S_REJECT, sizeof(dfa));
    dfa_row(S_ACCEPT, 0x00, 0x7F, S_ACCEPT);
    dfa_row(S_ACCEPT, 0xC2, 0xDF, S_NEED1);
    dfa_row(S_ACCEPT, 0xE0, 0xE0, S_AFTER_E0);
    dfa_row(S_ACCEPT, 0xE1, 0xEC, S_NEED2);
    dfa_row(S_ACCEPT, 0xED, 0xED, S_AFTER_ED);
    dfa_row(S_ACCEPT, 0xEE, 0xEF, S_NEED2);
    dfa_row(S_ACCEPT, 0xF0, 0xF0, S_AFTER_F0);
    dfa_row(S_ACCEPT, 0xF1, 0xF3, S_NEED3);
    dfa_row(S_ACCEPT, 0xF4, 0xF4, S_AFTER_F4);
    dfa_row(S_NEED1, 0x80, 0xBF, S_ACCEPT);
    dfa_row(S_NEED2, 0x80, 0xBF, S_NEED1);
    dfa_row(S_NEED3, 0x80, 0xBF, S_NEED2);
    dfa_row(S_AFTER_E0, 0xA0, 0xBF, S_NEED1);
    dfa_row(S_AFTER_ED, 0x80, 0x9F, S_NEED1);
    dfa_row(S_AFTER_F0, 0x90, 0xBF, S_NEED2);
    dfa_row(S_AFTER_F4, 0x80, 0x8F, S_NEED2);
}

/* Run the automaton over p[i..len); returns the index of the rejected byte or -1. */
static ptrdiff_t scalar_run(const uint8_t *p, size_t i, size_t len, int *state)
{
    unsigned s = (unsigned)*state;
    while (i < len) {
        if (s == S_ACCEPT) {
            while (i + 8 <= len) {
                uint64_t word;
                memcpy(&word, p + i, 8);
                if (word & 0x8080808080808080ULL)
                    break;
                i += 8;
            }
            while (i < len && p[i] < 0x80)
                i++;
            if (i == len)
                break;
        }
        s = dfa[s][p[i]];
        if (s == S_REJECT) {
            *state = S_REJECT;
            return (ptrdiff_t)i;
        }
        i++;
    }
    *state = (int)s;
    return -1;
}

/* The code point boundary at or just before pos: the lead byte of a sequence that pos cuts. */
static inline size_t boundary_before(const uint8_t *p, size_t pos)
{
    for (size_t k = 1; k <= 3 && k <= pos; k++) {
        uint8_t c = p[pos - k];
        if (c >= 0xC0)
            return pos - k;
        if (c < 0x80)
            break;
    }
    return pos;
}

/* A vector kernel: the length of the longest prefix of p[0..len) it proves valid and ending on
 * a code point boundary (len when the whole input is valid and complete). */
typedef size_t (*prefix_fn)(const uint8_t *p, size_t len);

static size_t scalar_prefix(const uint8_t *p, size_t len)
{
    (void)p;
    (void)len;
    return 0;
}

/* ---- the vector kernels ------------------------------------------------------------- */

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define WSU8_X86 1
#include <immintrin.h>

/* Error kinds, one bit each, for a pair (byte 1 = previous byte, byte 2 = this byte). */
#define TOO_SHORT   (1 << 0)  /* 11______ then 0_______ or 11______ */
#define TOO_LONG    (1 << 1)  /* 0_______ then 10______ */
#define OVERLONG_3  (1 << 2)  /* 11100000 100_____ */
#define TOO_LARGE   (1 << 3)  /* 11110100 1001____, 11110100 101_____, 11110101+ 1001____ ... */
#define SURROGATE   (1 << 4)  /* 11101101 101_____ */
#define OVERLONG_2  (1 << 5)  /* 1100000_ 10______ */
#define TOO_LARGE_1000 (1 << 6) /* 11110101+ 1000____ */
#define OVERLONG_4  (1 << 6)  /* 11110000 1000____ (shares the bit: same byte 2 pattern) */
#define TWO_CONTS   (1 << 7)  /* 10______ 10______ (fine only as a 3rd or 4th byte) */
#define CARRY (TOO_SHORT | TOO_LONG | TWO_CONTS)  /* kinds that ignore byte 1's low nibble */

/* Indexed by byte 1's high nibble. */
static const int8_t T_BYTE1_HIGH[16] = {
    TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG,
    TWO_CONTS, TWO_CONTS, TWO_CONTS, TWO_CONTS,
    TOO_SHORT | OVERLONG_2,
    TOO_SHORT,
    TOO_SHORT | OVERLONG_3 | SURROGATE,
    (int8_t)(TOO_SHORT | TOO_LARGE | TOO_LARGE_1000 | OVERLONG_4),
};
/* Indexed by byte 1's low nibble. */
static const int8_t T_BYTE1_LOW[16] = {
    CARRY | OVERLONG_3 | OVERLONG_2 | OVERLONG_4,
    CARRY | OVERLONG_2,
    CARRY,
    CARRY,
    CARRY | TOO_LARGE,
    (int8_t)(CARRY | TOO_LARGE | TOO_LARGE_1000),
    (int8_t)(CARRY | TOO_LARGE | TOO_LARGE_1000),
    (int8_t)(CARRY | TOO_LARGE | TOO_LARGE_1000),
    (int8_t)(CARRY | TOO_LARGE | TOO_LARGE_1000),
    (int8_t)(CARRY | TOO_LARGE | TOO_LARGE_1000),
    (int8_t)(CARRY | TOO_LARGE | TOO_LARGE_1000),
    (int8_t)(CARRY | TOO_LARGE | TOO_LARGE_1000),
    (int8_t)(CARRY | TOO_LARGE | TOO_LARGE_1000),
    (int8_t)(CARRY | TOO_LARGE | TOO_LARGE_1000 | SURROGATE),
    (int8_t)(CARRY | TOO_LARGE | TOO_LARGE_1000),
    (int8_t)(CARRY | TOO_LARGE | TOO_LARGE_1000),
};
/* Indexed by byte 2's high nibble. */
static const int8_t T_BYTE2_HIGH[16] = {
    TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT,
    (int8_t)(TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE_1000 | OVERLONG_4),
    (int8_t)(TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE),
    (int8_t)(TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE),
    (int8_t)(TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE),
    TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT,
};
/* A block is incomplete when its last bytes start a sequence: the last byte >= C0, the one
 * before >= E0 or the one before that >= F0. Saturating input - this is nonzero there. */
static const uint8_t T_INCOMPLETE[32] = {
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    0xF0 - 1, 0xE0 - 1, 0xC0 - 1,
};

/* -- AVX2: a 64-byte block is two 32-byte vectors -- */

#define AVX2 __attribute__((target("avx2")))

/* The input shifted right by n bytes, the gap filled from the end of the previous vector. */
#define AVX2_PREV(in, prev, n) \
    _mm256_alignr_epi8((in), _mm256_permute2x128_si256((prev), (in), 0x21), 16 - (n))

AVX2 static inline __m256i avx2_table(const int8_t *t)
{
    return _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)t));
}

typedef struct { __m256i b1h, b1l, b2h, nib, third, fourth, high, incomplete; } avx2_consts;

AVX2 static inline avx2_consts avx2_setup(void)
{
    avx2_consts c;
    c.b1h = avx2_table(T_BYTE1_HIGH);
    c.b1l = avx2_table(T_BYTE1_LOW);
    c.b2h = avx2_table(T_BYTE2_HIGH);
    c.nib = _mm256_set1_epi8(0x0F);
    c.third = _mm256_set1_epi8((char)(0xE0 - 0x80));
    c.fourth = _mm256_set1_epi8((char)(0xF0 - 0x80));
    c.high = _mm256_set1_epi8((char)0x80);
    c.incomplete = _mm256_loadu_si256((const __m256i *)T_INCOMPLETE);
    return c;
}

/* Nonzero bytes where the 32 bytes `in` (preceded by `prev`) break a UTF-8 rule. */
AVX2 static inline __m256i avx2_errors(const avx2_consts *c, __m256i in, __m256i prev)
{
    __m256i prev1 = AVX2_PREV(in, prev, 1);
    __m256i b1h = _mm256_shuffle_epi8(c->b1h, _mm256_and_si256(_mm256_srli_epi16(prev1, 4), c->nib));
    __m256i b1l = _mm256_shuffle_epi8(c->b1l, _mm256_and_si256(prev1, c->nib));
    __m256i b2h = _mm256_shuffle_epi8(c->b2h, _mm256_and_si256(_mm256_srli_epi16(in, 4), c->nib));
    __m256i special = _mm256_and_si256(_mm256_and_si256(b1h, b1l), b2h);
    /* Bit 7 set where the byte 2 or 3 back leads a 3- or 4-byte sequence: here a second
     * continuation in a row (TWO_CONTS) is required, and anywhere else it is an error. */
    __m256i third = _mm256_subs_epu8(AVX2_PREV(in, prev, 2), c->third);
    __m256i fourth = _mm256_subs_epu8(AVX2_PREV(in, prev, 3), c->fourth);
    __m256i must = _mm256_and_si256(_mm256_or_si256(third, fourth), c->high);
    return _mm256_xor_si256(must, special);
}

/* Check 64 bytes; updates prev/incomplete; returns nonzero on an error. */
AVX2 static inline int avx2_block(const avx2_consts *c, const uint8_t *p, __m256i *prev,
                                  __m256i *incomplete)
{
    __m256i a = _mm256_loadu_si256((const __m256i *)p);
    __m256i b = _mm256_loadu_si256((const __m256i *)(p + 32));
    __m256i err;
    if (_mm256_movemask_epi8(_mm256_or_si256(a, b)) == 0) {
        err = *incomplete;  /* ASCII: fine unless the previous block ended mid-sequence */
        *incomplete = _mm256_setzero_si256();
    } else {
        err = _mm256_or_si256(avx2_errors(c, a, *prev), avx2_errors(c, b, a));
        *incomplete = _mm256_subs_epu8(b, c->incomplete);
    }
    *prev = b;
    return !_mm256_testz_si256(err, err);
}

AVX2 static size_t avx2_prefix(const uint8_t *p, size_t len)
{
    avx2_consts c = avx2_setup();
    __m256i prev = _mm256_setzero_si256(), incomplete = _mm256_setzero_si256();
    size_t i = 0;
    for (; i + 64 <= len; i += 64) {
        if (avx2_block(&c, p + i, &prev, &incomplete))
            return boundary_before(p, i);
    }
    if (i < len) {  /* the tail, padded with zeros (ASCII) that end any open sequence early */
        uint8_t pad[64] = {0};
        memcpy(pad, p + i, len - i);
        if (avx2_block(&c, pad, &prev, &incomplete))
            return boundary_before(p, i);
        return len;
    }
    if (!_mm256_testz_si256(incomplete, incomplete))
        return boundary_before(p, len);
    return len;
}

/* -- SSE4.1: a 64-byte block is four 16-byte vectors -- */

#define SSE41 __attribute__((target("sse4.1")))
#define SSE_PREV(in, prev, n) _mm_alignr_epi8((in), (prev), 16 - (n))

typedef struct { __m128i b1h, b1l, b2h, nib, third, fourth, high, incomplete; } sse_consts;

SSE41 static inline __m128i sse_errors(const sse_consts *c, __m128i in, __m128i prev)
{
    __m128i prev1 = SSE_PREV(in, prev, 1);
    __m128i b1h = _mm_shuffle_epi8(c->b1h, _mm_and_si128(_mm_srli_epi16(prev1, 4), c->nib));
    __m128i b1l = _mm_shuffle_epi8(c->b1l, _mm_and_si128(prev1, c->nib));
    __m128i b2h = _mm_shuffle_epi8(c->b2h, _mm_and_si128(_mm_srli_epi16(in, 4), c->nib));
    __m128i special = _mm_and_si128(_mm_and_si128(b1h, b1l), b2h);
    __m128i third = _mm_subs_epu8(SSE_PREV(in, prev, 2), c->third);
    __m128i fourth = _mm_subs_epu8(SSE_PREV(in, prev, 3), c->fourth);
    __m128i must = _mm_and_si128(_mm_or_si128(third, fourth), c->high);
    return _mm_xor_si128(must, special);
}

SSE41 static inline int sse_block(const sse_consts *c, const uint8_t *p, __m128i *prev,
                                  __m128i *incomplete)
{
    __m128i v0 = _mm_loadu_si128((const __m128i *)p);
    __m128i v1 = _mm_loadu_si128((const __m128i *)(p + 16));
    __m128i v2 = _mm_loadu_si128((const __m128i *)(p + 32));
    __m128i v3 = _mm_loadu_si128((const __m128i *)(p + 48));
    __m128i any = _mm_or_si128(_mm_or_si128(v0, v1), _mm_or_si128(v2, v3));
    __m128i err;
    if (_mm_movemask_epi8(any) == 0) {
        err = *incomplete;
        *incomplete = _mm_setzero_si128();
    } else {
        err = _mm_or_si128(_mm_or_si128(sse_errors(c, v0, *prev), sse_errors(c, v1, v0)),
                           _mm_or_si128(sse_errors(c, v2, v1), sse_errors(c, v3, v2)));
        *incomplete = _mm_subs_epu8(v3, c->incomplete);
    }
    *prev = v3;
    return !_mm_testz_si128(err, err);
}

SSE41 static size_t sse41_prefix(const uint8_t *p, size_t len)
{
    sse_consts c;
    c.b1h = _mm_loadu_si128((const __m128i *)T_BYTE1_HIGH);
    c.b1l = _mm_loadu_si128((const __m128i *)T_BYTE1_LOW);
    c.b2h = _mm_loadu_si128((const __m128i *)T_BYTE2_HIGH);
    c.nib = _mm_set1_epi8(0x0F);
    c.third = _mm_set1_epi8((char)(0xE0 - 0x80));
    c.fourth = _mm_set1_epi8((char)(0xF0 - 0x80));
    c.high = _mm_set1_epi8((char)0x80);
    c.incomplete = _mm_loadu_si128((const __m128i *)(T_INCOMPLETE + 16));
    __m128i prev = _mm_setzero_si128(), incomplete = _mm_setzero_si128();
    size_t i = 0;
    for (; i + 64 <= len; i += 64) {
        if (sse_block(&c, p + i, &prev, &incomplete))
            return boundary_before(p, i);
    }
    if (i < len) {
        uint8_t pad[64] = {0};
        memcpy(pad, p + i, len - i);
        if (sse_block(&c, pad, &prev, &incomplete))
            return boundary_before(p, i);
        return len;
    }
    if (!_mm_testz_si128(incomplete, incomplete))
        return boundary_before(p, len);
    return len;
}
#endif /* WSU8_X86 */

/* ---- dispatch ----------------------------------------------------------------------- */

static prefix_fn kernel = scalar_prefix;
static const char *kernel_name = "scalar";
static int initialised = 0;

/* Below this size the automaton's ASCII words beat setting up a vector block. */
#define VECTOR_MIN 16

int wsu8_set_kernel(const char *name)
{
    if (!initialised) {
        dfa_init();
        initialised = 1;
    }
#ifdef WSU8_X86
    __builtin_cpu_init();
    if (strcmp(name, "avx2") == 0 && __builtin_cpu_supports("avx2")) {
        kernel = avx2_prefix;
        kernel_name = "avx2";
        return 0;
    }
    if (strcmp(name, "sse4.1") == 0 && __builtin_cpu_supports("sse4.1")) {
        kernel = sse41_prefix;
        kernel_name = "sse4.1";
        return 0;
    }
#endif
    if (strcmp(name, "scalar") == 0) {
        kernel = scalar_prefix;
        kernel_name = "scalar";
        return 0;
    }
    return -1;
}

const char *wsu8_kernel(void)
{
    if (!initialised && wsu8_set_kernel("avx2") != 0 && wsu8_set_kernel("sse4.1") != 0)
        wsu8_set_kernel("scalar");
    return kernel_name;
}

ptrdiff_t wsu8_validate(const unsigned char *p, size_t len, int *state)
{
    int s = *state;
    size_t i = 0;
    if (s == S_REJECT)
        return 0;
    while (s != S_ACCEPT && i < len) {  /* finish a sequence begun in an earlier chunk */
        s = dfa[s][p[i]];
        if (s == S_REJECT) {
            *state = s;
            return (ptrdiff_t)i;
        }
        i++;
    }
    if (i < len && len - i < 64) {  /* short input: mostly plain ASCII, skip the setup */
        size_t j = i;
        while (j + 8 <= len) {
            uint64_t word;
            memcpy(&word, p + j, 8);
            if (word & 0x8080808080808080ULL)
                break;
            j += 8;
        }
        while (j < len && p[j] < 0x80)
            j++;
        if (j == len) {
            *state = s;
            return -1;
        }
    }
    if (i < len && len - i >= VECTOR_MIN)
        i += kernel(p + i, len - i);
    *state = s;
    return i < len ? scalar_run(p, i, len, state) : -1;
}
