package nderr

import (
	"github.com/neurodyn/neurodyn/internal/memlimit"
	"github.com/neurodyn/neurodyn/internal/param"
)

// ErrInvalid is wrapped by every error for a bad parameter or bad data:
// errors.Is(err, ErrInvalid) reports whether a call failed because of its
// arguments (the CLI exits 2 for it, the C API returns
// NEURODYN_ERR_INVALID).
var ErrInvalid = param.ErrInvalid

// ErrMemoryExceeded is wrapped by the errors of work refused because its
// memory estimate exceeds the memory limit (NEURODYN_ERR_MEMORY in the C
// API): errors.Is(err, ErrMemoryExceeded). Such an error names what needed
// the memory, the estimate and the limit.
var ErrMemoryExceeded = memlimit.ErrExceeded

// ParamError is the error of one bad parameter, found with errors.As:
//
//	var pe *nderr.ParamError
//	if errors.As(err, &pe) {
//		fmt.Println(pe.Name, pe.Allowed)
//	}
//
// Its fields are Pkg (the package reporting it, e.g. "kernel"), Name (the
// parameter as the user spells it: a spec key such as
// "population[0].params.tau_mem_ms", or a Go field such as "Horizon"),
// Value (the value given; a summary such as "3 values" for long data) and
// Allowed (what is allowed, e.g. "finite and > 0"). Its message is
// "Pkg: Name = Value: must be Allowed", and it unwraps to ErrInvalid.
type ParamError = param.Error
