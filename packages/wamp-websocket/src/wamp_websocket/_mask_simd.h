/* XOR masking of WebSocket payloads for wamp_websocket._speedups (RFC 6455 5.3). */
#ifndef WAMP_WEBSOCKET_MASK_SIMD_H
#define WAMP_WEBSOCKET_MASK_SIMD_H

#include <stddef.h>

/* dst[i] = src[i] ^ key[i % 4] for i < len. dst may equal src; otherwise they don't overlap. */
void wsmask_apply(const unsigned char *src, unsigned char *dst, size_t len,
                  const unsigned char key[4]);

/* Which kernel wsmask_apply uses on this CPU: "avx2", "sse2" or "words". */
const char *wsmask_kernel(void);

/* Force a kernel by name (for tests and benchmarks); returns 0, or -1 if the CPU lacks it. */
int wsmask_set_kernel(const char *name);

#endif
