package tasks

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/param"
)

// RawSeries is a multivariate time series in original units: Len samples of
// Dim variables, row-major.
type RawSeries struct {
	Data     []float64
	Len, Dim int
	// Names names the variables when the file did: LoadSeries fills it
	// from a CSV header (Names[j] is variable j's name, in the order of
	// LoadOptions.Columns when given; a header cell may be empty). It is
	// nil when the file has no names (.npy, .npz, HDF5, text without a
	// header): reports then call the variables x, y, z or x1, x2, ….
	Names []string
}

// CSVHeader says whether a CSV file's first row is a header.
type CSVHeader int

const (
	// HeaderAuto treats the first row as a header when it holds a name (a
	// field that is neither empty nor numeric) and no field is numeric:
	// numbers, numerals beyond float64's range ("1e400") and missing-value
	// markers (NA, N/A, #N/A, NULL, None, NaN, any case) all count as
	// numeric, so such a first row is read as data and reported, not
	// dropped. Empty fields count neither way (pandas writes an empty name
	// above the index).
	HeaderAuto CSVHeader = iota
	// HeaderYes always skips (and records) the first row.
	HeaderYes
	// HeaderNo reads every row as data.
	HeaderNo
)

// LoadOptions configures LoadSeries. The zero value reads the format given
// by the file extension with automatic choices.
type LoadOptions struct {
	// Format is "npy", "npz", "hdf5" or "csv"; "" chooses by extension
	// (.npy, .npz, .h5/.hdf5/.he5, .csv/.txt/.tsv).
	Format string
	// Key is the array name in an .npz archive or the dataset path in an
	// HDF5 file ("/group/data"). It may be empty when the archive, or the
	// whole HDF5 file (its groups included), holds exactly one array;
	// with more, LoadSeries lists them with their shapes and asks for
	// Key rather than guess. It is refused for .npy files and delimited
	// text, which hold one array.
	Key string
	// Header and Comma configure delimited text (Comma 0: tab for .tsv,
	// otherwise taken from the first line: tab, ';', ',' or blanks, as
	// np.savetxt writes). Lines starting with '#' are comments; a UTF-8
	// byte-order mark is skipped. Both are refused (when not zero) for
	// the binary formats.
	Header CSVHeader
	Comma  rune
	// Columns selects and orders variables by column index (nil: all).
	// With nil, a first column that is a row index or a time axis is
	// refused (see LoadSeries): giving Columns is how to leave it out,
	// or to keep it.
	Columns []int
}

// Resolve returns the options LoadSeries reads path with: Format decided
// by the extension when empty, Comma a tab for a .tsv file when 0. An
// option that does not apply to the format is a parameter error naming
// it (Key for .npy and delimited text; Header and Comma for npy, npz and
// hdf5), so that nothing is silently ignored. An HDF5 Key is cleaned to
// one spelling ("grp/traj" and "/grp//traj" → "/grp/traj"). Two option
// sets that resolve alike read the same data from the same file; see
// Canonical for sets that read the same data although they differ.
func (o LoadOptions) Resolve(path string) (LoadOptions, error) {
	if o.Format == "" {
		switch strings.ToLower(filepath.Ext(path)) {
		case ".npy":
			o.Format = "npy"
		case ".npz":
			o.Format = "npz"
		case ".h5", ".hdf5", ".he5":
			o.Format = "hdf5"
		case ".csv", ".txt", ".tsv":
			o.Format = "csv"
		default:
			return o, param.New("tasks", "Format", "", fmt.Sprintf("given, since the extension of %q is not .npy, .npz, .h5, .hdf5, .csv, .txt or .tsv", path))
		}
	}
	switch o.Format {
	case "npy", "npz", "hdf5", "csv":
	default:
		return o, param.New("tasks", "Format", o.Format, "one of npy, npz, hdf5, csv")
	}
	if o.Key != "" && (o.Format == "npy" || o.Format == "csv") {
		return o, param.New("tasks", "Key", o.Key, fmt.Sprintf("left out for %s (a %s file holds one array; Key names an array in an .npz or a dataset in an HDF5 file)", path, o.Format))
	}
	if o.Format != "csv" {
		if o.Header != HeaderAuto {
			return o, param.New("tasks", "Header", o.Header, fmt.Sprintf("left out for %s (a header row exists only in delimited text: .csv, .tsv, .txt)", path))
		}
		if o.Comma != 0 {
			return o, param.New("tasks", "Comma", string(o.Comma), fmt.Sprintf("left out for %s (a delimiter exists only in delimited text: .csv, .tsv, .txt)", path))
		}
	}
	if o.Format == "hdf5" {
		o.Key = cleanHDF5Key(o.Key)
	}
	if o.Format == "csv" && o.Comma == 0 && strings.EqualFold(filepath.Ext(path), ".tsv") {
		o.Comma = '\t'
	}
	return o, nil
}

// String returns the header choice as the --header flag spells it: auto,
// yes or no.
func (h CSVHeader) String() string {
	switch h {
	case HeaderAuto:
		return "auto"
	case HeaderYes:
		return "yes"
	case HeaderNo:
		return "no"
	}
	return fmt.Sprintf("CSVHeader(%d)", int(h))
}

// LoadSeries reads a multivariate series from a file: a 1-D array is one
// variable, a 2-D array is samples × variables. Values must be finite.
// The options are resolved and checked first (LoadOptions.Resolve).
//
// With Columns nil, a first column that is not a variable is refused, as
// a parameter error naming Columns that says which columns to pass
// instead: a pandas index (a CSV whose first header cell is empty or
// "Unnamed: 0", as DataFrame.to_csv writes it), a column counting the
// rows (0, 1, 2, … or 1, 2, 3, … exactly, in a file of two or more
// columns), or a time axis: a first column of a file of two or more
// columns that increases in equal steps (to the rounding of values
// written with 6 significant digits, as printf's %g and np.savetxt's
// "%.6g" do; see equalSteps), header or not, or a first column named t,
// time or index that increases throughout. Refusing is safer than dropping it: a dropped
// column would shift every index the user gives afterwards, and a kept
// one silently becomes variable 0 (a ramp whose λ₁ is 0). Giving Columns
// explicitly, with or without it, is taken as the user's choice.
func LoadSeries(path string, o LoadOptions) (RawSeries, error) {
	o, err := o.Resolve(path)
	if err != nil {
		return RawSeries{}, err
	}
	r, err := readTable(path, o)
	if err != nil {
		return RawSeries{}, err
	}
	if r, err = SelectColumns(r, o.Columns, path, "--columns"); err != nil {
		return RawSeries{}, err
	}
	return r, checkFiniteSeries(path, r)
}

// SelectColumns applies LoadSeries' column rule to a series r read whole
// (a file's table, or an array a program gives: the C API's and Python's
// Series): with columns nil, a first column that is a row index or a time
// axis is refused (see LoadSeries) as a parameter error naming Columns
// that says which columns to pass instead; otherwise the columns listed
// are returned in that order (distinct indices in [0, r.Dim)). what names
// the data in the message (a path, "data") and how how Columns is given
// there (the CLI's "--columns").
func SelectColumns(r RawSeries, columns []int, what, how string) (RawSeries, error) {
	if columns != nil {
		return selectColumns(r, columns)
	}
	why := notAVariable(r)
	if why == "" {
		return r, nil
	}
	keep := make([]string, 0, r.Dim)
	for j := range r.Dim {
		keep = append(keep, strconv.Itoa(j))
	}
	allowed := fmt.Sprintf("given explicitly for %s: its first column %s, not a variable of the dynamics; pass Columns (%s) %s to leave it out, or %s to keep it",
		what, why, how, strings.Join(keep[1:], ","), strings.Join(keep, ","))
	if r.Dim == 1 {
		allowed = fmt.Sprintf("given explicitly for %s: its only column %s, not a variable of the dynamics; pass Columns (%s) 0 to use it anyway", what, why, how)
	}
	return RawSeries{}, param.New("tasks", "Columns", "all", allowed)
}

// readTable reads every column of the file at path with the resolved
// options o (Columns not applied).
func readTable(path string, o LoadOptions) (r RawSeries, err error) {
	switch o.Format {
	case "npy":
		var a export.NPZArray
		if a, err = export.ReadNPY(path); err == nil {
			r, err = fromArray(path, a.Data, a.Shape)
		}
	case "npz":
		r, err = loadNPZ(path, o.Key)
	case "hdf5":
		r, err = loadHDF5(path, o.Key)
	case "csv":
		r, err = loadCSV(path, o.Header, o.Comma)
	}
	return r, err
}

// Canonical returns o resolved (Resolve) and in the canonical form of
// the options that read the same data from the file at path, so that two
// option sets reading the same data compare equal: Header HeaderAuto when
// the header choice given is the one HeaderAuto makes for the file, and
// Columns nil when they list every column in order and LoadSeries
// accepts the file without them (see LoadSeries: with a first column
// that is not a variable, Columns are kept). Resolve already cleans an
// HDF5 Key. The file is read only when Header or Columns are given (the
// whole table for Columns); an error reading it is returned.
func (o LoadOptions) Canonical(path string) (LoadOptions, error) {
	o, err := o.Resolve(path)
	if err != nil {
		return o, err
	}
	if o.Format == "csv" && o.Header != HeaderAuto {
		auto := o
		auto.Header = HeaderAuto
		if r, err := readTable(path, auto); err == nil && (r.Names != nil) == (o.Header == HeaderYes) {
			o.Header = HeaderAuto
		}
	}
	if o.Columns != nil {
		r, err := readTable(path, o)
		if err != nil {
			return o, err
		}
		all := len(o.Columns) == r.Dim
		for i, c := range o.Columns {
			all = all && c == i
		}
		if all && notAVariable(r) == "" {
			o.Columns = nil
		}
	}
	return o, nil
}

// cleanHDF5Key returns an HDF5 dataset path in one spelling: absolute,
// without repeated or trailing slashes ("grp/traj", "/grp//traj/" →
// "/grp/traj"). "" stays "" (no Key); "." and ".." are left as they are
// (HDF5 does not read them as the shell does).
func cleanHDF5Key(key string) string {
	if key == "" {
		return ""
	}
	parts := strings.FieldsFunc(key, func(r rune) bool { return r == '/' })
	return "/" + strings.Join(parts, "/")
}

// notAVariable returns why r's first column is a row index or a time axis
// rather than a variable (see LoadSeries), or "".
func notAVariable(r RawSeries) string {
	if r.Len < 2 || r.Dim < 1 {
		return ""
	}
	name := ""
	if r.Names != nil {
		name = strings.TrimSpace(r.Names[0])
		if name == "" || strings.HasPrefix(name, "Unnamed: 0") {
			return fmt.Sprintf("has the header %q, as pandas writes its index (DataFrame.to_csv; index=False leaves it out)", r.Names[0])
		}
	}
	col := func(i int) float64 { return r.Data[i*r.Dim] }
	if r.Dim >= 2 && (col(0) == 0 || col(0) == 1) {
		counts := true
		for i := 1; i < r.Len && counts; i++ {
			counts = col(i) == col(0)+float64(i)
		}
		if counts {
			return fmt.Sprintf("counts the rows (%g, %g, …, %g): a row index", col(0), col(1), col(r.Len-1))
		}
	}
	switch strings.ToLower(name) {
	case "t", "time", "index":
		for i := 1; i < r.Len; i++ {
			if !(col(i) > col(i-1)) {
				return ""
			}
		}
		return fmt.Sprintf("is named %q and increases throughout (%g to %g): a time axis (the sample interval is given as Dt, --dt)", name, col(0), col(r.Len-1))
	}
	if r.Dim >= 2 && r.Len >= 3 {
		if step, ok := equalSteps(r.Len, col); ok {
			return fmt.Sprintf("increases in equal steps (%g, %g, …, %g; step %.6g): a time axis (the sample interval is given as Dt, --dt)", col(0), col(1), col(r.Len-1), step)
		}
	}
	return ""
}

// equalSteps reports whether the n values col(0), …, col(n−1) increase
// strictly in equal steps, and the mean step. Steps may differ by what
// writing the values to 6 significant digits (printf's %g) changes: each
// value by up to 5e-6 of its magnitude, so a step by up to 1e-5 of the
// largest magnitude; and by no more than a quarter of the mean step, so
// a slowly varying monotone variable far from 0 (a cumulative count of
// unequal increments, a drift) is not taken for a time axis.
func equalSteps(n int, col func(int) float64) (float64, bool) {
	first, last := col(0), col(n-1)
	step := (last - first) / float64(n-1)
	if !(step > 0) || math.IsInf(step, 0) {
		return step, false
	}
	tol := min(float64(1.1e-5*max(math.Abs(first), math.Abs(last))), float64(0.25*step)) + float64(1e-9*step) // rounded products: arm64 does not fuse
	for i := 1; i < n; i++ {
		d := col(i) - col(i-1)
		if !(d > 0) || math.Abs(d-step) > tol {
			return step, false
		}
	}
	return step, true
}

func checkFiniteSeries(what string, r RawSeries) error {
	for i, v := range r.Data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return param.New("tasks", fmt.Sprintf("%s: sample %d, variable %d", what, i/r.Dim, i%r.Dim), v, "finite")
		}
	}
	return nil
}

func selectColumns(r RawSeries, cols []int) (RawSeries, error) {
	if len(cols) == 0 {
		return r, param.New("tasks", "Columns", "[]", "nil (all) or at least one column")
	}
	for i, c := range cols {
		if c < 0 || c >= r.Dim {
			return r, param.New("tasks", "Columns", c, fmt.Sprintf("column indices in [0, %d)", r.Dim))
		}
		if slices.Contains(cols[:i], c) { // a repeated variable is an exact collinearity, no new information
			return r, param.New("tasks", "Columns", fmt.Sprint(cols), fmt.Sprintf("distinct column indices (%d is given twice)", c))
		}
	}
	out := RawSeries{Len: r.Len, Dim: len(cols), Data: make([]float64, r.Len*len(cols))}
	for i := 0; i < r.Len; i++ {
		for k, c := range cols {
			out.Data[i*len(cols)+k] = r.Data[i*r.Dim+c]
		}
	}
	if r.Names != nil {
		for _, c := range cols {
			out.Names = append(out.Names, r.Names[c])
		}
	}
	return out, nil
}

func fromArray(what string, data any, shape []int) (RawSeries, error) {
	x, ok := export.Float64s(data)
	if !ok {
		return RawSeries{}, fmt.Errorf("tasks: %s holds %T: %w (must be numeric)", what, data, param.ErrInvalid)
	}
	switch len(shape) {
	case 1:
		return RawSeries{Data: x, Len: shape[0], Dim: 1}, nil
	case 2:
		if shape[1] == 0 {
			break
		}
		return RawSeries{Data: x, Len: shape[0], Dim: shape[1]}, nil
	}
	return RawSeries{}, fmt.Errorf("tasks: %s has shape %v: %w (must be 1-D or 2-D samples×variables)", what, shape, param.ErrInvalid)
}

func loadNPZ(path, key string) (RawSeries, error) {
	arrs, err := export.ReadNPZ(path)
	if err != nil {
		return RawSeries{}, err
	}
	var names []string
	for _, a := range arrs {
		names = append(names, fmt.Sprintf("%s %s", a.Name, shapeString(a.Shape)))
		if a.Name == key || (key == "" && len(arrs) == 1) {
			return fromArray(path+":"+a.Name, a.Data, a.Shape)
		}
	}
	return RawSeries{}, param.New("tasks", "Key", key, fmt.Sprintf("one of the arrays in %s: %s", path, strings.Join(names, ", ")))
}

func loadHDF5(path, key string) (r RawSeries, err error) {
	f, err := export.Open(path)
	if err != nil {
		return r, err
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	var ds []hdf5Dataset
	list := func() string {
		if len(ds) == 0 {
			return "none"
		}
		var b []string
		for _, d := range ds {
			b = append(b, d.path+" "+shapeString(d.shape))
		}
		if len(ds) >= maxHDF5Datasets {
			b = append(b, "…")
		}
		return strings.Join(b, ", ")
	}
	if key == "" {
		if err := hdf5Datasets(&f.Group, 0, &ds); err != nil {
			return r, fmt.Errorf("tasks: %s: %w", path, err)
		}
		if len(ds) != 1 {
			return r, param.New("tasks", "Key", "", fmt.Sprintf("the path of the dataset to read in %s (Key, --key), since it holds %d datasets, groups included: %s", path, len(ds), list()))
		}
		key = ds[0].path
	}
	x, shape, err := export.Read[float64](&f.Group, strings.TrimPrefix(key, "/"))
	if err != nil {
		// Say which datasets there are, as for an .npz's arrays (when the
		// file can be listed; the read error is kept either way).
		if lerr := hdf5Datasets(&f.Group, 0, &ds); lerr == nil && !slices.ContainsFunc(ds, func(d hdf5Dataset) bool { return d.path == cleanHDF5Key(key) }) {
			return r, fmt.Errorf("tasks: dataset %q of %s: %w (Key, --key, must be one of the datasets in the file, groups included: %s): %w", key, path, err, list(), param.ErrInvalid)
		}
		return r, fmt.Errorf("tasks: dataset %q of %s: %w", key, path, err)
	}
	return fromArray(path+":"+key, x, shape)
}

// maxHDF5Datasets and maxHDF5Depth bound the search of hdf5Datasets
// (a file with more datasets is not a series; links may form cycles).
const (
	maxHDF5Datasets = 64
	maxHDF5Depth    = 16
)

// hdf5Dataset is a dataset found by hdf5Datasets: its full path and shape.
type hdf5Dataset struct {
	path  string
	shape []int
}

// hdf5Datasets appends to out every dataset under g, recursively, in name
// order, up to maxHDF5Datasets.
func hdf5Datasets(g *export.Group, depth int, out *[]hdf5Dataset) error {
	if depth > maxHDF5Depth {
		return fmt.Errorf("groups nested deeper than %d (or linked in a cycle)", maxHDF5Depth)
	}
	ms, err := g.Members()
	if err != nil {
		return err
	}
	for _, m := range ms {
		if len(*out) >= maxHDF5Datasets {
			return nil
		}
		switch m.Kind {
		case export.KindDataset:
			d, err := g.OpenDataset(m.Name)
			if err != nil {
				return err
			}
			shape, err := d.Shape()
			d.Close()
			if err != nil {
				return err
			}
			name := g.ObjectName() + "/" + m.Name
			if g.ObjectName() == "/" {
				name = "/" + m.Name
			}
			*out = append(*out, hdf5Dataset{name, shape})
		case export.KindGroup:
			sub, err := g.OpenGroup(m.Name)
			if err != nil {
				return err
			}
			err = hdf5Datasets(sub, depth+1, out)
			sub.Close()
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// shapeString writes a shape as NumPy does: (5000, 3), (5000,), ().
func shapeString(shape []int) string {
	parts := make([]string, len(shape))
	for i, n := range shape {
		parts[i] = strconv.Itoa(n)
	}
	if len(shape) == 1 {
		return "(" + parts[0] + ",)"
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// loadCSV reads delimited text. A UTF-8 byte-order mark is skipped; comma
// 0 takes the delimiter from the first line that is not a comment (see
// sniffComma).
func loadCSV(path string, header CSVHeader, comma rune) (RawSeries, error) {
	text, err := os.ReadFile(path)
	if err != nil {
		return RawSeries{}, fmt.Errorf("tasks: %w", err)
	}
	text = bytes.TrimPrefix(text, []byte("\ufeff"))
	if comma == 0 {
		comma = sniffComma(text)
	}
	cr := csv.NewReader(bytes.NewReader(text))
	cr.Comma = comma
	cr.Comment = '#'
	cr.TrimLeadingSpace = true
	cr.FieldsPerRecord = -1 // rows of the wrong width are reported below, by line
	var r RawSeries
	row := 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return RawSeries{}, fmt.Errorf("tasks: %s: %w: %w", path, err, param.ErrInvalid)
		}
		if comma == ' ' && len(rec) > 0 && rec[len(rec)-1] == "" {
			rec = rec[:len(rec)-1] // trailing blanks (np.savetxt writes none, editors may)
		}
		row++
		if row == 1 {
			isHeader := header == HeaderYes
			if header == HeaderAuto {
				isHeader = headerRow(rec)
			}
			r.Dim = len(rec)
			if isHeader {
				for _, f := range rec {
					r.Names = append(r.Names, strings.TrimSpace(f))
				}
				continue
			}
		}
		if len(rec) != r.Dim {
			line, _ := cr.FieldPos(0)
			return RawSeries{}, fmt.Errorf("tasks: %s line %d: %d fields, want %d (as the first line; delimiter %q): %w", path, line, len(rec), r.Dim, comma, param.ErrInvalid)
		}
		for k, f := range rec {
			v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil {
				line, _ := cr.FieldPos(k)
				field := fmt.Sprintf("field %d", k+1)
				if r.Names != nil {
					field += fmt.Sprintf(" (%s)", r.Names[k])
				}
				why := "is not a number"
				switch {
				case errors.Is(err, strconv.ErrRange):
					why = "overflows float64 (|x| > 1.8e308): rescale the data"
				case missingValue(f):
					why = "is a missing value: fill or drop the row"
				case strings.TrimSpace(f) == "":
					why = "is empty (a missing value): fill or drop the row"
				}
				if row == 1 && header == HeaderAuto {
					why += "; if the first line is a header, say so (LoadOptions.Header = HeaderYes, --header yes)"
				}
				return RawSeries{}, fmt.Errorf("tasks: %s line %d %s: %q %s: %w", path, line, field, f, why, param.ErrInvalid)
			}
			r.Data = append(r.Data, v)
		}
		r.Len++
	}
	if r.Len == 0 {
		return RawSeries{}, fmt.Errorf("tasks: %s: no data rows: %w", path, param.ErrInvalid)
	}
	return r, nil
}

// headerRow reports whether a first row is a header under HeaderAuto: at
// least one field is a name (neither empty nor numeric) and none is
// numeric (a number, a numeral out of float64's range, a missing-value
// marker).
func headerRow(rec []string) bool {
	name := false
	for _, f := range rec {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		_, err := strconv.ParseFloat(f, 64)
		if err == nil || errors.Is(err, strconv.ErrRange) || missingValue(f) {
			return false
		}
		name = true
	}
	return name
}

// missingValue reports whether f is a common missing-value marker (NA,
// N/A, #N/A, NULL, None, NaN with a sign, in any case).
func missingValue(f string) bool {
	switch strings.ToLower(strings.TrimLeft(strings.TrimSpace(f), "+-")) {
	case "na", "n/a", "#n/a", "null", "none", "nan":
		return true
	}
	return false
}

// sniffComma returns the delimiter of delimited text from its first line
// that is neither empty nor a comment: a tab if it holds one, else ';'
// (spreadsheets in locales with a decimal comma write "1,5;2"), else ',',
// else a blank (np.savetxt's default), else ','.
func sniffComma(text []byte) rune {
	for _, line := range strings.Split(string(text), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		for _, c := range []rune{'\t', ';', ','} {
			if strings.ContainsRune(line, c) {
				return c
			}
		}
		if strings.ContainsRune(line, ' ') {
			return ' '
		}
		break
	}
	return ','
}

// SeriesConfig describes how a user's series becomes a Dataset. The zero
// value splits 70/15/15 by count, in time order, and windows like Lorenz.
type SeriesConfig struct {
	// Name names the task (0 → "user").
	Name string
	// Dt is the sample interval in the series' time unit (0 → 1).
	Dt float64
	// TrainFrac and ValFrac are the fractions of samples, in time order,
	// for train and val; test gets the rest. Each defaults on its own
	// (TrainFrac 0 → 0.7, ValFrac 0 → 0.15), so giving one keeps the
	// other's default; both must end up > 0 with a sum < 1.
	TrainFrac, ValFrac float64
	// Ranges, when non-nil, gives the sample ranges [start, end) of train,
	// val, test and optionally eval explicitly (3 or 4 ranges) instead of
	// fractions; ranges may not overlap.
	Ranges [][2]int
	// SeqLength, Horizon, Stride as in LorenzConfig (0 → 50, 1, 1).
	SeqLength, Horizon, Stride int
}

func (c SeriesConfig) withDefaults() SeriesConfig {
	if c.Name == "" {
		c.Name = "user"
	}
	if c.Dt == 0 {
		c.Dt = 1
	}
	if c.TrainFrac == 0 {
		c.TrainFrac = 0.7
	}
	if c.ValFrac == 0 {
		c.ValFrac = 0.15
	}
	if c.SeqLength == 0 {
		c.SeqLength = 50
	}
	if c.Horizon == 0 {
		c.Horizon = 1
	}
	if c.Stride == 0 {
		c.Stride = 1
	}
	return c
}

// FromSeries splits a user's series (by fractions or Ranges), normalizes
// every split with the train mean and population std and returns the
// Dataset, windowed like Lorenz. Every split must hold at least one window.
func FromSeries(r RawSeries, c SeriesConfig) (*Dataset, error) {
	c = c.withDefaults()
	if r.Dim <= 0 || r.Len <= 0 || len(r.Data) != r.Len*r.Dim {
		return nil, param.New("tasks", "series", fmt.Sprintf("Len=%d Dim=%d len(Data)=%d", r.Len, r.Dim, len(r.Data)), "Len, Dim > 0 and len(Data) = Len·Dim")
	}
	if r.Names != nil && len(r.Names) != r.Dim {
		return nil, param.New("tasks", "series Names", len(r.Names), fmt.Sprintf("nil or one name per variable (Dim = %d)", r.Dim))
	}
	if err := checkFiniteSeries("series", r); err != nil {
		return nil, err
	}
	ranges := c.Ranges
	if ranges == nil {
		if !(c.TrainFrac > 0 && c.ValFrac > 0 && c.TrainFrac+c.ValFrac < 1) {
			return nil, param.New("tasks", "TrainFrac/ValFrac", fmt.Sprintf("%g/%g", c.TrainFrac, c.ValFrac), "both > 0 with a sum < 1 (test gets the rest; 0 or omitted: 0.7 and 0.15)")
		}
		nTrain := int(math.Round(c.TrainFrac * float64(r.Len)))
		nVal := int(math.Round(c.ValFrac * float64(r.Len)))
		ranges = [][2]int{{0, nTrain}, {nTrain, nTrain + nVal}, {nTrain + nVal, r.Len}}
		for _, rg := range ranges {
			if rg[0] >= rg[1] {
				return nil, param.New("tasks", "series", fmt.Sprintf("%d samples", r.Len), fmt.Sprintf("enough samples that TrainFrac %g and ValFrac %g leave every split non-empty", c.TrainFrac, c.ValFrac))
			}
		}
	} else if len(ranges) != 3 && len(ranges) != 4 {
		return nil, param.New("tasks", "Ranges", len(ranges), "3 ranges (train, val, test) or 4 (plus eval)")
	}
	for i, rg := range ranges {
		if rg[0] < 0 || rg[1] > r.Len || rg[0] >= rg[1] {
			return nil, param.New("tasks", fmt.Sprintf("Ranges[%d]", i), rg, fmt.Sprintf("0 <= start < end <= %d", r.Len))
		}
		for j := 0; j < i; j++ {
			if rg[0] < ranges[j][1] && ranges[j][0] < rg[1] {
				return nil, param.New("tasks", fmt.Sprintf("Ranges[%d]", i), rg, fmt.Sprintf("disjoint from Ranges[%d] = %v", j, ranges[j]))
			}
		}
	}
	parts := make([]RawSeries, len(ranges))
	for i, rg := range ranges {
		parts[i] = RawSeries{Data: append([]float64(nil), r.Data[rg[0]*r.Dim:rg[1]*r.Dim]...), Len: rg[1] - rg[0], Dim: r.Dim, Names: r.Names}
	}
	d, err := FromSplits(parts, c)
	if err != nil {
		return nil, err
	}
	flat := make([]int64, 0, 2*len(ranges))
	for _, rg := range ranges {
		flat = append(flat, int64(rg[0]), int64(rg[1]))
	}
	d.Params["ranges"] = flat
	if c.Ranges == nil {
		d.Params["train_frac"] = c.TrainFrac
		d.Params["val_frac"] = c.ValFrac
	}
	return d, nil
}

// FromSplits builds a Dataset from separate train, val, test (and optional
// eval) series, as Lorenz's independent trajectories, normalizing all with
// the train statistics. The series are copied. The statistics are computed
// without overflow (values near ±1e308 give a finite mean and std); a value
// that overflows once normalized is a param error naming its split, sample
// and variable, as is a constant train variable.
func FromSplits(parts []RawSeries, c SeriesConfig) (*Dataset, error) {
	c = c.withDefaults()
	if len(parts) != 3 && len(parts) != 4 {
		return nil, param.New("tasks", "splits", len(parts), "3 (train, val, test) or 4 (plus eval)")
	}
	if err := param.First(
		param.Positive("tasks", "Dt", c.Dt),
		param.PositiveInt("tasks", "SeqLength", c.SeqLength),
		param.PositiveInt("tasks", "Horizon", c.Horizon),
		param.PositiveInt("tasks", "Stride", c.Stride),
	); err != nil {
		return nil, err
	}
	names := []string{"train", "val", "test", "eval"}
	dim := parts[0].Dim
	for i, p := range parts {
		if p.Dim != dim || p.Len <= 0 || len(p.Data) != p.Len*p.Dim {
			return nil, param.New("tasks", "split "+names[i], fmt.Sprintf("Len=%d Dim=%d", p.Len, p.Dim), fmt.Sprintf("non-empty with Dim = %d (the train split's)", dim))
		}
		if err := checkFiniteSeries("split "+names[i], p); err != nil {
			return nil, err
		}
	}
	d := &Dataset{Name: c.Name, Dim: dim, Dt: c.Dt, SeqLength: c.SeqLength, Horizon: c.Horizon, Stride: c.Stride}
	d.Mean, d.Std = meanStd(parts[0].Data, dim)
	variable := func(j int) string {
		if parts[0].Names != nil {
			return fmt.Sprintf("variable %d (%s)", j, parts[0].Names[j])
		}
		return fmt.Sprintf("variable %d", j)
	}
	for j, s := range d.Std {
		if !(s > 0) {
			return nil, param.New("tasks", "split train", variable(j)+" constant", "every variable varying (std > 0) in the train split")
		}
		if m := d.Mean[j]; math.IsInf(s, 0) || math.IsNaN(m) || math.IsInf(m, 0) {
			return nil, param.New("tasks", "split train", fmt.Sprintf("%s with mean %g, std %g", variable(j), m, s), "a finite mean and std (rescale the variable)")
		}
	}
	dst := []*Series{&d.Train, &d.Val, &d.Test, &d.Eval}
	for i, p := range parts {
		x := append([]float64(nil), p.Data...)
		normalizeInPlace(x, d.Mean, d.Std)
		for k, v := range x {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, param.New("tasks", fmt.Sprintf("split %s: sample %d, %s", names[i], k/dim, variable(k%dim)), p.Data[k],
					fmt.Sprintf("within float64 range once normalized with the train mean %g and std %g (rescale the variable)", d.Mean[k%dim], d.Std[k%dim]))
			}
		}
		*dst[i] = newSeries(names[i], x, dim)
		if i < 3 {
			if _, err := NewWindows(dst[i], c.SeqLength, c.Horizon, c.Stride); err != nil {
				return nil, err
			}
		}
	}
	d.Params = map[string]any{
		"task":          c.Name,
		"dt":            c.Dt,
		"seq_length":    int64(c.SeqLength),
		"horizon":       int64(c.Horizon),
		"stride":        int64(c.Stride),
		"normalization": "z-score with train mean and population std (ddof 0)",
	}
	if parts[0].Names != nil {
		d.Params["variables"] = strings.Join(parts[0].Names, ",")
	}
	return d, nil
}
