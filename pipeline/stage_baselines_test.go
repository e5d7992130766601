package pipeline

import "testing"

// TestBaselineTitle: the baseline table's title states the forecast
// horizon and the number of test windows of the run's data (it once said
// "One-step … 2,950 windows" whatever the horizon: with horizon 5 the
// test split has 2,946 windows of 5-step-ahead forecasts).
func TestBaselineTitle(t *testing.T) {
	for _, c := range []struct {
		horizon, windows int
		want             string
	}{
		{1, 2950, "One-step baselines on the Lorenz test split (2,950 windows, original units)"},
		{5, 2946, "5-step-ahead baselines on the Lorenz test split (2,946 windows, original units)"},
		{1, 950, "One-step baselines on the Lorenz test split (950 windows, original units)"},
		{2, 1234567, "2-step-ahead baselines on the Lorenz test split (1,234,567 windows, original units)"},
	} {
		if got := baselineTitle(c.horizon, c.windows); got != c.want {
			t.Errorf("baselineTitle(%d, %d) = %q, want %q", c.horizon, c.windows, got, c.want)
		}
	}
}
