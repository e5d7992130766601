package kernel

import (
	"fmt"
	"math"
)

// TripletHistoriesAligned reports an error unless every stdp_triplet
// projection of net keeps one o₂ value per postsynaptic history entry,
// each (o₂ just before the spike) following from the one before
// ((o₂ + 1)·e^{−Δt/τ_y}), and its targets' last spikes carry the last; the
// other kinds keep none.
func TripletHistoriesAligned(net *Network) error {
	for _, pr := range net.plastic {
		s := pr.stdp
		if !s.triplet {
			if s.hy != nil || s.tailY != nil || s.pre[0].k2 != nil {
				return fmt.Errorf("projection[%d]: o₂ or r₂ kept for kind %s", pr.index, pr.plan.spec.Plasticity.Kind)
			}
			continue
		}
		for j, h := range s.hist {
			ys := s.hy[j]
			if len(ys) != len(h) {
				return fmt.Errorf("projection[%d] target %d: %d history entries, %d o₂ values", pr.index, j, len(h), len(ys))
			}
			for e := 1; e < len(h); e++ {
				want := (ys[e-1] + 1) * math.Exp(-float64(h[e].Step-h[e-1].Step)*s.yStep)
				if math.Abs(ys[e]-want) > 1e-12*(1+want) {
					return fmt.Errorf("projection[%d] target %d entry %d: o₂ %v, want %v", pr.index, j, e, ys[e], want)
				}
			}
			if n := len(h); n > 0 && (s.tail[j].Step != h[n-1].Step || s.tailY[j] != ys[n-1]) {
				return fmt.Errorf("projection[%d] target %d: last spike %+v with o₂ %v, history ends with step %d, o₂ %v", pr.index, j, s.tail[j], s.tailY[j], h[n-1].Step, ys[n-1])
			}
		}
	}
	return nil
}
