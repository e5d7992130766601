package export

import (
	"errors"
	"io/fs"
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
var ErrExists = &existsError{}

type existsError struct{}

// Error returns the message.
func (*existsError) Error() string {
	return "export: file exists (pass export.Overwrite() to replace it)"
}

// Is makes errors.Is(err, fs.ErrExist) hold.
func (*existsError) Is(target error) bool { return target == fs.ErrExist }

// ErrIncomplete is returned (wrapped) by readers that require a finished file
// and find one that is still being written or whose writer crashed.
var ErrIncomplete = errors.New("export: file is incomplete (still being written, or its writer stopped before closing it)")
