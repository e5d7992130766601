package analysis

import (
	"cmp"
	"math"
	"slices"

	"gonum.org/v1/gonum/spatial/kdtree"

	"github.com/neurodyn/neurodyn/internal/detmath"
)

// kdPoint is a point of a sampled trajectory stored in a gonum k-d tree: x
// is a view of the point's coordinates, i its sample index (used for the
// Theiler window).
type kdPoint struct {
	x []float64
	i int
}

// Compare returns p.x[d] − c.x[d].
func (p *kdPoint) Compare(c kdtree.Comparable, d kdtree.Dim) float64 {
	return p.x[d] - c.(*kdPoint).x[d]
}

// Dims returns the dimension.
func (p *kdPoint) Dims() int { return len(p.x) }

// Distance returns the squared Euclidean distance.
func (p *kdPoint) Distance(c kdtree.Comparable) float64 {
	q := c.(*kdPoint).x
	x := p.x[:len(q)]
	var s float64
	for k, v := range x {
		d := v - q[k]
		s += float64(d * d)
	}
	return s
}

// kdPoints implements kdtree.Interface with a deterministic pivot: each
// split sorts its slice by the split coordinate (ties by sample index) and
// takes the middle element, so the tree does not depend on any random
// source.
type kdPoints []*kdPoint

func (p kdPoints) Index(i int) kdtree.Comparable { return p[i] }
func (p kdPoints) Len() int                      { return len(p) }
func (p kdPoints) Slice(start, end int) kdtree.Interface {
	return p[start:end]
}
func (p kdPoints) Pivot(d kdtree.Dim) int {
	slices.SortFunc(p, func(a, b *kdPoint) int {
		if c := cmp.Compare(a.x[d], b.x[d]); c != 0 {
			return c
		}
		return cmp.Compare(a.i, b.i)
	})
	return len(p) / 2
}

// buildTree builds a k-d tree over the first n points of the row-major
// block x (dimension dim). It returns the tree and the points in sample
// order (pts[i].i == i). After the build the points and a copy of their
// coordinates are laid out in the tree's depth-first order, so that a
// search touches memory mostly sequentially.
func buildTree(x []float64, dim, n int) (*kdtree.Tree, []*kdPoint) {
	tmp := make([]kdPoint, n)
	work := make(kdPoints, n)
	for i := range tmp {
		tmp[i] = kdPoint{x: x[i*dim : (i+1)*dim : (i+1)*dim], i: i}
		work[i] = &tmp[i]
	}
	t := kdtree.New(work, false)
	store := make([]kdPoint, 0, n)
	coords := make([]float64, 0, n*dim)
	pts := make([]*kdPoint, n)
	var walk func(nd *kdtree.Node)
	walk = func(nd *kdtree.Node) {
		for nd != nil {
			p := nd.Point.(*kdPoint)
			k := len(coords)
			coords = append(coords, p.x...)
			store = append(store, kdPoint{x: coords[k : k+dim : k+dim], i: p.i})
			q := &store[len(store)-1]
			nd.Point = q
			pts[p.i] = q
			walk(nd.Left)
			nd = nd.Right
		}
	}
	walk(t.Root)
	return t, pts
}

// nearestKeeper is a kdtree.Keeper that retains the single nearest point
// whose sample index differs from the query's by more than theiler and,
// when distinct is set, whose squared distance exceeds floor2 (points that
// coincide with the query to the data's resolution are passed over).
type nearestKeeper struct {
	best     kdtree.ComparableDist
	qi       int
	theiler  int
	distinct bool
	floor2   float64
}

func (k *nearestKeeper) reset(qi int) {
	k.best = kdtree.ComparableDist{Dist: math.Inf(1)}
	k.qi = qi
}

// Keep retains c if it is outside the Theiler window and nearer than the
// best so far; ties go to the smaller sample index, so the result does not
// depend on the tree's traversal order.
func (k *nearestKeeper) Keep(c kdtree.ComparableDist) {
	if c.Dist > k.best.Dist {
		return
	}
	p := c.Comparable.(*kdPoint)
	if d := p.i - k.qi; d <= k.theiler && -d <= k.theiler {
		return
	}
	if k.distinct && c.Dist <= k.floor2 {
		return
	}
	if c.Dist < k.best.Dist || k.best.Comparable == nil || p.i < k.best.Comparable.(*kdPoint).i {
		k.best = c
	}
}
func (k *nearestKeeper) Max() kdtree.ComparableDist { return k.best }
func (k *nearestKeeper) Len() int                   { return 1 }
func (k *nearestKeeper) Less(i, j int) bool         { return false }
func (k *nearestKeeper) Swap(i, j int)              {}
func (k *nearestKeeper) Push(x any)                 {}
func (k *nearestKeeper) Pop() any                   { return k.best }

// nearestOutside returns the index of the nearest neighbour of point q
// among the tree's points with |j − q.i| > theiler, and the squared
// distance; (-1, +Inf) when there is none.
func nearestOutside(t *kdtree.Tree, k *nearestKeeper, q *kdPoint) (int, float64) {
	k.reset(q.i)
	t.NearestSet(k, q)
	if k.best.Comparable == nil {
		return -1, math.Inf(1)
	}
	return k.best.Comparable.(*kdPoint).i, k.best.Dist
}

// rangeCounter is a kdtree.Keeper that counts, without storing them, the
// points within a maximal radius of the query, outside its Theiler window,
// into the bins of logarithmically spaced radii: counts[b] is incremented
// for the smallest b with d ≤ r_b (cumulated later).
type rangeCounter struct {
	sentinel kdtree.ComparableDist // Dist = r_max²
	r2       []float64             // squared radii, ascending
	logR0    float64               // ln r_0
	invStep  float64               // 1 / (ln r_{b+1} − ln r_b)
	counts   []int64
	qi       int
	theiler  int
}

func newRangeCounter(radii []float64, theiler int) *rangeCounter {
	c := &rangeCounter{r2: make([]float64, len(radii)), counts: make([]int64, len(radii)), theiler: theiler}
	for b, r := range radii {
		c.r2[b] = r * r
	}
	c.sentinel = kdtree.ComparableDist{Dist: c.r2[len(c.r2)-1]}
	c.logR0 = detmath.Log(radii[0])
	if len(radii) > 1 {
		c.invStep = float64(len(radii)-1) / (detmath.Log(radii[len(radii)-1]) - c.logR0)
	}
	return c
}

func (c *rangeCounter) Keep(cd kdtree.ComparableDist) {
	if cd.Dist > c.sentinel.Dist || cd.Comparable == nil {
		return
	}
	p := cd.Comparable.(*kdPoint)
	if d := p.i - c.qi; d <= c.theiler && -d <= c.theiler {
		return
	}
	b := 0
	if cd.Dist > c.r2[0] {
		b = int(math.Ceil((float64(0.5*detmath.Log(cd.Dist)) - c.logR0) * c.invStep))
		b = min(max(b, 0), len(c.r2)-1)
		// Correct the rounding of the logarithm at bin edges.
		for b > 0 && cd.Dist <= c.r2[b-1] {
			b--
		}
		for b < len(c.r2)-1 && cd.Dist > c.r2[b] {
			b++
		}
	}
	c.counts[b]++
}
func (c *rangeCounter) Max() kdtree.ComparableDist { return c.sentinel }
func (c *rangeCounter) Len() int                   { return 1 }
func (c *rangeCounter) Less(i, j int) bool         { return false }
func (c *rangeCounter) Swap(i, j int)              {}
func (c *rangeCounter) Push(x any)                 {}
func (c *rangeCounter) Pop() any                   { return c.sentinel }
