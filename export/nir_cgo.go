//go:build cgo && !nohdf5

package export

/*
#include <stdlib.h>
#include <hdf5.h>

// nir_write_strings writes a dataset of variable-length UTF-8 strings of
// rank 0 (scalar: vals[0]), 1 (d0) or 2 (d0×d1), as h5py writes a str or an
// array of str.
static int nir_write_strings(hid_t loc, const char *name, const char **vals, int rank, unsigned long long d0, unsigned long long d1) {
	hid_t t = H5Tcopy(H5T_C_S1);
	if (t < 0) return -1;
	if (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0) {
		H5Tclose(t);
		return -1;
	}
	hsize_t dims[2] = {d0, d1};
	hid_t sp = rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(rank, dims, NULL);
	if (sp < 0) {
		H5Tclose(t);
		return -1;
	}
	herr_t r = -1;
	hid_t d = H5Dcreate2(loc, name, t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
	if (d >= 0) {
		r = H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, vals);
		H5Dclose(d);
	}
	H5Sclose(sp);
	H5Tclose(t);
	return r < 0 ? -1 : 0;
}
*/
import "C"

// nirWriteStrings writes values as a string dataset of shape dims (nil or
// empty: scalar; one or two dimensions) under g.
func nirWriteStrings(g *Group, name string, values []string, dims []int) error {
	if err := g.check(name); err != nil {
		return err
	}
	if err := g.writable("write " + name); err != nil {
		return err
	}
	lock()
	defer unlock()
	if g.h.grp == nil && g.h.file == nil {
		return errClosed
	}
	cn, free := cstr(name)
	defer free()
	arr, freeArr := cStrings(values)
	defer freeArr()
	var d0, d1 C.ulonglong
	if len(dims) > 0 {
		d0 = C.ulonglong(dims[0])
	}
	if len(dims) > 1 {
		d1 = C.ulonglong(dims[1])
	}
	if C.nir_write_strings(g.h.id(), cn, arr, C.int(len(dims)), d0, d1) < 0 {
		return h5err("write NIR strings " + name)
	}
	return nil
}
