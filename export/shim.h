// shim.h: the small pieces of the HDF5 C API that gonum.org/v1/hdf5 does not
// wrap (typed I/O with an explicit memory type, H5Dset_extent, enum and
// UTF-8 string attributes and datasets, attribute listing, dataset storage
// inspection, error messages). Included only by h5_cgo.go.
#ifndef NEURODYN_EXPORT_SHIM_H
#define NEURODYN_EXPORT_SHIM_H

#include <hdf5.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ND_MAX_RANK 32

// Element type codes: the values of export.DType.
enum { ND_INVALID, ND_I8, ND_U8, ND_I16, ND_U16, ND_I32, ND_U32, ND_I64, ND_U64, ND_F32, ND_F64, ND_STRING, ND_ENUM, ND_OTHER };

// nd_silence turns off HDF5's automatic error printing on this thread
// (error settings are per thread in thread-safe builds).
static __thread int nd_quiet = 0;
static void nd_silence(void) {
	if (!nd_quiet) {
		H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
		nd_quiet = 1;
	}
}

typedef struct {
	char buf[600];
	int set;
} nd_errbuf;

static herr_t nd_walk(unsigned n, const H5E_error2_t *e, void *data) {
	nd_errbuf *b = (nd_errbuf *)data;
	if (!b->set) {
		char maj[160] = "", min[160] = "";
		H5Eget_msg(e->maj_num, NULL, maj, sizeof maj);
		H5Eget_msg(e->min_num, NULL, min, sizeof min);
		snprintf(b->buf, sizeof b->buf, "%s (%s; %s; in %s)", e->desc ? e->desc : "", maj, min,
		         e->func_name ? e->func_name : "?");
		b->set = 1;
	}
	return 0;
}

// nd_errmsg writes the innermost message of this thread's error stack to out
// and clears the stack.
static void nd_errmsg(char *out, size_t n) {
	nd_errbuf b;
	memset(&b, 0, sizeof b);
	H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, nd_walk, &b);
	snprintf(out, n, "%s", b.set ? b.buf : "HDF5 call failed (no message on the error stack)");
	H5Eclear2(H5E_DEFAULT);
}

static hid_t nd_memtype(int t) {
	switch (t) {
	case ND_I8: return H5T_NATIVE_INT8;
	case ND_U8: return H5T_NATIVE_UINT8;
	case ND_I16: return H5T_NATIVE_INT16;
	case ND_U16: return H5T_NATIVE_UINT16;
	case ND_I32: return H5T_NATIVE_INT32;
	case ND_U32: return H5T_NATIVE_UINT32;
	case ND_I64: return H5T_NATIVE_INT64;
	case ND_U64: return H5T_NATIVE_UINT64;
	case ND_F32: return H5T_NATIVE_FLOAT;
	case ND_F64: return H5T_NATIVE_DOUBLE;
	}
	return -1;
}

static hid_t nd_filetype(int t) {
	switch (t) {
	case ND_I8: return H5T_STD_I8LE;
	case ND_U8: return H5T_STD_U8LE;
	case ND_I16: return H5T_STD_I16LE;
	case ND_U16: return H5T_STD_U16LE;
	case ND_I32: return H5T_STD_I32LE;
	case ND_U32: return H5T_STD_U32LE;
	case ND_I64: return H5T_STD_I64LE;
	case ND_U64: return H5T_STD_U64LE;
	case ND_F32: return H5T_IEEE_F32LE;
	case ND_F64: return H5T_IEEE_F64LE;
	}
	return -1;
}

// nd_classify maps an HDF5 datatype to an element type code.
static int nd_classify(hid_t t) {
	size_t sz = H5Tget_size(t);
	switch (H5Tget_class(t)) {
	case H5T_INTEGER: {
		int sgn = H5Tget_sign(t) == H5T_SGN_2;
		switch (sz) {
		case 1: return sgn ? ND_I8 : ND_U8;
		case 2: return sgn ? ND_I16 : ND_U16;
		case 4: return sgn ? ND_I32 : ND_U32;
		case 8: return sgn ? ND_I64 : ND_U64;
		}
		return ND_OTHER;
	}
	case H5T_FLOAT:
		if (sz == 4) return ND_F32;
		if (sz == 8) return ND_F64;
		return ND_OTHER;
	case H5T_STRING: return ND_STRING;
	case H5T_ENUM: return ND_ENUM;
	default: return ND_OTHER;
	}
}

// nd_space_dims fills dims (and maxdims, Unlimited = -1) of a dataspace.
static int nd_space_dims(hid_t sp, int *rank, long long *dims, long long *maxdims) {
	hsize_t d[ND_MAX_RANK], m[ND_MAX_RANK];
	int r = H5Sget_simple_extent_ndims(sp);
	if (r < 0 || r > ND_MAX_RANK) return -1;
	if (H5Sget_simple_extent_dims(sp, d, m) < 0) return -1;
	*rank = r;
	for (int i = 0; i < r; i++) {
		dims[i] = (long long)d[i];
		if (maxdims) maxdims[i] = m[i] == H5S_UNLIMITED ? -1 : (long long)m[i];
	}
	return 0;
}

static int nd_dset_info(hid_t ds, int *dtype, int *rank, long long *dims, long long *maxdims, long long *chunk,
                        int *deflate, int *shuffle) {
	hid_t t = H5Dget_type(ds);
	if (t < 0) return -1;
	*dtype = nd_classify(t);
	H5Tclose(t);
	hid_t sp = H5Dget_space(ds);
	if (sp < 0) return -1;
	int rc = nd_space_dims(sp, rank, dims, maxdims);
	H5Sclose(sp);
	if (rc < 0) return -1;
	chunk[0] = 0;
	*deflate = 0;
	*shuffle = 0;
	hid_t dcpl = H5Dget_create_plist(ds);
	if (dcpl < 0) return -1;
	if (H5Pget_layout(dcpl) == H5D_CHUNKED && *rank > 0) {
		hsize_t c[ND_MAX_RANK];
		if (H5Pget_chunk(dcpl, *rank, c) < 0) {
			H5Pclose(dcpl);
			return -1;
		}
		for (int i = 0; i < *rank; i++) chunk[i] = (long long)c[i];
	}
	int nf = H5Pget_nfilters(dcpl);
	for (int i = 0; i < nf; i++) {
		unsigned flags, cd[8];
		size_t ncd = 8;
		H5Z_filter_t f = H5Pget_filter2(dcpl, (unsigned)i, &flags, &ncd, cd, 0, NULL, NULL);
		if (f == H5Z_FILTER_DEFLATE) *deflate = ncd > 0 ? (int)cd[0] : 1;
		if (f == H5Z_FILTER_SHUFFLE) *shuffle = 1;
	}
	H5Pclose(dcpl);
	return 0;
}

static int nd_set_extent(hid_t ds, int rank, const unsigned long long *dims) {
	hsize_t d[ND_MAX_RANK];
	for (int i = 0; i < rank; i++) d[i] = (hsize_t)dims[i];
	return H5Dset_extent(ds, d) < 0 ? -1 : 0;
}

// nd_dset_io reads or writes the hyperslab (off, cnt) of ds from/to buf,
// whose elements have type code t.
static int nd_dset_io(hid_t ds, int t, int write, void *buf, int rank, const long long *off, const long long *cnt) {
	hid_t mt = nd_memtype(t);
	if (mt < 0) return -1;
	hid_t fs = H5Dget_space(ds);
	if (fs < 0) return -1;
	hid_t ms;
	if (rank == 0) {
		ms = H5Screate(H5S_SCALAR);
	} else {
		hsize_t o[ND_MAX_RANK], c[ND_MAX_RANK];
		for (int i = 0; i < rank; i++) {
			o[i] = (hsize_t)off[i];
			c[i] = (hsize_t)cnt[i];
		}
		if (H5Sselect_hyperslab(fs, H5S_SELECT_SET, o, NULL, c, NULL) < 0) {
			H5Sclose(fs);
			return -1;
		}
		ms = H5Screate_simple(rank, c, NULL);
	}
	if (ms < 0) {
		H5Sclose(fs);
		return -1;
	}
	herr_t r = write ? H5Dwrite(ds, mt, ms, fs, H5P_DEFAULT, buf) : H5Dread(ds, mt, ms, fs, H5P_DEFAULT, buf);
	H5Sclose(ms);
	H5Sclose(fs);
	return r < 0 ? -1 : 0;
}

static int nd_replace_attr(hid_t obj, const char *name) {
	htri_t ex = H5Aexists(obj, name);
	if (ex < 0) return -1;
	if (ex > 0 && H5Adelete(obj, name) < 0) return -1;
	return 0;
}

// nd_attr_write writes a scalar (rank 0) or 1-D (rank 1, n elements)
// numeric attribute, replacing one of the same name.
static int nd_attr_write(hid_t obj, const char *name, int t, const void *buf, int rank, unsigned long long n) {
	if (nd_replace_attr(obj, name) < 0) return -1;
	hsize_t dim = (hsize_t)n;
	hid_t sp = rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &dim, NULL);
	if (sp < 0) return -1;
	hid_t a = H5Acreate2(obj, name, nd_filetype(t), sp, H5P_DEFAULT, H5P_DEFAULT);
	H5Sclose(sp);
	if (a < 0) return -1;
	herr_t r = 0;
	if (n > 0) r = H5Awrite(a, nd_memtype(t), buf);
	H5Aclose(a);
	return r < 0 ? -1 : 0;
}

static int nd_attr_read(hid_t obj, const char *name, int t, void *buf) {
	hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
	if (a < 0) return -1;
	herr_t r = H5Aread(a, nd_memtype(t), buf);
	H5Aclose(a);
	return r < 0 ? -1 : 0;
}

static int nd_attr_info(hid_t obj, const char *name, int *dtype, int *rank, long long *dims) {
	hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
	if (a < 0) return -1;
	hid_t t = H5Aget_type(a);
	hid_t sp = H5Aget_space(a);
	int rc = (t < 0 || sp < 0) ? -1 : 0;
	if (rc == 0) {
		*dtype = nd_classify(t);
		rc = nd_space_dims(sp, rank, dims, NULL);
	}
	if (t >= 0) H5Tclose(t);
	if (sp >= 0) H5Sclose(sp);
	H5Aclose(a);
	return rc;
}

static hid_t nd_vlstr(H5T_cset_t cset) {
	hid_t t = H5Tcopy(H5T_C_S1);
	if (t < 0) return -1;
	if (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, cset) < 0) {
		H5Tclose(t);
		return -1;
	}
	return t;
}

// nd_write_strings writes n variable-length UTF-8 strings as an attribute
// (attr != 0; scalar != 0 for a scalar attribute holding vals[0]) or as a
// 1-D dataset of obj.
static int nd_write_strings(hid_t obj, const char *name, int attr, const char **vals, unsigned long long n, int scalar) {
	if (attr && nd_replace_attr(obj, name) < 0) return -1;
	hid_t t = nd_vlstr(H5T_CSET_UTF8);
	if (t < 0) return -1;
	hsize_t dim = (hsize_t)n;
	hid_t sp = scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &dim, NULL);
	if (sp < 0) {
		H5Tclose(t);
		return -1;
	}
	herr_t r = -1;
	if (attr) {
		hid_t a = H5Acreate2(obj, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
		if (a >= 0) {
			r = n > 0 ? H5Awrite(a, t, vals) : 0;
			H5Aclose(a);
		}
	} else {
		hid_t d = H5Dcreate2(obj, name, t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
		if (d >= 0) {
			r = n > 0 ? H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, vals) : 0;
			H5Dclose(d);
		}
	}
	H5Sclose(sp);
	H5Tclose(t);
	return r < 0 ? -1 : 0;
}

// nd_read_strings reads the string attribute name of obj (name != NULL) or
// the string dataset obj (name == NULL), variable or fixed length, into a
// malloc'ed array of malloc'ed strings; it returns their number or -1.
static long long nd_read_strings(hid_t obj, const char *name, char ***out) {
	hid_t o = name ? H5Aopen(obj, name, H5P_DEFAULT) : obj;
	if (o < 0) return -1;
	hid_t t = name ? H5Aget_type(o) : H5Dget_type(o);
	hid_t sp = name ? H5Aget_space(o) : H5Dget_space(o);
	long long n = -1;
	char **res = NULL;
	if (t < 0 || sp < 0 || H5Tget_class(t) != H5T_STRING) goto done;
	hssize_t np = H5Sget_simple_extent_npoints(sp);
	if (np < 0) goto done;
	res = (char **)calloc(np > 0 ? (size_t)np : 1, sizeof(char *));
	H5T_cset_t cset = H5Tget_cset(t);
	if (H5Tis_variable_str(t) > 0) {
		hid_t mt = nd_vlstr(cset);
		char **buf = (char **)calloc(np > 0 ? (size_t)np : 1, sizeof(char *));
		herr_t r = np == 0 ? 0 : (name ? H5Aread(o, mt, buf) : H5Dread(o, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf));
		if (r >= 0) {
			for (hssize_t i = 0; i < np; i++) res[i] = strdup(buf[i] ? buf[i] : "");
			if (np > 0) H5Dvlen_reclaim(mt, sp, H5P_DEFAULT, buf);
			n = np;
		}
		free(buf);
		H5Tclose(mt);
	} else {
		size_t sz = H5Tget_size(t);
		hid_t mt = H5Tcopy(H5T_C_S1);
		H5Tset_size(mt, sz);
		H5Tset_cset(mt, cset);
		H5Tset_strpad(mt, H5T_STR_NULLPAD);
		char *buf = (char *)calloc(np > 0 ? (size_t)np * sz : 1, 1);
		herr_t r = np == 0 ? 0 : (name ? H5Aread(o, mt, buf) : H5Dread(o, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf));
		if (r >= 0) {
			for (hssize_t i = 0; i < np; i++) res[i] = strndup(buf + (size_t)i * sz, sz);
			n = np;
		}
		free(buf);
		H5Tclose(mt);
	}
done:
	if (n < 0 && res) {
		free(res);
		res = NULL;
	}
	if (t >= 0) H5Tclose(t);
	if (sp >= 0) H5Sclose(sp);
	if (name && o >= 0) H5Aclose(o);
	*out = res;
	return n;
}

// nd_put_int stores v in buf as the native integer of type code base.
static void nd_put_int(int base, long long v, void *buf) {
	switch (base) {
	case ND_U8: *(uint8_t *)buf = (uint8_t)v; break;
	case ND_I8: *(int8_t *)buf = (int8_t)v; break;
	case ND_I16: *(int16_t *)buf = (int16_t)v; break;
	case ND_I32: *(int32_t *)buf = (int32_t)v; break;
	default: *(int64_t *)buf = (int64_t)v; break;
	}
}

// nd_attr_write_enum writes a scalar enum attribute with n members over the
// native integer type base, holding value.
static int nd_attr_write_enum(hid_t obj, const char *name, int base, int n, const char **names, const long long *vals,
                              long long value) {
	if (nd_replace_attr(obj, name) < 0) return -1;
	hid_t et = H5Tenum_create(nd_memtype(base));
	if (et < 0) return -1;
	int64_t buf;
	for (int i = 0; i < n; i++) {
		nd_put_int(base, vals[i], &buf);
		if (H5Tenum_insert(et, names[i], &buf) < 0) {
			H5Tclose(et);
			return -1;
		}
	}
	hid_t sp = H5Screate(H5S_SCALAR);
	hid_t a = H5Acreate2(obj, name, et, sp, H5P_DEFAULT, H5P_DEFAULT);
	herr_t r = -1;
	if (a >= 0) {
		nd_put_int(base, value, &buf);
		r = H5Awrite(a, et, &buf);
		H5Aclose(a);
	}
	H5Sclose(sp);
	H5Tclose(et);
	return r < 0 ? -1 : 0;
}

// nd_to_ll converts one integer of HDF5 type super held in buf (16 bytes) to
// long long.
static int nd_to_ll(hid_t super, unsigned char *buf, long long *out) {
	if (H5Tconvert(super, H5T_NATIVE_LLONG, 1, buf, NULL, H5P_DEFAULT) < 0) return -1;
	memcpy(out, buf, sizeof *out);
	return 0;
}

// nd_attr_read_enum reads a scalar enum attribute: member names and values
// (malloc'ed arrays) and the stored value. Returns the member count or -1.
static int nd_attr_read_enum(hid_t obj, const char *name, char ***names, long long **vals, long long *value) {
	*names = NULL;
	*vals = NULL;
	hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
	if (a < 0) return -1;
	hid_t t = H5Aget_type(a);
	hid_t super = t >= 0 ? H5Tget_super(t) : -1;
	int n = t >= 0 ? H5Tget_nmembers(t) : -1;
	int rc = -1;
	if (super < 0 || n < 0 || H5Tget_class(t) != H5T_ENUM) goto done;
	*names = (char **)calloc(n > 0 ? (size_t)n : 1, sizeof(char *));
	*vals = (long long *)calloc(n > 0 ? (size_t)n : 1, sizeof(long long));
	unsigned char buf[16];
	for (int i = 0; i < n; i++) {
		char *nm = H5Tget_member_name(t, (unsigned)i);
		if (!nm) goto done;
		(*names)[i] = strdup(nm);
		H5free_memory(nm);
		memset(buf, 0, sizeof buf);
		if (H5Tget_member_value(t, (unsigned)i, buf) < 0 || nd_to_ll(super, buf, &(*vals)[i]) < 0) goto done;
	}
	memset(buf, 0, sizeof buf);
	if (H5Aread(a, t, buf) < 0 || nd_to_ll(super, buf, value) < 0) goto done;
	rc = n;
done:
	if (rc < 0) {
		if (*names) {
			for (int i = 0; i < n; i++) free((*names)[i]);
			free(*names);
		}
		free(*vals);
		*names = NULL;
		*vals = NULL;
	}
	if (super >= 0) H5Tclose(super);
	if (t >= 0) H5Tclose(t);
	H5Aclose(a);
	return rc;
}

typedef struct {
	char **names;
	long long n, cap;
} nd_namelist;

static herr_t nd_attr_cb(hid_t loc, const char *name, const H5A_info_t *info, void *data) {
	nd_namelist *l = (nd_namelist *)data;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		l->names = (char **)realloc(l->names, (size_t)l->cap * sizeof(char *));
	}
	l->names[l->n++] = strdup(name);
	return 0;
}

// nd_attr_names lists the attribute names of obj in name order.
static long long nd_attr_names(hid_t obj, char ***out) {
	nd_namelist l = {NULL, 0, 0};
	hsize_t idx = 0;
	if (H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_INC, &idx, nd_attr_cb, &l) < 0) {
		for (long long i = 0; i < l.n; i++) free(l.names[i]);
		free(l.names);
		*out = NULL;
		return -1;
	}
	if (l.names == NULL) l.names = (char **)calloc(1, sizeof(char *));
	*out = l.names;
	return l.n;
}

#endif
