/* Run-time version, so that a program (or the Python binding) can check what it loaded. */
#include "vigil/version.h"

const char *vigil_version_string(void)
{
    return VIGIL_VERSION_STRING;
}

int vigil_version_number(void)
{
    return VIGIL_VERSION_NUMBER;
}
