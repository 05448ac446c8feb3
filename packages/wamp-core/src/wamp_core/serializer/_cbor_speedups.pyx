# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: always_allow_keywords=False, binding=False, auto_pickle=False
"""Compiled CBOR (RFC 8949) for WAMP messages: the bytes and values of cbor2, sooner.

``dumps(obj)`` writes exactly the bytes ``cbor2.dumps(obj)`` writes, into one growing
buffer: definite lengths, the shortest head for every integer and length, dict entries in
their order, finite floats as doubles (major type 7, additional information 27; cbor2 6
writes every finite float so). It encodes the exact types list, tuple, dict, str, bytes,
bytearray, int (64-bit range), bool, None and float itself; anything else (big integers,
NaN and the infinities, subclasses, memoryview, tags, sets ...) is encoded alone by
``cbor2.dumps`` and its bytes spliced in: a CBOR array or map is its head followed by
complete data items, so the pieces join into the bytes of the whole. Containers nested
deeper than :data:`MAX_NESTING` raise ``cbor2.CBOREncodeValueError`` (cyclic values end
there too), so the C stack stays bounded.

``loads(data)`` returns what ``cbor2.loads(data)`` returns for payloads of the common
major types: unsigned and negative integers, byte and text strings (strict UTF-8), arrays,
maps (keys that are scalars), false, true, null and half, single and double floats. On
anything else (tags, indefinite lengths, undefined and other simple values, array or map
keys, nesting deeper than :data:`MAX_DECODE_NESTING`, bad UTF-8, truncated input) the whole
payload goes to ``cbor2.loads``, which gives its value or its error. No allocation trusts a
declared length: every item still expected by the open containers needs an octet, so a
string or container claiming more than the octets left beside those is such a case (and the
lists allocated at once never hold more slots than the input has octets). Octets after the
first data item are ignored, as cbor2 does.

Import it through ``wamp_core.serializer._cbor_impl``, which falls back to the pure path.
"""

from cpython.buffer cimport PyBUF_SIMPLE, PyBuffer_Release, PyObject_GetBuffer
from cpython.bytearray cimport PyByteArray_AS_STRING, PyByteArray_GET_SIZE
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_GET_SIZE
from cpython.dict cimport PyDict_Next
from cpython.mem cimport PyMem_Free, PyMem_Malloc, PyMem_Realloc
from cpython.object cimport PyObject
from cpython.ref cimport Py_INCREF
from libc.math cimport isfinite
from libc.stdint cimport uint64_t
from libc.string cimport memcpy

from cbor2 import CBOREncodeValueError
from cbor2 import dumps as _cbor2_dumps
from cbor2 import loads as _cbor2_loads

__all__ = ["MAX_DECODE_NESTING", "MAX_NESTING", "dumps", "loads"]

cdef extern from "Python.h":
    object PyBytes_FromStringAndSize(const char *v, Py_ssize_t n)
    object PyUnicode_DecodeUTF8(const char *s, Py_ssize_t size, const char *errors)
    object PyUnicode_AsUTF8String(object unicode)
    bint PyUnicode_IS_COMPACT_ASCII(object o)
    Py_ssize_t PyUnicode_GET_LENGTH(object o)
    void *PyUnicode_DATA(object o)
    Py_ssize_t PyList_GET_SIZE(object o)
    PyObject *PyList_GET_ITEM(object o, Py_ssize_t i)
    Py_ssize_t PyTuple_GET_SIZE(object o)
    PyObject *PyTuple_GET_ITEM(object o, Py_ssize_t i)
    Py_ssize_t PyDict_GET_SIZE(object o)
    object PyList_New(Py_ssize_t n)
    void PyList_SET_ITEM(object o, Py_ssize_t i, object v)
    int PyDict_SetItem(object d, object k, object v) except -1
    double PyFloat_AS_DOUBLE(object o)
    object PyFloat_FromDouble(double v)
    long long PyLong_AsLongLongAndOverflow(object o, int *overflow) except? -1
    unsigned long long PyLong_AsUnsignedLongLong(object o) except? -1
    object PyLong_FromUnsignedLongLong(unsigned long long v)
    object PyLong_FromLongLong(long long v)

cdef extern from *:
    """
    #include <string.h>
    #include <math.h>
    #include <stdint.h>

    static inline void cbor_store_be(unsigned char *p, uint64_t v, int width) {
        for (int i = width - 1; i >= 0; i--) { p[i] = (unsigned char)v; v >>= 8; }
    }
    static inline uint64_t cbor_load_be(const unsigned char *p, int width) {
        uint64_t v = 0;
        for (int i = 0; i < width; i++) v = (v << 8) | p[i];
        return v;
    }
    static inline uint64_t cbor_double_bits(double d) {
        uint64_t bits; memcpy(&bits, &d, 8); return bits;
    }
    static inline double cbor_bits_double(uint64_t bits) {
        double d; memcpy(&d, &bits, 8); return d;
    }
    static inline double cbor_single(uint64_t bits) {
        uint32_t b = (uint32_t)bits; float f; memcpy(&f, &b, 4); return (double)f;
    }
    /* IEEE 754 binary16 to double. A NaN keeps its payload and becomes quiet, as the
     * conversion of binary32 to binary64 does (and as cbor2 returns it). */
    static inline double cbor_half(uint64_t h) {
        uint64_t sign = (h >> 15) & 1, exp = (h >> 10) & 0x1f, man = h & 0x3ff;
        if (exp == 0) {
            double v = ldexp((double)man, -24);
            return sign ? -v : v;
        }
        if (exp == 31) {
            uint64_t nan = man ? (0x0008000000000000ULL | (man << 42)) : 0;
            return cbor_bits_double((sign << 63) | 0x7ff0000000000000ULL | nan);
        }
        return cbor_bits_double((sign << 63) | ((exp - 15 + 1023) << 52) | (man << 42));
    }
    """
    void cbor_store_be(unsigned char *p, uint64_t v, int width)
    uint64_t cbor_load_be(const unsigned char *p, int width)
    uint64_t cbor_double_bits(double d)
    double cbor_bits_double(uint64_t bits)
    double cbor_single(uint64_t bits)
    double cbor_half(uint64_t bits)


MAX_NESTING = 400
"""Containers nested deeper than this raise ``cbor2.CBOREncodeValueError`` in ``dumps``.

About as deep as cbor2's decoder reads; WAMP messages are a few levels deep.
"""
cdef int _MAX_NESTING = MAX_NESTING

MAX_DECODE_NESTING = 64
"""Payloads nested deeper than this are decoded by ``cbor2.loads`` (with its own limit)."""
cdef int _MAX_DECODE_NESTING = MAX_DECODE_NESTING

cdef object _U64_MAX = (1 << 64) - 1


# -- encoder ----------------------------------------------------------------------------------

cdef struct Out:
    unsigned char *data
    Py_ssize_t size
    Py_ssize_t capacity
    bint on_heap


cdef int _grow(Out *out, Py_ssize_t extra) except -1:
    cdef Py_ssize_t capacity = out.capacity * 2
    cdef unsigned char *data
    if capacity < out.size + extra:
        capacity = out.size + extra
    if out.on_heap:
        data = <unsigned char *>PyMem_Realloc(out.data, capacity)
    else:
        data = <unsigned char *>PyMem_Malloc(capacity)
        if data != NULL:
            memcpy(data, out.data, out.size)
    if data == NULL:
        raise MemoryError()
    out.data = data
    out.capacity = capacity
    out.on_heap = True
    return 0


cdef inline int _reserve(Out *out, Py_ssize_t extra) except -1:
    if out.size + extra > out.capacity:
        return _grow(out, extra)
    return 0


cdef inline int _append(Out *out, const char *data, Py_ssize_t n) except -1:
    _reserve(out, n)
    memcpy(out.data + out.size, data, n)
    out.size += n
    return 0


cdef inline int _head(Out *out, unsigned char major, uint64_t n) except -1:
    """RFC 8949 3: the major type and the argument, in the shortest form."""
    _reserve(out, 9)
    cdef unsigned char *p = out.data + out.size
    if n < 24:
        p[0] = major | <unsigned char>n
        out.size += 1
    elif n < 0x100:
        p[0] = major | 24
        p[1] = <unsigned char>n
        out.size += 2
    elif n < 0x10000:
        p[0] = major | 25
        cbor_store_be(p + 1, n, 2)
        out.size += 3
    elif n < 0x100000000:
        p[0] = major | 26
        cbor_store_be(p + 1, n, 4)
        out.size += 5
    else:
        p[0] = major | 27
        cbor_store_be(p + 1, n, 8)
        out.size += 9
    return 0


cdef int _splice(Out *out, object obj) except -1:
    """A value this module does not encode itself: cbor2's bytes for it alone."""
    cdef bytes data = _cbor2_dumps(obj)
    return _append(out, PyBytes_AS_STRING(data), PyBytes_GET_SIZE(data))


cdef int _text(Out *out, object s) except -1:
    cdef Py_ssize_t n
    cdef bytes data
    if PyUnicode_IS_COMPACT_ASCII(s):  # the characters are the UTF-8 octets
        n = PyUnicode_GET_LENGTH(s)
        _head(out, 0x60, <uint64_t>n)
        return _append(out, <const char *>PyUnicode_DATA(s), n)
    data = PyUnicode_AsUTF8String(s)  # UnicodeEncodeError for lone surrogates, as cbor2
    n = PyBytes_GET_SIZE(data)
    _head(out, 0x60, <uint64_t>n)
    return _append(out, PyBytes_AS_STRING(data), n)


cdef int _int(Out *out, object v) except -1:
    cdef int overflow = 0
    cdef long long x = PyLong_AsLongLongAndOverflow(v, &overflow)
    if overflow == 0:
        if x >= 0:
            return _head(out, 0x00, <uint64_t>x)
        return _head(out, 0x20, <uint64_t>(-(x + 1)))  # -1 - x, without overflow
    n = v if overflow > 0 else ~v  # ~v == -1 - v
    if n > _U64_MAX:
        return _splice(out, v)  # a bignum (tag 2 or 3), as cbor2 writes it
    return _head(out, 0x00 if overflow > 0 else 0x20, PyLong_AsUnsignedLongLong(n))


cdef int _float(Out *out, object v) except -1:
    cdef double d = PyFloat_AS_DOUBLE(v)
    if not isfinite(d):
        return _splice(out, v)
    _reserve(out, 9)
    out.data[out.size] = 0xFB
    cbor_store_be(out.data + out.size + 1, cbor_double_bits(d), 8)
    out.size += 9
    return 0


cdef int _too_deep() except -1:
    raise CBOREncodeValueError(
        f"cannot encode a value nested deeper than {MAX_NESTING} containers "
        "(or a cyclic one) as CBOR"
    )


cdef int _list(Out *out, object seq, int depth) except -1:
    cdef Py_ssize_t i, n = PyList_GET_SIZE(seq)
    if depth >= _MAX_NESTING:
        return _too_deep()
    _head(out, 0x80, <uint64_t>n)
    for i in range(n):
        if i >= PyList_GET_SIZE(seq):
            raise RuntimeError("list changed size during CBOR encoding")
        item = <object>PyList_GET_ITEM(seq, i)  # held while encoding
        _encode(out, item, depth + 1)
    return 0


cdef int _tuple(Out *out, object seq, int depth) except -1:
    cdef Py_ssize_t i, n = PyTuple_GET_SIZE(seq)
    if depth >= _MAX_NESTING:
        return _too_deep()
    _head(out, 0x80, <uint64_t>n)
    for i in range(n):
        _encode(out, <object>PyTuple_GET_ITEM(seq, i), depth + 1)
    return 0


cdef int _map(Out *out, object mapping, int depth) except -1:
    cdef Py_ssize_t pos = 0, done = 0, n = PyDict_GET_SIZE(mapping)
    cdef PyObject *key
    cdef PyObject *value
    if depth >= _MAX_NESTING:
        return _too_deep()
    _head(out, 0xA0, <uint64_t>n)
    while PyDict_Next(mapping, &pos, &key, &value):
        if done == n or PyDict_GET_SIZE(mapping) != n:
            raise RuntimeError("dictionary changed size during CBOR encoding")
        k, v = <object>key, <object>value  # held while encoding (cbor2 may run other code)
        _encode(out, k, depth + 1)
        _encode(out, v, depth + 1)
        done += 1
    if done != n:
        raise RuntimeError("dictionary changed size during CBOR encoding")
    return 0


cdef int _encode(Out *out, object obj, int depth) except -1:
    cdef type t = type(obj)
    cdef unsigned char byte
    if t is str:
        return _text(out, obj)
    if t is int:
        return _int(out, obj)
    if t is dict:
        return _map(out, obj, depth)
    if t is list:
        return _list(out, obj, depth)
    if t is tuple:
        return _tuple(out, obj, depth)
    if obj is None or t is bool:
        byte = 0xF6 if obj is None else (0xF5 if obj is True else 0xF4)
        return _append(out, <const char *>&byte, 1)
    if t is float:
        return _float(out, obj)
    if t is bytes:
        _head(out, 0x40, <uint64_t>PyBytes_GET_SIZE(obj))
        return _append(out, PyBytes_AS_STRING(obj), PyBytes_GET_SIZE(obj))
    if t is bytearray:
        _head(out, 0x40, <uint64_t>PyByteArray_GET_SIZE(obj))
        return _append(out, PyByteArray_AS_STRING(obj), PyByteArray_GET_SIZE(obj))
    return _splice(out, obj)


def dumps(obj):
    """``obj`` as CBOR: the same bytes as ``cbor2.dumps(obj)``."""
    cdef unsigned char stack[4096]
    cdef Out out
    out.data = stack
    out.size = 0
    out.capacity = sizeof(stack)
    out.on_heap = False
    try:
        _encode(&out, obj, 0)
        return PyBytes_FromStringAndSize(<const char *>out.data, out.size)
    finally:
        if out.on_heap:
            PyMem_Free(out.data)


# -- decoder ----------------------------------------------------------------------------------

class _Unusual(Exception):
    """Raised inside the decoder for what it leaves to cbor2 (never escapes ``loads``)."""


cdef struct In:
    const unsigned char *pos
    const unsigned char *end
    Py_ssize_t promised  # items the open containers still expect: an octet each at least


cdef inline bint _fits(In *r, uint64_t n):
    """Whether ``n`` more octets or items fit in what is left beside the promised items."""
    return n <= <uint64_t>(r.end - r.pos - r.promised)


cdef object _unusual():
    raise _Unusual()  # a new instance each time (a reused one would collect tracebacks)


cdef inline uint64_t _argument(In *r, unsigned char info) except? 0xFFFFFFFFFFFFFFFF:
    """RFC 8949 3: the argument after the initial byte (0-23 inline, 24-27: 1-8 octets)."""
    cdef int width
    if info < 24:
        return info
    if info > 27:  # 28-30 are reserved, 31 is an indefinite length
        _unusual()
    width = 1 << (info - 24)
    if r.end - r.pos - r.promised < width:
        _unusual()
    r.pos += width
    return cbor_load_be(r.pos - width, width)


cdef object _simple(In *r, unsigned char info):
    """Major type 7: false, true, null and the floats; the rest is left to cbor2."""
    if info == 20:
        return False
    if info == 21:
        return True
    if info == 22:
        return None
    if info < 25 or info > 27:  # undefined, simple values, break, reserved
        return _unusual()
    cdef uint64_t bits = _argument(r, info)
    if info == 25:
        return PyFloat_FromDouble(cbor_half(bits))
    if info == 26:
        return PyFloat_FromDouble(cbor_single(bits))
    return PyFloat_FromDouble(cbor_bits_double(bits))


cdef object _array(In *r, uint64_t n, int depth):
    cdef Py_ssize_t i
    if not _fits(r, n):  # so every list allocated at once holds fewer slots than the input
        return _unusual()
    r.promised += <Py_ssize_t>n
    items = PyList_New(<Py_ssize_t>n)
    for i in range(<Py_ssize_t>n):
        r.promised -= 1
        item = _decode(r, depth)
        Py_INCREF(item)
        PyList_SET_ITEM(items, i, item)
    return items


cdef object _map_of(In *r, uint64_t n, int depth):
    cdef uint64_t i
    if n > <uint64_t>(r.end - r.pos) // 2 or not _fits(r, 2 * n):  # key and value: 2 items
        return _unusual()
    r.promised += <Py_ssize_t>(2 * n)
    result = {}
    for i in range(n):
        r.promised -= 1
        key = _decode(r, depth)
        if type(key) is list or type(key) is dict:  # cbor2 makes tuples and frozendicts
            return _unusual()
        r.promised -= 1
        PyDict_SetItem(result, key, _decode(r, depth))
    return result


cdef object _decode(In *r, int depth):
    if r.end - r.pos <= r.promised:  # no octet left for this item
        return _unusual()
    cdef unsigned char initial = r.pos[0]
    cdef unsigned char major = initial >> 5, info = initial & 31
    r.pos += 1
    if major == 7:
        return _simple(r, info)
    cdef uint64_t n = _argument(r, info)
    cdef const char *start
    if major == 0:
        return PyLong_FromUnsignedLongLong(n)
    if major == 1:
        if n < 0x8000000000000000:
            return PyLong_FromLongLong(-1 - <long long>n)
        return -1 - PyLong_FromUnsignedLongLong(n)
    if major == 2 or major == 3:
        if not _fits(r, n):
            return _unusual()
        start = <const char *>r.pos
        r.pos += n
        if major == 2:
            return PyBytes_FromStringAndSize(start, <Py_ssize_t>n)
        return PyUnicode_DecodeUTF8(start, <Py_ssize_t>n, NULL)  # strict; errors: cbor2's
    if major == 6 or depth >= _MAX_DECODE_NESTING:  # tags: cbor2 knows them
        return _unusual()
    if major == 4:
        return _array(r, n, depth + 1)
    return _map_of(r, n, depth + 1)


def loads(data):
    """The value of the first CBOR data item in ``data``, as ``cbor2.loads(data)`` returns it."""
    cdef Py_buffer view
    cdef In r
    if type(data) is bytes:
        r.pos = <const unsigned char *>PyBytes_AS_STRING(data)
        r.end = r.pos + PyBytes_GET_SIZE(data)
        r.promised = 0
        try:
            return _decode(&r, 0)
        except (_Unusual, UnicodeDecodeError):
            return _cbor2_loads(data)
    try:
        PyObject_GetBuffer(data, &view, PyBUF_SIMPLE)
    except Exception:  # not a contiguous buffer: what cbor2 makes of it
        return _cbor2_loads(data)
    try:
        r.pos = <const unsigned char *>view.buf
        r.end = r.pos + view.len
        r.promised = 0
        return _decode(&r, 0)
    except (_Unusual, UnicodeDecodeError):
        pass
    finally:
        PyBuffer_Release(&view)
    return _cbor2_loads(data)
