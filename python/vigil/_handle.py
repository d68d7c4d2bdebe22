"""The life cycle shared by every wrapper of a C object: one owner, freed once, usable as a
context manager, and a clear error when used after close()."""

from ._lib import lib


class CObject:
    """Base of the wrappers (FeatureExtractor, Reader, Monitor, ...). A subclass names its C
    destructor in ``_destroy`` and stores the C pointer in ``_ptr`` once created."""

    _destroy = None  # name of the C function that frees the object, e.g. "vigil_monitor_destroy"
    _ptr = None      # the C pointer; None until created and after close()

    def close(self):
        """Free the C object. Further calls other than :meth:`close` raise ``ValueError``."""
        ptr, self._ptr = self._ptr, None
        if ptr:
            getattr(lib, self._destroy)(ptr)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __del__(self):
        self.close()

    def _handle(self):
        if not self._ptr:
            raise ValueError("vigil: operation on a closed %s" % type(self).__name__)
        return self._ptr
