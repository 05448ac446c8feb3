/* Incremental UTF-8 validation for wamp_websocket._speedups (RFC 3629, RFC 6455 8.1).
 *
 * The state between chunks is one small integer: WSU8_ACCEPT on a code point boundary,
 * WSU8_REJECT after an error, and another value inside a multi-byte sequence.
 */
#ifndef WAMP_WEBSOCKET_UTF8_SIMD_H
#define WAMP_WEBSOCKET_UTF8_SIMD_H

#include <stddef.h>

#define WSU8_ACCEPT 0
#define WSU8_REJECT 1

/* Validate len bytes at data, continuing from *state (updated on return).
 * Returns -1 when every byte was accepted, else the index of the first byte at which the
 * input stops being a prefix of valid UTF-8 (and *state is WSU8_REJECT). */
ptrdiff_t wsu8_validate(const unsigned char *data, size_t len, int *state);

/* Which kernel wsu8_validate uses on this CPU: "avx2", "sse4.1" or "scalar". */
const char *wsu8_kernel(void);

/* Force a kernel by name (for tests and benchmarks); returns 0, or -1 if the CPU lacks it. */
int wsu8_set_kernel(const char *name);

#endif
