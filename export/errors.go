package export

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
)

// ErrNoHDF5 is returned by every HDF5 function when neurodyn was built
// without libhdf5 (CGO_ENABLED=0 or -tags nohdf5). The message says how to
// get a build with HDF5.
var ErrNoHDF5 = errors.New("export: this neurodyn binary was built without HDF5 " +
	"(CGO_ENABLED=0 or -tags nohdf5); install libhdf5 (Debian/Ubuntu: apt-get install libhdf5-dev pkg-config; " +
	"on a cluster: module load hdf5 and set CGO_CFLAGS/CGO_LDFLAGS from pkg-config) and rebuild with CGO_ENABLED=1 " +
	"and without the nohdf5 tag, or write .npz files instead")

// ErrExists is returned (wrapped) when a result file already exists and the
// Overwrite option was not given. errors.Is(err, fs.ErrExist) also holds.
// The writers return it as an *ExistsError, whose message says how to
// replace the file in Go; the C API, Python and the command line put their
// own option there (WithOverwriteHint).
var ErrExists = &existsError{}

type existsError struct{}

// Error returns the message.
func (*existsError) Error() string { return "export: file exists" }

// Is makes errors.Is(err, fs.ErrExist) hold.
func (*existsError) Is(target error) bool { return target == fs.ErrExist }

// GoOverwriteHint is the remedy an *ExistsError gives by default: the
// option of the Go API.
const GoOverwriteHint = "pass export.Overwrite() to replace it"

// ExistsError is the error of a writer that found its file (or the partial
// file of another writer) in place and was not asked to replace it.
// errors.Is(err, ErrExists) and errors.Is(err, fs.ErrExist) hold.
type ExistsError struct {
	Path string // the file found
	// Partial tells that Path is the partial file of another writer,
	// running or killed.
	Partial bool
	// Note says more (that Path appeared while the new data was written).
	Note string
	// Hint is the remedy: GoOverwriteHint when empty.
	Hint string
}

// Error returns "export: file exists: <path> (<note>; <hint>)".
func (e *ExistsError) Error() string {
	hint := e.Hint
	if hint == "" {
		hint = GoOverwriteHint
	}
	switch {
	case e.Partial:
		return fmt.Sprintf("export: file exists: %s (a writer is running, or one crashed; remove it, or %s)", e.Path, hint)
	case e.Note != "":
		return fmt.Sprintf("export: file exists: %s (%s; %s)", e.Path, e.Note, hint)
	}
	return fmt.Sprintf("export: file exists: %s (%s)", e.Path, hint)
}

// Is makes errors.Is(err, ErrExists) and errors.Is(err, fs.ErrExist) hold.
func (e *ExistsError) Is(target error) bool { return target == ErrExists || target == fs.ErrExist }

// WithOverwriteHint returns err with the remedy of the *ExistsError in it
// replaced by hint, the way a caller other than Go replaces a file (the
// CLI: "pass --overwrite to replace it"; C: "pass overwrite != 0 to
// replace it"). An error wrapping only the bare ErrExists gets hint
// appended in parentheses. Other errors, and nil, are returned unchanged;
// errors.Is and errors.As see through the result.
func WithOverwriteHint(err error, hint string) error {
	if err == nil || !errors.Is(err, ErrExists) {
		return err
	}
	msg := err.Error()
	var ee *ExistsError
	if errors.As(err, &ee) {
		re := *ee
		re.Hint = hint
		msg = strings.Replace(msg, ee.Error(), re.Error(), 1)
	} else {
		msg += " (" + hint + ")"
	}
	return &hinted{msg: msg, err: err}
}

// hinted is an error reworded by WithOverwriteHint.
type hinted struct {
	msg string
	err error
}

func (e *hinted) Error() string { return e.msg }
func (e *hinted) Unwrap() error { return e.err }

// ErrIncomplete is returned (wrapped) by readers that require a finished file
// and find one that is still being written or whose writer crashed.
var ErrIncomplete = errors.New("export: file is incomplete (still being written, or its writer stopped before closing it)")
