package layercheck

import (
	"bufio"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/neurodyn/neurodyn/"

// table reads DEVELOPERS.md's map: the layer of every package named in a
// row (backquoted; "examples/" and non-Go names are kept but match nothing)
// and the same-layer imports a row allows ("`a` may import `b`", "`a` may
// import `b` and `c`").
func table(t *testing.T, path string) (layer map[string]int, allowed map[[2]string]bool) {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	row := regexp.MustCompile("^\\| ([0-9]) \\| (.*?) \\| (.*) \\|$")
	name := regexp.MustCompile("`([a-z0-9_/]+)`")
	may := regexp.MustCompile("`([a-z0-9_/]+)` may import ((?:`[a-z0-9_/]+`(?:, | and )?)+)")
	layer, allowed = map[string]int{}, map[[2]string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		m := row.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		l, _ := strconv.Atoi(m[1])
		// the packages: backquoted names before the first parenthesis of
		// the cell (notes in parentheses name imports, not members)
		cell := m[2]
		var names []string
		depth := 0
		for _, part := range regexp.MustCompile("[()]|`[^`]*`").FindAllString(cell, -1) {
			switch part {
			case "(":
				depth++
			case ")":
				depth--
			default:
				if depth == 0 {
					names = append(names, strings.Trim(part, "`"))
				}
			}
		}
		for _, n := range names {
			layer[n] = l
		}
		for _, mm := range may.FindAllStringSubmatch(m[2]+" "+m[3], -1) {
			for _, b := range name.FindAllStringSubmatch(mm[2], -1) {
				allowed[[2]string{mm[1], b[1]}] = true
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return layer, allowed
}

// owner returns the package of the map that path (a directory relative to
// the module root) belongs to: itself or its nearest listed ancestor; ""
// for internal packages and tools under an internal/cmd.
func owner(path string, layer map[string]int) string {
	if strings.HasPrefix(path, "internal/") || strings.Contains(path, "/internal/cmd/") {
		return ""
	}
	for p := path; p != "." && p != "/"; p = filepath.Dir(p) {
		if _, ok := layer[p]; ok {
			return p
		}
	}
	return ""
}

// TestLayers: every import between the module's packages goes to a lower
// layer, or to the same layer where the map says so; internal packages may
// be imported from anywhere.
func TestLayers(t *testing.T) {
	root := filepath.Join("..", "..")
	layer, allowed := table(t, filepath.Join(root, "DEVELOPERS.md"))
	if len(layer) < 20 {
		t.Fatalf("read %d packages from the map in DEVELOPERS.md: its format changed", len(layer))
	}
	checked := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); p != root && (strings.HasPrefix(n, ".") || strings.HasPrefix(n, "_") || n == "testdata" || n == "build") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, filepath.Dir(p))
		from := owner(filepath.ToSlash(rel), layer)
		if from == "" {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, im := range f.Imports {
			path, _ := strconv.Unquote(im.Path.Value)
			if !strings.HasPrefix(path, module) {
				continue
			}
			to := owner(strings.TrimPrefix(path, module), layer)
			if to == "" || to == from {
				continue
			}
			checked++
			lf, lt := layer[from], layer[to]
			if lt > lf || (lt == lf && !allowed[[2]string{from, to}]) {
				t.Errorf("%s (layer %d) imports %s (layer %d): the map in DEVELOPERS.md does not allow it", p, lf, path, lt)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked == 0 {
		t.Fatal("no import checked")
	}
}
