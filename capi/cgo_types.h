/* cgo_types.h: private to the capi package (not installed).
 *
 * cgo cannot spell a const-qualified pointer in a Go signature, so the Go
 * exports take pointers to these const typedefs: the prototypes cgo
 * generates then read "const char *", "const double *", ... and the C
 * compiler checks them against the public header, which every file of the
 * package includes (a mismatch between neurodyn.h and a Go export fails the
 * build with "conflicting types").
 */
#ifndef NEURODYN_CGO_TYPES_H
#define NEURODYN_CGO_TYPES_H

#include "include/neurodyn.h"

typedef const char nd_cchar;
typedef const double nd_cdouble;
typedef const float nd_cfloat;
typedef const uint32_t nd_cuint32;
typedef const int64_t nd_cint64;

#endif
