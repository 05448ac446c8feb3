# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: always_allow_keywords=False, binding=False, auto_pickle=False
"""Compiled hot paths of wamp_websocket: XOR masking and incremental UTF-8 validation.

Same behaviour as the pure-Python reference in ``_pure.py`` (one test class runs against
both); the work is done by two small C kernels, ``_mask_simd.c`` and ``_utf8_simd.c``, which
pick AVX2 or SSE4.1 code at run time when the CPU has it. Import it through
``wamp_websocket._speedups_api``, which falls back to the pure versions.
"""

cimport cython
from cpython.buffer cimport PyBUF_SIMPLE, PyBuffer_Release, PyObject_GetBuffer
from cpython.bytearray cimport (
    PyByteArray_AS_STRING,
    PyByteArray_CheckExact,
    PyByteArray_GET_SIZE,
)
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_CheckExact, PyBytes_GET_SIZE
from cpython.object cimport PyObject
from cpython.ref cimport Py_XDECREF


cdef extern from "Python.h":
    # Declared here to get a plain pointer back (a new, uninitialised bytes object).
    object PyBytes_FromStringAndSize(const char *v, Py_ssize_t n)

cdef extern from *:
    """
    /* The 4-tuple answer of Utf8Validator.validate. When the previous answer is referenced by
     * the validator alone (the caller unpacked and dropped it, the usual case), its items are
     * replaced in place instead of building a new tuple, as CPython's zip() does with its
     * result tuples. Not on free-threaded builds, where a reference count proves nothing. */
    static PyObject *wsu8_answer(PyObject **cache, int valid, int complete,
                                 Py_ssize_t current, Py_ssize_t total)
    {
        PyObject *items[4];
        PyObject *t = *cache;
        items[0] = valid ? Py_True : Py_False;
        items[1] = complete ? Py_True : Py_False;
        Py_INCREF(items[0]);
        Py_INCREF(items[1]);
        items[2] = PyLong_FromSsize_t(current);
        items[3] = items[2] ? PyLong_FromSsize_t(total) : NULL;
        if (items[3] == NULL) {
            Py_DECREF(items[0]);
            Py_DECREF(items[1]);
            Py_XDECREF(items[2]);
            return NULL;
        }
    #ifndef Py_GIL_DISABLED
        if (t != NULL && Py_REFCNT(t) == 1) {
            for (int i = 0; i < 4; i++) {
                PyObject *old = PyTuple_GET_ITEM(t, i);
                PyTuple_SET_ITEM(t, i, items[i]);
                Py_DECREF(old);
            }
            Py_INCREF(t);
            return t;
        }
    #endif
        t = PyTuple_New(4);
        if (t == NULL) {
            for (int i = 0; i < 4; i++)
                Py_DECREF(items[i]);
            return NULL;
        }
        for (int i = 0; i < 4; i++)
            PyTuple_SET_ITEM(t, i, items[i]);
        Py_XDECREF(*cache);
        Py_INCREF(t);
        *cache = t;
        return t;
    }
    """
    object wsu8_answer(PyObject **cache, int valid, int complete, Py_ssize_t current,
                       Py_ssize_t total)

cdef extern from "_mask_simd.h":
    void wsmask_apply(const unsigned char *src, unsigned char *dst, size_t length,
                      const unsigned char *key) nogil
    const char *wsmask_kernel()
    int wsmask_set_kernel(const char *name)

cdef extern from "_utf8_simd.h":
    const int WSU8_ACCEPT
    const int WSU8_REJECT
    ptrdiff_t wsu8_validate(const unsigned char *data, size_t length, int *state) nogil
    const char *wsu8_kernel()
    int wsu8_set_kernel(const char *name)

__all__ = ["Utf8Validator", "apply_mask", "kernels", "use_kernels"]

# From this size on the kernels run without the GIL, so other threads go on meanwhile.
cdef Py_ssize_t NOGIL_MIN = 1 << 18

wsmask_kernel()  # choose the kernels for this CPU now
wsu8_kernel()


cdef inline bint borrow(object obj, const unsigned char **data, Py_ssize_t *length):
    """Point at the bytes of a bytes object, or of a bytearray small enough to keep the GIL
    for (a bytearray can be resized by another thread once the GIL is released)."""
    if PyBytes_CheckExact(obj):
        data[0] = <const unsigned char *>PyBytes_AS_STRING(obj)
        length[0] = PyBytes_GET_SIZE(obj)
        return True
    if PyByteArray_CheckExact(obj) and PyByteArray_GET_SIZE(obj) < NOGIL_MIN:
        data[0] = <const unsigned char *>PyByteArray_AS_STRING(obj)
        length[0] = PyByteArray_GET_SIZE(obj)
        return True
    return False


cdef inline int get_view(object obj, Py_buffer *view) except -1:
    """Borrow ``obj``'s bytes; a non-contiguous buffer is copied to contiguous bytes first."""
    try:
        return PyObject_GetBuffer(obj, view, PyBUF_SIMPLE)
    except BufferError:
        return PyObject_GetBuffer(memoryview(obj).tobytes(), view, PyBUF_SIMPLE)


cdef bytes masked(const unsigned char *src, Py_ssize_t length, const unsigned char *key):
    cdef bytes out = PyBytes_FromStringAndSize(NULL, length)
    cdef unsigned char *dst = <unsigned char *>PyBytes_AS_STRING(out)
    if length >= NOGIL_MIN:
        with nogil:
            wsmask_apply(src, dst, <size_t>length, key)
    else:
        wsmask_apply(src, dst, <size_t>length, key)
    return out


def apply_mask(data, mask):
    """Return ``data`` XOR the 4-byte ``mask`` repeated (RFC 6455 5.3); any bytes-like input."""
    cdef Py_buffer data_view
    cdef Py_buffer mask_view
    cdef const unsigned char *key
    cdef const unsigned char *src
    cdef Py_ssize_t length
    if PyBytes_CheckExact(mask) and PyBytes_GET_SIZE(mask) == 4:
        key = <const unsigned char *>PyBytes_AS_STRING(mask)
        if borrow(data, &src, &length):
            return masked(src, length, key)
        get_view(data, &data_view)
        try:
            return masked(<const unsigned char *>data_view.buf, data_view.len, key)
        finally:
            PyBuffer_Release(&data_view)
    get_view(mask, &mask_view)
    try:
        if mask_view.len != 4:
            raise ValueError(f"the mask must be 4 bytes long, got {mask_view.len}")
        get_view(data, &data_view)
        try:
            return masked(<const unsigned char *>data_view.buf, data_view.len,
                          <const unsigned char *>mask_view.buf)
        finally:
            PyBuffer_Release(&data_view)
    finally:
        PyBuffer_Release(&mask_view)


@cython.final
cdef class Utf8Validator:
    """Incremental UTF-8 validator with Autobahn's contract.

    ``validate(chunk)`` returns ``(valid, ends_on_codepoint, current_index, total_index)``.
    While the input is valid, ``current_index`` is ``len(chunk)`` and ``total_index`` the
    number of bytes consumed since the last :meth:`reset`. At the first byte that makes the
    input invalid, ``valid`` is False, ``current_index`` is that byte's index in the chunk and
    ``total_index`` its index in the whole input; the validator then stays invalid (every
    later call answers ``(False, False, 0, total_index)``) until :meth:`reset`.
    """

    cdef int _state
    cdef Py_ssize_t _total
    cdef PyObject *_answer  # the last answer (a strong reference), reused when possible

    def __cinit__(self):
        self._state = WSU8_ACCEPT
        self._total = 0
        self._answer = NULL

    def __dealloc__(self):
        Py_XDECREF(self._answer)

    def reset(self):
        """Start validating a new, independent input."""
        self._state = WSU8_ACCEPT
        self._total = 0

    cdef object _feed(self, const unsigned char *data, Py_ssize_t length):
        cdef ptrdiff_t bad
        if self._state == WSU8_REJECT:
            return wsu8_answer(&self._answer, False, False, 0, self._total)
        if length >= NOGIL_MIN:
            with nogil:
                bad = wsu8_validate(data, <size_t>length, &self._state)
        else:
            bad = wsu8_validate(data, <size_t>length, &self._state)
        if bad >= 0:
            self._total += bad
            return wsu8_answer(&self._answer, False, False, bad, self._total)
        self._total += length
        return wsu8_answer(&self._answer, True, self._state == WSU8_ACCEPT, length,
                           self._total)

    def validate(self, data):
        """Validate the next chunk of the input; see the class docstring for the result."""
        cdef Py_buffer view
        cdef const unsigned char *chunk
        cdef Py_ssize_t length
        if borrow(data, &chunk, &length):
            return self._feed(chunk, length)
        get_view(data, &view)
        try:
            return self._feed(<const unsigned char *>view.buf, view.len)
        finally:
            PyBuffer_Release(&view)


def kernels():
    """The C kernels in use on this CPU: ``{"mask": ..., "utf8": ...}``."""
    return {"mask": wsmask_kernel().decode(), "utf8": wsu8_kernel().decode()}


def use_kernels(mask=None, utf8=None):
    """Force kernels by name (tests and benchmarks); ValueError if this CPU lacks one.

    Masking: ``"avx2"``, ``"sse2"`` or ``"words"``; UTF-8: ``"avx2"``, ``"sse4.1"`` or ``"scalar"``.
    """
    if mask is not None and wsmask_set_kernel(mask.encode()) != 0:
        raise ValueError(f"masking kernel {mask!r} is not available on this CPU")
    if utf8 is not None and wsu8_set_kernel(utf8.encode()) != 0:
        raise ValueError(f"UTF-8 kernel {utf8!r} is not available on this CPU")
