"""Status codes of the vigil C library and the exception that carries them.

The numeric values mirror ``enum vigil_status`` in ``include/vigil/status.h``; they are part of
the library's ABI and never change once released, so copying them here is safe (the loader's
test checks them against the header).
"""

import enum


class Status(enum.IntEnum):
    """Status codes returned by the C library (0 is success, negative values are errors)."""

    OK = 0
    EINVAL = -1
    ENOMEM = -2
    EIO = -3
    EFORMAT = -4
    ENOTFOUND = -5
    ENONFINITE = -6
    EFULL = -7
    ESTATE = -8
    ESPACE = -9
    EMISMATCH = -10
    ENODATA = -11
    ENOTREND = -12
    EVERSION = -13


class VigilError(Exception):
    """A vigil C function failed.

    Attributes:
        code: the negative status code (an ``int``; compare with :class:`Status` members).
        status: the code as a :class:`Status` member, or the plain ``int`` for a code this
            binding does not know yet (a newer library).
        message: the library's detail for the failure (``vigil_last_error()``), e.g.
            ``"run.csv.gz:1042: bad number 'abc' in column 2 ('de')"``.
        function: name of the C function that failed.
    """

    def __init__(self, code, message, function=None):
        self.code = int(code)
        try:
            self.status = Status(self.code)
        except ValueError:
            self.status = self.code
        self.message = message
        self.function = function
        name = self.status.name if isinstance(self.status, Status) else str(self.code)
        where = "%s: " % function if function else ""
        super().__init__("%s%s (VIGIL_%s)" % (where, message, name))
