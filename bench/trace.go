package bench

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"net/http"
	"slices"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/padron/padron/metrics"
)

// stageMetric is the server's histogram of a census record's realtime
// delivery stages (metrics.StageCommitted and the others).
const stageMetric = "padron_realtime_census_stage_seconds"

// stageCounts is, per stage, the cumulative count of each bucket's upper
// bound, as the server's /metrics said at one moment.
type stageCounts map[string]map[float64]uint64

// scrapeStages reads the server's delivery-stage histograms.
func scrapeStages(ctx context.Context, c *client, token string) (stageCounts, error) {
	_, body, err := c.do(ctx, http.MethodGet, metrics.Path, token, nil, http.StatusOK, nil)
	if err != nil {
		return nil, err
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("parsing %s: %w", metrics.Path, err)
	}
	out := stageCounts{}
	f := fams[stageMetric]
	if f == nil {
		return out, nil
	}
	for _, m := range f.Metric {
		stage := labelOf(m, "stage")
		out[stage] = map[float64]uint64{}
		for _, b := range m.GetHistogram().GetBucket() {
			out[stage][b.GetUpperBound()] = b.GetCumulativeCount()
		}
		out[stage][math.Inf(1)] = m.GetHistogram().GetSampleCount()
	}
	return out, nil
}

func labelOf(m *dto.Metric, name string) string {
	for _, l := range m.Label {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}

// stageQuantile is the q quantile of a stage between two scrapes, as the
// upper bound of the bucket it falls in (so "≤ 250 ms"), and how many
// observations there were; 0 bound for none or beyond the last bucket.
func stageQuantile(before, after stageCounts, stage string, q float64) (bound time.Duration, n uint64) {
	bounds := after[stage]
	var les []float64
	for le := range bounds {
		les = append(les, le)
	}
	slices.Sort(les)
	if len(les) == 0 {
		return 0, 0
	}
	total := bounds[les[len(les)-1]] - before[stage][les[len(les)-1]]
	if total == 0 {
		return 0, 0
	}
	want := uint64(q*float64(total) + 0.999999)
	for _, le := range les {
		if bounds[le]-before[stage][le] >= want {
			if math.IsInf(le, 1) {
				break
			}
			return time.Duration(le * float64(time.Second)), total
		}
	}
	return 0, total // beyond the largest bucket
}
